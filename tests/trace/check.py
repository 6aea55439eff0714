#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make tracetest: the event trace end to end.

1. Boots of the trace suite with trace=on, 4 vCPUs, on qemu-tcg, Xen,
   arm64 (QEMU and Xen) and riscv64 (QEMU): each dump must decode whole and hold every
   invariant and count (tools/trace --check, strict: nothing lost).
2. A ring far too small (trace_kb=4): the loss is counted and reported,
   the kept events still hold the invariants.
3. A panic (test=panic): the dump follows the panic report.
4. The audit log of a boot of the audit suite with alerts on, exported
   as JSON and CSV: every kind the suite provokes is there, and the
   wrapped ring's boot recorded its lost events.
5. The decoder on damaged copies of a real dump (tests/trace/test_trace.py):
   a flipped byte, a cut, a lost or repeated frame, garbage; and the
   checker on broken copies of its events: each must be named, none may
   crash the tool.

Logs and Perfetto JSON go to build/trace/."""
import concurrent.futures
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "trace")
RUN = os.path.join(ROOT, "tools", "run")
TRACE = os.path.join(ROOT, "tools", "trace")

# name, arch, backend, vcpus, extra command line, what --check must say
BOOTS = [
    ("qemu-tcg", "x86_64", "qemu-tcg", 4, "trace_kb=1024", "complete"),
    ("xen", "x86_64", "xen", 4, "trace_kb=1024", "complete"),
    ("arm64-tcg", "arm64", "qemu-tcg", 4, "trace_kb=1024", "complete"),
    ("arm64-xen", "arm64", "xen", 4, "trace_kb=1024", "complete"),
    ("riscv64-tcg", "riscv64", "qemu-tcg", 4, "trace_kb=1024", "complete"),
    ("wrap", "x86_64", "qemu-tcg", 2, "trace_kb=4",
     "invariants only: events were overwritten"),
]


def sh(cmd):
    """cmd's exit status and its output, stderr in it."""
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def boot(b):
    name, arch, backend, vcpus, extra, want = b
    log = os.path.join(OUT, name + ".log")
    cmd = [RUN, "--arch", arch, "--backend", backend, "--vcpus", str(vcpus),
           "--timeout", "240", "--quiet", "--log", log,
           "--trace", os.path.join(OUT, name + ".json"),
           "--cmdline", "test=trace trace=on " + extra]
    r = sh(cmd)
    out = r.stdout
    if r.returncode != 0:
        return name, False, out
    c = sh([TRACE, log, "--check"])
    out += c.stdout
    ok = c.returncode == 0 and ("check: PASS (%s" % want) in c.stdout
    if name == "wrap" and ok:
        ok = "overwritten in the guest" in c.stdout and \
            " 0 overwritten" not in c.stdout
        if not ok:
            out += "the 4 KiB rings lost nothing: the wrap was not tested\n"
    return name, ok, out


def panic_boot():
    log = os.path.join(OUT, "panic.log")
    r = sh([RUN, "--backend", "qemu-tcg", "--vcpus", "4", "--timeout", "60",
            "--quiet", "--log", log, "--expect-exit", "3", "--cmdline",
            "test=panic trace=on"])
    out = r.stdout
    if r.returncode != 0:
        return "panic", False, out
    with open(log, errors="replace") as f:
        text = f.read()
    at = text.find("PANIC on vCPU")
    ok = at >= 0 and text.find("TRACE-BEGIN", at) > at and \
        "panic=1" in text
    c = sh([TRACE, log, "--check"])
    out += c.stdout
    ok = ok and "check: PASS (invariants only: a panic's dump)" in c.stdout
    return "panic", ok and c.returncode == 0, out


def audit_boot():
    log = os.path.join(OUT, "audit.log")
    js, cs = os.path.join(OUT, "audit.json"), os.path.join(OUT, "audit.csv")
    r = sh([RUN, "--backend", "qemu-tcg", "--vcpus", "2", "--timeout", "60",
            "--quiet", "--log", log,
            "--cmdline", "test=audit alert_wake_us=1 alert_rq=2"])
    out = r.stdout
    if r.returncode != 0:
        return "audit", False, out
    a = sh([TRACE, log, "--audit", "--audit-json", js, "--audit-csv", cs])
    out += a.stdout
    with open(js) as f:
        data = json.load(f)
    with open(cs, newline="") as f:
        rows = list(csv.DictReader(f))
    kinds = {r["kind"] for r in data["records"]}
    want = {"bad_argument", "refused", "guard_page", "canary", "wake_late",
            "runq_long"}
    ok = a.returncode == 0 and want <= kinds and \
        len(rows) == len(data["records"]) == data["summary"]["kept"] and \
        all(data["summary"][k] > 0 for k in want)
    if not ok:
        out += "missing kinds: %s\n" % sorted(want - kinds)
    w = sh([TRACE, os.path.join(OUT, "wrap.log"), "--audit"])
    if "trace_lost" not in w.stdout:
        ok = False
        out += "the wrapped ring's boot has no trace_lost record:\n" + \
            w.stdout
    return "audit", ok, out


def main():
    os.makedirs(OUT, exist_ok=True)
    fails = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        futs = [ex.submit(boot, b) for b in BOOTS]
        futs.append(ex.submit(panic_boot))
        results = [f.result() for f in futs]
    results.append(audit_boot())  # reads the wrap boot's log
    for name, ok, out in results:
        print("%s trace.%s" % ("PASS" if ok else "FAIL", name))
        if not ok:
            fails += 1
            print("  " + out.strip().replace("\n", "\n  ")[-3000:])
        else:
            for line in out.splitlines():
                if line.startswith(("trace: ", "check: ", "audit: ")):
                    print("  " + line)
    r = subprocess.run([sys.executable, os.path.join(
        ROOT, "tests", "trace", "test_trace.py"),
        os.path.join(OUT, "qemu-tcg.log")])
    if r.returncode != 0:
        fails += 1
    print("tracetest: %s" % ("PASS" if not fails else
                             "FAIL (%d failed)" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
