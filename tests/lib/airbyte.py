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
