# SPDX-License-Identifier: MIT
"""The host toolkit (tools/hostkit): the backend registry, the manifest
parser and tools/testall, on the real manifest and on broken ones.
Run: python3 -m unittest discover -s tests/hostkit (make hosttest)."""
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import contextlib  # noqa: E402
import io  # noqa: E402

from hostkit import backends, manifest, run, xenboot  # noqa: E402

TESTALL = os.path.join(ROOT, "tools/testall")
IMAGE = os.path.join(ROOT, "build/x86_64/vsched.elf")


def write(d, text):
    path = os.path.join(d, "m.cfg")
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    return path


class Registry(unittest.TestCase):
    def test_lib_sh_reads_the_registry(self):
        out = subprocess.run(
            ["bash", "-c", '. tools/lib.sh; echo "$VSCHED_BACKENDS|'
             '$VSCHED_BACKENDS_arm64|$VSCHED_ARCHES"; is_backend hv '
             '&& ! is_backend bochs && echo known-ok'],
            cwd=ROOT, capture_output=True, text=True, check=True).stdout
        line, kvm = out.splitlines()
        self.assertEqual(line, "%s|%s|%s" % (
            " ".join(backends.BACKENDS), " ".join(backends.backends_of(
                "arm64")), " ".join(backends.ARCHES)))
        self.assertEqual(kvm, "known-ok")

    def test_arm64_has_no_kvm_backend(self):
        self.assertNotIn("hv", backends.backends_of("arm64"))
        self.assertNotIn("qemu-kvm", backends.backends_of("arm64"))

    def test_riscv64_boots_on_qemu_tcg_only(self):
        self.assertEqual(backends.backends_of("riscv64"),
                         ["qemu-tcg", "qemu-icount"])
        self.assertEqual(backends.lab_name("riscv64", "qemu-icount"),
                         "riscv64-icount")
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"\x7fELF\x02\x01\x01" + bytes(11) + b"\xf3\x00" +
                    bytes(44))
            f.flush()
            self.assertEqual(backends.image_arch(f.name), "riscv64")

    def test_riscv64_command(self):
        b = backends.Boot(arch="riscv64", vcpus=2, mem=256, timeout=10,
                          cmdline="test=all", image="/x.elf", hv="",
                          extra=["-cpu", "rv64,sstc=false"])
        cmd, guard = backends.BACKENDS["qemu-icount"].command(b)
        self.assertEqual(cmd[:7], ["qemu-system-riscv64", "-M", "virt",
                                   "-bios", "default", "-accel", "tcg"])
        self.assertEqual(cmd[cmd.index("-cpu") + 1], "rv64")
        # The backend arguments come after the machine's -cpu: QEMU takes
        # the last one.
        self.assertGreater(len(cmd) - cmd[::-1].index("-cpu") - 1,
                           cmd.index("-cpu"))
        self.assertIn("shift=0,sleep=off", cmd)
        self.assertEqual(guard, 10)


class RealManifest(unittest.TestCase):
    def test_loads_and_expands(self):
        entries = manifest.load(os.path.join(ROOT, "tests/guest/suites.cfg"))
        runs = manifest.expand(entries)
        self.assertGreaterEqual(len(runs), 100)
        for r in runs:
            self.assertIn(r.arch, backends.BACKENDS[r.backend].arches)
            self.assertEqual(r.name.startswith("arm64."), r.arch == "arm64")
            self.assertEqual(r.name.startswith("riscv64."),
                             r.arch == "riscv64")
        # One entry, every arch: the arm64 and riscv64 rows are not copies.
        alls = [r for r in runs if r.entry.name == "all"]
        self.assertEqual({r.arch for r in alls},
                         {"x86_64", "arm64", "riscv64"})
        self.assertNotIn("hv", {r.backend for r in alls
                                if r.arch == "arm64"})
        self.assertEqual({r.backend for r in alls if r.arch == "riscv64"},
                         {"qemu-tcg"})
        inj = [r for r in runs if "inject" in r.entry.groups]
        self.assertTrue(inj and all(r.entry.expect_exit == 1 or
                                    r.entry.name == "inj.unknown"
                                    for r in inj))


