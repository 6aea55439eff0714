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
# Criterion, plots.
DEPS_base="gcc make libc6-dev linux-libc-dev qemu-system-x86 libcriterion-dev
	libxen-dev xen-hypervisor-4.17-amd64 gnuplot-nox python3 cpio git"
# the arm64 port (e.g. gcc-aarch64-linux-gnu qemu-system-arm): filled in by that work.
DEPS_arm64=""
# Packages of another architecture that are only unpacked (apt-get download +
# dpkg -x) into $DEPS_OPT/NAME, never installed: pkg:arch words per group.
# Xen for arm64 boots inside qemu-system-aarch64 (tools/xen/boot --arch arm64).
DEPS_UNPACK_base="xen-hypervisor-4.17-arm64:arm64"
DEPS_OPT=${VSCHED_DEPS_OPT:-/opt/vsched}

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
unpack=()
for g in $groups; do
	var=DEPS_$g
	# shellcheck disable=SC2206 # word splitting of the list is intended
	wanted+=(${!var})
	var=DEPS_UNPACK_$g
	# shellcheck disable=SC2206
	unpack+=(${!var:-})
done

if [ "$list" = 1 ]; then
	printf '%s\n' "${wanted[@]}"
	for u in "${unpack[@]}"; do
		printf '%s (unpacked into %s/%s)\n' "$u" "$DEPS_OPT" "${u%%:*}"
	done
	exit 0
fi

# unpack_missing: download and unpack each DEPS_UNPACK package whose folder
# has no .unpacked marker. Another architecture's package list is fetched
# with APT::Architectures, so the host's dpkg architectures stay as they are.
unpack_missing()
{
	local u name arch dir tmp deb todo=()
	for u in "${unpack[@]}"; do
		[ -f "$DEPS_OPT/${u%%:*}/.unpacked" ] || todo+=("$u")
	done
	[ "${#todo[@]}" -eq 0 ] && return 0
	if [ "$check" = 1 ]; then
		echo "$prog: not unpacked yet: ${todo[*]}" >&2
		return 1
	fi
	if [ "$(id -u)" -ne 0 ] && ! mkdir -p "$DEPS_OPT" 2>/dev/null; then
		echo "$prog: cannot create $DEPS_OPT: run tools/deps.sh as root" >&2
		return 1
	fi
	echo "$prog: unpacking ${todo[*]} into $DEPS_OPT" >&2
	for u in "${todo[@]}"; do
		name=${u%%:*}
		arch=${u#*:}
		dir=$DEPS_OPT/$name
		tmp=$(mktemp -d) || return 1
		if ! apt-get -q update -o APT::Architectures="$(dpkg --print-architecture),$arch" >/dev/null ||
			! (cd "$tmp" && apt-get -q download -o APT::Architectures="$arch" \
				-o APT::Architecture="$arch" "$u" >/dev/null 2>&1); then
			echo "$prog: could not download $u from Debian's registry" >&2
			rm -rf "$tmp"
			return 1
		fi
		deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
		rm -rf "$dir" && mkdir -p "$dir" && dpkg -x "$deb" "$dir" &&
			touch "$dir/.unpacked" || {
			echo "$prog: could not unpack $deb into $dir" >&2
			rm -rf "$tmp"
			return 1
		}
		rm -rf "$tmp"
	done
}
unpack_missing || exit 1
[ "${#wanted[@]}" -gt 0 ] || exit 0

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
[ "${#missing[@]}" -eq 0 ] && exit 0

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
echo "$prog: done" >&2
