#!/usr/bin/env python3
"""The default image of Dockerfile.scratch, without any container engine.

The file tree of the final ("airbyte") stage is assembled in a temp folder:
the release binary at /airbyte/source-pylon (0755, root), /airbyte owned by
1000:1000, /tmp 1777, /etc/passwd and /etc/group, the pinned static BusyBox
with its sh/sleep/mv links in /bin (fetched by vendor/busybox.sh when not
there yet), and -- so that TLS to the mock works -- the mock's CA as
/etc/ssl/certs/ca-certificates.crt.  Every run enters it like a container
runtime would: a fresh mount and PID namespace (`unshare --mount --pid
--fork`), the tree bind-mounted read-only except a tmpfs /tmp and the
platform's /config or /source, a /dev with null, zero and urandom (what any
runtime provides; BusyBox sh needs /dev/null for `cmd &`), an empty
environment but the image's ENV,
the image's USER (1000:1000; some runs as root), then chroot and chdir
(`unshare --root --wd --setuid --setgid`).  The PID namespace ends with its
first process, as a container does: the wrapper script's background
TERMINATED loop dies with it.

Network: this test moves itself into a new network namespace with only
loopback up (unshare(CLONE_NEWNET), then `ip link set lo up`), and starts the
mock Pylon server (TLS, 127.0.0.1) there, so mock and connector share a
private loopback: no clash with other tests' ports, and proof that the image
needs nothing but the address it is given.  Where that is refused the host's
network is shared instead (the mock listens on the host's 127.0.0.1).

Also checked here: the tree's facts (ENTRYPOINT, AIRBYTE_ENTRYPOINT, PATH,
USER, labels) are the Dockerfile's, the Dockerfile's VERSION default is
src/version.h's, and metadata.yaml agrees with both.  Root only (it mounts
and changes uid); otherwise every case is a SKIP.
"""
import ctypes
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
sys.path.insert(0, os.path.join(HERE, "..", "image"))
from airbyte import BINARY, BUILD, ROOT, Run  # noqa: E402
from harness import Suite  # noqa: E402
import facts  # noqa: E402
import launcher as airbyte_platform  # noqa: E402  (tests/image/launcher.py)

t = Suite("image-tree")
UID = 1000
VOLUMES = []
BUSYBOX_OUT = os.path.join(BUILD, "image-tree")


# ---- what the Dockerfile and metadata.yaml say -----------------------------

gargs, stages = facts.dockerfile()
final = stages[-1]
edge = next((s for s in stages if s.name == "edge"), None)


def stage_args(st):
    a = dict(gargs)
    a.update({k: v for k, v in st.args.items() if v is not None})
    return a


def labels(st):
    return {k: facts.expand(v, stage_args(st)) for k, v in st.labels.items()}


ENTRY = final.entrypoint or []
PATH = final.env.get("PATH")


@t.case("Dockerfile: default (last) stage is FROM scratch with ENTRYPOINT "
        "== AIRBYTE_ENTRYPOINT, absolute, PATH and USER 1000:1000")
def _():
    assert final.base == "scratch", final.base
    assert len(ENTRY) == 1 and ENTRY[0].startswith("/"), ENTRY
    assert final.env.get("AIRBYTE_ENTRYPOINT") == " ".join(ENTRY), final.env
    assert PATH and all(p.startswith("/") for p in PATH.split(":")), PATH
    assert final.user == "%d:%d" % (UID, UID), final.user
    dests = [d for _, _, d in final.copies]
    assert ENTRY[0] in dests, dests
    owned = [(f, d) for f, _, d in final.copies if "chown" in f]
    assert owned and all(f["chown"] == "%d:%d" % (UID, UID)
                         for f, _ in owned), owned


@t.case("Dockerfile: edge stage has the same ENTRYPOINT, env, USER, labels "
        "and copies only the binary and the CA bundle")
def _():
    assert edge is not None and edge.base == "scratch"
    assert edge.entrypoint == ENTRY, edge.entrypoint
    assert edge.env.get("AIRBYTE_ENTRYPOINT") == " ".join(ENTRY)
    assert edge.user == final.user
    assert labels(edge) == labels(final), (labels(edge), labels(final))
    assert sorted(d for _, _, d in edge.copies) == sorted(
        [ENTRY[0], "/etc/ssl/certs/ca-certificates.crt"]), edge.copies


@t.case("Dockerfile: VERSION default and io.airbyte.version equal "
        "src/version.h")
