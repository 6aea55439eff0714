# SPDX-License-Identifier: MIT
"""The guest's event trace (guest/trace.c, docs/trace.md): decode the
framed dump from a console log, check it, and turn it into Chrome/Perfetto
trace-event JSON, CSV, or a perf-sched-timehist-like listing.

A damaged dump (a frame whose checksum fails, a cut or missing frame, no
TRACE-END) is decoded as far as it goes: every problem is a line in
Dump.problems and the rest of the events are kept."""
import base64
import binascii
import bisect
import json
import re
import struct
import zlib
from html import escape

EVENT = struct.Struct("<QIIIBBH")  # ts, a, b, c, kind, flags, seq
assert EVENT.size == 24

GROUPS = ["switch", "wakeup", "migrate", "ipi", "timer", "idle", "thread",
          "mutex", "hv"]
KINDS = {
    0x00: "switch", 0x10: "wakeup", 0x20: "push", 0x21: "steal",
    0x22: "migrate", 0x30: "ipi_send", 0x31: "ipi_recv", 0x40: "timer_arm",
    0x41: "timer_fire", 0x50: "idle_enter", 0x51: "idle_exit",
    0x60: "spawn", 0x61: "name", 0x62: "exit", 0x63: "join",
    0x70: "mutex_wait", 0x71: "mutex_handoff", 0x80: "hv",
}
WHY = ["block", "yield", "preempt", "idle"]
STATE = ["free", "waking", "ready", "running", "blocked", "dead"]
IPI = ["resched", "call", "stop", "ping"]
LEDGER = ["timer", "ipi", "eoi", "halt", "hypercall", "io", "mmio", "cpuid",
          "msr", "tsc"]

KV = re.compile(r"(\w+)=(\S*)")
FRAME = re.compile(r"TRACE (c=(\d+) f=(\d+) d=([A-Za-z0-9+/=]*)) "
                   r"k=([0-9a-f]{8})\s*$")


class Event:
    __slots__ = ("ts", "cpu", "kind", "a", "b", "c", "flags", "seq", "ns")

    def __init__(self, cpu, raw):
        (self.ts, self.a, self.b, self.c, self.kind, self.flags,
         self.seq) = raw
        self.cpu = cpu
        self.ns = 0

    @property
    def name(self):
        return KINDS.get(self.kind, "kind_0x%02x" % self.kind)


class Dump:
    def __init__(self):
        self.header = None     # TRACE-BEGIN fields
        self.cpus = {}         # cpu -> TRACE-CPU fields
        self.events = {}       # cpu -> [Event], ring order
        self.threads = {}      # id -> TRACE-THREAD fields
        self.end = None        # TRACE-END fields
        self.frames = 0        # frames decoded
        self.problems = []     # what was damaged or missing
        self.names = {}        # id -> name (TR_NAME events, TRACE-THREAD)

    @property
    def hz(self):
        """Counter ticks per second (ns when the header lost it)."""
        return int((self.header or {}).get("hz", 1000000000))

    def all_events(self):
        """Every event, by time (ties: vCPU, then ring order)."""
        out = [e for evs in self.events.values() for e in evs]
        out.sort(key=lambda e: (e.ts, e.cpu))
        return out

    def lost(self, cpu=None):
        cpus = [cpu] if cpu is not None else list(self.cpus)
        return sum(int(self.cpus[c].get("lost", 0)) for c in cpus
                   if c in self.cpus)

    def complete(self):
        """Nothing overwritten in the guest, nothing damaged here, and not
        a panic's dump (the other vCPUs stopped wherever they were)."""
        return (not self.problems and self.header is not None and
                self.end is not None and self.lost() == 0 and
                self.header.get("panic") == "0")

    def incomplete_why(self):
        if self.problems:
            return "the dump is damaged"
        if self.header is not None and self.header.get("panic") != "0":
            return "a panic's dump"
        return "events were overwritten" if self.lost() else ""

    def thread_name(self, tid, cpu=None):
        if tid == 0:
            return "idle/%s" % ("?" if cpu is None else cpu)
        return self.names.get(tid, "tid %d" % tid)


