#!/usr/bin/env python3
"""The Airbyte protocol checklist (airbyte-protocol.md section 8) for spec,
check and discover, and read's handling of its inputs."""
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from airbyte import STREAMS, Connector, run, write_json  # noqa: E402
from checks import protocol_problems  # noqa: E402
from client import MockServer  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("protocol")
WORK = tempfile.mkdtemp(prefix="sp-proto-")
FORBIDDEN = {"not", "anyOf", "patternProperties", "prefixItems", "allOf",
             "if", "then", "else", "dependentSchemas", "dependentRequired",
             "$ref"}
SECRET_NAMES = {"client_token", "access_token", "api_token", "token",
                "secret", "client_secret", "password", "key"}


def walk(schema, path="$"):
    """Yield (path, subschema) for every schema object inside schema."""
    yield path, schema
    for k, v in schema.get("properties", {}).items():
        yield from walk(v, f"{path}.{k}")
    if isinstance(schema.get("items"), dict):
        yield from walk(schema["items"], f"{path}[]")


def schema_problems(schema):
    out = []
    for path, s in walk(schema):
        bad = FORBIDDEN & set(s)
        if bad:
            out.append(f"{path}: forbidden {bad}")
        if "additionalProperties" in s and s["additionalProperties"] is not True:
            out.append(f"{path}: additionalProperties not true")
        ty = s.get("type")
        if isinstance(ty, list) and not (len(ty) == 1 or (len(ty) == 2 and
                                                          "null" in ty)):
            out.append(f"{path}: type array {ty}")
        if "enum" in s and len(set(map(json.dumps, s["enum"]))) != \
                len(s["enum"]):
            out.append(f"{path}: duplicate enum values")
    return out


