#!/bin/sh
# Make sure the Debian packages that building and testing need are present.
# As root on Debian, install what is missing (and say so); elsewhere name the
# packages and stop.  Nothing is installed when everything is already there.
set -eu

missing=""
need() {  # need PACKAGE TEST...
	pkg=$1
	shift
	if ! "$@" >/dev/null 2>&1; then
		missing="$missing $pkg"
	fi
}
have() { command -v "$1"; }
rt_fuzzer() {
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a
}

need gcc have gcc
need make have make
need clang have clang
need libclang-rt-14-dev rt_fuzzer
need python3 have python3
need openssl have openssl
need xz-utils have xz
need file have file
need binutils have readelf
need valgrind have valgrind
need time test -x /usr/bin/time
need ca-certificates test -f /etc/ssl/certs/ca-certificates.crt
need debian-archive-keyring test -f /usr/share/keyrings/debian-archive-keyring.gpg

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing missing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	echo "deps: installed:$missing"
	exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them (apt-get install$missing) and run again" >&2
exit 1
