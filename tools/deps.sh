#!/bin/bash
# SPDX-License-Identifier: MIT
# tools/deps.sh: install the Debian 12 packages vsched needs, only those
# missing. Prints nothing and exits 0 when everything is already installed.
# shellcheck disable=SC2034 # the DEPS_* lists are read through ${!var}
set -euo pipefail

# Package groups. "base" is always wanted; every other group only when asked
# for with --<group> (or --all). To extend a group add words to it; to add a
# group define DEPS_<group> and list <group> in DEPS_GROUPS.
DEPS_GROUPS="base arm64"
# build (guest, hv, unit tests with ASan/UBSan), KVM/Xen ABI headers, the
# QEMU backends, real Xen inside QEMU (tools/xen/boot boots Debian's
# /boot/xen-4.17-amd64.gz; only that file is used, nothing is set up to boot
# the host itself into Xen: no xen-utils, no grub entry is wanted),
# Criterion, plots, clang with libFuzzer for make fuzz.
DEPS_base="gcc make libc6-dev linux-libc-dev qemu-system-x86 libcriterion-dev
	libxen-dev xen-hypervisor-4.17-amd64 gnuplot-nox python3 cpio git
	libfdt-dev device-tree-compiler clang libclang-rt-14-dev"
# the arm64 port: cross compiler, qemu-system-aarch64.
DEPS_arm64="gcc-aarch64-linux-gnu qemu-system-arm"
# Packages of another architecture, not installed but unpacked (dpkg -x)
# into build/deps/ARCH/NAME: the arm64 guest links libfdt-dev:arm64's
# static libfdt.a; Xen for arm64 boots in qemu-system-aarch64
# (tools/xen/boot --arch arm64). DEBS_<group> lists NAME:ARCH words.
DEBS_base=""
DEBS_arm64="libfdt-dev:arm64 xen-hypervisor-4.17-arm64:arm64"
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

# deb_dir NAME:ARCH: where that package is unpacked.
deb_dir()
{
	echo "$ROOT/build/deps/${1#*:}/${1%%:*}"
}

# unpack_debs: download and unpack every missing DEBS package. apt needs
# the foreign architecture's package lists: fetched on first use.
unpack_debs()
{
	local spec dir tmp archs=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64
		-o APT::Sandbox::User=root)
	for spec in "${debs[@]}"; do
		dir=$(deb_dir "$spec")
		[ -f "$dir/.unpacked" ] && continue
		if [ "$check" = 1 ]; then
			echo "$prog: not unpacked: $spec (into ${dir#"$ROOT"/})" >&2
			missing_debs=1
			continue
		fi
		echo "$prog: unpacking $spec into ${dir#"$ROOT"/}" >&2
		tmp=$(mktemp -d)
		if ! (cd "$tmp" && apt-get -q "${archs[@]}" download "$spec") >/dev/null 2>&1; then
			apt-get -q "${archs[@]}" update >/dev/null ||
				{ echo "$prog: apt-get update (${spec#*:} lists) failed" >&2; exit 1; }
			(cd "$tmp" && apt-get -q "${archs[@]}" download "$spec") ||
				{ echo "$prog: apt-get download $spec failed" >&2; exit 1; }
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