class BadManifests(unittest.TestCase):
    GOOD = """\
        [a]
        suite = all
        vcpus = 1
        backends = qemu-tcg
        timeout = 10
        """

    def fails(self, text, *words):
        with tempfile.TemporaryDirectory() as d:
            path = write(d, text)
            with self.assertRaises(manifest.ManifestError) as cm:
                manifest.expand(manifest.load(path))
        for w in words:
            self.assertIn(w, str(cm.exception))
        return str(cm.exception)

    def test_good(self):
        with tempfile.TemporaryDirectory() as d:
            runs = manifest.expand(manifest.load(write(d, self.GOOD)))
        self.assertEqual([(r.name, r.backend, r.vcpus) for r in runs],
                         [("a", "qemu-tcg", 1)])
        self.assertEqual(runs[0].entry.cmdline, "test=all")

    def test_unknown_key(self):
        self.fails(self.GOOD + "colour = red\n", "[a]", "unknown key",
                   "colour")

    def test_unknown_backend(self):
        self.fails(self.GOOD.replace("qemu-tcg", "qemu-tcg bochs"),
                   "unknown backend 'bochs'")

    def test_arch_without_backend(self):
        self.fails(self.GOOD.replace("qemu-tcg", "hv") + "arch = arm64\n",
                   "none of its backends boots arm64")

    def test_bad_numbers(self):
        self.fails(self.GOOD.replace("vcpus = 1", "vcpus = 0"), "vcpus")
        self.fails(self.GOOD.replace("vcpus = 1", "vcpus = 65"), "vcpus")
        self.fails(self.GOOD.replace("timeout = 10", "timeout = soon"),
                   "timeout", "soon")
        self.fails(self.GOOD + "expect_exit = 300\n", "expect_exit")

    def test_missing_keys(self):
        self.fails(self.GOOD.replace("timeout = 10\n", ""), "no timeout")
        self.fails(self.GOOD.replace("suite = all\n", ""),
                   "neither suite nor cmdline")

    def test_bad_regex(self):
        self.fails(self.GOOD + "expect = (unclosed\n", "bad expect regex")

    def test_duplicates(self):
        self.fails(self.GOOD + "\n" + self.GOOD, "'a'", "already exists")
        self.fails(self.GOOD + "[a.b]\nsuite = x\nvcpus = 1\nbackends = "
                   "qemu-tcg\ntimeout = 1\n[a.b]\n", "a.b")

    def test_clash_of_run_names(self):
        self.fails(self.GOOD + "arch = x86_64 arm64\n[arm64.a]\nsuite = x"
                   "\nvcpus = 1\nbackends = qemu-tcg\ntimeout = 1\n",
                   "both make the run arm64.a")

    def test_not_ini(self):
        self.fails("all 1 qemu-tcg 10 test=all\n", "section")


