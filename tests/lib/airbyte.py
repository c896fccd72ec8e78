"""Helpers for end-to-end tests: run the connector, parse and check its
Airbyte output strictly (every stdout line one complete message)."""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("SP_BUILD", os.path.join(ROOT, "build"))
BINARY = os.environ.get("SP_BINARY", os.path.join(BUILD, "source-pylon"))


def driver(name):
    """Path of a sanitizer-built test driver (tests/drivers/NAME.c)."""
    return os.path.join(BUILD, "asan", "drv_" + name)

MESSAGE_FIELDS = {
    "SPEC": "spec", "CONNECTION_STATUS": "connectionStatus",
    "CATALOG": "catalog", "RECORD": "record", "STATE": "state",
    "LOG": "log", "TRACE": "trace", "CONTROL": "control",
}


class Run:
    def __init__(self, argv, rc, stdout, stderr, seconds=0.0):
        self.argv = argv
        self.rc = rc
        self.raw = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.errors = []          # framing problems found while parsing
        self.messages = parse_lines(stdout, self.errors)

    def of(self, mtype):
        return [m for m in self.messages if m.get("type") == mtype]

    def records(self, stream=None):
        return [m["record"] for m in self.of("RECORD")
                if stream is None or m["record"]["stream"] == stream]

    def states(self, stream=None):
        out = []
        for m in self.of("STATE"):
            s = m["state"]
            if stream is None or (s.get("type") == "STREAM" and
                                  s["stream"]["stream_descriptor"]["name"]
                                  == stream):
                out.append(s)
        return out

    def traces(self, ttype):
        return [m["trace"] for m in self.of("TRACE")
                if m["trace"].get("type") == ttype]

    def errors_trace(self):
        return [t["error"] for t in self.traces("ERROR")]

    def statuses(self, stream):
        return [t["stream_status"]["status"]
                for t in self.traces("STREAM_STATUS")
                if t["stream_status"]["stream_descriptor"]["name"] == stream]

    def describe(self):
        tail = self.raw.decode("utf-8", "replace")[-1500:]
        return f"rc={self.rc} argv={self.argv[1:]} errors={self.errors[:3]} " \
               f"stdout-tail={tail!r} stderr={self.stderr[-500:]!r}"


def parse_lines(raw, errors):
    msgs = []
    if raw and not raw.endswith(b"\n"):
        errors.append("output does not end with a newline")
    for i, line in enumerate(raw.split(b"\n")):
        if not line:
            if i != len(raw.split(b"\n")) - 1:
                errors.append(f"line {i + 1}: empty line")
            continue
        try:
            m = json.loads(line.decode("utf-8"))
        except Exception as e:  # noqa: BLE001
            errors.append(f"line {i + 1}: not JSON ({e}): {line[:200]!r}")
            continue
        if not isinstance(m, dict) or m.get("type") not in MESSAGE_FIELDS:
            errors.append(f"line {i + 1}: not an Airbyte message")
            continue
        if MESSAGE_FIELDS[m["type"]] not in m:
            errors.append(f"line {i + 1}: {m['type']} without its payload")
            continue
        msgs.append(m)
    return msgs


def run(args, env=None, timeout=120, binary=None, stdin=None, cwd=None):
    import time
    argv = [binary or BINARY] + list(args)
    e = dict(os.environ)
    if env:
        e.update(env)
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=e, timeout=timeout, input=stdin, cwd=cwd)
    return Run(argv, p.returncode, p.stdout, p.stderr.decode("utf-8",
               "replace"), time.monotonic() - t0)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


STREAMS = ["accounts", "activity_types", "contacts", "custom_fields",
           "issues", "issue_messages", "issue_threads", "issue_statuses",
           "knowledge_bases", "knowledge_base_articles", "tags", "teams",
           "ticket_forms", "user_roles", "users"]


class Connector:
    """Runs the connector against a mock (tests/mock/client.MockServer),
    writing config, catalog and state files to a private temp folder."""

    def __init__(self, mock, workdir, binary=None, env=None):
        self.mock = mock
        self.dir = workdir
        self.binary = binary or BINARY
        self.env = dict(mock.connector_env()) if mock is not None else {}
        if env:
            self.env.update(env)
        self.n = 0

    def path(self, name):
        self.n += 1
        return os.path.join(self.dir, f"{self.n:03d}-{name}")

    def config(self, **kw):
        """Config for the mock.  The mock does not rate-limit unless told
        to, so tests pace at the highest multiplier unless they set one."""
        cfg = self.mock.connector_config(kw.pop("start_date", None)) \
            if self.mock is not None else {}
        cfg["rate_limit_multiplier"] = 1000
        cfg.update(kw)
        return {k: v for k, v in cfg.items() if v is not None or k == "_"}

    def run(self, args, timeout=300, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        return run(args, env=e, timeout=timeout, binary=self.binary)

    def check(self, config, **kw):
        return self.run(["check", "--config",
                         write_json(self.path("config.json"), config)], **kw)

    def discover(self, config, **kw):
        return self.run(["discover", "--config",
                         write_json(self.path("config.json"), config)], **kw)

    def catalog(self, config, streams=None, incremental=(), discovered=None):
        """A configured catalog from discover: the named streams (default
        all), incremental for those in `incremental`, else full_refresh."""
        if discovered is None:
            r = self.discover(config)
            assert r.rc == 0 and r.of("CATALOG"), r.describe()
            discovered = r.of("CATALOG")[0]["catalog"]["streams"]
        out = []
        for st in discovered:
            if streams is not None and st["name"] not in streams:
                continue
            inc = st["name"] in incremental
            entry = {"stream": st,
                     "sync_mode": "incremental" if inc else "full_refresh",
                     "destination_sync_mode": "append"}
            if inc:
                entry["cursor_field"] = st["default_cursor_field"]
            out.append(entry)
        return {"streams": out}

    def read(self, config, catalog, state=None, **kw):
        args = ["read", "--config",
                write_json(self.path("config.json"), config), "--catalog",
                write_json(self.path("catalog.json"), catalog)]
        if state is not None:
            args += ["--state", write_json(self.path("state.json"), state)]
        return self.run(args, **kw)

    def start_read(self, config, catalog, state=None, env=None):
        """Start a read in the background (for kill tests): Popen."""
        args = [self.binary, "read", "--config",
                write_json(self.path("config.json"), config), "--catalog",
                write_json(self.path("catalog.json"), catalog)]
        if state is not None:
            args += ["--state", write_json(self.path("state.json"), state)]
        e = dict(os.environ)
        e.update(self.env)
        if env:
            e.update(env)
        out = open(self.path("stdout"), "w+b")
        return subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL,
                                env=e), out
