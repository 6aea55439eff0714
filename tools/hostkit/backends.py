# SPDX-License-Identifier: MIT
"""The backend registry: the one place that says which backends exist,
which guest architectures each boots, and what each needs from the host.

tools/run boots them (a backend_cmd_<name> shell function per backend);
tools/lib.sh reads its lists from here (``backends.py --shell``), and
tools/testall and the manifest (tests/guest/suites.cfg) check against them.
A new backend is one entry here, its command in tools/run, and its
manifest rows.
"""
import os
import sys
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Guest architectures, in build/ARCH/ (arm64 only under emulation here).
ARCHES = ("x86_64", "arm64")

# QEMU's option for the -icount backends (tools/xen/boot --icount too): one
# guest instruction is one nanosecond of virtual time, so time-based
# figures are exact instruction counts the host's load cannot disturb.
ICOUNT = "shift=0,sleep=off"

EXIT_USAGE = 2   # bad arguments, or a missing image or binary
EXIT_SKIP = 77   # backend unavailable here (automake's "skipped")


@dataclass(frozen=True)
class Backend:
    name: str
    arches: tuple       # guest architectures it boots
    needs_kvm: bool     # runs guest code on /dev/kvm
    icount: bool        # under QEMU -icount: exact, host-proof timing
    doc: str


BACKENDS = {b.name: b for b in (
    Backend("qemu-tcg", ARCHES, False, False,
            "QEMU, TCG (multi-threaded): the plain emulator"),
    Backend("qemu-icount", ARCHES, False, True,
            "QEMU, TCG under -icount " + ICOUNT),
    Backend("qemu-kvm", ("x86_64",), True, False,
            "QEMU on /dev/kvm"),
    Backend("hv", ("x86_64",), True, False,
            "our own launcher on /dev/kvm (build/hv/hv)"),
    Backend("xen", ARCHES, False, False,
            "real Xen 4.17 in QEMU TCG, the guest as its dom0 "
            "(tools/xen/boot)"),
    Backend("xen-icount", ARCHES, False, True,
            "the same Xen in QEMU under -icount " + ICOUNT),
)}


def backends_of(arch):
    """The backends that boot arch, in registry order."""
    return [b.name for b in BACKENDS.values() if arch in b.arches]


def default_image(arch):
    """The image tools/run boots for arch (arm64: the flat Image with the
    Linux header, which QEMU passes the DTB to in x0)."""
    if arch == "arm64":
        return os.path.join(ROOT, "build/arm64/vsched.bin")
    return os.path.join(ROOT, "build", arch, "vsched.elf")


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
        print("%-12s %-14s %s%s" % (b.name, ",".join(b.arches), b.doc,
                                    " [KVM]" if b.needs_kvm else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
