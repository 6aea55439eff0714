#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/lablib/trace.py on a real dump (argv[1]: the console log of a
complete trace=on boot) and on damaged and broken copies of it: every
damage is named, every broken invariant is caught, nothing raises."""
import io
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "tools"))
from lablib import audit, trace  # noqa: E402

LOG = None


def lines():
    with open(LOG, errors="replace") as f:
        return f.read().splitlines(True)


def frame_lines(ls):
    return [i for i, l in enumerate(ls) if l.startswith("TRACE c=")]


def everything(d):
    """Every consumer of a Dump: none may raise, whatever it holds."""
    trace.check(d)
    trace.to_perfetto(d)
    trace.to_csv(d, io.StringIO())
    trace.timehist(d, io.StringIO())
    trace.summary(d)


class Intact(unittest.TestCase):
    def test_complete_and_clean(self):
        d = trace.decode(lines())
        self.assertEqual(d.problems, [])
        self.assertTrue(d.complete())
        self.assertEqual(trace.check(d), [])
        kept = sum(int(c["kept"]) for c in d.cpus.values())
        self.assertEqual(sum(len(v) for v in d.events.values()), kept)
        self.assertGreater(kept, 100)

    def test_perfetto_shape(self):
        d = trace.decode(lines())
        j = trace.to_perfetto(d)
        ph = [e["ph"] for e in j["traceEvents"]]
        for p in "MXsfi":
            self.assertIn(p, ph)
        flows = {e["id"] for e in j["traceEvents"] if e["ph"] == "f"}
        starts = {e["id"] for e in j["traceEvents"] if e["ph"] == "s"}
        self.assertTrue(flows and flows <= starts)
        names = {e["name"] for e in j["traceEvents"] if e["ph"] == "X"}
        self.assertIn("main", names)
        self.assertIn("ring", names)


    def test_attribution_adds_up(self):
        d = trace.decode(lines())
        ws = trace.wakeups(d)
        self.assertGreater(len(ws), 50)
        remote = 0
        for w in ws:
            parts = w["parts"]
            self.assertTrue(all(v >= 0 for v in parts.values()), w)
            self.assertEqual(sum(parts.values()), w["total"], w)
            remote += parts["ipi flight"] > 0
        self.assertGreater(remote, 0, "no wakeup went through an IPI")
        top = trace.worst(d, 5)
        self.assertEqual(len(top), 5)
        self.assertEqual([w["total"] for w in top],
                         sorted((w["total"] for w in ws), reverse=True)[:5])


    def test_timeline_svg(self):
        import xml.etree.ElementTree as ET
        d = trace.decode(lines())
        w = trace.worst(d, 1)[0]
        lo, hi = trace.window_around(d, w)
        root = ET.fromstring(trace.timeline_svg(d, lo, hi, title='a "q"'))
        ns = "{http://www.w3.org/2000/svg}"
        runs = [r for r in trace.slices(d) if r[3] >= lo and r[2] <= hi]
        rects = root.findall(ns + "rect")
        self.assertEqual(len(rects), len(runs) + 1)  # + the background
        lanes = {t.text for t in root.findall(ns + "text")
                 if t.text and t.text.startswith("vCPU ")}
        self.assertEqual(lanes, {"vCPU %d" % c for c in d.events})
        self.assertTrue(root.findall(ns + "line"))


class Damaged(unittest.TestCase):
    def test_flipped_payload_byte(self):
        ls = lines()
        i = frame_lines(ls)[5]
        at = ls[i].index(" d=") + 10
        ch = "A" if ls[i][at] != "A" else "B"
        ls[i] = ls[i][:at] + ch + ls[i][at + 1:]
        d = trace.decode(ls)
        self.assertTrue(any("checksum mismatch" in p for p in d.problems),
                        d.problems)
        self.assertFalse(d.complete())
        total = sum(int(c["kept"]) for c in d.cpus.values())
        got = sum(len(v) for v in d.events.values())
        self.assertEqual(total - got, 12)  # one whole frame dropped
        everything(d)

    def test_bad_numbers_in_plain_lines(self):
        """TRACE-BEGIN/CPU/THREAD/END carry no checksum: a number that
        does not parse (or is gone) is a problem, never an exception."""
        import re
        for head, key in (("TRACE-BEGIN", "hz"), ("TRACE-BEGIN", "groups"),
                          ("TRACE-CPU", "switches"), ("TRACE-CPU", "kept"),
                          ("TRACE-THREAD", "switches"),
                          ("TRACE-END", "frames")):
            for repl in ("%s=x1" % key, "", "%s=0" % key if key == "hz"
                         else "%s=-" % key):
                ls = lines()
                i = next(j for j, ln in enumerate(ls)
                         if (head + " ") in ln and key + "=" in ln)
                ls[i] = re.sub(r"\b%s=\S*" % key, repl, ls[i], count=1)
                d = trace.decode(ls)
                if repl:
                    self.assertTrue(any(("bad %s=" % key) in p
                                        for p in d.problems),
                                    (head, key, repl, d.problems))
                self.assertGreater(d.hz, 0)
                everything(d)

    def test_missing_frame(self):
        ls = lines()
        del ls[frame_lines(ls)[3]]
        d = trace.decode(ls)
        self.assertTrue(any("missing frames" in p for p in d.problems),
                        d.problems)
        self.assertTrue(any("TRACE-END says" in p for p in d.problems))
        everything(d)

    def test_repeated_frame(self):
        ls = lines()
        i = frame_lines(ls)[4]
        ls.insert(i + 1, ls[i])
        d = trace.decode(ls)
        self.assertTrue(any("repeated" in p for p in d.problems),
                        d.problems)
        kept = sum(int(c["kept"]) for c in d.cpus.values())
        self.assertEqual(sum(len(v) for v in d.events.values()), kept)

    def test_cut_short(self):
        ls = lines()
        fl = frame_lines(ls)
        cut = fl[len(fl) // 2]
        ls = ls[:cut] + [ls[cut][:len(ls[cut]) // 2]]
        d = trace.decode(ls)
        self.assertTrue(any("cut short" in p for p in d.problems),
                        d.problems)
        self.assertTrue(any("unreadable frame" in p for p in d.problems))
        self.assertGreater(sum(len(v) for v in d.events.values()), 0)
        everything(d)

    def test_no_trace(self):
        d = trace.decode(["vsched: boot\n", "1 passed, 0 failed\n"])
        self.assertIsNone(d.header)
        self.assertTrue(any("no TRACE-BEGIN" in p for p in d.problems))
        everything(d)

    def test_fuzz(self):
        rng = random.Random(1)
        base = lines()
        for _ in range(150):
            ls = list(base)
            for _ in range(rng.randint(1, 6)):
                i = rng.randrange(len(ls))
                op = rng.randrange(5)
                if op == 0 and ls[i]:
                    j = rng.randrange(len(ls[i]))
                    ls[i] = ls[i][:j] + chr(rng.randrange(32, 127)) + \
                        ls[i][j + 1:]
                elif op == 1:
                    del ls[i]
                elif op == 2:
                    ls.insert(i, ls[rng.randrange(len(ls))])
                elif op == 3:
                    ls[i] = ls[i][:rng.randrange(len(ls[i]) + 1)]
                else:
                    ls.insert(i, "TRACE c=%d f=%d d=%s k=%08x\n" % (
                        rng.randrange(9), rng.randrange(999), "QUJD" *
                        rng.randrange(30), rng.randrange(1 << 32)))
            everything(trace.decode(ls))


class Broken(unittest.TestCase):
    """Copies whose events break an invariant: check() must say so."""

    def setUp(self):
        self.d = trace.decode(lines())
        self.assertEqual(trace.check(self.d), [])

    def first(self, kind, pred=lambda e: True):
        for e in self.d.all_events():
            if e.kind == kind and pred(e):
                return e
        self.fail("no event of kind 0x%x" % kind)

    def remove(self, e):
        self.d.events[e.cpu].remove(e)

    def test_wakeup_missing(self):
        # A wakeup of a thread that had blocked and runs afterwards.
        blocked = set()
        for e in self.d.all_events():
            if e.kind == 0x00 and (e.c >> 8) & 0xff == 4:
                blocked.add(e.a)
            elif e.kind == 0x10 and e.a in blocked and not e.c:
                self.remove(e)
                break
        bad = trace.check(self.d, strict=False)
        self.assertTrue(any("without a wakeup" in b for b in bad), bad)

    def test_time_backwards(self):
        evs = self.d.events[0]
        evs[10].ts, evs[11].ts = evs[11].ts + 5, evs[10].ts
        bad = trace.check(self.d, strict=False)
        self.assertTrue(any("time goes back" in b for b in bad), bad)

    def test_two_vcpus_at_once(self):
        # Switch a thread in on another vCPU while it runs on one.
        runs = [r for r in trace.slices(self.d) if r[1] and r[4] >= 0]
        for cpu, tid, s, e, _, _ in runs:
            other = next((x for c, evs in self.d.events.items() if c != cpu
                          for x in evs if x.kind == 0x00 and
                          s < x.ns < e and not (x.c >> 17) & 1), None)
            if other:
                other.b = tid
                break
        else:
            self.fail("no run of one vCPU overlaps a switch of another")
        bad = trace.check(self.d, strict=False)
        self.assertTrue(any("while running on" in b or "runs on" in b
                            for b in bad), bad)

    def test_count_mismatch(self):
        self.remove(self.first(0x41))  # a timer_fire
        bad = trace.check(self.d)
        self.assertTrue(any("timer events, the scheduler counted" in b
                            for b in bad), bad)

    def test_hv_count_mismatch(self):
        self.first(0x80).b += 1
        bad = trace.check(self.d)
        self.assertTrue(any("transitions in hv events, the ledger counted"
                            in b for b in bad), bad)

    def test_run_after_exit(self):
        # A switch in of a thread after its last switch out (state 5,
        # dead): its exit event comes before that switch out, and a switch
        # in between would be a thread on two vCPUs instead.
        ex = self.first(0x62)
        gone = self.first(0x00, lambda e: e.a == ex.a and
                          (e.c >> 8) & 0xff == 5)
        later = next(e for e in self.d.all_events() if e.kind == 0x00 and
                     e.ts > gone.ts + 1000 and not (e.c >> 17) & 1)
        later.b = ex.a
        bad = trace.check(self.d, strict=False)
        self.assertTrue(any("after it exited" in b for b in bad), bad)


class AuditLog(unittest.TestCase):
    GOOD = ['AUDIT {"seq":0,"ns":5,"cpu":1,"severity":"warning","kind":'
            '"refused","tid":1,"thread":"ma\\"in","msg":"x, y"}',
            'AUDIT-SUMMARY {"canary":0,"refused":1,"dropped":0,"kept":1,'
            '"panic":0}']

    def test_parse_and_export(self):
        log = audit.parse(self.GOOD)
        self.assertEqual(log.problems, [])
        self.assertEqual(log.records[0]["thread"], 'ma"in')
        out = io.StringIO()
        audit.to_csv(log, out)
        self.assertIn('"x, y"', out.getvalue())
        self.assertEqual(log.counts(), {"canary": 0, "refused": 1})

    def test_damage_named(self):
        log = audit.parse([self.GOOD[0][:60]])
        self.assertTrue(any("unparsable" in p for p in log.problems))
        log = audit.parse([self.GOOD[0]])
        self.assertTrue(any("cut short" in p for p in log.problems))
        log = audit.parse([self.GOOD[1]])
        self.assertTrue(any("says 1 records kept, 0 read" in p
                            for p in log.problems))
        self.assertTrue(audit.to_text(log))


if __name__ == "__main__":
    LOG = sys.argv.pop(1) if len(sys.argv) > 1 else None
    if not LOG or not os.path.exists(LOG):
        print("usage: test_trace.py LOG (a complete trace=on console log)")
        sys.exit(2)
    unittest.main(verbosity=1)
