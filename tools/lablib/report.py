# SPDX-License-Identifier: MIT
"""The lab's report: the exact (icount) table first, instructions and
transitions per operation beside the floor of the same boot; then the
wall-clock table with ratios to floors and to Linux; KVM's own counters
beside the guest's ledger; the KVM selftests; the targets; the
configuration of every run."""
from .console import per_op_text

# The idle=poll boot's benchmarks (the idle=halt boot runs bench=all:
# which benchmarks that is, and in what order, the guest says in its
# BENCHLIST lines; see keys()).
POLL_BENCHES = ["ipi_remote", "wake_remote"]


def keys(all_data):
    """Every result key of these backends, in the guests' order: the
    BENCHLIST of each boot (idle=poll ones as name@poll), their union
    across backends; for saved data without it, the results' own keys."""
    out = []
    for d in all_data.values():
        for k in d.get("keys") or [r["key"] for r in d["results"]]:
            if k not in out:
                out.append(k)
    return out
# Floor each scheduler benchmark is compared with (same boot).
FLOOR_OF = {"wake_remote": "ipi_remote", "wake_remote@poll": "ipi_remote@poll",
            "timer_1k": "timer_raw", "timer_10k": "timer_raw",
            "preempt": "timer_raw", "wake_local": "ipi_self",
            "yield": "ipi_self", "mutex_handoff": "ipi_remote",
            # the domain benchmarks beside their kernel-thread twins
            "dom_yield": "yield", "dom_switch": "yield",
            "dom_wake": "wake_remote", "dom_syscall": "null_exit"}
# Linux benchmark each of ours is compared with. (Linux's *_direct results
# are stamped like ours: waker's timestamp to the wakee's first
# instruction; its plain wake_* are half a round trip.)
LINUX_OF = {"yield": "yield", "wake_local": "wake_local_direct",
            "wake_remote": "wake_remote_direct",
            "wake_remote@poll": "wake_remote_direct",
            "timer_1k": "timer_1k", "timer_10k": "timer_10k",
            "preempt": "preempt", "spawn_join": "spawn_join",
            "mutex_handoff": "mutex_handoff"}
ICOUNT_NOTES = {
    "xen-icount": "Xen's own instructions are in every figure; a VMRUN or "
    "#VMEXIT is one emulated instruction, so the world switch itself is "
    "undercounted",
    "arm64-xen-icount": "Xen's own instructions are in every figure; an "
    "exception to EL2 and its eret are one instruction each",
    "arm64-icount": "CNTVCT runs at 62.5 MHz: figures are multiples of 16 "
    "instructions",
    "riscv64-icount": "the clock is the cycle CSR, one count per "
    "instruction; OpenSBI's M-mode instructions are in every figure that "
    "makes an SBI call (null_exit, IPIs); deadlines compare against the "
    "10 MHz time CSR, so a timer fires up to 100 instructions late",
}


def find(rows, key):
    for r in rows:
        if r["key"] == key or r["name"] == key:
            return r
    return None


def us(v):
    return "%.1f" % (v / 1000.0) if v is not None else "-"


def is_icount(be):
    return be.endswith("icount")


def icount_table(all_data, out):
    bes = [b for b in all_data if is_icount(b)]
    if not bes:
        return
    out += ["", "EXACT FIGURES: guest instructions per operation under QEMU "
            "icount (shift=0: one instruction = 1 ns; p50 / p99 / max; the "
            "host's load does not change them)"]
    hdr = "%-18s" % "instructions" + "".join("%32s" % b for b in bes)
    out += [hdr, "-" * len(hdr)]
    for key in keys(all_data):
        cells = []
        for be in bes:
            r = find(all_data[be]["results"], key)
            cells.append("%32s" % ("%d / %d / %d%s" % (
                r["p50"], r["p99"], r["max"], "" if r.get("exact", True)
                else "~") if r else "-"))
        if any(c.strip() != "-" for c in cells):
            out.append("%-18s" % key + "".join(cells))
    out += ["", "transitions per operation (the guest's ledger: what would "
            "leave the guest under hardware virtualization, by kind; "
            "docs/transitions.md says which kind traps where), and p50 over "
            "the floor of the same boot:"]
    for key in keys(all_data):
        for be in bes:
            d = all_data[be]
            r = find(d["results"], key)
            if not r or "ledger_per_op" not in r:
                continue
            fl = find(d["results"], FLOOR_OF.get(key, ""))
            ratio = " | %.2fx %s" % (r["p50"] / fl["p50"], fl["key"]) \
                if fl and fl["p50"] else ""
            err = " | CLOCK ERRORS: " + r["clock_error_text"] \
                if r.get("clock_error_text") else ""
            out.append("  %-18s %-17s %s%s%s" % (
                key, be, per_op_text(r["ledger_per_op"]), ratio, err))
    xen_estimate(all_data, out)
    for be in bes:
        if be in ICOUNT_NOTES:
            out.append("  note %s: %s" % (be, ICOUNT_NOTES[be]))
        if any(r.get("clock_traps") for r in all_data[be]["results"]):
            out.append("  note %s: the measuring clock itself traps (the "
                       "hypervisor emulates the TSC): every timestamp is a "
                       "'tsc' transition and its cost is in the figures" % be)