class Verdicts(unittest.TestCase):
    """tools/run's verdict on a backend's status and console, for every
    way a run can end (hostkit/run.py judge())."""

    def judge(self, backend, rc, text, *opts):
        with tempfile.TemporaryDirectory() as d:
            res = os.path.join(d, "res")
            r = run.Run(run.parse(["--backend", backend, "--quiet",
                                   "--result", res] + list(opts)))
            r.secs = "1.0"
            out = io.StringIO()
            with contextlib.redirect_stdout(out), \
                    self.assertRaises(SystemExit) as cm:
                r.judge(rc, text, "/nonexistent", False)
            with open(res) as f:
                fields = dict(ln.rstrip("\n").split("=", 1) for ln in f)
        return cm.exception.code, out.getvalue().strip(), fields

    def test_pass(self):
        code, line, f = self.judge("qemu-tcg", 1, "PASS a\n3 passed, 0 failed\n")
        self.assertEqual(code, 0)
        self.assertIn("PASS (3 passed, 0 failed, 1.0 s)", line)
        self.assertEqual((f["status"], f["passed"], f["failed"]),
                         ("PASS", "3", "0"))

    def test_failed_checks(self):
        code, line, _ = self.judge("qemu-tcg", 3,
                                   "FAIL a: x\n3 passed, 1 failed\n")
        self.assertEqual(code, 1)
        self.assertIn("1 check failed; guest exit code 1", line)

    def test_fail_line_beside_a_clean_summary(self):
        code, line, _ = self.judge("hv", 0, "FAIL a\n3 passed, 0 failed\n")
        self.assertEqual(code, 1)
        self.assertIn("summary says 0 failed but the log has 1 FAIL lines",
                      line)

    def test_no_summary(self):
        code, line, _ = self.judge("qemu-tcg", 1, "booted\n")
        self.assertEqual(code, 1)
        self.assertIn("no summary line", line)

    def test_no_checks(self):
        self.assertIn("no checks ran",
                      self.judge("hv", 0, "0 passed, 0 failed\n")[1])

    def test_timeout(self):
        code, line, _ = self.judge("qemu-tcg", 124, "", "--timeout", "7")
        self.assertEqual(code, 1)
        self.assertIn("timeout after 7 s", line)
        line = self.judge("hv", 124, "", "--timeout", "7")[1]
        self.assertIn("(hv ignored its --timeout)", line)

    def test_qemu_own_failures(self):
        self.assertIn("QEMU quit without an exit code",
                      self.judge("qemu-tcg", 0, "")[1])
        line = self.judge("qemu-icount", 1, "qemu-system-x86_64: warning: x"
                          "\nqemu-system-x86_64: -foo: invalid option\n")[1]
        self.assertIn("qemu-system-x86_64: -foo: invalid option", line)
        self.assertNotIn("warning", line)

    def test_backend_errors(self):
        line = self.judge("hv", 3, "hv: vcpus=1\nhv: KVM_RUN: EFAULT\n")[1]
        self.assertIn("hv exit status 3: hv: KVM_RUN: EFAULT", line)
        line = self.judge("xen", 3, "xen-boot: FAILED: Xen panicked\n")[1]
        self.assertIn("tools/xen/boot exit status 3: Xen panicked", line)

    def test_negative(self):
        code, line, _ = self.judge("qemu-tcg", 5, "x: refused\n",
                                   "--expect-exit", "2", "--expect",
                                   "^x: ref")
        self.assertEqual(code, 0)
        self.assertIn("exit code 2 as expected", line)
        code, line, _ = self.judge("qemu-tcg", 1, "x: refused\n",
                                   "--expect-exit", "2", "--expect", "^y")
        self.assertEqual(code, 1)
        self.assertIn("guest exit code 0, expected 2; no line matches '^y'",
                      line)

    def test_usage_errors(self):
        for argv in (["--backend", "bochs"], ["--vcpus", "2"],
                     ["--backend", "hv", "--arch", "arm64"],
                     ["--backend", "hv", "--vcpus", "0"],
                     ["--backend", "hv", "--expect", "(x"]):
            with contextlib.redirect_stderr(io.StringIO()), \
                    self.assertRaises(SystemExit) as cm:
                run.Run(run.parse(argv))
            self.assertEqual(cm.exception.code, 2, argv)


