# SPDX-License-Identifier: MIT
"""Instruction budgets: the exact (icount) figures held to a checked-in
file, tests/budgets.cfg. One row per (backend, vCPUs, benchmark):

    backend  vcpus  bench  p50  [kind=max ...]

p50 is the most guest instructions per operation the benchmark's p50 may
take; each kind=max bounds that kind's transitions per operation (the
guest's ledger); a kind not listed may not exceed UNLISTED per operation.
"""
import math

from .console import LEDGER_KINDS

UNLISTED = 0.05     # transitions/op a kind without a budget may reach
# --write-budgets: today's p50 plus 5 % (10 % under Xen, whose emulated TSC
# and timers move a figure by an instruction or two between runs and a
# slice-bound one by a few per cent), and today's transitions/op plus 10 %
# and 0.05 (under Xen the count of trapped clock reads per op moves in the
# second decimal with where its timer interrupts land).
P50_MARGIN = 0.05
P50_MARGIN_XEN = 0.10
KIND_MARGIN_REL = 0.10
KIND_MARGIN = 0.05


class BudgetError(Exception):
    pass


def load(path):
    rows = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) < 4:
                raise BudgetError("%s:%d: want: backend vcpus bench p50 "
                                  "[kind=max ...]" % (path, no))
            try:
                row = {"backend": words[0], "vcpus": int(words[1]),
                       "bench": words[2], "p50": int(words[3]), "kinds": {}}
                for w in words[4:]:
                    k, v = w.split("=", 1)
                    if k not in LEDGER_KINDS:
                        raise ValueError("unknown kind %r" % k)
                    row["kinds"][k] = float(v)
            except ValueError as e:
                raise BudgetError("%s:%d: %s" % (path, no, e))
            rows.append(row)
    return rows


def check_row(row, r):
    """Reasons the result r breaks the budget row (empty: it holds)."""
    why = []
    if r["p50"] > row["p50"]:
        why.append("p50 %d > %d instructions (+%.1f %%)" % (
            r["p50"], row["p50"], 100.0 * (r["p50"] - row["p50"]) / row["p50"]))
    per_op = r.get("ledger_per_op")
    if per_op is None:
        return why + ["no transition ledger in the result"]
    for k in LEDGER_KINDS:
        lim = row["kinds"].get(k, UNLISTED)
        if per_op.get(k, 0) > lim + 1e-9:
            why.append("%s %.2f/op > %.2f" % (k, per_op[k], lim))
    return why


def check(rows, all_data, find):
    """Prints the budget table; returns the number of failed rows.
    all_data: {backend: data}; find(rows, key) -> result or None."""
    failed = n = 0
    print("\nbudgets (exact figures under icount; p50 instructions/op, "
          "transitions/op by kind):")
    print("  %-18s %-16s %5s %9s %9s  %s" % ("bench", "backend", "vcpus",
                                             "p50", "budget", "verdict"))
    for row in rows:
        d = all_data.get(row["backend"])
        if d is None or d["config"]["vcpus"] != row["vcpus"]:
            continue
        n += 1
        r = find(d["results"], row["bench"])
        why = ["no result"] if r is None else check_row(row, r)
        failed += bool(why)
        print("  %-18s %-16s %5d %9s %9d  %s" % (
            row["bench"], row["backend"], row["vcpus"],
            r["p50"] if r else "-", row["p50"],
            "FAIL: " + "; ".join(why) if why else "ok"))
    held = {(r["backend"], r["bench"]) for r in rows}
    for be, d in all_data.items():
        if not any(r["backend"] == be for r in rows):
            continue
        free = [x["key"] for x in d["results"] if (be, x["key"]) not in held]
        if free:
            print("  not held to a budget on %s: %s (tests/budgets.cfg says "
                  "why)" % (be, ", ".join(free)))
    print("budgets: %d passed, %d failed" % (n - failed, failed))
    return failed if n else -1


def write(path, all_data, order):
    """Today's exact figures plus the margins, as a budget file."""
    lines = ["# SPDX-License-Identifier: MIT",
             "# Instruction budgets for the icount lab (tools/lab --budgets):",
             "# backend vcpus bench p50 [kind=max transitions/op ...]; a kind",
             "# not listed may reach %.2f/op. Written by tools/lab "
             "--write-budgets" % UNLISTED,
             "# (today's p50 + %d %%, + %d %% under Xen; transitions + %d %% + "
             "%.2f)." % (P50_MARGIN * 100, P50_MARGIN_XEN * 100,
                         KIND_MARGIN_REL * 100, KIND_MARGIN)]
    for be, d in all_data.items():
        for key in order:
            r = next((x for x in d["results"] if x["key"] == key), None)
            if r is None or "ledger_per_op" not in r:
                continue
            kinds = ["%s=%.2f" % (k, math.ceil(
                (v * (1 + KIND_MARGIN_REL) + KIND_MARGIN) * 100) / 100)
                for k, v in r["ledger_per_op"].items() if v > UNLISTED]
            margin = P50_MARGIN_XEN if "xen" in be else P50_MARGIN
            row = "%-17s %2d  %-16s %8d  %s" % (
                be, d["config"]["vcpus"], key,
                math.ceil(r["p50"] * (1 + margin)), " ".join(kinds))
            lines.append(row.rstrip())
    with open(path, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