def xen_estimate(all_data, out):
    """Under Xen with icount, the extra instructions over the same guest
    without Xen, in units of one trip to Xen, beside the ledger's count.
    A trip's cost is null_exit's (a hypercall) minus its two timestamps;
    a trapped TSC read costs half of what timestamp gained."""
    for xen, plain in (("xen-icount", "qemu-icount"),
                       ("arm64-xen-icount", "arm64-icount")):
        if xen not in all_data or plain not in all_data:
            continue
        xr, pr = all_data[xen]["results"], all_data[plain]["results"]
        g = {k: (find(xr, k), find(pr, k)) for k in ("null_exit", "timestamp")}
        if not all(a and b for a, b in g.values()):
            continue
        ts = g["timestamp"][0]["p50"] - g["timestamp"][1]["p50"]
        trip = (g["null_exit"][0]["p50"] - g["timestamp"][0]["p50"]) - \
            (g["null_exit"][1]["p50"] - g["timestamp"][1]["p50"])
        if trip <= 0:
            continue
        out.append("  %s over %s: one hypercall round trip costs %d "
                   "instructions, one trapped timestamp pair %d; extra "
                   "instructions per op / hypercall cost = estimated trips, "
                   "beside the ledger (all kinds, and its tsc part; the ledger "
                   "counts the whole window, both threads and every "
                   "timestamp, the figure only the timed interval):"
                   % (xen, plain, trip, ts))
        for key in keys(all_data):
            a, b = find(xr, key), find(pr, key)
            if not a or not b or key in g or a["p50"] < b["p50"]:
                continue
            led = a.get("ledger_per_op", {})
            out.append("    %-18s %+9d = %5.1f trips/op; ledger %6.2f/op "
                       "(tsc %5.2f)" % (key, a["p50"] - b["p50"],
                                         (a["p50"] - b["p50"]) / trip,
                                         sum(led.values()), led.get("tsc", 0)))


def wall_table(all_data, out):
    bes = [b for b in all_data if not is_icount(b)]
    if not bes:
        return
    cols = []
    for be in bes:
        cols.append((be, "vsched"))
        if all_data[be]["linux"]:
            cols.append((be, "linux"))
    hdr = "%-18s" % "p50/p99 (us)" + "".join(
        "%22s" % ("%s%s" % (be, "" if g == "vsched" else " linux"))
        for be, g in cols)
    out += ["", "WALL-CLOCK FIGURES (what this host's timing shows; noisy, "
            "never a budget)", hdr, "-" * len(hdr)]
    for key in keys(all_data):
        cells = []
        for be, g in cols:
            d = all_data[be]
            if g == "vsched":
                r = find(d["results"], key)
            else:
                r = find(d["linux"], LINUX_OF[key]) if key in LINUX_OF else None
            cells.append("%22s" % ("%s / %s" % (us(r["p50"]), us(r["p99"]))
                                   if r else "-"))
        out.append("%-18s" % key + "".join(cells))
    out += ["", "ratios (p50; ours / floor in the same boot, ours / Linux):"]
    for key in keys(all_data):
        parts = []
        for be in bes:
            d = all_data[be]
            r = find(d["results"], key)
            if not r:
                continue
            bits = []
            fl = find(d["results"], FLOOR_OF.get(key, ""))
            if fl and fl["p50"]:
                bits.append("%.2fx %s" % (r["p50"] / fl["p50"], fl["key"]))
            lx = find(d["linux"], LINUX_OF[key]) if key in LINUX_OF else None
            if lx and lx["p50"]:
                bits.append("%.3fx linux" % (r["p50"] / lx["p50"]))
            if bits:
                parts.append("%s: %s" % (be, ", ".join(bits)))
        if parts:
            out.append("  %-16s %s" % (key, "; ".join(parts)))


def domain_split(all_data, out):
    """The domain benchmarks taken apart (p50): a system call's user-mode
    part (dom_stamp, the two clock reads and the loop, which is all that
    runs in user mode) and its kernel part; what the privilege changes add
    to a yield (dom_yield - yield); what the address-space switch adds
    (dom_switch - dom_yield). Under this machine's kvm_pvm ring 3 runs
    natively and the kernel is emulated, so there the two parts are
    measured at very different speeds: hence the split."""
    lines = []
    for be, d in all_data.items():
        res = d["results"]
        p = {k: (find(res, k) or {}).get("p50")
             for k in ("dom_stamp", "dom_syscall", "yield", "dom_yield",
                       "dom_switch", "wake_remote", "dom_wake")}
        if p["dom_syscall"] is None or p["dom_stamp"] is None:
            continue
        unit = "instructions" if is_icount(be) else "ns"

        def diff(a, b):
            return "%d" % (p[a] - p[b]) if p[a] is not None and \
                p[b] is not None else "-"
        lines.append("  %-17s syscall %d %s = user mode %d + kernel %s; "
                     "privilege changes add %s to a yield, the address-space "
                     "switch %s; a cross-domain wake adds %s" % (
                         be, p["dom_syscall"], unit, p["dom_stamp"],
                         diff("dom_syscall", "dom_stamp"),
                         diff("dom_yield", "yield"),
                         diff("dom_switch", "dom_yield"),
                         diff("dom_wake", "wake_remote")))
    if lines:
        out += ["", "domains, taken apart (p50; user mode = dom_stamp, "
                "what stays in ring 3 / EL0):"] + lines
        if any(b in all_data for b in ("qemu-kvm", "hv")):
            out.append("  note: under this machine's kvm_pvm, user mode runs "
                       "natively and kernel code is emulated: the user and "
                       "kernel parts there are measured at different speeds")


