# SPDX-License-Identifier: MIT
"""tools/run: boot the guest image once on one backend, stream its console
to stdout and a log, and turn its exit code and test summary into one
verdict, the last line "run: ...: PASS|FAIL|SKIP (...)". How to boot each
backend is the registry's (backends.py); the rest is the same for all."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

from hostkit import backends, cli, console
from hostkit.backends import EXIT_SKIP, EXIT_USAGE, ROOT

PROG = "run"
TAIL = 30
SUMMARY = re.compile(r"^([0-9]+) passed, ([0-9]+) failed", re.M)
FAIL_LINE = re.compile(r"^FAIL( |:|$)", re.M)

USAGE = """\
usage: tools/run --backend BACKEND [options] [-- extra backend arguments]
Boots one configuration and prints a last line "run: ...: PASS|FAIL|SKIP (...)".
  --backend B      one of: {backends}
  --arch A         guest architecture: {arches} (default: that of
                   --image, else x86_64); arm64 runs on {arm64},
                   riscv64 on {riscv64}
  --vcpus N        vCPUs (default 1)
  --mem MiB        guest memory in MiB (default 512; xen: dom0 memory,
                   default 64)
  --timeout S      seconds the guest may run (default 60)
  --cmdline STR    kernel command line (default "test=all")
  --image FILE     guest image (default build/x86_64/vsched.elf, for arm64
                   build/arm64/vsched.bin, for riscv64
                   build/riscv64/vsched.elf)
  --hv FILE        hv launcher (default build/hv/hv)
  --log FILE       also write the console to FILE (default: a temporary file)
  --result FILE    write the verdict as shell assignments to FILE
  --trace FILE     boot with trace=on (unless the command line has trace=)
                   and write the event trace as Perfetto JSON to FILE
                   (tools/trace; docs/trace.md)
  --quiet          print only the last line (and the log tail on failure
                   when there is no --log)
  --dry-run        print the backend command and exit
Arguments after -- go to the backend: QEMU, hv, or for xen tools/xen/boot
(e.g. -- --xen-opts timer_slop=0; riscv64 without Sstc, on SBI timers:
-- -cpu rv64,sstc=false).
  --expect-exit N  a negative test: pass only if the guest exits with code N
                   (no summary line needed), and every --expect matches
  --expect REGEX   an extended regex the console must contain (repeatable)
