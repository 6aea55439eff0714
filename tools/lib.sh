# SPDX-License-Identifier: MIT
# tools/lib.sh: helpers for the shell tools that remain (tools/memrange,
# tools/linuxref/run; sourced, never executed): repo root, backend list,
# /dev/kvm check, number checks, timing. tools/run and tools/testall are
# Python (tools/hostkit/).
# shellcheck shell=bash disable=SC2034 # variables are for the sourcing script

VSCHED_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VSCHED_TOOLS=$VSCHED_ROOT/tools

# Every backend tools/run knows, the guest architectures, and which
# backends boot each (VSCHED_BACKENDS_<arch>), from the registry
# tools/hostkit/backends.py. VSCHED_ICOUNT is QEMU's option for the
# -icount backends.
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