def _fields(line):
    return dict(KV.findall(line))


# The numbers each unchecksummed line carries (hex for the header's event
# groups); a field that does not parse is a problem, and dropped.
NUMERIC = {"TRACE-BEGIN": {"hz": 10, "groups": 16},
           "TRACE-CPU": {"cpu": 10, "kept": 10, "lost": 10,
                         "switches": 10, "timers": 10},
           "TRACE-THREAD": {"id": 10, "switches": 10},
           "TRACE-END": {"frames": 10, "spawned": 10}}


def _numbers(d, line):
    """line's fields, each number in NUMERIC parsed or dropped."""
    f = _fields(line)
    head = line.split(" ", 1)[0]
    for key, base in NUMERIC.get(head, {}).items():
        if key not in f:
            continue
        try:
            int(f[key], base)
            if key == "hz" and int(f[key]) <= 0:
                raise ValueError
        except ValueError:
            d.problems.append("bad %s= in %s: %s" % (key, head, line[:80]))
            del f[key]
    return f


def decode(lines):
    """Console lines (any prefix before TRACE is kept out) -> Dump. Never
    raises on damaged input: problems go to Dump.problems."""
    d = Dump()
    next_frame = {}
    for raw in lines:
        i = raw.find("TRACE")
        if i < 0:
            continue
        line = raw[i:].rstrip("\r\n")
        if line.startswith("TRACE-BEGIN "):
            if d.header is not None:
                d.problems.append("a second TRACE-BEGIN: only the first dump "
                                  "is decoded")
                break
            d.header = _numbers(d, line)
        elif d.header is None:
            continue
        elif line.startswith("TRACE-CPU "):
            f = _numbers(d, line)
            try:
                d.cpus[int(f["cpu"])] = f
            except (KeyError, ValueError):
                d.problems.append("bad TRACE-CPU line: %s" % line[:80])
        elif line.startswith("TRACE-THREAD "):
            f = _numbers(d, line)
            try:
                tid = int(f["id"])
            except (KeyError, ValueError):
                d.problems.append("bad TRACE-THREAD line: %s" % line[:80])
                continue
            if tid:
                d.threads[tid] = f
                d.names.setdefault(tid, f.get("name", ""))
        elif line.startswith("TRACE-END"):
            d.end = _numbers(d, line)
            break
        elif line.startswith("TRACE "):
            _frame(d, line, next_frame)
    if d.header is None:
        d.problems.append("no TRACE-BEGIN line: no trace in this log "
                          "(boot with trace=on)")
        return d
    if d.end is None:
        d.problems.append("no TRACE-END line: the dump was cut short "
                          "(%d frames decoded)" % d.frames)
    else:
        try:
            if int(d.end.get("frames", -1)) != d.frames:
                d.problems.append("TRACE-END says %s frames, %d decoded" %
                                  (d.end.get("frames"), d.frames))
        except ValueError:
            d.problems.append("bad TRACE-END line")
    for cpu, f in sorted(d.cpus.items()):
        try:
            kept = int(f.get("kept", 0))
        except ValueError:
            kept = -1
        if f.get("ring") == "0":
            d.problems.append("vCPU %d had no ring (no memory): nothing "
                              "recorded there" % cpu)
        got = len(d.events.get(cpu, []))
        if got != kept:
            d.problems.append("vCPU %d: %d events decoded of %d kept" %
                              (cpu, got, kept))
    _names(d)
    _to_ns(d)
    return d