@t.case("spec: exactly one SPEC, first line, valid draft-07 form")
def _():
    r = run(["spec"])
    assert r.rc == 0 and not r.errors and len(r.messages) == 1, r.describe()
    spec = r.of("SPEC")[0]["spec"]
    assert r.messages[0]["type"] == "SPEC"
    assert spec["protocol_version"].startswith("0.")
    cs = spec["connectionSpecification"]
    assert cs["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert cs["type"] == "object" and cs["required"] == ["api_token"]
    props = cs["properties"]
    assert set(props) == {"api_token", "start_date", "issues_cursor_field",
                          "api_url", "rate_limit_multiplier", "max_retries",
                          "page_size"}, set(props)
    for name, p in props.items():
        if name in SECRET_NAMES:
            assert p.get("airbyte_secret") is True, name
        assert p.get("title") and p.get("description"), name
    orders = [p["order"] for p in props.values()]
    assert len(orders) == len(set(orders))
    assert props["issues_cursor_field"]["enum"] == ["created_at",
                                                    "updated_at"]
    assert props["issues_cursor_field"]["default"] == "created_at"
    assert props["max_retries"]["default"] == 3
    assert props["page_size"]["maximum"] == 999
    assert props["start_date"]["pattern"] == (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
    assert not schema_problems(cs), schema_problems(cs)


with MockServer("--issues", "25", tls=True) as m:
    c = Connector(m, WORK)
    cfg = c.config(start_date="2026-01-01T00:00:00Z")

    @t.case("check: SUCCEEDED with a good token")
    def _():
        r = c.check(cfg)
        assert r.rc == 0 and not r.errors, r.describe()
        st = [x["connectionStatus"] for x in r.of("CONNECTION_STATUS")]
        assert st == [{"status": "SUCCEEDED"}], st
        assert not r.errors_trace()

    def failed_check(config, needle, env=None):
        r = c.check(config, env=env)
        st = [x["connectionStatus"] for x in r.of("CONNECTION_STATUS")]
        assert r.rc == 0 and not r.errors and len(st) == 1, r.describe()
        assert st[0]["status"] == "FAILED", st
        assert needle in st[0]["message"], st[0]["message"]
        assert config.get("api_token", "\0") not in r.raw.decode() or \
            len(config.get("api_token", "")) < 4
        return st[0]["message"]

    @t.case("check: rejected token is FAILED naming HTTP 401")
    def _():
        failed_check(dict(cfg, api_token="pylon_api_wrongtoken1234"),
                     "401")

    @t.case("check: a token for the other region names the EU URL")
    def _():
        msg = failed_check(dict(cfg, api_token="pylon_api_eu_abcdef123456"),
                           "401")
        assert "api.eu.usepylon.com" in msg, msg

    @t.case("check: unreachable host is FAILED")
    def _():
        failed_check(dict(cfg, api_url="https://localhost:1"),
                     "Could not reach")

    @t.case("check: untrusted TLS certificate is FAILED naming the cause")
    def _():
        msg = failed_check(cfg, "certificate",
                           env={"SSL_CERT_FILE":
                                "/etc/ssl/certs/ca-certificates.crt"})
        assert "not trusted" in msg, msg

    @t.case("check: bad config fields are FAILED naming the field")
    def _():
        failed_check(dict(cfg, start_date="2026-02-30T00:00:00Z"),
                     "start_date")
        failed_check(dict(cfg, page_size=0), "page_size")
        failed_check({"api_url": m.url}, "api_token")
        failed_check(dict(cfg, api_url="http://example.com"), "api_url")

    @t.case("check: a wrong api_url path is FAILED (404 on /me)")
    def _():
        failed_check(dict(cfg, api_url=m.url + "/v9"), "404")

    @t.case("discover: 15 streams, valid schemas, keys and cursors")
    def _():
        for cursor in ("created_at", "updated_at"):
            r = c.discover(dict(cfg, issues_cursor_field=cursor))
            assert r.rc == 0 and not r.errors and len(r.messages) == 1, \
                r.describe()
            streams = r.of("CATALOG")[0]["catalog"]["streams"]
            assert [s["name"] for s in streams] == STREAMS
            for s in streams:
                js = s["json_schema"]
                assert js["type"] == "object" and js["properties"], s["name"]
                assert not schema_problems(js), (s["name"],
                                                 schema_problems(js))
                modes = s["supported_sync_modes"]
                assert modes[0] == "full_refresh", s["name"]
                pk = s["source_defined_primary_key"]
                want_pk = "slug" if s["name"] == "issue_statuses" else "id"
                assert pk == [[want_pk]] and want_pk in js["properties"]
                assert "object" not in str(js["properties"][want_pk]["type"])
                if "incremental" in modes:
                    assert s["source_defined_cursor"] is True
                    f = s["default_cursor_field"]
                    assert len(f) == 1 and f[0] in js["properties"], f
            inc = {s["name"]: s.get("default_cursor_field") for s in streams
                   if "incremental" in s["supported_sync_modes"]}
            if cursor == "created_at":
                assert inc == {"issues": ["created_at"]}, inc
            else:
                assert inc == {"issues": ["updated_at"],
                               "issue_messages": ["issue_updated_at"],
                               "issue_threads": ["issue_updated_at"]}, inc

    @t.case("discover: invalid config is a config_error TRACE, exit 1")
    def _():
        r = c.discover({"api_token": ""})
        assert r.rc == 1 and not r.of("CATALOG"), r.describe()
        assert r.errors_trace()[0]["failure_type"] == "config_error"

    @t.case("read: invalid catalog (unknown stream, INVALID mode)")
    def _():
        bad = {"streams": [{"stream": {"name":
               "__AIRBYTE__stream_that_does_not_exist", "json_schema": {},
               "supported_sync_modes": ["full_refresh"]},
               "sync_mode": "INVALID", "destination_sync_mode": "INVALID"}]}
        r = c.read(cfg, bad)
        errs = r.errors_trace()
        assert r.rc != 0 and errs and not r.records(), r.describe()
        assert errs[0]["failure_type"] == "config_error"
        assert "__AIRBYTE__stream_that_does_not_exist" in errs[0]["message"]

    @t.case("read: explicit nulls in the catalog are accepted")
    def _():
        cat = c.catalog(cfg, ["tags", "issues"], incremental={"issues"})
        for e in cat["streams"]:
            e.update({"cursor_field": None, "primary_key": None,
                      "generation_id": None, "minimum_generation_id": None,
                      "sync_id": None})
            e["stream"]["namespace"] = None
        r = c.read(cfg, cat)
        assert r.rc == 0 and not protocol_problems(r, ["tags", "issues"]), \
            r.describe()

    @t.case("read: missing state file, [], {} and extra fields are fine")
    def _():
        cat = c.catalog(cfg, ["issues"], incremental={"issues"})
        args = ["read", "--config", write_json(c.path("c.json"), cfg),
                "--catalog", write_json(c.path("k.json"), cat)]
        r = c.run(args + ["--state", os.path.join(WORK, "absent.json")])
        assert r.rc == 0 and r.records("issues"), r.describe()
        assert any("without a state" in x["log"]["message"]
                   for x in r.of("LOG"))
        empty = c.path("empty.json")
        open(empty, "w").close()
        for st in (empty, write_json(c.path("s.json"), []),
                   write_json(c.path("s.json"), {}),
                   write_json(c.path("s.json"), [{"type": "STREAM",
                              "stream": {"stream_descriptor":
                                         {"name": "someone_else"},
                                         "stream_state": {"x": 1}},
                              "sourceStats": {"recordCount": 1.0},
                              "id": 17, "extra": True}])):
            r = c.run(args + ["--state", st])
            assert r.rc == 0 and r.records("issues"), r.describe()

    @t.case("read: garbage state is a config_error naming the problem")
    def _():
        cat = c.catalog(cfg, ["issues"], incremental={"issues"})
        for st, needle in (("[{\"type\": \"STREAM\"}]", "stream"),
                           ("nope", "not valid JSON"),
                           ("[{\"type\":\"STREAM\",\"stream\":{"
                            "\"stream_descriptor\":{\"name\":\"issues\"},"
                            "\"stream_state\":{\"created_at\":\"soon\"}}}]",
                            "created_at")):
            p = c.path("state.json")
            open(p, "w").write(st)
            r = c.run(["read", "--config", write_json(c.path("c.json"), cfg),
                       "--catalog", write_json(c.path("k.json"), cat),
                       "--state", p])
            errs = r.errors_trace()
            assert r.rc == 1 and errs and not r.records(), r.describe()
            assert errs[0]["failure_type"] == "config_error"
            assert needle in errs[0]["message"], errs[0]["message"]

    @t.case("read: emitted_at strictly later in a second read")
    def _():
        cat = c.catalog(cfg, ["tags", "users"])
        r1 = c.read(cfg, cat)
        time.sleep(0.1)
        r2 = c.read(cfg, cat)
        e1 = [x["emitted_at"] for x in r1.records()]
        e2 = [x["emitted_at"] for x in r2.records()]
        assert e1 and e2 and max(e1) < min(e2)

    @t.case("read: empty catalog reads nothing and exits 0")
    def _():
        r = c.read(cfg, {"streams": []})
        assert r.rc == 0 and not r.records() and not r.errors, r.describe()

t.done()