def linux_icount(all_data, out):
    for be, d in all_data.items():
        if not is_icount(be) or not d["linux"]:
            continue
        out += ["", "%s: the stock Linux guest under the same icount clock "
                "(instructions per op, p50 / p99; ours beside):" % be]
        for key, lk in LINUX_OF.items():
            lx, r = find(d["linux"], lk), find(d["results"], key)
            if lx:
                out.append("  %-18s linux %-20s %8d / %-8d vsched %9s%s" % (
                    key, lk, lx["p50"], lx["p99"],
                    "%d / %d" % (r["p50"], r["p99"]) if r else "-",
                    "  (%.2fx linux at p50)" % (r["p50"] / lx["p50"])
                    if r and lx["p50"] else ""))


def kvm_counters(all_data, out, pvm):
    """hv's KVM exit counters beside the ledger, with what they mean."""
    d = all_data.get("hv")
    if not d or not any("exits" in r for r in d["results"]):
        return
    out += ["", "hv: KVM's own counters per op beside the guest's ledger "
            "(exits, halt_exits, insn_emulation; emulated instructions per "
            "exit that is not a halt; ledger total and halt):"]
    for key in keys(all_data):
        r = find(d["results"], key)
        if not r or "exits" not in r:
            continue
        n, e = max(r["n"], 1), r["exits"]
        led = r.get("ledger_per_op", {})
        other = e.get("exits", 0) - e.get("halt_exits", 0)
        out.append("  %-18s exits %7.2f halt %5.2f emulated %8.0f (%5s/exit) "
                   "| ledger %6.2f halt %5.2f" % (
                       key, e.get("exits", 0) / n, e.get("halt_exits", 0) / n,
                       e.get("insn_emulation", 0) / n,
                       "%.0f" % (e.get("insn_emulation", 0) / other)
                       if other > 0 else "-", sum(led.values()),
                       led.get("halt", 0)))
    if pvm:
        out += ["  note: this host's KVM is kvm_pvm, which emulates guest "
                "kernel code in batches of up to 1024 instructions: its "
                "'exits' counts those batches (about one per 1000 emulated "
                "instructions, the /exit column), exits to hv (console, "
                "marks) and halts, not what VT-x or SVM would trap: a cpuid "
                "at CPL0 is emulated and counted nowhere, io_exits stays 0 for "
                "port I/O that reaches hv. halt_exits is exact and matches the "
                "ledger's halt. The ledger is the transition count; KVM's are "
                "a cross-check (docs/transitions.md, last section)."]


def steal_table(all_data, out):
    """Steal time while each benchmark ran, per vCPU, where any was
    recorded (KVM's steal-time record, Xen's runstate area)."""
    rows = []
    for be, d in all_data.items():
        for r in d["results"]:
            if not r.get("steal_ns"):
                continue
            per = r.get("steal_cpu", {})
            cpus = " ".join("vCPU%s %d" % (c, v // 1000)
                            for c, v in sorted(per.items()) if v)
            rows.append("  %-18s %-17s %8d us%s" % (
                r["key"], be, r.get("steal_ns", 0) // 1000,
                " (" + cpus + ")" if cpus else ""))
    if rows:
        out += ["", "steal time: what the hypervisor took from the vCPUs "
                "while each benchmark ran (us, all vCPUs, then each):"] + rows


def selftests(all_data, out, floors_from="hv"):
    st = [s for d in all_data.values() for s in d.get("kvm_selftests", [])]
    if not st:
        return
    out += ["", "KVM selftests (Linux 6.1's own, same /dev/kvm) beside hv's "
            "floors:"]
    for s in st:
        if s["status"] != "ok":
            out.append("  %-16s %s: %s" % (s["name"], s["status"], s["why"]))
        elif "ns_per_ipi" in s:
            fl = find(all_data.get(floors_from, {}).get("results", []),
                      "ipi_remote")
            out.append("  %-16s %d IPIs/s = %.1f us per round trip (send, "
                       "halted vCPU wakes, handles, halts again)%s" % (
                           s["name"], s["ipis_per_sec"], s["ns_per_ipi"] / 1e3,
                           "; hv ipi_remote (one way to an idle vCPU) p50 "
                           "%.1f us" % (fl["p50"] / 1e3) if fl else ""))
        else:
            out.append("  %-16s ok" % s["name"])
