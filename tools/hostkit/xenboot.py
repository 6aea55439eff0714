# SPDX-License-Identifier: MIT
"""tools/xen/boot: boot the guest image as the PVH dom0 of real Xen
(Debian's xen-hypervisor-4.17-amd64) inside QEMU TCG with nested SVM + NPT,
or as the dom0 of Xen for arm64 in qemu-system-aarch64; stream Xen's and
the guest's console, stop QEMU once the guest has said its exit code (Xen
halts, QEMU would not quit), and exit with that code."""
import bisect
import gzip
import os
import re
import shutil
import subprocess
import sys
import time

from hostkit import cli, console
from hostkit.backends import EXIT_USAGE, ICOUNT, ROOT

PROG = "xen-boot"
USAGE = """\
usage: tools/xen/boot [options]
Boots build/x86_64/vsched.elf as a PVH dom0 of Xen 4.17 in QEMU TCG
(-cpu qemu64,+svm,+npt), or with --arch arm64 build/arm64/vsched.bin as the
dom0 of Xen 4.17 for arm64 in qemu-system-aarch64 (-M virt,virtualization=on,
gic-version=3, the image placed by QEMU's guest-loader device). Lines of its
own start with "xen-boot:".
  --arch A         x86_64 (default) or arm64
  --vcpus N        dom0 vCPUs (default 2); also Xen's physical CPUs unless
                   --pcpus says otherwise
  --pcpus P        physical CPUs for Xen (QEMU -smp), 1..N: fewer than
                   --vcpus overcommits them, so Xen's scheduler stops dom0
                   vCPUs in turn (steal time); arm64 then leaves out
                   dom0_vcpus_pin
  --mem MiB        dom0 memory (default 64); QEMU gets MiB + 448, at least 512
  --timeout S      seconds before QEMU is stopped (default 120)
  --cmdline STR    guest command line (default "test=all")
  --xen-opts STR   more Xen command-line options, e.g. "timer_slop=0"
                   (repeatable: the options add up)
  --image FILE     guest image (default build/x86_64/vsched.elf; arm64:
                   build/arm64/vsched.bin)
  --xen FILE       Xen (default /boot/xen-4.17-amd64.gz, gunzipped once
                   into build/xen/xen; arm64: xen-hypervisor-
                   4.17-arm64 unpacked by tools/deps.sh --arm64 into build/deps/arm64)
  --icount         run QEMU with -icount {icount}: one instruction
                   (Xen's or the guest's) per nanosecond of virtual time;
                   with 2+ CPUs it needs QEMU 8.1 or later (QEMU, or
                   the one tools/deps.sh unpacks into build/deps/qemu-x86,
                   with --arm64 into build/deps/qemu)
  --no-npt         (x86_64) leave out nested paging: Xen finds no HAP and refuses the
                   PVH dom0 (shows how that failure is reported)
  --dry-run        print the QEMU command and exit
Exit status: the guest's exit code; 124 timeout; 3 Xen panicked or dom0
crashed or stopped without an exit code; 2 usage error or missing file.
""".format(icount=ICOUNT)
VALUED = ("--vcpus", "--pcpus", "--mem", "--timeout", "--cmdline",
          "--image", "--xen", "--arch")
XEN_X86 = "/boot/xen-4.17-amd64.gz"
XEN_ARM64 = os.path.join(ROOT, "build/deps/arm64/xen-hypervisor-4.17-arm64/"
                         "boot/xen-4.17-arm64")
# The QEMU that --icount on 2+ CPUs needs, and who unpacks it (see
# icount_qemu()).
NEWER = {"x86_64": ("build/deps/qemu-x86/usr/bin/qemu-system-x86_64",
                    "tools/deps.sh' (it unpacks bookworm-backports' "
                    "qemu-system-x86 into build/deps/qemu-x86)"),
         "arm64": ("build/deps/qemu/usr/bin/qemu-system-aarch64",
                   "tools/deps.sh --arm64' (it unpacks bookworm-backports' "
                   "qemu-system-arm into build/deps/qemu)")}


def say(msg):
    print("%s: %s" % (PROG, msg), flush=True)