def _frame(d, line, next_frame):
    m = FRAME.match(line)
    if not m:
        d.problems.append("unreadable frame line: %s" % line[:60])
        return
    body, cpu, fno, data, crc = m.groups()
    cpu, fno = int(cpu), int(fno)
    if zlib.crc32(body.encode()) != int(crc, 16):
        d.problems.append("vCPU %d frame %d: checksum mismatch, frame "
                          "dropped" % (cpu, fno))
        next_frame[cpu] = fno + 1
        return
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        d.problems.append("vCPU %d frame %d: bad base64" % (cpu, fno))
        return
    if len(blob) % EVENT.size:
        d.problems.append("vCPU %d frame %d: %d bytes, not whole events" %
                          (cpu, fno, len(blob)))
        return
    want = next_frame.get(cpu, 0)
    if fno != want:
        d.problems.append("vCPU %d: frame %d follows frame %d (%s)" % (
            cpu, fno, want - 1, "missing frames" if fno > want
            else "repeated or out of order"))
        if fno < want:
            return
    next_frame[cpu] = fno + 1
    evs = d.events.setdefault(cpu, [])
    for off in range(0, len(blob), EVENT.size):
        e = Event(cpu, EVENT.unpack_from(blob, off))
        if evs and (evs[-1].seq + 1) & 0xffff != e.seq:
            d.problems.append("vCPU %d: events missing before seq %d "
                              "(frame %d)" % (cpu, e.seq, fno))
        evs.append(e)
    d.frames += 1


def _names(d):
    parts = {}
    for evs in d.events.values():
        for e in evs:
            if e.kind == 0x61 and e.flags < 3:
                parts.setdefault(e.a, {})[e.flags] = struct.pack(
                    "<II", e.b, e.c)
    for tid, p in parts.items():
        raw = b"".join(p.get(i, b"") for i in range(3) if i in p)
        name = raw.split(b"\0")[0].decode("ascii", "replace")
        if name:
            d.names[tid] = name


def _to_ns(d):
    evs = [e for v in d.events.values() for e in v]
    if not evs:
        return
    t0 = min(e.ts for e in evs)
    hz = d.hz or 1
    for e in evs:
        e.ns = (e.ts - t0) * 1000000000 // hz
    d.t0 = t0


# ---- checks ----

def check(d, strict=None):
    """The trace's invariants -> list of violations (empty: all hold).
    strict (default: the dump is complete) also requires every thread
    switched in to have been spawned or woken in the trace, and the
    event counts to match the scheduler's own."""
    bad = []
    if strict is None:
        strict = d.complete()
    for cpu, evs in sorted(d.events.items()):
        for x, y in zip(evs, evs[1:]):
            if y.ts < x.ts:
                bad.append("vCPU %d: time goes back %d cycles at seq %d (%s "
                           "after %s)" % (cpu, x.ts - y.ts, y.seq, y.name,
                                          x.name))
                break
    # Per thread: where it runs, and whether it may run (spawned, woken,
    # or left runnable at its last switch-out).
    if d.problems:
        # Frames missing in the middle: who woke whom is unknowable.
        bad += ["(the dump is damaged: only the per-vCPU time order was "
                "checked)"] if strict else []
        return bad
    running = {}   # tid -> cpu it runs on
    # tid -> True (runnable), False (blocked: needs a wakeup), "waking"
    # (switched out WAKING: a racing waker's wakeup or, when its affinity
    # moved it, a migrate follows), "dead"
    may_run = {}
    # A ring that wrapped lost its oldest events: before the latest such
    # ring's first event, any vCPU's record may miss what another did.
    start = max((evs[0].ts for c, evs in d.events.items()
                 if evs and d.lost(c)), default=None)
    for e in d.all_events():
        if start is not None and e.ts < start:
            continue
        if e.kind in (0x10, 0x60):            # wakeup, spawn
            if may_run.get(e.a) == "dead":
                bad.append("%.3f us vCPU %d: %s of %s, which exited" % (
                    e.ns / 1e3, e.cpu, e.name, d.thread_name(e.a)))
            may_run[e.a] = True
        elif e.kind in (0x20, 0x21, 0x22):    # push, steal, migrate
            if may_run.get(e.a) == "waking":
                may_run[e.a] = True
        elif e.kind == 0x00:                  # switch
            prev, nxt = e.a, e.b
            prev_idle, next_idle = (e.c >> 16) & 1, (e.c >> 17) & 1
            state = (e.c >> 8) & 0xff
            if not prev_idle:
                if running.get(prev) not in (None, e.cpu):
                    bad.append("%.3f us: %s switched out on vCPU %d but "
                               "runs on vCPU %d" % (e.ns / 1e3,
                                                    d.thread_name(prev),
                                                    e.cpu, running[prev]))
                running.pop(prev, None)
                may_run[prev] = {5: "dead", 2: True,  # ready: runnable
                                  1: "waking"}.get(state, False)
            if not next_idle:
                where = running.get(nxt)
                if where is not None:
                    bad.append("%.3f us: %s switched in on vCPU %d while "
                               "running on vCPU %d" % (
                                   e.ns / 1e3, d.thread_name(nxt), e.cpu,
                                   where))
                ok = may_run.get(nxt)
                if ok == "dead":
                    bad.append("%.3f us vCPU %d: %s switched in after it "
                               "exited" % (e.ns / 1e3, e.cpu,
                                           d.thread_name(nxt)))
                elif ok is False or ok == "waking":
                    bad.append("%.3f us vCPU %d: %s switched in without a "
                               "wakeup since it blocked" % (
                                   e.ns / 1e3, e.cpu, d.thread_name(nxt)))
                elif ok is None and strict and start is None:
                    bad.append("%.3f us vCPU %d: %s switched in, never "
                               "spawned or woken" % (e.ns / 1e3, e.cpu,
                                                     d.thread_name(nxt)))
                running[nxt] = e.cpu
                may_run[nxt] = True
    if strict:
        bad += _check_counts(d)
    return bad


