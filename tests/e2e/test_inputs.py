#!/usr/bin/env python3
"""Bad inputs (issue 8): malformed and adversarial config, catalog and state
files each get a clear error, the right exit status and failure type, and
no output (stdout or stderr, success or failure) ever contains the token."""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from airbyte import Connector  # noqa: E402
from client import MockServer  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("inputs")
WORK = tempfile.mkdtemp(prefix="sp-inputs-")
TOKEN = "pylon_api_SENTINEL_7f3a9c2e"


def leaks(run):
    return TOKEN.encode() in run.raw or TOKEN in run.stderr


def raw_file(name, data):
    p = os.path.join(WORK, name)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return p


with MockServer("--issues", "5", tls=True, token=TOKEN) as m:
    c = Connector(m, WORK)
    good = c.config(start_date="2026-01-01T00:00:00Z")
    cat = c.catalog(good, ["tags", "issues"], incremental={"issues"})

    # (name, config file bytes, text the error must contain)
    CONFIGS = [
        ("not JSON", b"{api_token: x}", "not valid JSON"),
        ("empty file", b"", "not valid JSON"),
        ("array", b"[]", "object"),
        ("token missing", json.dumps({"api_url": m.url}), "api_token"),
        ("token a number", json.dumps({"api_token": 5}), "api_token"),
        ("token empty", json.dumps({"api_token": ""}), "api_token"),
        ("token with newline", json.dumps({"api_token": TOKEN + "\nX: y"}),
         "api_token"),
        ("token in start_date", json.dumps(dict(good, start_date=TOKEN)),
         "start_date"),
        ("token in api_url", json.dumps(dict(good, api_url=TOKEN)),
         "api_url"),
        ("token as cursor field", json.dumps(dict(
            good, issues_cursor_field=TOKEN)), "issues_cursor_field"),
        ("Feb 30", json.dumps(dict(good, start_date="2026-02-30T00:00:00Z")),
         "start_date"),
        ("hour 24", json.dumps(dict(good, start_date="2026-01-01T24:00:00Z")),
         "start_date"),
        ("huge integer", '{"api_token": "%s", "max_retries": %s}' % (
            TOKEN, "9" * 400), "max_retries"),
        ("huge float", '{"api_token": "%s", "rate_limit_multiplier": 1e999}'
         % TOKEN, "rate_limit_multiplier"),
        ("negative page size", json.dumps(dict(good, page_size=-5)),
         "page_size"),
        ("deep nesting", '{"api_token": "%s", "x": %s%s}' % (
            TOKEN, "[" * 100000, "]" * 100000), "too deep"),
        ("invalid UTF-8", b'{"api_token": "' + TOKEN.encode() +
         b'", "start_date": "\xff\xfe"}', "UTF-8"),
        ("lone surrogate escape", '{"api_token": "%s", "x": "\\ud800"}'
         % TOKEN, "not valid JSON"),
        ("trailing garbage", json.dumps(good) + " x", "not valid JSON"),
        ("plain http remote", json.dumps(dict(
            good, api_url="http://api.usepylon.com")), "https"),
    ]

    for name, data, needle in CONFIGS:
        @t.case(f"config {name}: clear error in every command, no token")
        def _(data=data, needle=needle):
            cfgp = raw_file("config.json", data)
            catp = raw_file("catalog.json", json.dumps(cat))
            for cmd in ("check", "discover", "read"):
                args = [cmd, "--config", cfgp]
                if cmd == "read":
                    args += ["--catalog", catp]
                r = c.run(args)
                assert not leaks(r), (cmd, r.describe())
                assert not r.errors, (cmd, r.errors)
                if cmd == "check":
                    st = r.of("CONNECTION_STATUS")
                    assert r.rc == 0 and len(st) == 1, r.describe()
                    msg = st[0]["connectionStatus"]
                    assert msg["status"] == "FAILED"
                    text = msg["message"]
                else:
                    errs = r.errors_trace()
                    assert r.rc == 1 and len(errs) == 1, r.describe()
                    assert errs[0]["failure_type"] == "config_error"
                    assert not r.records()
                    text = errs[0]["message"]
                assert needle.lower() in text.lower(), (cmd, text)

    CATALOGS = [
        ("unknown stream", {"streams": [{"stream": {"name": TOKEN},
                                         "sync_mode": "full_refresh"}]},
         "not a Pylon stream"),
        ("invalid mode", {"streams": [{"stream": {"name": "tags"},
                                       "sync_mode": "INVALID"}]},
         "sync_mode"),
        ("incremental tags", {"streams": [{"stream": {"name": "tags"},
                                           "sync_mode": "incremental"}]},
         "incremental"),
        ("streams not a list", {"streams": {"tags": 1}}, "streams"),
        ("name not a string", {"streams": [{"stream": {"name": [TOKEN]},
                                            "sync_mode": "full_refresh"}]},
         "name"),
        ("wrong cursor", {"streams": [{"stream": {"name": "issues"},
                                       "sync_mode": "incremental",
                                       "cursor_field": [TOKEN]}]},
         "cursor_field"),
        ("deep", "[" * 5000 + "]" * 5000, "too deep"),
    ]
    for name, data, needle in CATALOGS:
        @t.case(f"catalog {name}: config_error, no records, no token")
        def _(data=data, needle=needle):
            r = c.run(["read", "--config", raw_file("c.json",
                                                    json.dumps(good)),
                       "--catalog", raw_file("k.json", data if
                                             isinstance(data, str) else
                                             json.dumps(data))])
            assert not leaks(r) and not r.errors, r.describe()
            errs = r.errors_trace()
            assert r.rc == 1 and errs and not r.records(), r.describe()
            assert errs[0]["failure_type"] == "config_error"
            assert needle in errs[0]["message"], errs[0]["message"]

    STATES = [
        ("not JSON", "[{", "not valid JSON"),
        ("a number", "42", "array"),
        ("cursor is the token", json.dumps([{"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "issues"},
            "stream_state": {"created_at": TOKEN}}}]), "created_at"),
        ("cursor Feb 30", json.dumps([{"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "issues"},
            "stream_state": {"created_at": "2026-02-30T00:00:00Z"}}}]),
         "created_at"),
        ("entry not an object", "[null]", "not an object"),
        ("invalid UTF-8", b'[{"type":"STREAM","stream":{"stream_descriptor"'
         b':{"name":"\xc3\x28"}}}]', "UTF-8"),
    ]
    for name, data, needle in STATES:
        @t.case(f"state {name}: config_error, no records, no token")
        def _(data=data, needle=needle):
            r = c.run(["read", "--config", raw_file("c.json",
                                                    json.dumps(good)),
                       "--catalog", raw_file("k.json", json.dumps(cat)),
                       "--state", raw_file("s.json", data)])
            assert not leaks(r) and not r.errors, r.describe()
            errs = r.errors_trace()
            assert r.rc == 1 and errs and not r.records(), r.describe()
            assert errs[0]["failure_type"] == "config_error"
            assert needle in errs[0]["message"], errs[0]["message"]

    @t.case("a server that echoes the token never gets it into output")
    def _():
        m.faults([{"path": "^/tags$", "fault": "status", "status": 400,
                   "count": -1}])
        # The mock's error bodies do not echo it; the ones we make up do.
        r = c.read(good, cat)
        assert not leaks(r), r.describe()
        m.clear_faults()
        # Records that contain the token are masked, not leaked.
        m.plant_issues([{"created_at": "2026-06-01T00:00:00.000Z",
                         "title": "see " + TOKEN}])
        r = c.read(good, cat)
        assert r.rc == 0 and not leaks(r), r.describe()
        assert any("*" * len(TOKEN) in json.dumps(x["data"])
                   for x in r.records("issues"))

    @t.case("successful runs of every command never print the token")
    def _():
        for args in (["spec"],):
            assert not leaks(c.run(args))
        assert not leaks(c.check(good))
        assert not leaks(c.discover(good))
        r = c.read(good, cat)
        assert r.rc == 0 and not leaks(r), r.describe()

t.done()
