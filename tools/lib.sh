# SPDX-License-Identifier: MIT
# tools/lib.sh: helpers shared by tools/run and tools/testall (sourced, never
# executed): repo root, backend list, /dev/kvm check, number checks, timing.
# shellcheck shell=bash disable=SC2034 # variables are for the sourcing script

VSCHED_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VSCHED_TOOLS=$VSCHED_ROOT/tools

# Every backend tools/run knows, the guest architectures, and which
# backends boot each (VSCHED_BACKENDS_<arch>), from the registry
# tools/hostkit/backends.py; a new backend is one entry there plus a
# backend_cmd_<name> function in tools/run. VSCHED_ICOUNT is QEMU's
# option for the -icount backends (tools/xen/boot --icount too).
_vsched_vars=$(python3 "$VSCHED_TOOLS/hostkit/backends.py" --shell) || {
	echo "${0##*/}: cannot read tools/hostkit/backends.py (python3)" >&2
	exit 2
}
eval "$_vsched_vars"
unset _vsched_vars

EXIT_USAGE=2		# bad arguments or missing image/binary
EXIT_SKIP=77		# backend unavailable here (automake's "skipped")

prog=${0##*/}

die()
{
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

usage_error()
{
	printf '%s: %s\n' "$prog" "$*" >&2
	printf "Try '%s --help'.\n" "$0" >&2
	exit "$EXIT_USAGE"
}

# setup_error MSG: a missing image, binary or tool: exit 2, no --help hint.
setup_error()
{
	printf '%s: %s\n' "$prog" "$*" >&2
	exit "$EXIT_USAGE"
}

# is_count STR: STR is a positive decimal integer below one million.
is_count()
{
	[[ $1 =~ ^[1-9][0-9]{0,5}$ ]]
}

is_backend()
{
	local b
	for b in $VSCHED_BACKENDS; do
		[ "$b" = "$1" ] && return 0
	done
	return 1
}

is_arch()
{
	case " $VSCHED_ARCHES " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# arch_has_backend ARCH BACKEND: tools/run can boot ARCH on BACKEND.
arch_has_backend()
{
	local var=VSCHED_BACKENDS_$1
	case " ${!var:-} " in
	*" $2 "*) return 0 ;;
	esac
	return 1
}

# default_image ARCH: the image tools/run boots for ARCH (arm64: the flat
# Image with the Linux header, which QEMU passes the DTB to in x0).
default_image()
{
	case $1 in
	arm64) echo "$VSCHED_ROOT/build/arm64/vsched.bin" ;;
	*) echo "$VSCHED_ROOT/build/$1/vsched.elf" ;;
	esac
}

# image_arch FILE: the architecture of a guest image (ELF machine, or the
# arm64 Image header's magic), or nothing.
image_arch()
{
	local magic
	magic=$(od -An -tx1 -j 18 -N 2 "$1" 2>/dev/null | tr -d ' ')
	if [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = "177ELF" ]; then
		case $magic in
		3e00) echo x86_64 ;;
		b700) echo arm64 ;;
		esac
	elif [ "$(dd if="$1" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ]; then
		echo arm64
	fi
}

# backend_needs_kvm NAME: the backend runs guest code on /dev/kvm.
backend_needs_kvm()
{
	case " $VSCHED_KVM_BACKENDS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# kvm_missing: prints why /dev/kvm cannot be used and succeeds, or fails
# (prints nothing) when it can.
kvm_missing()
{
	if [ ! -e /dev/kvm ]; then
		echo "/dev/kvm not available"
	elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "/dev/kvm not accessible to $(id -un) (no read/write permission)"
	else
		return 1
	fi
}

# now_ms: wall clock in milliseconds.
now_ms()
{
	date +%s%3N
}

# fmt_secs MS: "3.2" (one decimal, rounded).
fmt_secs()
{
	local ds=$((($1 + 50) / 100))
	printf '%d.%d' $((ds / 10)) $((ds % 10))
}

# relpath FILE: FILE relative to the repo root when inside it, for messages.
relpath()
{
	case $1 in
	"$VSCHED_ROOT"/*) printf '%s' "${1#"$VSCHED_ROOT"/}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# console_tail LOG N: the last N lines of a console log, without hv's exit
# statistics (a table and a JSON line that would crowd out the guest's).
console_tail()
{
	grep -avE '^(hv:   |hv: KVM exit counters|HV_STATS )' "$1" | tail -n "$2"
}
