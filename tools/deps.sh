#!/bin/bash
# SPDX-License-Identifier: MIT
# tools/deps.sh: install the Debian 12 packages vsched needs, only those
# missing. Prints nothing and exits 0 when everything is already installed.
# shellcheck disable=SC2034 # the DEPS_* lists are read through ${!var}
set -euo pipefail

# Package groups. "base" is always wanted; every other group only when asked
# for with --<group> (or --all). To extend a group add words to it; to add a
# group define DEPS_<group> and list <group> in DEPS_GROUPS.
DEPS_GROUPS="base arm64 riscv64"
# build (guest, hv, unit tests with ASan/UBSan), KVM/Xen ABI headers, the
# QEMU backends, real Xen inside QEMU (tools/xen/boot boots Debian's
# /boot/xen-4.17-amd64.gz; only that file is used, nothing is set up to boot
# the host itself into Xen: no xen-utils, no grub entry is wanted),
# Criterion, plots, Debian's kernel tree (a tarball in /usr/src:
# tools/kvm-selftests builds a few of its KVM selftests from it, against
# linux-libc-dev's headers), clang with libFuzzer for make fuzz, headless
# Chromium to render the lab's HTML report (tools/report-check).
DEPS_base="gcc make libc6-dev linux-libc-dev qemu-system-x86 libcriterion-dev
	libxen-dev xen-hypervisor-4.17-amd64 gnuplot-nox python3 cpio git
	libfdt-dev device-tree-compiler linux-source-6.1 clang libclang-rt-14-dev
	chromium"
# the arm64 port: cross compiler, qemu-system-aarch64.
DEPS_arm64="gcc-aarch64-linux-gnu qemu-system-arm"
# the riscv64 port: cross compiler, qemu-system-riscv64 (Debian 12 has it
# in qemu-system-misc), OpenSBI (QEMU's -bios default loads the fw_dynamic
# that qemu-system-data carries; the opensbi package has its own build of it
# for -bios FILE). The guest builds its libfdt from linux-source-6.1
# (DEPS_base): no libfdt-dev:riscv64. QEMU 7.2 runs it under -icount on 2
# or more harts (arch_cpu_relax() in arch/riscv64/boot.c ends a spinning
# hart's turn): no DEBS_riscv64.
DEPS_riscv64="gcc-riscv64-linux-gnu qemu-system-misc opensbi"
# Packages not installed but unpacked (dpkg -x) under build/deps/.
# DEBS_<group> lists words NAME:ARCH, unpacked into build/deps/ARCH/NAME,
# or DIR=NAME[:ARCH][/SUITE], unpacked into build/deps/DIR; a SUITE the
# machine's apt sources do not list (e.g. bookworm-backports) is read from
# the same archive as their Debian release, through a private apt state
# (the machine's apt configuration is left alone). The arm64 guest links
# libfdt-dev:arm64's static libfdt.a; Xen for arm64 boots in
# qemu-system-aarch64 (tools/xen/boot --arch arm64); tools/xen/boot
# --icount with 2+ CPUs needs QEMU 8.1 or later, Debian 12 has 7.2:
# bookworm-backports' qemu-system-x86 and qemu-system-arm, whose libraries
# are a subset of those of Debian 12's qemu-system-x86 (DEPS_base) and
# qemu-system-arm (DEPS_arm64). They read their firmware (SeaBIOS,
# multiboot_dma.bin) from Debian 12's packages, in the same places.
DEBS_base="qemu-x86=qemu-system-x86/bookworm-backports"
DEBS_arm64="libfdt-dev:arm64 xen-hypervisor-4.17-arm64:arm64
	qemu=qemu-system-arm/bookworm-backports"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

prog=${0##*/}

usage()
{
	cat <<EOF
usage: tools/deps.sh [--all] [--GROUP...] [--check] [--list]
Installs the missing Debian packages of group "base" and of each GROUP asked
for (groups: ${DEPS_GROUPS#base }). Silent when nothing is missing.
  --all     every group
  --check   install nothing: list what is missing, exit 1 if anything is
  --list    print the packages of the selected groups and exit
EOF
}

groups="base"
check=0
list=0
for arg in "$@"; do
	case $arg in
	-h | --help)
		usage
		exit 0
		;;
	--all) groups=$DEPS_GROUPS ;;
	--check) check=1 ;;
	--list) list=1 ;;
	--*)
		g=${arg#--}
		case " $DEPS_GROUPS " in
		*" $g "*) groups="$groups $g" ;;
		*)
			echo "$prog: unknown option or group: $arg" >&2
			usage >&2
			exit 2
			;;
		esac
		;;
	*)
		echo "$prog: unexpected argument: $arg" >&2
		usage >&2
		exit 2
		;;
	esac
done

wanted=()
debs=()
for g in $groups; do
	var=DEPS_$g
	# shellcheck disable=SC2206 # word splitting of the list is intended
	wanted+=(${!var})
	var=DEBS_$g
	# shellcheck disable=SC2206
	debs+=(${!var:-})
done

if [ "$list" = 1 ]; then
	printf '%s\n' "${wanted[@]}" "${debs[@]}"
	exit 0
fi

