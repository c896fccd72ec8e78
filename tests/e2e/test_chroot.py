#!/usr/bin/env python3
"""The release binary runs inside an empty root: a folder holding only the
binary, entered with chroot (as root) or an unprivileged user namespace.
This proves it needs no loader, no libc and no files it does not ship."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from airbyte import BINARY, Run  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("chroot")


def chroot_argv(root, args):
    if os.geteuid() == 0:
        return ["chroot", root] + args
    return ["unshare", "--user", "--map-root-user", "chroot", root] + args


def in_empty_root(args):
    root = tempfile.mkdtemp(prefix="sp-root-")
    try:
        shutil.copy(BINARY, os.path.join(root, "source-pylon"))
        assert sorted(os.listdir(root)) == ["source-pylon"]
        p = subprocess.run(chroot_argv(root, ["/source-pylon"] + args),
                           capture_output=True, timeout=60)
        return Run(args, p.returncode, p.stdout, p.stderr.decode())
    finally:
        shutil.rmtree(root)


try:
    probe = subprocess.run(chroot_argv("/", ["/bin/true"]),
                           capture_output=True)
    usable = probe.returncode == 0
except FileNotFoundError:
    usable = False

if not usable:
    t.skip("empty root", "neither root nor user namespaces are available")
else:
    @t.case("--version in an empty root")
    def _():
        r = in_empty_root(["--version"])
        assert r.rc == 0 and not r.errors and r.of("LOG"), r.describe()

    @t.case("spec in an empty root")
    def _():
        r = in_empty_root(["spec"])
        assert r.rc == 0 and not r.errors and len(r.of("SPEC")) == 1, \
            r.describe()

    @t.case("usage error in an empty root is a TRACE")
    def _():
        r = in_empty_root(["check", "--config", "/missing.json"])
        assert not r.errors and r.messages, r.describe()
t.done()
