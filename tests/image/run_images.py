#!/usr/bin/env python3
"""Run and inspect the two images that tests/image/build.sh built.

    SP_PODMAN=<podman wrapper> python3 tests/image/run_images.py \
        IMAGE EDGE_IMAGE [SAVE_DIR]

Prints PASS/FAIL lines (tests/lib/harness.py) and a size table; exits 1 on
any failure.  Every container runs with --network host so it reaches the
mock Pylon server on the host's loopback over TLS; the mock's CA and the
configs are mounted.  The default image also runs the Airbyte platform's
`sh -c` wrapper script (tests/image/launcher.py) as the launcher does:
command overridden, working directory /config or /source, a read-only root
filesystem, stdout/stderr FIFOs for read.
"""
import atexit
import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
sys.path.insert(0, HERE)
from airbyte import Run  # noqa: E402
from harness import Suite  # noqa: E402
from client import MockServer  # noqa: E402
import facts  # noqa: E402
import launcher as airbyte_platform  # noqa: E402

PM = os.environ.get("SP_PODMAN", "podman")
IMAGE, EDGE = sys.argv[1], sys.argv[2]
SAVE = sys.argv[3] if len(sys.argv) > 3 else None
t = Suite("image")
VOLS = []
UID = 1000
atexit.register(lambda: [shutil.rmtree(v, ignore_errors=True) for v in VOLS])

gargs, stages = facts.dockerfile()
final = stages[-1]
ENTRY = final.entrypoint
VERSION = facts.version()
MD = facts.metadata()


def pm(*args, timeout=300, **kw):
    return subprocess.run([PM] + list(args), capture_output=True,
                          timeout=timeout, **kw)


def vol(mode=0o777):
    d = tempfile.mkdtemp(prefix="sp-imgvol-")
    os.chmod(d, mode)
    VOLS.append(d)
    return d


def wjson(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    os.chmod(path, 0o644)
    return path


def run(image, args, mounts=(), env=None, entrypoint=None, workdir=None,
        read_only=False, timeout=120):
    argv = ["run", "--rm", "--pull=never", "--network", "host"]
    for src, dst, mode in mounts:
        argv += ["-v", "%s:%s:%s" % (src, dst, mode)]
    for k, v in (env or {}).items():
        argv += ["-e", "%s=%s" % (k, v)]
    if entrypoint:
        argv += ["--entrypoint", entrypoint]
    if workdir:
        argv += ["-w", workdir]
    if read_only:
        argv += ["--read-only"]
    p = pm(*(argv + [image] + list(args)), timeout=timeout)
    return Run(list(args), p.returncode, p.stdout,
               p.stderr.decode("utf-8", "replace"))


def inspect(image):
    p = pm("image", "inspect", image)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)[0]


# ---- image metadata

for name, image in (("default", IMAGE), ("edge", EDGE)):
    @t.case("%s: config: ENTRYPOINT == AIRBYTE_ENTRYPOINT, USER 1000:1000, "
            "labels == metadata.yaml, linux/amd64" % name)
    def _(image=image, name=name):
        i = inspect(image)
        cfg = i["Config"]
        env = dict(e.split("=", 1) for e in cfg.get("Env", []))
        assert cfg["Entrypoint"] == ENTRY, cfg["Entrypoint"]
        assert env.get("AIRBYTE_ENTRYPOINT") == " ".join(ENTRY), env
        assert cfg.get("User") == "%d:%d" % (UID, UID), cfg.get("User")
        lab = cfg.get("Labels") or {}
        assert lab.get("io.airbyte.name") == MD["data.dockerRepository"], lab
        assert lab.get("io.airbyte.version") == MD["data.dockerImageTag"] \
            == VERSION, lab
        assert (i["Os"], i["Architecture"]) == ("linux", "amd64"), \
            (i["Os"], i["Architecture"])
        if name == "default":
            assert env.get("PATH") == final.env["PATH"], env


def tree(image):
    """{path: os.stat_result} of the image's files (podman image mount)."""
    p = pm("image", "mount", image)
    assert p.returncode == 0, p.stderr
    top = p.stdout.decode().strip()
    try:
        out = {}
        for d, dirs, files in os.walk(top):
            for n in dirs + files:
                full = os.path.join(d, n)
                out["/" + os.path.relpath(full, top)] = os.lstat(full)
        links = {k: os.readlink(top + k) for k, s in out.items()
                 if stat.S_ISLNK(s.st_mode)}
        return out, links
    finally:
        pm("image", "unmount", image)


@t.case("default: files, owners and modes (/airbyte 1000:1000, /tmp 1777, "
        "binary 0755 root, busybox sh/sleep/mv)")