def _check_counts(d):
    bad = []
    for cpu, f in sorted(d.cpus.items()):
        evs = d.events.get(cpu, [])
        for key, kind in (("switches", 0x00), ("timers", 0x41)):
            if key not in f or int(f[key]) < 0:
                continue
            if not (int(d.header.get("groups", "0"), 16) >>
                    (kind >> 4)) & 1:
                continue
            n = sum(1 for e in evs if e.kind == kind)
            if n != int(f[key]):
                bad.append("vCPU %d: %d %s events, the scheduler counted "
                           "%s" % (cpu, n, key[:-1] if key != "switches"
                                   else "switch", f[key]))
    groups = int(d.header.get("groups", "0"), 16)
    if groups >> 8 & 1:
        for cpu, f in sorted(d.cpus.items()):
            try:
                want = [int(x) for x in f.get("hv", "").split("/")]
            except ValueError:
                continue
            got = [0] * len(want)
            for e in d.events.get(cpu, []):
                if e.kind == 0x80 and e.a < len(got):
                    got[e.a] += e.b
            for k, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    bad.append("vCPU %d: %d %s transitions in hv events, "
                               "the ledger counted %d" % (
                                   cpu, g, LEDGER[k] if k < len(LEDGER)
                                   else k, w))
    if groups & 1:
        outs = {}
        for evs in d.events.values():
            for e in evs:
                if e.kind == 0x00 and not (e.c >> 16) & 1:
                    outs[e.a] = outs.get(e.a, 0) + 1
        for tid, f in sorted(d.threads.items()):
            want = int(f.get("switches", -1))
            if want >= 0 and outs.get(tid, 0) != want:
                bad.append("%s: %d switch-outs traced, its statistics say "
                           "%d" % (d.thread_name(tid), outs.get(tid, 0),
                                   want))
    if groups >> 6 & 1 and d.end and "spawned" in d.end:
        n = sum(1 for v in d.events.values() for e in v if e.kind == 0x60)
        if n != int(d.end["spawned"]):
            bad.append("%d spawn events, the kernel counted %s spawns" % (
                n, d.end["spawned"]))
    return bad


# ---- exports ----