def die(msg):
    print("%s: FAILED: %s" % (PROG, msg), file=sys.stderr, flush=True)
    sys.exit(EXIT_USAGE)


def usage_error(msg):
    cli.usage_error(PROG, "tools/xen/boot", msg)


count = cli.count


def parse(argv):
    o = cli.parse(argv, PROG, "tools/xen/boot", USAGE, VALUED,
                  flags=("--no-npt", "--icount", "--dry-run"),
                  repeated=("--xen-opts",),
                  defaults={"--vcpus": "2", "--mem": "64", "--timeout": "120",
                            "--cmdline": "test=all", "--arch": "x86_64"})
    o.update(xen_opts=o.pop("--xen-opts"), npt=not o.pop("--no-npt"),
             icount=o.pop("--icount"), dry_run=o.pop("--dry-run"))
    vcpus = count(o["--vcpus"])
    if not vcpus or vcpus > 64:
        usage_error("--vcpus must be 1..64, not '%s'" % o["--vcpus"])
    pcpus = count(o.get("--pcpus", str(vcpus)))
    if not pcpus or pcpus > vcpus:
        usage_error("--pcpus must be 1..%d (the dom0 vCPUs), not '%s'" %
                    (vcpus, o.get("--pcpus")))
    mem = count(o["--mem"])
    if not mem or mem < 16:
        usage_error("--mem must be at least 16 (MiB), not '%s'" % o["--mem"])
    if not count(o["--timeout"]):
        usage_error("--timeout must be a positive integer, not '%s'" %
                    o["--timeout"])
    arch = o["--arch"]
    if arch not in ("x86_64", "arm64"):
        usage_error("--arch must be x86_64 or arm64, not '%s'" % arch)
    if arch == "arm64" and not o["npt"]:
        usage_error("--no-npt is an x86_64 option")
    o.update(vcpus=vcpus, pcpus=pcpus, mem=mem, timeout=int(o["--timeout"]),
             arch=arch)
    o.setdefault("--image", os.path.join(
        ROOT, "build/arm64/vsched.bin" if arch == "arm64"
        else "build/x86_64/vsched.elf"))
    o.setdefault("--xen", XEN_ARM64 if arch == "arm64" else XEN_X86)
    return o


