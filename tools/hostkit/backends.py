# SPDX-License-Identifier: MIT
"""The backend registry: the one place that says which backends exist,
which guest architectures each boots, and what each needs from the host.

Each entry says how to boot an image there (its command and wall-clock
guard), how its exit status carries the guest's exit code, and how to find
its own errors in the console: tools/run (hostkit/run.py) does the rest
alike for all. tools/lib.sh reads the lists from here (``backends.py
--shell``), and tools/testall and the manifest (tests/guest/suites.cfg)
check against them. A new backend is one entry here plus its manifest
rows.
"""
import os
import re
import sys
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Guest architectures, in build/ARCH/ (arm64 and riscv64 only under
# emulation here).
ARCHES = ("x86_64", "arm64", "riscv64")

# QEMU's option for the -icount backends (tools/xen/boot --icount too): one
# guest instruction is one nanosecond of virtual time, so time-based
# figures are exact instruction counts the host's load cannot disturb.
ICOUNT = "shift=0,sleep=off"

EXIT_USAGE = 2   # bad arguments, or a missing image or binary
EXIT_SKIP = 77   # backend unavailable here (automake's "skipped")


@dataclass
class Boot:
    """One boot, as tools/run was asked for it."""
    arch: str
    vcpus: int
    mem: int            # MiB (xen: dom0's)
    timeout: int        # seconds the guest may run
    cmdline: str
    image: str
    hv: str
    extra: list         # arguments for the backend (tools/run ... -- ARGS)


# The command of each kind of backend: (argv, guard), guard being the
# wall-clock limit of the timeout(1) wrapper around it.
# QEMU: -nodefaults -serial stdio -display none instead of -nographic keeps
# SeaBIOS's terminal reset and iPXE's banner off the console; the guest sees
# the same machine minus a VGA and a NIC. arm64: the virt board with a
# GICv3; the guest exits through semihosting with the same (code << 1) | 1
# status as x86's isa-debug-exit. riscv64: the virt board with OpenSBI
# (-bios default, QEMU's fw_dynamic) loading the ELF at 0x80200000; the
# guest exits through the board's sifive_test device, writing
# ((code << 1) | 1) << 16 | 0x3333, which QEMU turns into the same status.
# Its cpu is QEMU's generic "rv64" (with Sstc from QEMU 7.2 on) rather than
# the accelerator's usual one; a later -cpu in the backend arguments
# (tools/run ... -- -cpu rv64,sstc=false) replaces it, the last one counts.
def qemu_machine(b, accel, cpu):
    """The machine of the qemu-* backends, without what it boots."""
    if b.arch == "riscv64":
        return [os.environ.get("QEMU_RISCV64", "qemu-system-riscv64"),
                "-M", "virt", "-bios", "default", "-accel", accel,
                "-cpu", "rv64",
                "-smp", str(b.vcpus), "-m", str(b.mem), "-display", "none",
                "-nodefaults", "-serial", "stdio", "-no-reboot"]
    if b.arch == "arm64":
        # QEMU computes pointer authentication codes with QARMA5 unless
        # told to use its own cheap function: wall-clock figures would
        # measure the cipher (yield 3,088 ns against 672).
        if cpu == "max":
            cpu = "max,pauth-impdef=on"
        cmd = [os.environ.get("QEMU_ARM64", "qemu-system-aarch64"),
               "-M", "virt,gic-version=3", "-accel", accel, "-cpu", cpu,
               "-smp", str(b.vcpus), "-m", str(b.mem), "-display", "none",
               "-nodefaults", "-serial", "stdio", "-no-reboot",
               "-semihosting-config", "enable=on,target=native"]
    else:
        cmd = [os.environ.get("QEMU", "qemu-system-x86_64"), "-M", "q35",
               "-accel", accel, "-cpu", cpu, "-smp", str(b.vcpus),
               "-m", str(b.mem), "-display", "none", "-nodefaults",
               "-serial", "stdio", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    return cmd


def _qemu(b, accel, cpu):
    return qemu_machine(b, accel, cpu) + ["-kernel", b.image, "-append",
                                          b.cmdline] + b.extra


# -arch-capabilities: this machine's kvm_pvm refuses MSR 0x10a, which QEMU
# 7.2 writes for "-cpu host" and then aborts on. Nothing here needs it.
QEMU_ACCEL = {"qemu-tcg": ("tcg", "max"), "qemu-icount": ("tcg", "max"),
              "qemu-kvm": ("kvm", "host,-arch-capabilities")}


def _cmd_tcg(b):
    return _qemu(b, *QEMU_ACCEL["qemu-tcg"]), b.timeout


# The same machine with one guest instruction per nanosecond of virtual
# time: the TSC / CNTVCT and every timer follow the instruction count.
def _cmd_icount(b):
    return _qemu(b, *QEMU_ACCEL["qemu-icount"]) + ["-icount", ICOUNT], \
        b.timeout


def _cmd_kvm(b):
    return _qemu(b, *QEMU_ACCEL["qemu-kvm"]), b.timeout


# hv enforces --timeout itself; the wrapper is only a safety net.
def _cmd_hv(b):
    return ([b.hv, "--vcpus", str(b.vcpus), "--mem", "%dM" % b.mem,
             "--timeout", str(b.timeout), "--cmdline", b.cmdline] +
            b.extra + [b.image], b.timeout + 10)


# tools/xen/boot stops QEMU once the guest has said its exit code and exits
# with that code; it keeps its own timeout, the wrapper is a safety net.
def _cmd_xen(b, icount=False):
    return ([os.path.join(ROOT, "tools/xen/boot"), "--arch", b.arch,
             "--vcpus", str(b.vcpus), "--mem", str(b.mem),
             "--timeout", str(b.timeout), "--cmdline", b.cmdline,
             "--image", b.image] + b.extra + (["--icount"] if icount else []),
            b.timeout + 15)


def _cmd_xen_icount(b):
    return _cmd_xen(b, True)


def _first(log, pattern, skip=None):
    for ln in log.splitlines():
        if re.match(pattern, ln) and not (skip and re.search(skip, ln)):
            return ln
    return ""


# A backend's own failure, told apart from the guest's: QEMU's first error
# line (not a warning); tools/xen/boot's verdict when Xen or dom0 failed
# without an exit code from the guest (Xen panic, no HAP, bad module);
# hv's first message that is not routine (hv exits 2 on usage or setup
# errors and 3 on a crash: like guest codes).
def _err_qemu(log):
    return _first(log, r"qemu(-system\S*)?: ",
                  r"warning:|terminating on signal")


def _err_xen(log):
    return _first(log, r"xen-boot: FAILED: ")[len("xen-boot: FAILED: "):]


def _err_hv(log):
    return _first(log, r"hv: ",
                  r"^hv: (vcpus=|KVM exit counters| |timeout after)")


# The reason a launcher failed on its own, over whatever its status said:
# Xen or dom0 failed before the guest said a code (tools/xen/boot's status,
# 3 or 124 on its own timeout, stays the code); hv failed with a status
# that looks like a guest code (2 on usage or setup errors, 3 on a crash).
def _failed_xen(rc, code, log):
    err = _err_xen(log)
    return "tools/xen/boot exit status %d: %s" % (rc, err) if err else ""


def _failed_hv(rc, code, log):
    err = _err_hv(log) if code else ""
    return "hv exit status %d: %s" % (code, err) if err else ""


@dataclass(frozen=True)
class Backend:
    name: str
    arches: tuple       # guest architectures it boots
    needs_kvm: bool     # runs guest code on /dev/kvm
    icount: bool        # under QEMU -icount: exact, host-proof timing
    doc: str
    command: object     # Boot -> (argv, guard seconds)
    # How its exit status carries the guest's code: "qemu" ((code << 1) | 1;
    # 0 when the guest reset under -no-reboot, 1 on QEMU's own errors) or
    # "plain" (the code itself).
    status: str
    error: object       # console text -> the backend's own error, or ""
    accel: str          # what runs the guest, as the lab records it
    default_mem: int = 512
    # (status, guest code, console) -> why the launcher failed, or "".
    failed: object = None
    # A launcher that enforces --timeout itself says so in this line; a
    # timeout(1) guard firing without it means it ignored its timeout.
    timeout_line: str = ""
    # Backend arguments for a boot with the event trace (Xen's console
    # drops whole lines of a dump unless it writes synchronously).
    trace_args: tuple = ()


BACKENDS = {b.name: b for b in (
    Backend("qemu-tcg", ARCHES, False, False,
            "QEMU, TCG (multi-threaded): the plain emulator",
            _cmd_tcg, "qemu", _err_qemu, "tcg"),
    Backend("qemu-icount", ARCHES, False, True,
            "QEMU, TCG under -icount " + ICOUNT,
            _cmd_icount, "qemu", _err_qemu, "tcg, icount shift=0 (exact)"),
    Backend("qemu-kvm", ("x86_64",), True, False,
            "QEMU on /dev/kvm", _cmd_kvm, "qemu", _err_qemu, "kvm"),
    Backend("hv", ("x86_64",), True, False,
            "our own launcher on /dev/kvm (build/hv/hv)",
            _cmd_hv, "plain", _err_hv, "kvm", failed=_failed_hv,
            timeout_line=r"^hv: timeout after"),
    Backend("xen", ("x86_64", "arm64"), False, False,
            "real Xen 4.17 in QEMU TCG, the guest as its dom0 "
            "(tools/xen/boot; --mem is dom0's)",
            _cmd_xen, "plain", _err_xen, "tcg+xen", 64, _failed_xen,
            trace_args=("--xen-opts", "sync_console")),
    Backend("xen-icount", ("x86_64", "arm64"), False, True,
            "the same Xen in QEMU under -icount " + ICOUNT,
            _cmd_xen_icount, "plain", _err_xen,
            "tcg+xen, icount shift=0 (exact)", 64, _failed_xen,
            trace_args=("--xen-opts", "sync_console")),
)}


def backends_of(arch):
    """The backends that boot arch, in registry order."""
    return [b.name for b in BACKENDS.values() if arch in b.arches]


def lab_name(arch, backend):
    """The lab's name for backend with an arch guest: the backend's own for
    x86_64, else arch-prefixed without "qemu-" (arm64-tcg, arm64-xen,
    riscv64-icount)."""
    if arch == "x86_64":
        return backend
    short = backend[len("qemu-"):] if backend.startswith("qemu-") else backend
    return "%s-%s" % (arch, short)


def lab_backends():
    """The lab's backends, (name, arch, backend, accel): the exact (icount)
    ones first, since they lead its report."""
    out = []
    for b in BACKENDS.values():
        if b.icount:
            out += [(lab_name(a, b.name), a, b.name, b.accel)
                    for a in b.arches]
    for a in ARCHES:
        out += [(lab_name(a, b.name), a, b.name, b.accel)
                for b in BACKENDS.values() if not b.icount and a in b.arches]
    return [(n, a, b, acc if a == "x86_64" else "%s (%s guest)" % (acc, a))
            for n, a, b, acc in out]


def default_image(arch):
    """The image tools/run boots for arch (arm64: the flat Image with the
    Linux header, which QEMU passes the DTB to in x0; riscv64: the ELF,
    which OpenSBI enters with the DTB in a1)."""
    if arch == "arm64":
        return os.path.join(ROOT, "build/arm64/vsched.bin")
    return os.path.join(ROOT, "build", arch, "vsched.elf")


def image_arch(path):
    """The architecture of a guest image (ELF machine, or the arm64 Image
    header's magic), or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return None
    if head[:4] == b"\x7fELF" and len(head) >= 20:
        return {0x3e: "x86_64", 0xb7: "arm64", 0xf3: "riscv64"}.get(
            int.from_bytes(head[18:20], "little"))
    if head[56:60] == b"ARM\x64":
        return "arm64"
    return None


def kvm_missing():
    """Why /dev/kvm cannot be used here, or None when it can."""
    if not os.path.exists("/dev/kvm"):
        return "/dev/kvm not available"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm not accessible (no read/write permission)"
    return None


def shell_lines():
    """tools/lib.sh's variables, as shell assignments."""
    out = ['VSCHED_BACKENDS="%s"' % " ".join(BACKENDS),
           'VSCHED_ARCHES="%s"' % " ".join(ARCHES),
           'VSCHED_ICOUNT="%s"' % ICOUNT,
           'VSCHED_KVM_BACKENDS="%s"' % " ".join(
               b.name for b in BACKENDS.values() if b.needs_kvm)]
    out += ['VSCHED_BACKENDS_%s="%s"' % (a, " ".join(backends_of(a)))
            for a in ARCHES]
    return out


def main(argv):
    if argv[1:] == ["--shell"]:
        print("\n".join(shell_lines()))
        return 0
    if argv[1:]:
        print("usage: %s [--shell]\nLists the backends; --shell prints "
              "tools/lib.sh's variables." % argv[0], file=sys.stderr)
        return EXIT_USAGE
    for b in BACKENDS.values():
        print("%-12s %-20s %s%s" % (b.name, ",".join(b.arches), b.doc,
                                    " [KVM]" if b.needs_kvm else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