class XenBoot(unittest.TestCase):
    """tools/xen/boot: its QEMU command and what it reads off Xen's
    console (hostkit/xenboot.py)."""

    def watch(self, text, arch="x86_64"):
        w = xenboot.XenWatch(arch, "console=com1")
        with contextlib.redirect_stdout(io.StringIO()):
            for ln in text.splitlines():
                w.line(ln)
        return w

    def test_exit_code_then_stop(self):
        w = self.watch("(XEN) Freed 656kB init memory\nvsched: exit code 1\n")
        self.assertEqual(w.code, 1)
        self.assertFalse(w.stop())          # Xen's last lines first
        w.stop_at -= 10
        self.assertTrue(w.stop())
        self.assertFalse(w.line("qemu-system-x86_64: terminating on signal"
                                " 15 from pid 1 (timeout)"))

    def test_panic_code(self):
        w = self.watch("vsched: stopped all vCPUs after a panic; exiting "
                       "with code 3\n")
        self.assertEqual(w.code, 3)

    def test_xen_panic(self):
        w = self.watch("(XEN) HVM: Hardware Assisted Paging (HAP) not "
                       "detected\n(XEN) ****************************************"
                       "\n(XEN) Panic on CPU 0:\n(XEN) Error creating d0: -95\n"
                       "(XEN) ****************************************\n")
        self.assertEqual(w.panic, ["Error creating d0: -95"])
        self.assertTrue(w.no_hap)
        self.assertFalse(w.stop())          # a second for its last lines
        w.stop_at -= 10
        self.assertTrue(w.stop())

    def test_dom0_end(self):
        w = self.watch("(XEN) ELF: not an ELF binary\n(XEN) Hardware Dom0 "
                       "crashed: 'noreboot' set - not rebooting.\n")
        self.assertIsNone(w.code)
        self.assertEqual(w.dom0_why, ["ELF: not an ELF binary"])
        self.assertTrue(w.xen_end.startswith("Hardware Dom0 crashed"))
        self.assertTrue(w.stop())           # dom0 is gone: stop at once

    def test_debug_keys_near_the_timeout(self):
        w = xenboot.XenWatch("x86_64", "console=com1", 60)
        self.assertEqual(w.input(), b"")    # 35 s before the dump
        typed = []
        with contextlib.redirect_stdout(io.StringIO()):
            while w.dump_at is not None:
                w.dump_at -= 60
                typed.append(w.input())
                self.assertEqual(w.input(), b"")  # a gap between pieces
        self.assertEqual(b"".join(typed), b"\x01\x01\x01rq0")
        self.assertEqual(w.input(), b"")    # once
        done = xenboot.XenWatch("x86_64", "console=com1", 60)
        done.line("vsched: exit code 0")
        done.dump_at -= 60
        self.assertEqual(done.input(), b"")  # the guest ended: no dump

    def test_dump_places(self):
        dump = "".join(
            "(XEN) *** Dumping Dom0 vcpu#%d state: ***\n"
            "(XEN) RIP:    0008:[<%016x>]\n(XEN) RFLAGS: 0000000000000006\n"
            % (v, pc) for v, pc in ((0, 0x124a78), (1, 0x1221fb),
                                    (2, 0x1221fb), (3, 0x1221fb),
                                    (5, 0x1221fb)))
        w = self.watch(dump)
        self.assertEqual(w.dump_pc[0], 0x124a78)
        self.assertEqual(xenboot.where("/nonexistent", w.dump_pc),
                         "vCPU 0 0x124a78; vCPUs 1-3,5 0x1221fb")
        arm = self.watch("(XEN) *** Dumping Dom0 vcpu#2 state: ***\n"
                         "(XEN)     PC:     0000000040212345\n", "arm64")
        self.assertEqual(arm.dump_pc, {2: 0x40212345})

    def opts(self, *argv):
        with tempfile.NamedTemporaryFile() as img:
            o = xenboot.parse(["--image", img.name, "--dry-run"] +
                              list(argv))
            o["--xen"] = "/nonexistent/xen"  # not unpacked here
            return o

    def test_commands(self):
        o = self.opts("--arch", "arm64", "--vcpus", "4", "--pcpus", "2",
                      "--cmdline", "test=a,b")
        o["--xen"] = __file__  # any file: arm64 Xen is used as it is
        cmd, line = xenboot.command(o)
        self.assertIn("vwfi=trap", line)    # overcommitted: not pinned
        self.assertNotIn("dom0_vcpus_pin", line)
        self.assertTrue(cmd[-1].endswith("bootargs=test=a,,b"))
        o = self.opts("--arch", "arm64", "--vcpus", "2")
        o["--xen"] = __file__
        self.assertIn("dom0_vcpus_pin vwfi=native", xenboot.command(o)[1])

    def test_usage(self):
        for argv in (["--vcpus", "65"], ["--vcpus", "2", "--pcpus", "3"],
                     ["--mem", "8"], ["--arch", "riscv64"],
                     ["--arch", "arm64", "--no-npt"], ["--bogus"]):
            with contextlib.redirect_stderr(io.StringIO()), \
                    self.assertRaises(SystemExit) as cm:
                xenboot.parse(argv)
            self.assertEqual(cm.exception.code, 2, argv)


