#!/bin/sh
# Build both targets of Dockerfile.scratch with podman, offline from any
# container registry, and test them (what `make image` runs).
#
#   tests/image/build.sh [BUILD_DIR]          (default: $B, else build)
#
# No Docker engine is needed.  Everything podman keeps (images, layers, run
# state, its config) lives under BUILD_DIR/image/:
#   base/      debian:bookworm-slim stand-in made once with debootstrap
#              (minbase, trimmed, Debian's usual sources) and imported
#   root/ run/ podman storage and run state (overlay; SP_STORAGE_DRIVER=vfs
#              to change)
#   pm         podman wrapper with these settings (use it by hand too:
#              build/image/pm images, build/image/pm run --rm IMAGE spec)
#   out/       the images as docker-archive tarballs (`docker load -i`)
# The settings are the ones shared/reference/toolchain.md found necessary on
# these hosts: runc (crun fails on hybrid cgroups), cgroupfs, file events,
# ulimits lowered to what the host allows (nofile <= hard limit, nproc <=
# 32768), all through CONTAINERS_CONF.  RUN steps of the build stage reach
# Debian's package registry through the host network; FROM resolves to the
# local base image only (--pull=never), so no container registry is used.
#
# Prints PASS/FAIL lines like the other tests; exits non-zero on any failure.
# Takes minutes the first time (debootstrap, apt inside the build stage),
# about a minute after that (layers are cached).
set -eu

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
B=${1:-${B:-build}}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
S=$B/image
VERSION=$(sed -n 's/^#define SP_VERSION "\(.*\)"/\1/p' src/version.h)
[ -n "$VERSION" ] || { echo "image: no SP_VERSION in src/version.h" >&2; exit 1; }
IMAGE=airbyte/source-pylon:$VERSION
EDGE=localhost/source-pylon:$VERSION-edge
SUITE=image-build
failed=0
t0=$(date +%s)

pass() { echo "PASS $SUITE: $1"; }
fail() {
	echo "FAIL $SUITE: $1: $2"
	failed=1
}
stop() {
	fail "$1" "$2"
	echo "image: stopped after $(($(date +%s) - t0)) s"
	exit 1
}
log() { echo "image: $*"; }

# ---- tools --------------------------------------------------------------------
missing=""
for p in podman:podman runc:runc debootstrap:debootstrap; do
	command -v "${p%%:*}" >/dev/null 2>&1 || missing="$missing ${p#*:}"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "installing Debian packages:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing >/dev/null \
			|| stop "tools" "apt-get install$missing failed"
	else
		stop "tools" "missing:$missing (apt-get install$missing, as root)"
	fi
fi
[ "$(id -u)" = 0 ] || stop "tools" "run as root (rootful podman, debootstrap)"
pass "tools: $(podman --version), runc $(runc --version | sed -n 's/^runc version //p')"

# ---- podman settings, all under $S ----------------------------------------------
mkdir -p "$S/root" "$S/run" "$S/tmp" "$S/libpod-tmp" "$S/base" "$S/out"
# A state folder that outlived a reboot would confuse podman: start afresh.
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
if [ -f "$S/boot_id" ] && [ "$(cat "$S/boot_id")" != "$boot" ]; then
	rm -rf "$S/run" "$S/libpod-tmp"
	mkdir -p "$S/run" "$S/libpod-tmp"
fi
echo "$boot" > "$S/boot_id"

