#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/hv/hostile.sh: hv against guests that misbehave on purpose, bad
# images and hostile options. Each case states hv's exit code and regexes its
# output (stdout + stderr) must match; every case also fails on a sanitizer
# report, a vCPU thread that did not stop, a run past --timeout + 3 s, or more
# than 4 MB of output. One verdict line per case, then "N passed, N failed".
#   tests/hv/hostile.sh [--hv HV] [--guests DIR] [NAME...]
# (make hvtest builds the guests from tests/hv/hostile/ and an ASan hv.)
set -u

hv=build/hv-asan/hv
guests=build/hostile
while [ $# -gt 0 ]; do
	case $1 in
	--hv) hv=$2; shift 2 ;;
	--guests) guests=$2; shift 2 ;;
	-h | --help) sed -n '3,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
only=" $* "
[ -x "$hv" ] || { echo "hostile.sh: no hv at $hv (make hvtest)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
pass=0
fail=0

# verdict NAME OK WHY
verdict()
{
	if [ "$2" = 1 ]; then
		pass=$((pass + 1))
		printf 'PASS %-22s %s\n' "$1" "$3"
	else
		fail=$((fail + 1))
		printf 'FAIL %-22s %s\n' "$1" "$3"
	fi
}

# The --timeout hv was given (default 60), for the wall-clock bound.
hv_timeout()
{
	local t=60
	while [ $# -gt 0 ]; do
		[ "$1" = --timeout ] && [ $# -gt 1 ] && t=$2
		shift
	done
	case $t in *[!0-9.]* | "") t=60 ;; esac
	echo "$t"
}

# hv_case NAME RC 'REGEX|...;REGEX' [STDOUT-MODE] -- HV-ARGS...
# Regexes are separated by ';' and all must match (grep -E). STDOUT-MODE:
# "file" (default) or "stall" (a full pipe whose reader never reads).
hv_case()
{
	local name=$1 want=$2 regexes=$3 mode=file rc out t0 t1 secs limit why=""
	shift 3
	[ "$1" != -- ] && { mode=$1; shift; }
	shift
	[ "$only" = "  " ] || [[ $only == *" $name "* ]] || return 0
	out=$tmp/$name.out
	limit=$(hv_timeout "$@")
	t0=$(date +%s%N)
	if [ "$mode" = stall ]; then
		# A pipe already full whose reader (this shell) never reads.
		rm -f "$tmp/pipe" && mkfifo "$tmp/pipe"
		exec {pipe}<>"$tmp/pipe"
		head -c 65536 /dev/zero >&"$pipe"
		timeout -k 5 "$(echo "$limit + 10" | bc)" "$hv" "$@" \
			>&"$pipe" 2>"$out"
		rc=$?
		exec {pipe}>&-
	else
		timeout -k 5 "$(echo "$limit + 10" | bc)" "$hv" "$@" >"$out" 2>&1
		rc=$?
	fi
	t1=$(date +%s%N)
	secs=$(echo "scale=1; ($t1 - $t0) / 1000000000" | bc)
	[ "$rc" = "$want" ] || why="exit $rc, expected $want; "
	local IFS=';' re
	for re in $regexes; do
		grep -Eq -- "$re" "$out" || why+="no /$re/; "
	done
	unset IFS
	grep -Eq 'Sanitizer|runtime error:' "$out" &&
		why+="sanitizer: $(grep -Em1 'Sanitizer|runtime error:' "$out"); "
	grep -q 'did not stop' "$out" && why+="a vCPU thread did not stop; "
	[ "$(echo "$secs > $limit + 3" | bc)" = 1 ] &&
		why+="ran ${secs}s, past --timeout $limit; "
	[ "$(stat -c %s "$out")" -gt 4000000 ] &&
		why+="$(stat -c %s "$out") bytes of output; "
	if [ -z "$why" ]; then
		verdict "$name" 1 "exit $rc in ${secs}s: $(summary "$out")"
	else
		verdict "$name" 0 "$why(log: $(summary "$out"))"
	fi
}

# The first line of hv's own report worth showing (not the config line).
summary()
{
	{
		grep -E '^hv: ' "$1" | grep -vE '^hv: (vcpus=|KVM exit|  )'
		grep -vE '^(hv|HV_)' "$1"
	} | head -1 | cut -c1-110
}

g=$guests
# Guests that misbehave. --mem 16M: mmio.elf writes just past the end.
hv_case ok 0 'hostile ok guest' -- --timeout 3 --mem 16M "$g/ok.elf"
hv_case unknown-ports 0 'write to unknown port 0x1000;read from unknown port 0x1000;further ones not reported' \
	-- --timeout 3 --mem 16M "$g/ports.elf"
hv_case mmio-outside-ram 0 'MMIO write at unmapped 0x1000000;MMIO read at unmapped 0xd0000000;0xfed00010' \
	-- --timeout 3 --mem 16M "$g/mmio.elf"
hv_case exit-code-0x1234 255 'exit code 4660 \(0x1234\) .*out of range' \
	-- --timeout 3 --mem 16M "$g/exitcode.elf"
hv_case exit-code-256 255 'exit code 256 \(0x100\) .*out of range' \
	-- --timeout 3 --mem 16M "$g/exit256.elf"
hv_case console-flood 124 'xxxxxxxxxxxxxxxx;timeout after 2 s' \
	-- --timeout 2 --mem 16M "$g/flood.elf"
hv_case console-flood-stalled 124 'timeout after 2 s;stdout is not being read' stall \
	-- --timeout 2 --mem 16M "$g/flood.elf"
hv_case mark-flood 124 'more than 1024 marks;[0-9]+ marks dropped;timeout after 2 s' \
	-- --timeout 2 --mem 16M "$g/marks.elf"
hv_case spin-forever 124 'timeout after 2 s;vCPU 0: RIP=100001;vCPU 1: .*never started' \
	-- --timeout 2 --vcpus 2 --mem 16M "$g/spin.elf"
hv_case halt-forever 124 'timeout after 2 s;vCPU 0: .*\(halted\)' \
	-- --timeout 2 --vcpus 2 --mem 16M "$g/halt.elf"
hv_case triple-fault 3 'guest triple fault on vCPU 0;RIP=0000000000100007' \
	-- --timeout 3 --mem 16M "$g/triple.elf"
hv_case triple-fault-int3 3 'vCPU 0: (guest triple fault|KVM internal error: instruction emulation failed)' \
	-- --timeout 3 --mem 16M "$g/triple_int3.elf"
hv_case vcpus-64 0 'hostile ok guest' -- --timeout 5 --vcpus 64 --mem 16M "$g/ok.elf"

# Images that are not kernels.
mkfifo "$tmp/fifo"
mkdir "$tmp/dir"
head -c 100 "$g/ok.elf" >"$tmp/short.elf"
hv_case image-fifo 2 'fifo: not a regular file' -- --timeout 3 "$tmp/fifo"
hv_case image-directory 2 'dir: not a regular file' -- --timeout 3 "$tmp/dir"
hv_case image-dev-zero 2 '/dev/zero: not a regular file' -- --timeout 3 /dev/zero
hv_case image-missing 2 'No such file' -- --timeout 3 "$tmp/none.elf"
hv_case image-truncated 2 'truncated ELF' -- --timeout 3 "$tmp/short.elf"
hv_case image-script 2 'not an ELF file' -- --timeout 3 "$0"

# Output files and options.
hv_case stats-json-unwritable 2 'cannot write --stats-json /nonexistent/s.json' \
	-- --timeout 3 --mem 16M --stats-json /nonexistent/s.json "$g/ok.elf"
hv_case stats-json-full-disk 2 'cannot write --stats-json /dev/full: No space left' \
	-- --timeout 3 --mem 16M --stats-json /dev/full "$g/ok.elf"
hv_case stats-json-written 0 'hostile ok guest' \
	-- --timeout 3 --mem 16M --stats-json "$tmp/s.json" "$g/ok.elf"
if [ "$only" = "  " ] && ! grep -q '"vcpus":\[' "$tmp/s.json" 2>/dev/null; then
	verdict stats-json-content 0 "$tmp/s.json has no vCPU statistics"
fi
big=$(head -c 10240 /dev/zero | tr '\0' x)
hv_case opt-vcpus-0 2 "invalid --vcpus '0': expected a vCPU count from 1 to 64" -- --vcpus 0 "$g/ok.elf"
hv_case opt-vcpus-65 2 "invalid --vcpus '65': expected a vCPU count from 1 to 64" -- --vcpus 65 "$g/ok.elf"
hv_case opt-vcpus-1000 2 "invalid --vcpus '1000'" -- --vcpus 1000 "$g/ok.elf"
hv_case opt-mem-0 2 "invalid --mem '0': expected a size from 2M to 3G" -- --mem 0 "$g/ok.elf"
hv_case opt-mem-1T 2 "invalid --mem '1T'" -- --mem 1T "$g/ok.elf"
hv_case opt-timeout-neg 2 "invalid --timeout '-1': expected seconds >= 0" -- --timeout -1 "$g/ok.elf"
hv_case opt-cmdline-10K 2 "invalid --cmdline 'x{40}\.\.\.': expected a string of at most 2048 bytes" \
	-- --cmdline "$big" "$g/ok.elf"
hv_case opt-unknown 2 'unknown option or missing argument: --frob' -- --frob "$g/ok.elf"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