def _():
    f, links = tree(IMAGE)
    b = f[ENTRY[0]]
    assert stat.S_IMODE(b.st_mode) == 0o755 and b.st_uid == 0, b
    h = f[os.path.dirname(ENTRY[0])]
    assert (h.st_uid, h.st_gid) == (UID, UID), h
    assert stat.S_IMODE(f["/tmp"].st_mode) == 0o1777
    assert f["/etc/ssl/certs/ca-certificates.crt"].st_size > 100000
    assert all(links.get("/bin/" + a) == "busybox"
               for a in ("sh", "sleep", "mv")), links
    extra = set(f) - {"/bin", "/bin/busybox", "/bin/sh", "/bin/sleep",
                      "/bin/mv", "/etc", "/etc/ssl", "/etc/ssl/certs",
                      "/etc/ssl/certs/ca-certificates.crt", "/etc/passwd",
                      "/etc/group", "/tmp", "/airbyte", ENTRY[0]}
    assert not extra, sorted(extra)


@t.case("edge: only the binary and the CA bundle")
def _():
    f, _ = tree(EDGE)
    files = sorted(k for k, s in f.items() if not stat.S_ISDIR(s.st_mode))
    assert files == sorted([ENTRY[0], "/etc/ssl/certs/ca-certificates.crt"]), \
        files
    assert stat.S_IMODE(f[ENTRY[0]].st_mode) == 0o755


# ---- runs

for name, image in (("default", IMAGE), ("edge", EDGE)):
    @t.case("%s: `run IMAGE spec`" % name)
    def _(image=image):
        r = run(image, ["spec"])
        assert r.rc == 0 and not r.errors and len(r.of("SPEC")) == 1, \
            r.describe()

    @t.case("%s: --version reports the io.airbyte.version label" % name)
    def _(image=image):
        r = run(image, ["--version"])
        msgs = [m["log"]["message"] for m in r.of("LOG")]
        assert r.rc == 0 and any(VERSION in m for m in msgs), r.describe()


def start(days):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(
        time.time() - days * 86400))