def _():
    v = facts.version()
    assert gargs.get("VERSION") == v, (gargs, v)
    assert labels(final)["io.airbyte.version"] == v, labels(final)


@t.case("metadata.yaml: dockerRepository/dockerImageTag equal the labels "
        "and src/version.h; Airbyte's required keys are set")
def _():
    md = facts.metadata()
    lab = labels(final)
    assert md.get("data.dockerRepository") == lab["io.airbyte.name"], md
    assert md.get("data.dockerImageTag") == lab["io.airbyte.version"], md
    assert md.get("data.dockerImageTag") == facts.version()
    want = {"data.connectorType": "source", "data.connectorSubtype": "api",
            "data.license": "MIT", "data.releaseStage": "alpha",
            "data.supportLevel": "community",
            "data.registryOverrides.oss.enabled": "true",
            "data.registryOverrides.cloud.enabled": "true"}
    for k, v in want.items():
        assert md.get(k) == v, (k, md.get(k))
    assert md.get("data.allowedHosts.hosts") == [
        "api.usepylon.com", "api.eu.usepylon.com"], md
    assert "language:c" in md.get("data.tags", []), md
    assert md.get("data.name") and md.get("data.githubIssueLabel")
    did = md.get("data.definitionId", "")
    assert len(did) == 36 and did.count("-") == 4, did


@t.case("metadata.yaml: documentationUrl equals the spec's")
def _():
    p = subprocess.run([BINARY, "spec"], capture_output=True, timeout=30)
    r = Run(["spec"], p.returncode, p.stdout, p.stderr.decode())
    assert r.rc == 0 and r.of("SPEC"), r.describe()
    url = r.of("SPEC")[0]["spec"].get("documentationUrl")
    assert facts.metadata().get("data.documentationUrl") == url, url


# ---- the tree ---------------------------------------------------------------

def fetch_busybox():
    """bin/ with busybox and its links, through the vendor recipe."""
    p = subprocess.run([os.path.join(ROOT, "vendor", "busybox.sh"),
                        os.path.join(ROOT, "vendor", "dl"), BUSYBOX_OUT],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or ["failed"])[-1]
    return os.path.join(BUSYBOX_OUT, "bin"), None