A run passes when the guest exits with code 0 and, when the command line has
test=, its console ends with "N passed, 0 failed" with N > 0.
Exit status: 0 pass, 1 fail, 2 usage or missing file, 77 skipped (no
/dev/kvm for qemu-kvm and hv), 130 interrupted.
"""
VALUED = ("--backend", "--arch", "--vcpus", "--mem", "--timeout",
          "--cmdline", "--image", "--hv", "--log", "--result",
          "--expect-exit", "--trace")
rel = cli.rel


def usage_error(msg):
    cli.usage_error(PROG, "tools/run", msg)


def parse(argv):
    o = cli.parse(argv, PROG, "tools/run", USAGE.format(
        backends=" ".join(backends.BACKENDS),
        arches=" ".join(backends.ARCHES),
        arm64=" ".join(backends.backends_of("arm64")),
        riscv64=" ".join(backends.backends_of("riscv64"))),
        valued=VALUED, flags=("--quiet", "--dry-run"),
        repeated=("--expect",), passthrough=True,
        defaults={"--vcpus": "1", "--timeout": "60",
                  "--cmdline": "test=all",
                  "--hv": os.path.join(ROOT, "build/hv/hv")})
    o["quiet"], o["dry_run"] = o.pop("--quiet"), o.pop("--dry-run")
    return o


class Run:
    def __init__(self, o):
        name = o.get("--backend")
        if not name:
            usage_error("--backend is required (%s)" %
                        " ".join(backends.BACKENDS))
        if name not in backends.BACKENDS:
            usage_error("unknown backend '%s' (known: %s)" %
                        (name, " ".join(backends.BACKENDS)))
        self.be = backends.BACKENDS[name]
        for key, what in (("--vcpus", "a positive integer"),
                          ("--timeout", "a positive integer (seconds)")):
            if not cli.count(o[key]):
                usage_error("%s must be %s, not '%s'" % (key, what, o[key]))
        mem = o.get("--mem", str(self.be.default_mem))
        if not cli.count(mem):
            usage_error("--mem must be a positive integer (MiB), not '%s'" %
                        mem)
        self.expect_exit = o.get("--expect-exit")
        if self.expect_exit is not None and \
                not re.fullmatch(r"[0-9]+", self.expect_exit):
            usage_error("--expect-exit must be an exit code, not '%s'" %
                        self.expect_exit)
        image = o.get("--image")
        arch = o.get("--arch") or (image and backends.image_arch(image)) \
            or "x86_64"
        if arch not in backends.ARCHES:
            usage_error("unknown arch '%s' (known: %s)" %
                        (arch, " ".join(backends.ARCHES)))
        if arch not in self.be.arches:
            usage_error("backend '%s' cannot run %s guests here" %
                        (name, arch))
        self.expects = o["--expect"]
        for rx in self.expects:
            try:
                re.compile(rx)
            except re.error as err:
                usage_error("--expect '%s': %s" % (rx, err))
        cmdline = o["--cmdline"]
        extra = list(o["extra"])
        self.trace_out = o.get("--trace")
        if self.trace_out and " trace=" not in " %s " % cmdline:
            cmdline = (cmdline + " trace=on").strip()
        if " trace=" in " %s " % cmdline:
            extra += list(self.be.trace_args)
        self.boot = backends.Boot(
            arch=arch, vcpus=int(o["--vcpus"]), mem=int(mem),
            timeout=int(o["--timeout"]), cmdline=cmdline,
            image=image or backends.default_image(arch), hv=o["--hv"],
            extra=extra)
        self.label = "%s vcpus=%d%s" % (name, self.boot.vcpus,
                                        " " + cmdline if cmdline else "")
        if arch != "x86_64":
            self.label = "%s %s" % (arch, self.label)
        self.log, self.result = o.get("--log"), o.get("--result")
        self.quiet, self.dry_run = o["quiet"], o["dry_run"]
        self.passed = self.failed = self.secs = ""
        self.cmd, self.guard = self.be.command(self.boot)

    def verdict(self, status, detail, code):
        print("run: %s: %s (%s)" % (self.label, status, detail), flush=True)
        if self.result:
            with open(self.result, "w") as f:
                for k, v in (("status", status), ("detail", detail),
                             ("passed", self.passed),
                             ("failed", self.failed), ("secs", self.secs)):
                    f.write("%s=%s\n" % (k, shlex.quote(str(v))))
        sys.exit(code)

    def decode(self, rc, text):
        """(code, why): the guest's exit code, or why the backend failed on
        its own."""
        if rc in (124, 137):
            why = "timeout after %d s" % self.guard
            if self.be.timeout_line:
                if re.search(self.be.timeout_line, text, re.M):
                    why = "timeout after %d s" % self.boot.timeout
                else:
                    why += " (%s ignored its --timeout)" % self.be.name
            return None, why
        if rc in (125, 126, 127):
            return None, "could not start %s (status %d)" % (self.cmd[0], rc)
        if self.be.status != "qemu":
            return rc, ""
        if rc == 0:
            code, why = None, "QEMU quit without an exit code (guest reset " \
                "or triple fault?)"
        elif rc & 1 == 0:
            code, why = None, "QEMU exited with status %d" % rc
        else:
            code, why = rc >> 1, ""
        # QEMU exits 1 on its own errors, like guest code 0, and says why.
        if rc == 1 or why:
            err = self.be.error(text)
            if err:
                code, why = None, (why + "; " if why else "") + err
        return code, why

    def tail(self, text, tmp_log):
        """The console's tail for a --quiet caller that would otherwise
        never see it."""
        if not (self.quiet and tmp_log):
            return
        lines = console.tail(text.splitlines(), TAIL)
        print("--- last %d console lines ---" % TAIL)
        print("\n".join(lines) if lines else "(no console output)")
        print("---")

    def main(self):
        b = self.boot
        if self.dry_run:
            print(console.show(self.cmd, self.guard))
            return 0
        if not os.path.isfile(b.image):
            print("%s: no guest image %s: build it with 'make'" %
                  (PROG, rel(b.image)), file=sys.stderr)
            self.verdict("FAIL", "no image %s" % rel(b.image), EXIT_USAGE)
        if self.be.name == "hv" and not os.access(b.hv, os.X_OK):
            print("%s: no hv launcher %s: build it with 'make'" %
                  (PROG, rel(b.hv)), file=sys.stderr)
            self.verdict("FAIL", "no hv launcher %s" % rel(b.hv), EXIT_USAGE)
        if self.be.needs_kvm:
            reason = backends.kvm_missing()
            if reason:
                print("%s: skipped: %s" % (PROG, reason), file=sys.stderr)
                self.verdict("SKIP", reason, EXIT_SKIP)
        if not shutil.which(self.cmd[0]):
            print("%s: %s not found: run tools/deps.sh" % (PROG, self.cmd[0]),
                  file=sys.stderr)
            self.verdict("FAIL", "%s not found" % self.cmd[0], EXIT_USAGE)
        with tempfile.TemporaryDirectory(prefix="vsched-run.") as tmp:
            log = self.log or os.path.join(tmp, "console.log")
            try:
                os.makedirs(os.path.dirname(os.path.abspath(log)),
                            exist_ok=True)
                open(log, "wb").close()
            except OSError as err:
                print("%s: cannot write %s: %s" % (PROG, log, err.strerror),
                      file=sys.stderr)
                return 1
            rc, secs = console.stream(self.cmd, self.guard, log,
                                      echo=not self.quiet)
            self.secs = "%.1f" % secs
            with open(log, encoding="utf-8", errors="replace") as f:
                text = f.read().replace("\r", "")
            self.judge(rc, text, log, log != self.log)

    def judge(self, rc, text, log, tmp_log):
        secs = self.secs
        if rc is None:
            self.verdict("FAIL", "interrupted, %s s" % secs, 130)
        code, why = self.decode(rc, text)
        if self.be.failed:
            why = self.be.failed(rc, code, text) or why
        # --expect: console lines the run must show (any run; negative
        # tests above all).
        expect_reasons = ["no line matches '%s'" % rx for rx in self.expects
                          if not re.search(rx, text, re.M)]
        # --trace: the dump's summary and any damage; no trace fails.
        if self.trace_out:
            p = subprocess.run([os.path.join(ROOT, "tools/trace"), log,
                                "--json", self.trace_out, "--label",
                                self.label], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               errors="replace")
            for ln in p.stdout.splitlines():
                print("trace: " + re.sub(r"^trace: ", "", ln))
            if p.returncode != 0:
                expect_reasons.append("no event trace in the console")
        # A negative test: the exit code and the console lines it must
        # show.
        if self.expect_exit is not None:
            reasons = []
            if code != int(self.expect_exit):
                reasons.append("guest exit code %s%s, expected %s" % (
                    "none" if code is None else code,
                    " (%s)" % why if why else "", self.expect_exit))
            reasons += expect_reasons
            if not reasons:
                self.verdict("PASS", "exit code %d as expected, %s s" %
                             (code, secs), 0)
            self.tail(text, tmp_log)
            self.verdict("FAIL", "%s | %s s" % ("; ".join(reasons), secs), 1)
        # The summary: the last "N passed, M failed" line, and FAIL lines.
        found = SUMMARY.findall(text)
        if found:
            self.passed, self.failed = found[-1]
        fail_lines = len(FAIL_LINE.findall(text))
        reasons = []
        if self.failed and int(self.failed) > 0:
            reasons.append("%s check%s failed" % (
                self.failed, "s" if int(self.failed) > 1 else ""))
        if why:
            reasons.append(why)
        elif code:
            reasons.append("guest exit code %d" % code)
        if self.failed == "0":
            if fail_lines:
                reasons.append("summary says 0 failed but the log has %d "
                               "FAIL lines" % fail_lines)
            elif self.passed == "0":
                reasons.append("no checks ran")
        elif not self.failed and not why and \
                " test=" in " %s " % self.boot.cmdline:
            reasons.append("no summary line")
        reasons += expect_reasons
        counts = "%s s" % secs
        if self.passed:
            counts = "%s passed, %s failed, %s" % (self.passed, self.failed,
                                                  counts)
        if not reasons:
            if not self.passed:
                counts = "guest exit code 0, " + counts
            self.verdict("PASS", counts, 0)
        self.tail(text, tmp_log)
        self.verdict("FAIL", "%s | %s" % ("; ".join(reasons), counts), 1)


def main(argv):
    return Run(parse(argv)).main() or 0