class LabList(unittest.TestCase):
    """The lab's benchmark list is the guest's (BENCHLIST lines), not a
    copy (tools/lablib)."""

    def test_bench_list_and_keys(self):
        from lablib import console as lconsole, report
        lines = ["bench: virt kvm", "BENCHLIST a,b", "x BENCHLIST c",
                 "BENCH {\"name\":\"a\"}"]
        self.assertEqual(lconsole.bench_list(lines), ["a", "b", "c"])
        data = {"x": {"keys": ["a", "b", "a@poll"], "results": []},
                "y": {"keys": ["a", "z"], "results": []},
                "old": {"results": [{"key": "q"}]}}
        self.assertEqual(report.keys(data), ["a", "b", "a@poll", "z", "q"])


@unittest.skipUnless(os.path.exists(IMAGE), "no guest image (make)")
class Testall(unittest.TestCase):
    def run_testall(self, text, *args):
        with tempfile.TemporaryDirectory() as d:
            return subprocess.run(
                [TESTALL, "--manifest", write(d, text)] + list(args),
                cwd=ROOT, capture_output=True, text=True, timeout=120)

    # A bad option value stops the boot with exit code 2 at once: one run
    # that expects it passes, the same boot without expect_exit fails.
    RUNS = """\
        [refused]
        cmdline = test=all slice_us=abc
        vcpus = 1
        backends = qemu-tcg
        timeout = 20
        expect_exit = 2
        expect = slice_us=abc: not a number
        groups = g1

        [broken]
        cmdline = test=all slice_us=abc
        vcpus = 1
        backends = qemu-tcg
        timeout = 20
        groups = g2
        """

    def test_counts_pass_and_fail(self):
        p = self.run_testall(self.RUNS, "--jobs", "2")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("1 passed, 1 failed", p.stdout)
        self.assertRegex(p.stdout, r"(?m)^refused +qemu-tcg +1 +PASS")
        self.assertRegex(p.stdout, r"(?m)^broken +qemu-tcg +1 +FAIL")
        self.assertIn("--- last 30 console lines of build/test-logs/"
                      "broken-qemu-tcg-1.log ---", p.stdout)

    def test_group_filter(self):
        p = self.run_testall(self.RUNS, "-g", "g1")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("1 passed, 0 failed", p.stdout)
        p = self.run_testall(self.RUNS, "-g", "g3")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no group 'g3'", p.stderr)

    def test_bad_manifest_is_a_usage_error(self):
        p = self.run_testall(self.RUNS + "colour = red\n", "--list")
        self.assertEqual(p.returncode, 2)
        self.assertIn("[broken]: unknown key colour", p.stderr)


