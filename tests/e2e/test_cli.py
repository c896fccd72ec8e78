#!/usr/bin/env python3
"""The static binary's command line: usage errors are Airbyte TRACE errors of
type config_error with a non-zero exit, and stdout never carries anything but
whole Airbyte messages."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from airbyte import BINARY, run  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("cli")


def config_error(r, needle):
    errs = r.errors_trace()
    return (r.rc != 0 and not r.errors and len(errs) == 1 and
            errs[0].get("failure_type") == "config_error" and
            needle in errs[0].get("message", ""))


@t.case("binary is static, has no interpreter and is stripped")
def _():
    f = subprocess.run(["file", BINARY], capture_output=True, text=True)
    assert "statically linked" in f.stdout, f.stdout
    assert "stripped" in f.stdout and "not stripped" not in f.stdout, f.stdout
    r = subprocess.run(["readelf", "-l", BINARY], capture_output=True,
                       text=True)
    assert "INTERP" not in r.stdout
    d = subprocess.run(["readelf", "-d", BINARY], capture_output=True,
                       text=True)
    assert "NEEDED" not in d.stdout


@t.case("--version is a LOG message and exit 0")
def _():
    r = run(["--version"])
    assert r.rc == 0 and not r.errors, r.describe()
    assert len(r.messages) == 1 and r.of("LOG"), r.describe()
    assert "source-pylon 0." in r.of("LOG")[0]["log"]["message"]


@t.case("--help lists the commands as LOG messages")
def _():
    r = run(["--help"])
    assert r.rc == 0 and not r.errors, r.describe()
    text = " ".join(m["log"]["message"] for m in r.of("LOG"))
    for word in ("spec", "check", "discover", "read", "--catalog", "--state"):
        assert word in text, word


@t.case("no command is a config_error")
def _():
    r = run([])
    assert config_error(r, "no command"), r.describe()


@t.case("unknown command is a config_error")
def _():
    r = run(["sync"])
    assert config_error(r, "unknown command 'sync'"), r.describe()


@t.case("missing --config is a config_error")
def _():
    assert config_error(run(["check"]), "--config")
    assert config_error(run(["read", "--config", "x"]), "--catalog")


@t.case("unknown flag is a config_error")
def _():
    assert config_error(run(["discover", "--confg", "x"]), "--confg")


@t.case("unreadable config file is a config_error naming the file")
def _():
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "nope.json")
        r = run(["check", "--config", missing])
        assert r.rc != 0 or r.of("CONNECTION_STATUS"), r.describe()
        errs = r.errors_trace()
        st = r.of("CONNECTION_STATUS")
        text = " ".join(e.get("message", "") for e in errs) + " ".join(
            s["connectionStatus"].get("message", "") for s in st)
        assert "nope.json" in text, r.describe()
        r = run(["discover", f"--config={d}"])
        assert config_error(r, "directory"), r.describe()


@t.case("--debug is accepted and ignored")
def _():
    r = run(["--version", "--debug"])
    # --version must stand alone; --debug after a command is fine:
    r = run(["read", "--debug", "--config", "/nonexistent/c.json",
             "--catalog", "/nonexistent/k.json"])
    assert not r.errors and r.rc != 0, r.describe()
    assert r.errors_trace(), r.describe()


t.done()