def describe(d, e):
    """One event's fields in words."""
    k = e.kind
    tn = d.thread_name
    if k == 0x00:
        why = e.c & 0xff
        st = (e.c >> 8) & 0xff
        return "%s (%s, %s) -> %s" % (
            tn(e.a, e.cpu) if not (e.c >> 16) & 1 else "idle",
            WHY[why] if why < len(WHY) else why,
            STATE[st] if st < len(STATE) else st,
            tn(e.b, e.cpu) if not (e.c >> 17) & 1 else "idle")
    if k == 0x10:
        return "%s to vCPU %d%s" % (tn(e.a), e.b,
                                    " (still running)" if e.c else "")
    if k in (0x20, 0x21, 0x22):
        return "%s vCPU %d -> %d" % (tn(e.a), e.b, e.c)
    if k == 0x30:
        return "to vCPU %d (%s)" % (e.a, IPI[e.b] if e.b < len(IPI) else e.b)
    if k == 0x31:
        return IPI[e.a] if e.a < len(IPI) else str(e.a)
    if k == 0x40:
        dl = e.a | e.b << 32
        return "none" if dl == (1 << 64) - 1 else "deadline %d ns" % dl
    if k == 0x50:
        return "halt" if e.a else "poll"
    if k == 0x60:
        return "%s by %s, prio %d, vCPU %d" % (tn(e.a), tn(e.b), e.c & 0xff,
                                               e.c >> 8)
    if k == 0x61:
        return "%s (part %d)" % (tn(e.a), e.flags)
    if k == 0x62:
        return "%s%s" % (tn(e.a), " (killed)" if e.b else "")
    if k == 0x63:
        return "%s, result %d%s" % (tn(e.a), struct.unpack(
            "<i", struct.pack("<I", e.b))[0], ", error -%d" % e.c
            if e.c else "")
    if k in (0x70, 0x71):
        return "mutex 0x%08x, %s %s" % (e.a, "owner" if k == 0x70 else
                                         "to", tn(e.b))
    if k == 0x80:
        return "%s x%d" % (LEDGER[e.a] if e.a < len(LEDGER) else e.a, e.b)
    return "a=%d b=%d c=%d" % (e.a, e.b, e.c)


def to_csv(d, out):
    out.write("ns,cpu,seq,event,detail,a,b,c,flags\n")
    for e in d.all_events():
        out.write('%d,%d,%d,%s,"%s",%d,%d,%d,%d\n' % (
            e.ns, e.cpu, e.seq, e.name, describe(d, e).replace('"', "'"),
            e.a, e.b, e.c, e.flags))


def slices(d):
    """(cpu, tid, start_ns, end_ns, why_out, state_out) per run on a CPU;
    tid 0 is the CPU's idle thread. A run still going at the dump ends at
    the CPU's last event."""
    out = []
    for cpu, evs in sorted(d.events.items()):
        cur, start = None, None
        for e in evs:
            if e.kind != 0x00:
                continue
            prev = 0 if (e.c >> 16) & 1 else e.a
            if cur is not None or start is None:
                out.append((cpu, prev, start if start is not None
                            else evs[0].ns, e.ns, e.c & 0xff,
                            (e.c >> 8) & 0xff))
            cur = 0 if (e.c >> 17) & 1 else e.b
            start = e.ns
        if evs and cur is not None:
            out.append((cpu, cur, start, evs[-1].ns, -1, -1))
    return out