def boot_line(test, arch, suite, extra, pattern):
    """Boot suite on qemu-tcg (1 vCPU) with extra on the command line; the
    first group of pattern in its console (the boot must pass)."""
    p = subprocess.run(
        [os.path.join(ROOT, "tools/run"), "--backend", "qemu-tcg",
         "--arch", arch, "--vcpus", "1", "--timeout", "60", "--cmdline",
         ("test=%s %s" % (suite, extra)).strip()],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    test.assertEqual(p.returncode, 0, p.stdout[-2000:])
    m = re.search(pattern, p.stdout)
    test.assertTrue(m, p.stdout[-2000:])
    return m.group(1)


class EveryArch:
    """A test per guest arch, each calling self.check(arch); an arch whose
    image is not built is skipped."""

    def test_x86_64(self):
        self.check("x86_64")

    @unittest.skipUnless(os.path.exists(
        os.path.join(ROOT, "build/arm64/vsched.bin")), "no arm64 image")
    def test_arm64(self):
        self.check("arm64")

    @unittest.skipUnless(os.path.exists(
        os.path.join(ROOT, "build/riscv64/vsched.elf")), "no riscv64 image")
    def test_riscv64(self):
        self.check("riscv64")


@unittest.skipUnless(os.path.exists(IMAGE), "no guest image (make)")
class StackRandom(EveryArch, unittest.TestCase):
    """Stack randomization across boots (suite stack_random prints the
    first 8 stacks' starting depths): two boots differ, two with the same
    seed= agree, another seed differs; x86-64, arm64 and riscv64."""

    def layout(self, arch, extra=""):
        return boot_line(self, arch, "stack_random", extra,
                         r"stack_random.layout: .*tops: ([0-9 ]+)").split()

    def check(self, arch):
        a, b = self.layout(arch), self.layout(arch)
        # 8 depths of 5 bits each: equal by chance once in 2^40.
        self.assertNotEqual(a, b, "two boots placed the stacks alike")
        s1, s2 = self.layout(arch, "seed=7"), self.layout(arch, "seed=7")
        self.assertEqual(s1, s2, "seed=7 did not repeat the layout")
        self.assertNotEqual(s1, self.layout(arch, "seed=8"))



@unittest.skipUnless(os.path.exists(IMAGE), "no guest image (make)")
class DomainLayout(EveryArch, unittest.TestCase):
    """Each domain's layout starts at a random offset in its region (suite
    domains prints both domains' offsets): two boots differ, two with the
    same seed= agree; x86-64, arm64 and riscv64."""

    def layout(self, arch, extra=""):
        return boot_line(self, arch, "domains", extra,
                         r"INFO domains.layout: ([0-9a-f]+ [0-9a-f]+)")

    def check(self, arch):
        # Two offsets of 21 bits each: equal by chance once in 2^42.
        self.assertNotEqual(self.layout(arch), self.layout(arch),
                            "two boots placed the domains alike")
        s1, s2 = self.layout(arch, "seed=7"), self.layout(arch, "seed=7")
        self.assertEqual(s1, s2, "seed=7 did not repeat the layout")



class Scheduling(unittest.TestCase):
    """tools/testall's choice of the next boot: KVM alone, icount boots
    two at a time among themselves, the rest one at a time by default."""

    def test_pick(self):
        import importlib.machinery
        import importlib.util
        import types
        loader = importlib.machinery.SourceFileLoader("testall", TESTALL)
        spec = importlib.util.spec_from_loader("testall", loader)
        ta = importlib.util.module_from_spec(spec)
        loader.exec_module(ta)
        kinds = ["qemu-tcg", "xen-icount", "hv", "qemu-icount", "qemu-tcg"]
        runs = [types.SimpleNamespace(backend=b) for b in kinds]
        args = types.SimpleNamespace(jobs=1, icount_jobs=2)
        r = ta.Runner(runs, args, None)
        self.assertEqual(r.pick([0, 1, 2, 3, 4], []), 0)
        self.assertIsNone(r.pick([1, 2, 3, 4], [0]))      # tcg: alone
        self.assertEqual(r.pick([2, 3, 4], [1]), 3)       # icount pairs
        self.assertIsNone(r.pick([2, 4], [1, 3]))         # two is enough
        self.assertIsNone(r.pick([4], [2]))               # KVM: alone
        self.assertEqual(r.pick([2, 4], []), 2)
        args.jobs = 2
        self.assertIsNone(r.pick([2, 4], [0]))            # KVM waits
        self.assertEqual(r.pick([4], [0]), 4)


if __name__ == "__main__":
    unittest.main()