# deb_dir WORD: where a DEBS word is unpacked.
deb_dir()
{
	local pkg=${1%%/*}
	case $1 in
	*=*) echo "$ROOT/build/deps/${1%%=*}" ;;
	*) echo "$ROOT/build/deps/${pkg#*:}/${pkg%%:*}" ;;
	esac
}

# suite_apt SUITE ARCH DIR: a private apt state in DIR that knows only SUITE
# (ARCH packages), from the archive the machine's apt sources use for the
# Debian release SUITE belongs to (bookworm for bookworm-backports), signed
# by Debian's archive keyring; fetches its lists and sets suite_opts.
# Returns 1, having said why, when it cannot.
suite_apt()
{
	local suite=$1 arch=$2 dir=$3 uri
	# shellcheck disable=SC2016 # $(REPO_URI) is apt's, not the shell's
	uri=$(apt-get indextargets --format '$(REPO_URI)' "Release: ${suite%%-*}" \
		'Identifier: Packages' 2>/dev/null | head -n 1)
	if [ -z "$uri" ]; then
		echo "$prog: the machine's apt sources list no Debian ${suite%%-*}: cannot fetch from $suite" >&2
		return 1
	fi
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" \
		>"$dir/sources.list"
	suite_opts=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		-o APT::Architectures::="$arch" -o APT::Sandbox::User=root)
	if ! apt-get -q "${suite_opts[@]}" --error-on=any update >"$dir/update.log" 2>&1; then
		sed 's/^/  /' "$dir/update.log" >&2
		echo "$prog: apt-get update of $suite ($uri) failed: is Debian's package registry reachable?" >&2
		return 1
	fi
}

# unpack_debs: download and unpack every missing DEBS package. apt needs
# the foreign architecture's package lists: fetched on first use; a SUITE's
# lists are fetched into a private apt state every time.
unpack_debs()
{
	local spec pkg arch dir tmp archs=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64
		-o APT::Sandbox::User=root) suite_opts=()
	for spec in "${debs[@]}"; do
		dir=$(deb_dir "$spec")
		pkg=${spec#*=}
		[ -f "$dir/.unpacked" ] && continue
		if [ "$check" = 1 ]; then
			echo "$prog: not unpacked: $spec (into ${dir#"$ROOT"/})" >&2
			missing_debs=1
			continue
		fi
		echo "$prog: unpacking $pkg into ${dir#"$ROOT"/}" >&2
		tmp=$(mktemp -d)
		if [[ $pkg == */* ]]; then
			arch=${pkg%%/*}
			if [[ $arch == *:* ]]; then
				arch=${arch#*:}
			else
				arch=$(dpkg --print-architecture)
			fi
			suite_apt "${pkg#*/}" "$arch" "$tmp/apt" || { rm -rf "$tmp"; exit 1; }
			(cd "$tmp" && apt-get -q "${suite_opts[@]}" download "$pkg") >/dev/null ||
				{ echo "$prog: apt-get download $pkg failed" >&2; rm -rf "$tmp"; exit 1; }
		elif ! (cd "$tmp" && apt-get -q "${archs[@]}" download "$pkg") >/dev/null 2>&1; then
			apt-get -q "${archs[@]}" update >/dev/null ||
				{ echo "$prog: apt-get update (${pkg#*:} lists) failed" >&2; exit 1; }
			(cd "$tmp" && apt-get -q "${archs[@]}" download "$pkg") ||
				{ echo "$prog: apt-get download $pkg failed" >&2; exit 1; }
		fi
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg -x "$tmp"/*.deb "$dir" && touch "$dir/.unpacked"
		rm -rf "$tmp"
	done
}
missing_debs=0
trap '[ "$missing_debs" = 0 ] || exit 1' EXIT
[ "${#wanted[@]}" -gt 0 ] || { unpack_debs; exit 0; }

if ! command -v dpkg-query >/dev/null; then
	echo "$prog: no dpkg-query: this installer supports Debian 12 only." >&2
	echo "$prog: install by hand: ${wanted[*]}" >&2
	exit 1
fi

# One dpkg-query for all: "ii  name[:arch]" per installed package. A name
# unknown to dpkg makes it complain and exit 1; that only means "missing".
declare -A installed=()
while read -r status pkg; do
	[ "$status" = ii ] || continue
	installed[$pkg]=1
	installed[${pkg%%:*}]=1
done < <(dpkg-query -W -f='${db:Status-Abbrev} ${binary:Package}\n' \
	"${wanted[@]}" 2>/dev/null || true)

missing=()
for pkg in "${wanted[@]}"; do
	[ -n "${installed[$pkg]:-}" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
	unpack_debs
	exit 0
fi

if [ "$check" = 1 ]; then
	echo "$prog: missing Debian packages: ${missing[*]}" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: missing Debian packages: ${missing[*]}" >&2
	echo "$prog: run tools/deps.sh as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "$prog: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get -q update; then
	echo "$prog: apt-get update failed (is Debian's package registry reachable?)" >&2
	exit 1
fi
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	echo "$prog: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi

# Trust but verify: a package apt could not configure is still missing.
still=()
for pkg in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	[ "${status%% *}" = ii ] || still+=("$pkg")
done
if [ "${#still[@]}" -gt 0 ]; then
	echo "$prog: still not installed after apt-get: ${still[*]}" >&2
	exit 1
fi
unpack_debs
echo "$prog: done" >&2