def to_perfetto(d, label="vsched"):
    """Chrome trace-event JSON (Perfetto and chrome://tracing open it):
    one track per vCPU with a slice per thread run, flow arrows from each
    wakeup to the run it caused, instants for the other events."""
    us = 1e-3
    pid = 1
    ev = [{"ph": "M", "name": "process_name", "pid": pid,
           "args": {"name": "%s: %d vCPUs" % (label, len(d.events))}}]
    for cpu in sorted(d.events):
        ev.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": cpu,
                   "args": {"name": "vCPU %d" % cpu}})
        ev.append({"ph": "M", "name": "thread_sort_index", "pid": pid,
                   "tid": cpu, "args": {"sort_index": cpu}})
    for cpu, tid, s, e, why, st in slices(d):
        args = {"thread id": tid}
        if why >= 0:
            args["switched out"] = "%s, %s" % (
                WHY[why] if why < len(WHY) else why,
                STATE[st] if st < len(STATE) else st)
        ev.append({"ph": "X", "pid": pid, "tid": cpu,
                   "name": d.thread_name(tid, cpu), "cat": "run",
                   "ts": s * us, "dur": max(e - s, 1) * us, "args": args})
    flow = 0
    pending = {}  # tid -> flow id of its last wakeup or spawn
    for e in d.all_events():
        if e.kind in (0x10, 0x60):
            flow += 1
            pending[e.a] = flow
            ev.append({"ph": "s", "id": flow, "pid": pid, "tid": e.cpu,
                       "name": "wakeup", "cat": "wakeup",
                       "ts": e.ns * us})
        elif e.kind == 0x00:
            nxt = e.b
            if not (e.c >> 17) & 1 and nxt in pending:
                ev.append({"ph": "f", "bp": "e", "id": pending.pop(nxt),
                           "pid": pid, "tid": e.cpu, "name": "wakeup",
                           "cat": "wakeup", "ts": e.ns * us})
        if e.kind not in (0x00, 0x61):
            ev.append({"ph": "i", "s": "t", "pid": pid, "tid": e.cpu,
                       "name": e.name, "cat": e.name, "ts": e.ns * us,
                       "args": {"detail": describe(d, e)}})
    return {"traceEvents": ev, "displayTimeUnit": "ns",
            "otherData": {"source": label, "hz": d.hz,
                          "problems": d.problems,
                          "lost": d.lost()}}


def timehist(d, out):
    """Like perf sched timehist: one line per run of a thread, when it
    ended, with the time it waited, its scheduling delay and its run."""
    out.write("%14s  %4s  %-24s %11s %11s %11s\n" % (
        "time (us)", "cpu", "task [id]", "wait (us)", "sch delay", "run (us)"))
    woke, left = {}, {}   # tid -> ns of its last wakeup, switch-out
    starts = {}           # tid -> ns of its running switch-in
    starts_info = {}      # tid -> (wait, scheduling delay) of that run
    for ev in d.all_events():
        if ev.kind in (0x10, 0x60):
            woke[ev.a] = ev.ns
        elif ev.kind == 0x00:
            prev = None if (ev.c >> 16) & 1 else ev.a
            nxt = None if (ev.c >> 17) & 1 else ev.b
            if prev is not None and prev in starts:
                s = starts.pop(prev)
                w, dl = starts_info.pop(prev, (None, None))
                out.write("%14.3f  [%02d]  %-24s %11s %11s %11.3f\n" % (
                    ev.ns / 1e3, ev.cpu,
                    "%s[%d]" % (d.thread_name(prev)[:18], prev),
                    "%.3f" % (w / 1e3) if w is not None else "-",
                    "%.3f" % (dl / 1e3) if dl is not None else "-",
                    (ev.ns - s) / 1e3))
                left[prev] = ev.ns
            if nxt is not None:
                wk = woke.pop(nxt, None)
                lf = left.get(nxt)
                wait = wk - lf if wk is not None and lf is not None and \
                    wk >= lf else None
                delay = ev.ns - wk if wk is not None else (
                    ev.ns - lf if lf is not None else None)
                starts[nxt] = ev.ns
                starts_info[nxt] = (wait, delay)


def summary(d):
    """A few lines: what the dump holds and what went wrong."""
    n = sum(len(v) for v in d.events.values())
    span = max((e.ns for v in d.events.values() for e in v), default=0)
    lines = ["trace: %d events from %d vCPUs over %.3f ms, %d frames; %d "
             "overwritten in the guest" % (n, len(d.events), span / 1e6,
                                           d.frames, d.lost())]
    kinds = {}
    for v in d.events.values():
        for e in v:
            kinds[e.name] = kinds.get(e.name, 0) + 1
    lines.append("events: " + ", ".join(
        "%s %d" % (k, kinds[k]) for k in sorted(kinds)))
    for p in d.problems:
        lines.append("damaged: " + p)
    return lines


def write_json(d, path, label="vsched"):
    with open(path, "w") as f:
        json.dump(to_perfetto(d, label), f)


# ---- latency attribution ----

PARTS = ["waker->ipi", "ipi flight", "idle exit", "queued", "switch"]