# Hard limits of this host (/proc/self/limits: name, soft, hard, unit).
hard() {
	v=$(awk -v n="$1" 'index($0, n) == 1 { print $(NF - 1) }' /proc/self/limits)
	case $v in ''|unlimited) v=$2 ;; esac
	[ "$v" -le "$2" ] || v=$2
	echo "$v"
}
hn=$(hard "Max open files" 1048576)
hu=$(hard "Max processes" 32768)
cat > "$S/containers.conf" <<X
# Written by tests/image/build.sh (see shared/reference/toolchain.md s.5).
[containers]
default_ulimits = ["nofile=$hn:$hn", "nproc=$hu:$hu"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$S/events.log"
X
cat > "$S/registries.conf" <<X
# No registry is ever asked: images come from local storage only.
unqualified-search-registries = []
short-name-mode = "permissive"
X
cat > "$S/pm" <<X
#!/bin/sh
# podman with source-pylon's image-test state ($S).
export CONTAINERS_CONF="$S/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$S/registries.conf"
export TMPDIR="$S/tmp"
exec podman --root "$S/root" --runroot "$S/run" \\
	--storage-driver "${SP_STORAGE_DRIVER:-overlay}" \\
	--cgroup-manager cgroupfs --events-backend file \\
	--tmpdir "$S/libpod-tmp" "\$@"
X
chmod +x "$S/pm"
PM=$S/pm

# ---- debian:bookworm-slim, made once -----------------------------------------
BASE=docker.io/library/debian:bookworm-slim
tarball=$S/base/bookworm-minbase.tar
if [ ! -f "$tarball" ]; then
	log "making the base image with debootstrap (once; about a minute)"
	rm -rf "$S/base/rootfs"
	ts=$(date +%s)
	debootstrap --variant=minbase bookworm "$S/base/rootfs" \
		http://deb.debian.org/debian >"$S/base/debootstrap.log" 2>&1 \
		|| stop "base image" "debootstrap failed, see $S/base/debootstrap.log"
	r=$S/base/rootfs
	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin \
		"$r"/var/lib/apt/lists/* "$r"/usr/share/doc/* "$r"/usr/share/man/* \
		"$r"/usr/share/locale/* "$r"/usr/share/info/*
	# The sources of the real image (deb822, with updates and security).
	rm -f "$r/etc/apt/sources.list"
	cat > "$r/etc/apt/sources.list.d/debian.sources" <<X
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
	tar --numeric-owner -C "$r" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$r"
	log "base rootfs made in $(($(date +%s) - ts)) s"
fi
if ! "$PM" image exists "$BASE"; then
	"$PM" import --change 'CMD ["bash"]' "$tarball" "$BASE" >/dev/null \
		|| stop "base image" "podman import failed"
fi
pass "base image $BASE (debootstrap minbase, local)"

# ---- build both targets ----------------------------------------------------------
# From one snapshot of what the Dockerfile COPYs: both targets see the same
# sources even while src/ is being edited, and the context stays small.
ctx=$S/context
rm -rf "$ctx"
mkdir -p "$ctx/vendor"
cp -a Makefile Dockerfile.scratch src "$ctx/"
cp -a vendor/fetch.sh vendor/busybox.sh vendor/pins.sha256 "$ctx/vendor/"
build() {  # build NAME TAG [--target T]
	name=$1
	tag=$2
	shift 2
	ts=$(date +%s)
	if "$PM" build --pull=never --network host --layers \
		--build-arg "VERSION=$VERSION" -f "$ctx/Dockerfile.scratch" \
		-t "$tag" "$@" "$ctx" >"$S/build-$name.log" 2>&1; then
		pass "build $name target as $tag ($(($(date +%s) - ts)) s)"
	else
		tail -n 25 "$S/build-$name.log" | sed 's/^/    /'
		stop "build $name target" "podman build failed, see $S/build-$name.log"
	fi
}
log "building (log: $S/build-*.log)"
build default "$IMAGE"
build edge "$EDGE" --target edge

# ---- run and inspect -----------------------------------------------------------------
SP_PODMAN=$PM python3 tests/image/run_images.py "$IMAGE" "$EDGE" "$S/out" \
	|| failed=1

# Untagged layers are the build cache: keep a day's worth, drop the rest so
# the store does not grow without bound.
"$PM" image prune -f --filter until=24h >/dev/null 2>&1 || true
log "podman store: $(du -sh "$S/root" 2>/dev/null | cut -f1) in $S/root" \
	"(\"$PM image prune -f\" or rm -rf $S to reclaim)"
log "images saved as docker-archive tarballs in $S/out"
log "podman with these settings: $PM (e.g. $PM run --rm $IMAGE spec)"
log "done in $(($(date +%s) - t0)) s"
if [ $failed -ne 0 ]; then
	echo "image: FAILED"
	exit 1
fi
echo "image: all passed"
