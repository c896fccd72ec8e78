#!/bin/sh
# Fetch the pinned static BusyBox (Debian's busybox-static) from Debian's
# package registry, verify it against vendor/pins.sha256, and lay out the
# /bin of the container image: the binary plus the applet links the Airbyte
# platform's wrapper script needs (it runs `sh -c` with `sleep` and `mv`).
#
#   vendor/busybox.sh DL_DIR OUT_DIR
#
# DL_DIR keeps the downloaded .deb (reused while its hash matches the pin);
# OUT_DIR receives bin/busybox (static, 0755) and the symlinks bin/sh,
# bin/sleep and bin/mv -> busybox.  Like vendor/fetch.sh, apt runs with
# private source lists, state and caches (here DL_DIR/apt-busybox), the host's
# apt configuration is never touched and nothing is installed.  Used by the
# build stage of Dockerfile.scratch and by tests/e2e/test_image_tree.py.
set -eu

[ $# -eq 2 ] || { echo "usage: vendor/busybox.sh DL_DIR OUT_DIR" >&2; exit 2; }
dl=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
pins=${VENDOR_PINS:-$here/pins.sha256}

version=1:1.35.0-4+deb12u1+b1
deb='busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb'
applets="sh sleep mv"

die() { echo "busybox: $*" >&2; exit 1; }

mkdir -p "$dl" "$out"
dl=$(cd "$dl" && pwd)
out=$(cd "$out" && pwd)

want=$(awk -v f="$deb" '$2 == f { print $1 }' "$pins")
[ -n "$want" ] || die "no pin for $deb in vendor/pins.sha256"

# Two builds (or tests) sharing DL_DIR must not download at the same time.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$dl/.busybox.lock"
	flock 9
fi

hash_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dl/$deb" ] && [ "$(hash_of "$dl/$deb")" != "$want" ]; then
	echo "busybox: sha256 mismatch for $deb" >&2
	echo "busybox:   expected $want" >&2
	echo "busybox:   got      $(hash_of "$dl/$deb")" >&2
	die "refusing $dl/$deb: its hash is not the pinned one (delete it to fetch again, or fix the pin)"
fi

if [ ! -f "$dl/$deb" ]; then
	command -v apt-get >/dev/null || die "apt-get not found: this recipe needs a Debian host"
	apt=$dl/apt-busybox
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/parts" "$apt/get"
	: > "$apt/empty.list"
	cat > "$apt/parts/bookworm.sources" <<X
Types: deb
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
	echo "busybox: fetching package indexes (private apt state in $apt)"
	apt-get "$@" update >/dev/null || die "apt-get update failed"
	echo "busybox: downloading busybox-static $version"
	rm -f "$apt/get/"*.deb
	(cd "$apt/get" && apt-get "$@" download "busybox-static=$version" \
		>/dev/null 2>&1) || die "apt-get download of busybox-static $version failed"
	[ -f "$apt/get/$deb" ] || die "apt-get did not produce $deb"
	got=$(hash_of "$apt/get/$deb")
	if [ "$got" != "$want" ]; then
		echo "busybox:   expected $want" >&2
		echo "busybox:   got      $got" >&2
		die "sha256 mismatch for the downloaded $deb"
	fi
	mv "$apt/get/$deb" "$dl/$deb"
fi

# Unpack only bin/busybox, then make the links in a fresh bin/.
tmp=$out/.unpack
rm -rf "$tmp" "${out:?}/bin"
mkdir -p "$tmp" "$out/bin"
dpkg-deb --fsys-tarfile "$dl/$deb" | tar -x -C "$tmp" ./bin/busybox
mv "$tmp/bin/busybox" "$out/bin/busybox"
rm -rf "$tmp"
chmod 0755 "$out/bin/busybox"

list=$("$out/bin/busybox" --list) || die "the unpacked busybox does not run"
for a in $applets; do
	echo "$list" | grep -qx "$a" || die "busybox lacks the applet $a"
	ln -s busybox "$out/bin/$a"
done
echo "busybox: $version verified; $out/bin holds busybox and $applets"