def wakeups(d):
    """Each wakeup that led to a run: a dict with the thread, the vCPUs,
    the latency (ns) and its parts (PARTS, ns; absent parts are 0):
    from the wakeup to the reschedule IPI its waker sent the target, the
    IPI's flight to the target's handler, the target's way out of its
    idle halt or poll, the time the target ran other threads, and the
    rest (the switch itself, and any wait for a slice end)."""
    evs = d.all_events()
    # Per vCPU, the events' and the runs' start times, for bisect: each
    # wakeup looks only at its own window.
    ns = {c: [e.ns for e in v] for c, v in d.events.items()}
    runs = {}
    for cpu, tid, s, e, _, _ in slices(d):
        runs.setdefault(cpu, []).append((s, e, tid))
    starts = {c: [r[0] for r in v] for c, v in runs.items()}
    out = []
    pending = {}
    for e in evs:
        if e.kind == 0x10 and not e.c:
            pending[e.a] = e
        elif e.kind == 0x00 and not (e.c >> 17) & 1 and e.b in pending:
            w = pending.pop(e.b)
            out.append(_attribute(d, w, e, ns, runs, starts))
    return out


def _first(d, ns, cpu, kind, t0, t1, pred=lambda e: True):
    """vCPU cpu's first event of kind in [t0, t1] for which pred holds."""
    evs = d.events.get(cpu, [])
    for i in range(bisect.bisect_left(ns.get(cpu, []), t0), len(evs)):
        e = evs[i]
        if e.ns > t1:
            return None
        if e.kind == kind and pred(e):
            return e
    return None


def _attribute(d, w, sw, ns, runs, starts):
    tgt = sw.cpu
    total = sw.ns - w.ns
    parts = dict.fromkeys(PARTS, 0)
    mark = w.ns
    if tgt != w.cpu:
        send = _first(d, ns, w.cpu, 0x30, w.ns, sw.ns,
                      lambda e: e.a == tgt and e.b == 0)
        if send:
            parts["waker->ipi"] = send.ns - w.ns
            mark = send.ns
            recv = _first(d, ns, tgt, 0x31, send.ns, sw.ns,
                          lambda e: e.a == 0)
            if recv:
                parts["ipi flight"] = recv.ns - send.ns
                mark = recv.ns
    idle = _first(d, ns, tgt, 0x51, mark, sw.ns)
    if idle:
        parts["idle exit"] = idle.ns - mark
        mark = idle.ns
    # The target's runs of other threads overlapping [wakeup, switch-in]
    # (a vCPU's runs follow each other: from the last that starts before
    # the wakeup on).
    rs = runs.get(tgt, [])
    queued = 0
    for s, e, tid in rs[max(0, bisect.bisect_right(starts.get(tgt, []),
                                                   w.ns) - 1):]:
        if s >= sw.ns:
            break
        if tid and tid != w.a:
            queued += max(0, min(e, sw.ns) - max(s, w.ns))
    parts["queued"] = min(queued, max(0, sw.ns - mark))
    parts["switch"] = max(0, sw.ns - mark - parts["queued"])
    return {"thread": d.thread_name(w.a), "id": w.a, "from": w.cpu,
            "to": tgt, "at": w.ns, "total": total, "parts": parts}


def worst(d, n=5, over_ns=None):
    """The n slowest wakeups (or those over over_ns), slowest first."""
    ws = wakeups(d)
    if over_ns is not None:
        ws = [w for w in ws if w["total"] > over_ns]
    ws.sort(key=lambda w: -w["total"])
    return ws if over_ns is not None else ws[:n]


def attribution_table(d, n=5, over_ns=None):
    ws = wakeups(d)
    top = worst(d, n, over_ns)
    lines = ["worst %d of %d wakeups: latency and its parts (us)" % (
        len(top), len(ws))]
    lines.append("  %-18s %-6s %10s %9s" % ("thread", "vCPUs", "at", "total") +
                 "".join(" %10s" % p for p in PARTS))
    for w in top:
        lines.append("  %-18s %-6s %10.1f %9.2f" % (
            "%s[%d]" % (w["thread"][:13], w["id"]),
            "%d->%d" % (w["from"], w["to"]), w["at"] / 1e3,
            w["total"] / 1e3) + "".join(
            " %10.2f" % (w["parts"][p] / 1e3) for p in PARTS))
    return lines


