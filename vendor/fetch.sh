#!/bin/sh
# Fetch the pinned musl and BearSSL sources from Debian's package registry,
# verify every file against vendor/pins.sha256, and unpack them.
#
#   vendor/fetch.sh DL_DIR OUT_DIR
#
# DL_DIR keeps the downloaded files (reused by later builds when their hash
# still matches); OUT_DIR receives musl/ (the unpacked .debs, plus a
# relocated musl-gcc wrapper and specs file) and bearssl-src/ (the pristine
# BearSSL 0.6 tree).  The host's apt configuration is never touched: apt runs
# with private source lists, state and caches under DL_DIR/apt, and nothing is
# installed into the system.
set -eu

dl=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
pins=${VENDOR_PINS:-$here/pins.sha256}

die() { echo "vendor: $*" >&2; exit 1; }

pinned() {
	awk -v f="$1" '$2 == f { print $1 }' "$pins"
}

# verify NAME: true if DL_DIR/NAME exists and matches its pin
verify() {
	want=$(pinned "$1")
	[ -n "$want" ] || die "no pin for $1 in vendor/pins.sha256"
	[ -f "$dl/$1" ] || return 1
	got=$(sha256sum "$dl/$1" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		echo "vendor: sha256 mismatch for $1" >&2
		echo "vendor:   expected $want" >&2
		echo "vendor:   got      $got" >&2
		return 2
	fi
	return 0
}

# check NAME: stop the build unless the file is present and matches
check() {
	verify "$1" && return 0
	rc=$?
	[ $rc -eq 2 ] && die "refusing $dl/$1: its hash is not the pinned one (delete it to fetch again, or fix the pin)"
	die "missing $dl/$1 after download"
}

debs="musl_1.2.3-1_amd64.deb musl-dev_1.2.3-1_amd64.deb musl-tools_1.2.3-1_amd64.deb"
srcs="bearssl_0.6+dfsg.1.orig.tar.xz bearssl_0.6+dfsg.1-3.debian.tar.xz bearssl_0.6+dfsg.1-3.dsc"

mkdir -p "$dl" "$out"
dl=$(cd "$dl" && pwd)
out=$(cd "$out" && pwd)
need=0
for f in $debs $srcs; do
	if ! verify "$f"; then
		rc=$?
		[ $rc -eq 2 ] && rm -f "$dl/$f"
		need=1
	fi
done

if [ $need -eq 1 ]; then
	command -v apt-get >/dev/null || die "apt-get not found: this recipe needs a Debian host"
	apt=$dl/apt
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/parts"
	: > "$apt/empty.list"
	cat > "$apt/parts/bookworm.sources" <<X
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
	set -- -o Dir::Etc::SourceList="$apt/empty.list" \
		-o Dir::Etc::SourceParts="$apt/parts" \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache::Archives="$apt/archives" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1 -q
	echo "vendor: fetching package indexes (private apt state in $apt)"
	apt-get "$@" update >/dev/null || die "apt-get update failed"
	echo "vendor: downloading musl 1.2.3-1 and bearssl 0.6+dfsg.1-3"
	(cd "$dl" && apt-get "$@" download \
		musl=1.2.3-1 musl-dev=1.2.3-1 musl-tools=1.2.3-1 >/dev/null 2>&1) \
		|| die "apt-get download of musl failed"
	(cd "$dl" && apt-get "$@" source --download-only \
		bearssl=0.6+dfsg.1-3 >/dev/null 2>&1) \
		|| die "apt-get source of bearssl failed"
fi
for f in $debs $srcs; do
	check "$f"
done

# Unpack musl into OUT_DIR/musl/root and write a wrapper that uses a specs
# file rewritten to point into that folder (the packaged one hard-codes /usr).
rm -rf "$out/musl" "$out/bearssl-src"
mkdir -p "$out/musl/root" "$out/bearssl-src"
for f in $debs; do
	dpkg-deb -x "$dl/$f" "$out/musl/root"
done
root=$out/musl/root
sed -e "s#/usr/include/x86_64-linux-musl#$root/usr/include/x86_64-linux-musl#g" \
    -e "s#/usr/lib/x86_64-linux-musl#$root/usr/lib/x86_64-linux-musl#g" \
    "$root/usr/lib/x86_64-linux-musl/musl-gcc.specs" > "$out/musl/musl-gcc.specs"
cat > "$out/musl/musl-gcc" <<X
#!/bin/sh
exec "\${REALGCC:-gcc}" "\$@" -specs "$out/musl/musl-gcc.specs"
X
chmod +x "$out/musl/musl-gcc"

tar -xJf "$dl/bearssl_0.6+dfsg.1.orig.tar.xz" -C "$out/bearssl-src" \
	--strip-components=1
echo "vendor: musl and BearSSL sources verified and unpacked in $out"