def build_tree(root, bindir, ca_file):
    """The default stage's tree (what `COPY --from=build` lays out)."""
    os.chmod(root, 0o755)
    shutil.copytree(bindir, os.path.join(root, "bin"), symlinks=True)
    certs = os.path.join(root, "etc", "ssl", "certs")
    os.makedirs(certs)
    shutil.copy(ca_file, os.path.join(certs, "ca-certificates.crt"))
    os.chmod(os.path.join(certs, "ca-certificates.crt"), 0o644)
    with open(os.path.join(root, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n"
                "airbyte:x:1000:1000:airbyte:/airbyte:/bin/sh\n")
    with open(os.path.join(root, "etc", "group"), "w") as f:
        f.write("root:x:0:\nairbyte:x:1000:\n")
    os.mkdir(os.path.join(root, "tmp"))
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    home = os.path.dirname(ENTRY[0])
    os.makedirs(root + home)
    os.chmod(root + home, 0o755)
    os.chown(root + home, UID, UID)
    shutil.copy(BINARY, root + ENTRY[0])
    os.chmod(root + ENTRY[0], 0o755)
    # Mount points the container runtime provides: /dev (with null, which
    # sh needs for `cmd &`) and the platform's emptyDir volumes.
    for d in ("dev", "config", "source"):
        os.mkdir(os.path.join(root, d))


# Runs on the host inside the new mount namespace: mounts, then env(1)
# sets the image's environment and unshare(1) enters the tree (chroot,
# chdir, setgid/setuid, exec).  Arguments: R RO CFG SRC, then env words,
# unshare and its arguments.
SETUP = r'''
set -e
R=$1; RO=$2; CFG=$3; SRC=$4; shift 4
if [ "$RO" = 1 ]; then
	/usr/bin/mount --bind "$R" "$R"
	/usr/bin/mount -o remount,bind,ro "$R"
	/usr/bin/mount -t tmpfs -o mode=1777,size=16m tmpfs "$R/tmp"
fi
/usr/bin/mount -t tmpfs -o mode=755,size=64k tmpfs "$R/dev"
for n in null zero urandom; do
	: > "$R/dev/$n"
	/usr/bin/mount --bind "/dev/$n" "$R/dev/$n"
done
[ -z "$CFG" ] || /usr/bin/mount --bind "$CFG" "$R/config"
[ -z "$SRC" ] || /usr/bin/mount --bind "$SRC" "$R/source"
exec /usr/bin/env -i "$@"
'''


def enter(root, argv, env=None, uid=UID, readonly=True, config=None,
          source=None, wd="/", timeout=60):
    """Run argv (paths inside the tree) like a container runtime would:
    image ENV (plus env), USER uid:uid, working directory wd, read-only
    tree with a tmpfs /tmp unless readonly=False, host folders config and
    source bind-mounted at /config and /source."""
    e = {"PATH": PATH, "AIRBYTE_ENTRYPOINT": " ".join(ENTRY)}
    e.update(env or {})
    cmd = [UNSHARE, "--mount", "--pid", "--fork", "--propagation",
           "private", "/bin/sh", "-c", SETUP, "setup", root,
           "1" if readonly else "0", config or "", source or ""]
    cmd += ["%s=%s" % kv for kv in e.items()]
    cmd += [UNSHARE, "--root=" + root, "--wd=" + wd, "--setgid", str(uid),
            "--setuid", str(uid), "--"] + list(argv)
    p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                       env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    return Run(list(argv), p.returncode, p.stdout,
               p.stderr.decode("utf-8", "replace"))


def private_network():
    """Move this process into a new network namespace with lo up."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        return "unshare(CLONE_NEWNET): errno %d" % ctypes.get_errno()
    p = subprocess.run(["ip", "link", "set", "lo", "up"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return "ip link set lo up: " + p.stderr.strip()
    return None


def configured(discovered, names, incremental=()):
    out = []
    for st in discovered:
        if st["name"] not in names:
            continue
        inc = st["name"] in incremental
        e = {"stream": st, "destination_sync_mode": "append",
             "sync_mode": "incremental" if inc else "full_refresh"}
        if inc:
            e["cursor_field"] = st["default_cursor_field"]
        out.append(e)
    return {"streams": out}


def wjson(path, obj, mode=0o644):
    with open(path, "w") as f:
        json.dump(obj, f)
    os.chmod(path, mode)
    return path


def emptydir():
    """A platform volume: world-writable like the launcher's emptyDirs."""
    d = tempfile.mkdtemp(prefix="sp-vol-")
    os.chmod(d, 0o777)
    VOLUMES.append(d)
    return d


def source_dir(cfg, catalog, state=None):
    d = emptydir()
    wjson(os.path.join(d, "connectorConfig.json"), cfg)
    wjson(os.path.join(d, "catalog.json"), catalog)
    if state is not None:
        wjson(os.path.join(d, "inputState.json"), state)
    for n in ("stdout", "stderr"):
        os.mkfifo(os.path.join(d, n))
        os.chmod(os.path.join(d, n), 0o666)
    return d


def slurp(path):
    with open(path) as f:
        return f.read()


def main_cases(root, mock):
    truth_all = mock.truth()
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(
        truth_all["now_ms"] // 1000 - 100 * 86400))
    cfg = mock.connector_config(start_date=start, rate_limit_multiplier=1000)
    truth = truth_all["streams"]
    cdir = emptydir()
    wjson(os.path.join(cdir, "connectionConfiguration.json"), cfg)
    state = {}

    @t.case("tree: layout, owners and modes of the default stage")
    def _():
        st = os.lstat(root + ENTRY[0])
        assert stat.S_IMODE(st.st_mode) == 0o755 and st.st_uid == 0
        home = os.stat(root + os.path.dirname(ENTRY[0]))
        assert (home.st_uid, home.st_gid) == (UID, UID)
        assert stat.S_IMODE(os.stat(root + "/tmp").st_mode) == 0o1777
        for a in ("sh", "sleep", "mv"):
            assert os.readlink(os.path.join(root, "bin", a)) == "busybox"
        out = subprocess.run(["file", "-L", os.path.join(root, "bin", "sh"),
                              root + ENTRY[0]], capture_output=True,
                             text=True).stdout
        assert out.count("statically linked") == 2 or \
            out.count("static-pie") == 2, out

    @t.case("spec through the ENTRYPOINT as uid 1000, read-only root")
    def _():
        r = enter(root, ENTRY + ["spec"])
        assert r.rc == 0 and not r.errors and len(r.of("SPEC")) == 1, \
            r.describe()

    @t.case("spec as root")
    def _():
        r = enter(root, ENTRY + ["spec"], uid=0)
        assert r.rc == 0 and len(r.of("SPEC")) == 1, r.describe()

    @t.case("check against the mock over TLS (CA = the image's bundle)")
    def _():
        r = enter(root, ENTRY + ["check", "--config",
                                 "/config/connectionConfiguration.json"],
                  config=cdir)
        s = r.of("CONNECTION_STATUS")
        assert r.rc == 0 and s and s[0]["connectionStatus"]["status"] == \
            "SUCCEEDED", r.describe()

    @t.case("check with a wrong token is FAILED, not a crash")
    def _():
        d = emptydir()
        wjson(os.path.join(d, "c.json"), dict(cfg, api_token="pylon_api_x"))
        r = enter(root, ENTRY + ["check", "--config", "/config/c.json"],
                  config=d)
        s = r.of("CONNECTION_STATUS")
        assert s and s[0]["connectionStatus"]["status"] == "FAILED", \
            r.describe()

    disc = {}

    @t.case("discover in the tree")
    def _():
        r = enter(root, ENTRY + ["discover", "--config",
                                 "/config/connectionConfiguration.json"],
                  config=cdir)
        assert r.rc == 0 and r.of("CATALOG"), r.describe()
        disc["streams"] = r.of("CATALOG")[0]["catalog"]["streams"]

    names = ("tags", "users", "issues")
    inc = ("issues",)

    @t.case("read against the mock over TLS as uid 1000: all records")
    def _():
        d = emptydir()
        wjson(os.path.join(d, "config.json"), cfg)
        wjson(os.path.join(d, "catalog.json"),
              configured(disc["streams"], names, inc))
        r = enter(root, ENTRY + ["read", "--config", "/config/config.json",
                                 "--catalog", "/config/catalog.json"],
                  config=d)
        assert r.rc == 0 and not r.errors, r.describe()
        for n in names:
            assert len(r.records(n)) == len(truth[n]) > 0, \
                (n, len(r.records(n)), len(truth[n]))
        assert r.states("issues"), r.describe()
        state["last"] = [{"type": "STREAM", "stream": s["stream"]}
                         for s in r.states("issues")[-1:]]

    # -- the platform's wrapper script (sh -c), verbatim ----------------------

    def wrapper(script, **kw):
        return enter(root, ["sh", "-c", script], **kw)

    @t.case("platform wrapper: spec writes jobOutput.json and exitCode.txt 0")
    def _():
        d = emptydir()
        r = wrapper(airbyte_platform.operation_script("spec", config=False),
                    config=d, wd="/config")
        assert r.rc == 0, r.describe()
        assert b"Using AIRBYTE_ENTRYPOINT: " + ENTRY[0].encode() in r.raw
        out = Run(["spec"], 0, open(os.path.join(d, "jobOutput.json"),
                                    "rb").read(), "")
        assert len(out.of("SPEC")) == 1 and not out.errors, out.describe()
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"
        assert not os.path.exists(os.path.join(d, "TEMP_EXIT_CODE.txt"))

    @t.case("platform wrapper: check against the mock, exitCode.txt 0")
    def _():
        d = emptydir()
        wjson(os.path.join(d, "connectionConfiguration.json"), cfg)
        r = wrapper(airbyte_platform.operation_script("check"), config=d,
                    wd="/config")
        out = Run(["check"], 0, open(os.path.join(d, "jobOutput.json"),
                                     "rb").read(), "")
        s = out.of("CONNECTION_STATUS")
        assert r.rc == 0 and s and s[0]["connectionStatus"]["status"] == \
            "SUCCEEDED", (r.describe(), out.describe())
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    @t.case("platform wrapper: a failing check (no config file) records "
            "its non-zero exit code in exitCode.txt")
    def _():
        d = emptydir()
        r = wrapper(airbyte_platform.operation_script("check"), config=d,
                    wd="/config")
        code = slurp(os.path.join(d, "exitCode.txt"))
        assert r.rc != 0 and code == "%d\n" % r.rc, (code, r.describe())
        out = Run(["check"], 0, open(os.path.join(d, "jobOutput.json"),
                                     "rb").read(), "")
        assert out.errors_trace(), out.describe()
        assert not os.path.exists(os.path.join(d, "TEMP_EXIT_CODE.txt"))

    @t.case("platform wrapper: discover, exitCode.txt 0")
    def _():
        d = emptydir()
        wjson(os.path.join(d, "connectionConfiguration.json"), cfg)
        r = wrapper(airbyte_platform.operation_script("discover"), config=d,
                    wd="/config")
        out = Run(["discover"], 0, open(os.path.join(d, "jobOutput.json"),
                                        "rb").read(), "")
        assert r.rc == 0 and out.of("CATALOG"), (r.describe(),
                                                 out.describe())
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    def platform_read(catalog, state=None, pre=()):
        d = source_dir(cfg, catalog, state)
        for name in pre:
            open(os.path.join(d, name), "w").close()
        finish = airbyte_platform.read_fifos(d)
        r = wrapper(airbyte_platform.source_script(), source=d,
                    wd="/source")
        out, err = finish()
        return d, r, Run(["read"], 0, out or b"", (err or b"").decode())

    @t.case("platform wrapper: read through the stdout/stderr FIFOs, "
            "exitCode.txt 0")
    def _():
        cat = configured(disc["streams"], names, inc)
        d, r, out = platform_read(cat)
        assert r.rc == 0 and not out.errors, (r.describe(), out.describe())
        for n in names:
            assert len(out.records(n)) == len(truth[n]), n
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    @t.case("platform wrapper: read with inputState.json (the --state "
            "branch) resumes from the state")
    def _():
        assert state.get("last"), "no state from the earlier read"
        cat = configured(disc["streams"], ("issues",), inc)
        d, r, out = platform_read(cat, state=state["last"])
        assert r.rc == 0 and not out.errors, (r.describe(), out.describe())
        assert len(out.records("issues")) < len(truth["issues"]), \
            out.describe()
        assert slurp(os.path.join(d, "exitCode.txt")) == "0\n"

    @t.case("platform wrapper: a failing read (bad catalog) records its "
            "non-zero exit code")
    def _():
        d, r, out = platform_read({"streams": "nope"})
        code = slurp(os.path.join(d, "exitCode.txt"))
        assert r.rc != 0 and code == "%d\n" % r.rc, (code, r.describe())
        assert out.errors_trace(), out.describe()

    @t.case("platform wrapper: a TERMINATED marker kills the connector "
            "(kill + sleep loop), exitCode.txt 143")
    def _():
        mock.faults([{"path": ".", "fault": "stall", "delay_ms": 20000}])
        try:
            cat = configured(disc["streams"], ("tags",))
            d, r, out = platform_read(cat, pre=("TERMINATED",))
        finally:
            mock.clear_faults()
        code = slurp(os.path.join(d, "exitCode.txt"))
        assert r.rc == 143 and code == "143\n", (code, r.describe())

    @t.case("platform wrapper: without AIRBYTE_ENTRYPOINT it exits 127")
    def _():
        d = emptydir()
        r = wrapper(airbyte_platform.operation_script("spec", config=False),
                    config=d, wd="/config", env={"AIRBYTE_ENTRYPOINT": ""})
        assert r.rc == 127 and b"Entrypoint was not set!" in r.raw, \
            r.describe()

    @t.case("uid 1000 may write /airbyte and /tmp but not / or /bin")
    def _():
        script = ('echo x > /airbyte/p && mv /airbyte/p /airbyte/q && '
                  'echo y > /tmp/t && sleep 0 && '
                  'if (echo z > /bin/z); then exit 3; fi && '
                  'if (echo z > /z); then exit 4; fi && '
                  'echo ok')
        r = enter(root, ["sh", "-c", script], readonly=False)
        assert r.rc == 0 and r.raw == b"ok\n", r.describe()
        home = root + os.path.dirname(ENTRY[0])
        st = os.stat(os.path.join(home, "q"))
        assert (st.st_uid, st.st_gid) == (UID, UID)
        os.unlink(os.path.join(home, "q"))
        os.unlink(os.path.join(root, "tmp", "t"))


UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"

if os.geteuid() != 0:
    t.skip("image tree", "needs root (mount namespaces, chroot, uid 1000)")
elif not os.path.exists(BINARY):
    t.skip("image tree", "no release binary at %s (run make)" % BINARY)
else:
    bindir, why = fetch_busybox()
    if bindir is None:
        t.skip("image tree", "static BusyBox not available: " + why)
    else:
        note = private_network()
        if note:
            print("note: sharing the host network (%s)" % note, flush=True)
        from client import MockServer  # noqa: E402
        with MockServer("--issues", "10", tls=True) as m:
            root = tempfile.mkdtemp(prefix="sp-image-")
            try:
                build_tree(root, bindir, m.ca_file)
                main_cases(root, m)
            finally:
                shutil.rmtree(root, ignore_errors=True)
                for v in VOLUMES:
                    shutil.rmtree(v, ignore_errors=True)
t.done()