def qemu_version(qemu):
    try:
        out = subprocess.run([qemu, "--version"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.match(r"QEMU emulator version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def icount_qemu(o, qemu):
    """The QEMU to run. --icount on 2+ CPUs needs QEMU 8.1 or later. Before
    QEMU commit 83ecdb18eb65 ("accel/tcg/tcg-accel-ops-rr: ensure fairness
    with icount", 8.1) the single TCG thread gives each vCPU in turn a
    budget of instructions up to the next virtual-timer deadline: a vCPU
    that spins without ending its turn runs to that deadline and can leave
    the vCPUs after it a budget of 0 for a long time.
    - arm64: Xen spins on other CPUs with cpu_relax() = barrier() (no
      YIELD/WFE, which would end the turn), so CPU0 spinning in
      on_selected_cpus() from setup_virt_paging() starved CPU1, asleep in
      WFI with its SGI pending: Xen stopped after "P2M: ... VTCR".
    - x86: Xen's own spins use PAUSE, which ends the turn, and boot; but a
      guest spinning without PAUSE does not. In suite steal (4 dom0 vCPUs
      on 2 CPUs, every vCPU spinning) the boot fell, in 2 of 6 runs and
      once in CI, into an order where one CPU ran nearly all the time: Xen
      saw both running, so the guest's steal record missed about 1.3 s of
      stalls, two spinners ran 30 ms in 990 ms, and the two threads
      sharing vCPU 3 never took turns (steal.slice_kept: 0 turns). Every
      run was one of two exact outcomes: which one depended on the host's
      timing.
    QEMU 8.1 splits the budget between the vCPUs. Debian 12 has 7.2;
    tools/deps.sh unpacks bookworm-backports' QEMU 10 (x86: build/deps/
    qemu-x86; with --arm64: build/deps/qemu), used here."""
    if not o["icount"] or o["pcpus"] < 2:
        return qemu
    v = qemu_version(qemu)
    if v and v >= (8, 1):
        return qemu
    newer, deps = NEWER[o["arch"]]
    newer = os.path.join(ROOT, newer)
    if "QEMU" not in os.environ and os.path.exists(newer) and \
            (qemu_version(newer) or (0, 0)) >= (8, 1):
        return newer
    if not o["dry_run"]:
        die("%s is older than QEMU 8.1: with --icount and %d CPUs its icount "
            "round robin starves a CPU while another spins (arm64: Xen hangs "
            "after its P2M line; x86: stalls Xen never sees). Run '%s, or "
            "set QEMU to a %s 8.1 or later" % (qemu, o["pcpus"], deps,
                                                os.path.basename(qemu)))
    return qemu


def x86_xen(xen_gz):
    """Xen itself: Debian's gzipped multiboot image, unpacked once (QEMU's
    multiboot loader wants the ELF); another unzipped Xen as it is."""
    if xen_gz != XEN_X86 and not xen_gz.endswith(".gz"):
        return xen_gz
    if not os.path.isfile(xen_gz):
        die("no %s: install Xen with 'tools/deps.sh' (Debian's "
            "xen-hypervisor-4.17-amd64)" % xen_gz)
    xen = os.path.join(ROOT, "build/xen/xen")
    if not os.path.exists(xen) or os.path.getsize(xen) == 0 or \
            os.path.getmtime(xen_gz) > os.path.getmtime(xen):
        try:
            os.makedirs(os.path.dirname(xen), exist_ok=True)
            # A temporary name of this process's own: runs started
            # together in a fresh tree each unpack, the last rename wins.
            tmp = "%s.%d.tmp" % (xen, os.getpid())
            with gzip.open(xen_gz) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(tmp, xen)
        except (OSError, EOFError, gzip.BadGzipFile) as err:
            die("cannot unpack %s into %s: %s" % (xen_gz, xen, err))
    return xen


def command(o):
    """(QEMU command, Xen's command line)."""
    mem, vcpus, pcpus = o["mem"], o["vcpus"], o["pcpus"]
    qemu_mem = str(max(mem + 448, 512))
    image, cmdline = o["--image"], o["--cmdline"]
    opts = (" " + " ".join(o["xen_opts"])) if o["xen_opts"] else ""
    if o["arch"] == "x86_64":
        xen = x86_xen(o["--xen"])
        qemu = os.environ.get("QEMU", "qemu-system-x86_64")
        # Xen owns COM1; the dom0 kernel's command line is the multiboot
        # module's string minus its first word (Xen's cmdline_cook for
        # non-GRUB loaders). QEMU splits -initrd at commas: double them.
        # bootscrub=0: Xen would otherwise scrub free RAM in the background
        # after boot, competing with the guest for QEMU's few host cores.
        # com1=115200: without a rate Xen keeps the UART's reset divisor,
        # and QEMU paces the port at about 1 KB/s (a trace dump of 300 KB
        # took five minutes; at 115200, seconds).
        xen_cmdline = ("console=com1 com1=115200,8n1 dom0=pvh "
                       "dom0-iommu=none dom0_mem=%dM bootscrub=0 "
                       "dom0_max_vcpus=%d noreboot%s" % (mem, vcpus, opts))
        cmd = [qemu, "-accel", "tcg", "-cpu",
               "qemu64,+svm,+npt" if o["npt"] else "qemu64,+svm,-npt",
               "-m", qemu_mem, "-smp", str(pcpus), "-display", "none",
               "-nodefaults", "-serial", "stdio", "-no-reboot",
               "-kernel", xen, "-initrd",
               "%s %s" % (image, cmdline.replace(",", ",,")),
               "-append", xen_cmdline]
    else:
        # Xen for arm64 is a plain arm64 Image (no unpacking). QEMU's
        # guest-loader adds the dom0 kernel and its bootargs to the device
        # tree as a multiboot module; Xen owns the PL011 (console=dtuart).
        xen = o["--xen"]
        if not os.path.isfile(xen):
            die("no %s: unpack Xen for arm64 with 'tools/deps.sh --arm64' "
                "(Debian's xen-hypervisor-4.17-arm64)" % xen)
        qemu = os.environ.get("QEMU", "qemu-system-aarch64")
        # vwfi=native dom0_vcpus_pin: a guest WFI stays on its own pinned
        # pCPU (Xen's setting for latency work). With Xen's default
        # vwfi=trap, idle vCPUs blocked in Xen missed their wakeups here
        # (Xen nested in QEMU TCG); --xen-opts vwfi=trap brings it back.
        # Overcommitted (--pcpus below --vcpus), vCPU i cannot be pinned to
        # pCPU i: Xen's scheduler places them, and vwfi=trap: with native
        # WFI an idle vCPU keeps its pCPU until Xen's next scheduling
        # decision, so every sleep and wakeup in the guest waits for a Xen
        # time slice (a contended mutex there went from 285,000 to 2,400
        # handoffs/s once its waiters slept instead of spinning).
        pin = " vwfi=trap" if pcpus < vcpus else " dom0_vcpus_pin vwfi=native"
        xen_cmdline = ("console=dtuart dom0_mem=%dM dom0_max_vcpus=%d "
                       "bootscrub=0%s noreboot%s" % (mem, vcpus, pin, opts))
        cmd = [qemu, "-M", "virt,virtualization=on,gic-version=3",
               "-cpu", "cortex-a57", "-accel", "tcg", "-m", qemu_mem,
               "-smp", str(pcpus), "-display", "none", "-nodefaults",
               "-serial", "stdio", "-no-reboot", "-kernel", xen,
               "-append", xen_cmdline, "-device",
               "guest-loader,addr=0x49000000,kernel=%s,bootargs=%s" % (
                   image.replace(",", ",,"), cmdline.replace(",", ",,"))]
    cmd[0] = icount_qemu(o, cmd[0])
    if o["icount"]:
        cmd += ["-icount", ICOUNT]
    return cmd, xen_cmdline


def timer_options(xen_line):
    """The timer options in effect: Xen does not print them, so read the
    command line against Xen 4.17's defaults."""
    slop, slop_src, rl, rl_src, vwfi = "50000", "default", "1000", \
        "default", ""
    for w in xen_line.split():
        k, _, v = w.partition("=")
        if k == "timer_slop":
            slop, slop_src = v, "command line"
        elif k == "sched_ratelimit_us":
            rl, rl_src = v, "command line"
        elif k == "vwfi":
            vwfi = ", vwfi=" + v
    return "timer_slop=%s ns (%s), sched_ratelimit_us=%s (%s)%s" % (
        slop, slop_src, rl, rl_src, vwfi)


class XenWatch(console.Watcher):
    """What the console said, one line at a time; when to stop QEMU."""
    EXIT = re.compile(r"vsched: (?:exit code|stopped all vCPUs after a "
                      r"panic; exiting with code) (-?[0-9]+)")
    DOM0_WHY = re.compile(r"^\(XEN\) (ELF: |Unable to |Failed to |.*Triple "
                          r"fault|domain_crash called)")

    # Typed into Xen's console when a run nears its timeout with no exit
    # code, a piece every KEY_GAP seconds (typed at once, Xen took only the
    # first key): three Ctrl-A switch the serial input from dom0 to Xen,
    # then the debug keys r (run queues), q (domains; it also raises
    # VIRQ_DEBUG, on which each guest vCPU prints its timer and event state
    # and vCPU 0 the thread table: virt/xen/debug.c) and 0 (dom0's vCPU
    # registers), so a hung guest's log says where each vCPU was and why.
    DEBUG_KEYS = (b"\x01\x01\x01", b"r", b"q", b"0")
    KEY_GAP = 2
    DUMP_VCPU = re.compile(r"^\(XEN\) \*\*\* Dumping Dom0 vcpu#([0-9]+) "
                           r"state")
    # x86 "RIP:    0008:[<addr>]"; arm64 "PC:     addr"
    DUMP_PC = re.compile(r"^\(XEN\)\s+(?:RIP|PC):\s+(?:[0-9a-f]{4}:\[<)?"
                         r"([0-9a-f]+)")
    DUMP_BEFORE = 25  # seconds before the timeout

    def __init__(self, arch, xen_line, timeout=None):
        self.arch, self.xen_line = arch, xen_line
        self.dump_at = (time.monotonic() + timeout - self.DUMP_BEFORE
                        if timeout and timeout >= 2 * self.DUMP_BEFORE
                        else None)
        self.code = None         # guest exit code, once seen
        self.xen_end = ""        # Xen's line on dom0's end
        self.panic = []          # Xen panic message lines
        self.dom0_why = []       # Xen's complaints while building dom0
        self.in_panic = 0
        self.no_hap = False
        self.stop_at = None      # when QEMU is stopped
        self.killed = False
        self.keys_typed = 0      # pieces of DEBUG_KEYS typed so far
        self.dump_vcpu = None    # the vCPU whose registers Xen dumps now
        self.dump_pc = {}        # vCPU -> its pc in the debug-key dump

    def summary(self, ln):
        if ln.startswith("(XEN) Xen version "):
            v = ln[len("(XEN) Xen version "):]
            say("Xen " + v.split(" (pkg-")[0])
            # Xen on arm does not print its command line: say what it got.
            if self.arch == "arm64":
                say("Xen command line: " + self.xen_line)
        elif ln.startswith("(XEN) Command line: "):
            self.xen_line = ln[len("(XEN) Command line: "):]
            say("Xen command line: " + self.xen_line)
        elif ln.startswith("(XEN) Using scheduler: "):
            say("scheduler: %s; %s" % (ln[len("(XEN) Using scheduler: "):],
                                      timer_options(self.xen_line)))

    def line(self, ln):
        if self.killed and "terminating on signal" in ln:
            return False
        m = self.EXIT.search(ln)
        if m:
            self.code = int(m.group(1))
        elif ln.startswith("(XEN) Hardware Dom0 "):
            self.xen_end = ln[len("(XEN) "):]
        elif ln.startswith("(XEN) Panic on CPU"):
            self.in_panic = 1
        elif ln == "(XEN) " + "*" * 40:
            if self.in_panic == 1 and self.panic:
                self.in_panic = 2
        elif ln.startswith("(XEN) HVM: Hardware Assisted Paging (HAP) not "
                           "detected"):
            self.no_hap = True
        elif m := self.DUMP_VCPU.match(ln):
            self.dump_vcpu = int(m.group(1))
        elif self.dump_vcpu is not None and (m := self.DUMP_PC.match(ln)):
            self.dump_pc[self.dump_vcpu] = int(m.group(1), 16)
            self.dump_vcpu = None
        elif self.DOM0_WHY.match(ln):
            self.dom0_why.append(ln[len("(XEN) "):])
        else:
            self.summary(ln)
        if self.in_panic == 1 and not ln.startswith("(XEN) Panic on CPU"):
            self.panic.append(ln[len("(XEN) "):] if ln.startswith("(XEN) ")
                              else ln)
        return True

    def input(self):
        if self.dump_at is None or self.code is not None or self.killed or \
                time.monotonic() < self.dump_at:
            return b""
        if self.keys_typed == 0:
            say("no exit code %d s before the timeout: Xen's view of the "
                "guest follows (debug keys r, q, 0: run queues, domains and "
                "each vCPU's own report, dom0's vCPU registers)" %
                self.DUMP_BEFORE)
        key = self.DEBUG_KEYS[self.keys_typed]
        self.keys_typed += 1
        self.dump_at = (None if self.keys_typed == len(self.DEBUG_KEYS)
                        else time.monotonic() + self.KEY_GAP)
        return key

    def stop(self):
        # Once the guest said its code (or Xen gave up), give Xen a moment
        # for its own last lines, then stop QEMU: a halted Xen never exits
        # it.
        now = time.monotonic()
        if self.stop_at is None and (self.code is not None or self.xen_end
                                     or self.in_panic == 2):
            self.stop_at = now + (1 if self.xen_end or self.in_panic == 2
                                  else 3)
        if self.stop_at is not None and not self.killed and \
                (now >= self.stop_at or self.xen_end):
            self.killed = True
            return True
        return False


def where(image, pcs):
    """'vCPU 0 fn+0x12; vCPUs 1-15 fn2+0x8': each vCPU's pc (pcs: vCPU ->
    address) by the guest's symbols (the ELF beside a raw arm64 image),
    vCPUs at one place together; an address no kernel function holds in
    hex."""
    elf = image[:-4] + ".elf" if image.endswith(".bin") else image
    syms = []
    try:
        out = subprocess.run(["nm", "-n", elf], capture_output=True,
                             text=True, timeout=30).stdout
        for ln in out.splitlines():
            f = ln.split()
            if len(f) == 3 and f[1] in "tTwW":
                syms.append((int(f[0], 16), f[2]))
    except (OSError, subprocess.SubprocessError, ValueError):
        pass

    addrs = [a for a, _ in syms]  # nm -n: sorted

    def name(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        # Far past the nearest symbol: not the kernel's text (user code
        # runs at its domain's own addresses).
        if i < 0 or pc - addrs[i] >= 0x10000:
            return "0x%x" % pc
        return "%s+0x%x" % (syms[i][1], pc - addrs[i])
    at = {}
    for v, pc in sorted(pcs.items()):
        at.setdefault(name(pc), []).append(v)

    def span(vs):
        runs, i = [], 0
        while i < len(vs):
            j = i
            while j + 1 < len(vs) and vs[j + 1] == vs[j] + 1:
                j += 1
            runs.append("%d" % vs[i] if i == j else "%d-%d" % (vs[i], vs[j]))
            i = j + 1
        return ("vCPU " if len(vs) == 1 else "vCPUs ") + ",".join(runs)
    return "; ".join("%s %s" % (span(vs), n) for n, vs in at.items())


def main(argv):
    o = parse(argv)
    image = o["--image"]
    if not os.path.isfile(image):
        die("no guest image %s: build it with 'make%s'" % (
            image, " ARCH=arm64" if o["arch"] == "arm64" else ""))
    cmd, xen_cmdline = command(o)
    if o["dry_run"]:
        print(console.show(cmd, o["timeout"]))
        return 0
    if not shutil.which(cmd[0]):
        die("%s not found: run tools/deps.sh" % cmd[0])
    say('booting %s as %s of %s: %d vCPUs on %d CPUs, dom0_mem=%dM, '
        'timeout %d s, guest command line "%s"' % (
            os.path.basename(image),
            "arm64 dom0" if o["arch"] == "arm64" else "PVH dom0",
            os.path.basename(o["--xen"]), o["vcpus"], o["pcpus"], o["mem"],
            o["timeout"], o["--cmdline"]))
    w = XenWatch(o["arch"], xen_cmdline, o["timeout"])
    rc, secs = console.stream(cmd, o["timeout"], None, True, w)
    if rc is None:
        return 130
    if w.code is not None:
        say("guest exit code %d after %d s%s" % (
            w.code, secs, " (Xen: %s)" % w.xen_end if w.xen_end else ""))
        return w.code & 0xff
    said = "; ".join(w.dom0_why)
    if w.panic:
        say("FAILED: Xen panicked: " + "; ".join(w.panic))
        if said:
            say("Xen said before: " + said)
        if w.no_hap:
            say("Xen found no Hardware Assisted Paging (HAP): a PVH dom0 "
                "needs nested paging; QEMU must run with -cpu "
                "qemu64,+svm,+npt%s" % ("" if o["npt"] else
                                        " (this run used --no-npt)"))
        return 3
    if w.xen_end:
        say("FAILED: dom0 ended without an exit code: " + w.xen_end)
        if said:
            say("Xen said before: " + said)
        say("(a guest that fails before its Xen backend is up writes to the "
            "UART, which Xen owns: that output is lost; check the command "
            "line)")
        return 3
    if rc in (124, 137):
        if w.dump_pc:
            say("at Xen's dump, dom0's vCPUs were in: " +
                where(image, w.dump_pc))
        say("FAILED: timeout after %d s with no exit code from the guest" %
            o["timeout"])
        return 124
    say("FAILED: QEMU exited with status %d before the guest said its exit "
        "code" % rc)
    return 3
