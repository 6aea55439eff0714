# SPDX-License-Identifier: MIT
"""Reads what the guest (and hv) print: BENCH, BENCHLEDGER, BENCHHIST,
BENCHRATE, BENCH_CLOCK_ERROR and HV_MARK lines -> one dict per benchmark
result."""
import json
import re

LEDGER_KINDS = ["timer", "ipi", "eoi", "halt", "hypercall", "io", "mmio",
                "cpuid", "msr", "tsc"]
LINE = re.compile(r"(BENCH|BENCHHIST|BENCHLEDGER|BENCHRATE|HV_MARK (\d+)) "
                  r"(\{.*\})\s*$")


def bench_list(lines):
    """The benchmarks a boot tries, in order: its BENCHLIST lines."""
    out = []
    for line in lines:
        m = re.search(r"BENCHLIST ([\w,]+)\s*$", line)
        if m:
            out += [n for n in m.group(1).split(",") if n]
    return out


def parse(lines, backend, idle, warn=None):
    """Console lines of one boot -> list of result dicts (key: name, or
    name@poll for the idle=poll boot). A BENCH-kind line that does not
    parse (cut at the guest's 511-byte console line limit, say) is passed
    to warn, never dropped silently."""
    res, hist, marks, ledger, clock_err, rate = {}, {}, {}, {}, {}, {}
    for line in lines:
        m = re.search(r"BENCH_CLOCK_ERROR (\w+): (.*)$", line)
        if m:
            clock_err[m.group(1)] = m.group(2).strip()
            continue
        m = LINE.search(line)
        if not m:
            if warn and re.search(r"(BENCH|BENCHHIST|BENCHLEDGER|BENCHRATE) "
                                  r"\{", line):
                warn("%s: unparsable line (cut short?): %s" % (
                    backend, line.strip()[:100]))
            continue
        try:
            obj = json.loads(m.group(3))
        except ValueError:
            if warn:
                warn("%s: bad JSON: %s" % (backend, line.strip()[:100]))
            continue
        kind = m.group(1)
        if kind == "BENCH":
            res[obj["name"]] = obj
        elif kind == "BENCHHIST":
            hist.setdefault(obj["name"], []).extend(obj["buckets"])
        elif kind == "BENCHRATE":
            rate[obj["name"]] = obj
        elif kind == "BENCHLEDGER":
            ledger.setdefault(obj["name"], {})[obj["cpu"]] = {
                k: obj.get(k, 0) for k in LEDGER_KINDS + ["steal_ns"]}
        else:
            marks[int(m.group(2))] = obj
    out = []
    for name, r in res.items():
        r["buckets"] = hist.get(name, [])
        r["backend"] = backend
        r["key"] = name + ("@poll" if idle == "poll" else "")
        led = ledger.get(name, {})
        if -1 in led:
            # steal_ns rides on the ledger lines: ns stolen from each vCPU
            # while the benchmark ran, not a transition.
            r["steal_cpu"] = {c: v.pop("steal_ns") for c, v in led.items()
                              if c >= 0}
            r["steal_ns"] = led[-1].pop("steal_ns")
            r["ledger"] = led[-1]
            r["ledger_cpu"] = {c: v for c, v in led.items() if c >= 0}
            # Per operation: per sample, or per counted operation where
            # the benchmark gives a rate (its samples are not operations).
            n = max(rate[name]["ops"] if name in rate else r["n"], 1)
            r["ledger_per_op"] = {k: v / n for k, v in led[-1].items()}
        if name in rate:
            r["ops_per_s"] = rate[name]["ops_per_s"]
            # ns per operation over the whole machine: under icount,
            # guest instructions of all vCPUs per operation.
            r["ns_per_op"] = rate[name]["ns"] // max(rate[name]["ops"], 1)
        if name in clock_err:
            r["clock_error_text"] = clock_err[name]
        mark = r.get("mark")
        if mark is not None and 2 * mark in marks and 2 * mark + 1 in marks:
            a, b = marks[2 * mark], marks[2 * mark + 1]
            r["exits"] = {k: b[k] - a.get(k, 0) for k in b
                          if isinstance(b[k], int)}
            r["exits_per_op"] = round(r["exits"].get("exits", 0) /
                                      max(r["n"], 1), 2)
        out.append(r)
    return out


def per_op_text(per_op, limit=0.005):
    """'ipi 1.01 eoi 1.01' for the kinds at or above limit per op."""
    parts = ["%s %.2f" % (k, v) for k, v in per_op.items() if v >= limit]
    return " ".join(parts) if parts else "none"