with MockServer("--issues", "10", tls=True) as m:
    truth = m.truth()["streams"]
    cfg = m.connector_config(start_date=start(100), rate_limit_multiplier=1000)
    cadir = vol(0o755)
    shutil.copy(m.ca_file, os.path.join(cadir, "ca.pem"))
    os.chmod(os.path.join(cadir, "ca.pem"), 0o644)
    ca = os.path.join(cadir, "ca.pem")
    cdir = vol(0o755)
    wjson(os.path.join(cdir, "config.json"), cfg)
    names, inc = ("tags", "users", "issues"), ("issues",)
    disc = {}

    def configured(streams):
        out = []
        for st in disc["streams"]:
            if st["name"] in streams:
                e = {"stream": st, "destination_sync_mode": "append",
                     "sync_mode": "incremental" if st["name"] in inc
                     else "full_refresh"}
                if st["name"] in inc:
                    e["cursor_field"] = st["default_cursor_field"]
                out.append(e)
        return {"streams": out}

    # The edge image trusts the mock through its default bundle path (the
    # CA mounted over it); the default image through SSL_CERT_FILE.
    how = {"edge": dict(mounts=[(ca, "/etc/ssl/certs/ca-certificates.crt",
                                 "ro")]),
           "default": dict(mounts=[(ca, "/secrets/ca.pem", "ro")],
                           env={"SSL_CERT_FILE": "/secrets/ca.pem"})}

    for name, image in (("default", IMAGE), ("edge", EDGE)):
        def trusting(extra_mounts=(), h=how[name]):
            return dict(mounts=list(h["mounts"]) + list(extra_mounts),
                        env=h.get("env"))

        @t.case("%s: check against the mock over TLS (mounted CA, "
                "--network host)" % name)
        def _(image=image, trusting=trusting):
            r = run(image, ["check", "--config", "/config/config.json"],
                    **trusting([(cdir, "/config", "ro")]))
            s = r.of("CONNECTION_STATUS")
            assert r.rc == 0 and s and \
                s[0]["connectionStatus"]["status"] == "SUCCEEDED", \
                r.describe()

        @t.case("%s: the image's own CA bundle rejects the mock's "
                "certificate" % name)
        def _(image=image):
            r = run(image, ["check", "--config", "/config/config.json"],
                    mounts=[(cdir, "/config", "ro")])
            s = r.of("CONNECTION_STATUS")
            assert s and s[0]["connectionStatus"]["status"] == "FAILED" and \
                "not trusted" in s[0]["connectionStatus"]["message"], \
                r.describe()

        if name == "default":
            @t.case("default: discover")
            def _(image=image, trusting=trusting):
                r = run(image, ["discover", "--config",
                                "/config/config.json"],
                        **trusting([(cdir, "/config", "ro")]))
                assert r.rc == 0 and r.of("CATALOG"), r.describe()
                disc["streams"] = r.of("CATALOG")[0]["catalog"]["streams"]

        @t.case("%s: read against the mock over TLS: all records" % name)
        def _(image=image, trusting=trusting):
            d = vol(0o755)
            wjson(os.path.join(d, "config.json"), cfg)
            wjson(os.path.join(d, "catalog.json"), configured(names))
            r = run(image, ["read", "--config", "/config/config.json",
                            "--catalog", "/config/catalog.json"],
                    **trusting([(d, "/config", "ro")]))
            assert r.rc == 0 and not r.errors, r.describe()
            for n in names:
                assert len(r.records(n)) == len(truth[n]) > 0, \
                    (n, len(r.records(n)), len(truth[n]))

    # ---- the platform's wrapper script on the default image

    plat = dict(mounts=[(ca, "/secrets/ca.pem", "ro")],
                env={"SSL_CERT_FILE": "/secrets/ca.pem"}, entrypoint="sh",
                read_only=True)

    def wrapper(script, volume, wd):
        kw = dict(plat)
        kw["mounts"] = plat["mounts"] + [(volume, wd, "rw")]
        return run(IMAGE, ["-c", script], workdir=wd, **kw)

    def job_output(d):
        with open(os.path.join(d, "jobOutput.json"), "rb") as f:
            return Run(["job"], 0, f.read(), "")

    def slurp(path):
        with open(path) as f:
            return f.read()

    @t.case("default: platform wrapper (sh -c, read-only root): spec -> "
            "jobOutput.json, exitCode.txt 0")
    def _():
        d = vol()
        r = wrapper(airbyte_platform.operation_script("spec", config=False),
                    d, "/config")
        out = job_output(d)
        assert r.rc == 0 and len(out.of("SPEC")) == 1, (r.describe(),
                                                        out.describe())
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    @t.case("default: platform wrapper: check SUCCEEDED, exitCode.txt 0")
    def _():
        d = vol()
        wjson(os.path.join(d, "connectionConfiguration.json"), cfg)
        r = wrapper(airbyte_platform.operation_script("check"), d, "/config")
        s = job_output(d).of("CONNECTION_STATUS")
        assert r.rc == 0 and s and \
            s[0]["connectionStatus"]["status"] == "SUCCEEDED", r.describe()
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    @t.case("default: platform wrapper: failing check records its "
            "non-zero exit code")
    def _():
        d = vol()
        r = wrapper(airbyte_platform.operation_script("check"), d, "/config")
        code = slurp(os.path.join(d, "exitCode.txt"))
        assert r.rc not in (0, 125, 126, 127) and code == "%d\n" % r.rc, \
            (code, r.describe())

    @t.case("default: platform wrapper: read through stdout/stderr FIFOs, "
            "exitCode.txt 0")
    def _():
        d = vol()
        wjson(os.path.join(d, "connectorConfig.json"), cfg)
        wjson(os.path.join(d, "catalog.json"), configured(names))
        for n in ("stdout", "stderr"):
            os.mkfifo(os.path.join(d, n))
            os.chmod(os.path.join(d, n), 0o666)
        finish = airbyte_platform.read_fifos(d)
        r = wrapper(airbyte_platform.source_script(), d, "/source")
        stdout, _ = finish()
        out = Run(["read"], 0, stdout or b"", "")
        assert r.rc == 0 and not out.errors, (r.describe(), out.describe())
        for n in names:
            assert len(out.records(n)) == len(truth[n]), n
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    @t.case("default: uid 1000 writes /airbyte; sleep and mv run")
    def _():
        r = run(IMAGE, ["-c", "echo x > /airbyte/p && sleep 0 && "
                        "mv /airbyte/p /airbyte/q && echo ok"],
                entrypoint="sh")
        assert r.rc == 0 and r.raw == b"ok\n", r.describe()

    @t.case("edge: has no shell (not for the Airbyte platform)")
    def _():
        r = run(EDGE, ["-c", "true"], entrypoint="sh")
        assert r.rc != 0, r.describe()


# ---- sizes

def human(n):
    return "%.0f kB" % (n / 1000) if n < 1e6 else "%.2f MB" % (n / 1e6)


rows = []
for name, image in (("default (airbyte)", IMAGE), ("edge", EDGE)):
    try:
        size = inspect(image).get("Size", 0)
    except AssertionError:
        continue
    gz = arch = 0
    if SAVE:
        os.makedirs(SAVE, exist_ok=True)
        tag = image.split("/")[-1].replace(":", "-")
        path = os.path.join(SAVE, tag + ".tar")
        if os.path.exists(path):
            os.unlink(path)
        p = pm("save", "--format", "docker-archive", "-o", path, image)
        if p.returncode == 0:
            arch = os.path.getsize(path)
            with open(path, "rb") as f:
                gz = len(gzip.compress(f.read(), 9))
    rows.append((name, image, size, arch, gz))

print("\n| Target | Image | Size | docker-archive | gzipped |")
print("|---|---|---|---|---|")
for name, image, size, arch, gz in rows:
    print("| %s | %s | %s | %s | %s |" % (name, image, human(size),
                                          human(arch) if arch else "-",
                                          human(gz) if gz else "-"))
if SAVE:
    with open(os.path.join(SAVE, "sizes.json"), "w") as f:
        json.dump([dict(zip(("target", "image", "size", "archive", "gzip"),
                            r)) for r in rows], f, indent=1)
print(flush=True)
t.done()