# ---- a timeline picture (SVG), for the report and --svg ----

def _color(tid):
    if tid == 0:
        return "#dddddd"
    h = (tid * 2654435761) & 0xffffffff
    return "hsl(%d,55%%,62%%)" % (h % 360)


def timeline_svg(d, t0=None, t1=None, width=1200, title=None):
    """The vCPUs as lanes from t0 to t1 (ns; default: the whole trace):
    a box per thread run, named where it fits, an arrow from each wakeup
    to the run it caused, a tick per IPI sent and timer fired."""
    evs = d.all_events()
    if not evs:
        return None
    t0 = evs[0].ns if t0 is None else t0
    t1 = evs[-1].ns if t1 is None else t1
    t1 = max(t1, t0 + 1)
    cpus = sorted(d.events)
    lane, top, left = 34, 30, 70
    h = top + lane * len(cpus) + 30
    x = lambda ns: left + (ns - t0) * (width - left - 10) / (t1 - t0)
    y = {c: top + i * lane for i, c in enumerate(cpus)}
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="10">' %
           (width, h, width, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="16" font-size="12">%s (%.1f to %.1f us)</text>'
           % (left, escape(title or "vsched trace"), t0 / 1e3, t1 / 1e3),
           '<defs><marker id="arr" markerWidth="6" markerHeight="6" refX="5" '
           'refY="3" orient="auto"><path d="M0,0 L6,3 L0,6 z" '
           'fill="#333"/></marker></defs>']
    for c in cpus:
        out.append('<text x="4" y="%d">vCPU %d</text>' % (y[c] + 18, c))
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#eee"/>' %
                   (left, width - 10, y[c] + lane - 2, y[c] + lane - 2))
    for cpu, tid, s, e, _, _ in slices(d):
        if e < t0 or s > t1:
            continue
        a, b = x(max(s, t0)), x(min(e, t1))
        name = d.thread_name(tid, cpu) + ("[%d]" % tid if tid else "")
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" '
                   'stroke="#666" stroke-width="0.3"><title>%s: %.2f us'
                   '</title></rect>' % (a, y[cpu] + 4, max(b - a, 0.5),
                                        lane - 10, _color(tid),
                                        escape(name), (e - s) / 1e3))
        if b - a > 6 * len(name):
            out.append('<text x="%.1f" y="%d">%s</text>' % (
                a + 2, y[cpu] + lane / 2 + 3, escape(name)))
    pending = {}
    for e in evs:
        if not t0 <= e.ns <= t1:
            continue
        if e.kind in (0x10, 0x60):
            pending[e.a] = e
        elif e.kind == 0x00 and not (e.c >> 17) & 1 and e.b in pending:
            w = pending.pop(e.b)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" '
                       'stroke="#333" stroke-width="0.8" '
                       'marker-end="url(#arr)"/>' % (
                           x(w.ns), y[w.cpu] + lane - 6, x(e.ns),
                           y[e.cpu] + 4))
        elif e.kind in (0x30, 0x41):
            col = "#c00" if e.kind == 0x30 else "#06c"
            out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" '
                       'stroke="%s"/>' % (x(e.ns), x(e.ns), y[e.cpu],
                                          y[e.cpu] + 5, col))
    out.append('<text x="%d" y="%d" fill="#555">boxes: thread runs; arrows: '
               'wakeup to run; red ticks: IPIs sent; blue: timer interrupts'
               '</text>' % (left, h - 8))
    out.append("</svg>")
    return "\n".join(out)


def window_around(d, w, span_ns=None):
    """(t0, t1) around wakeup w (a wakeups() dict): its latency and as
    much again on each side, at least 20 us."""
    span = max(span_ns or w["total"], 20000)
    return w["at"] - span, w["at"] + w["total"] + span
