#!/usr/bin/env python3
"""Hostile and broken servers (issue 8): for each fault the mock injects,
the connector either recovers within its retry budget with exactly the
right records, or stops within its timeouts with true checkpoints only, a
TRACE error naming what happened, and a non-zero exit.  Never a hang, a
crash, a partial line, or a state ahead of its records."""
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from airbyte import Connector  # noqa: E402
from checks import (DAY_MS, diff, emitted, expected_records, fmt,  # noqa
                    protocol_problems, ts_ms)
from client import MockServer  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("faults")
WORK = tempfile.mkdtemp(prefix="sp-faults-")
NOW = int(time.time() * 1000)
START = fmt(NOW - 100 * DAY_MS)
STREAMS = ["issues", "issue_messages", "tags", "accounts"]
ENV = {"SOURCE_PYLON_IO_TIMEOUT_MS": "1500"}

# (name, rule without path/count, what the final error should mention)
FAULTS = [
    ("HTTP 500", {"fault": "status", "status": 500}, "500"),
    ("HTTP 503", {"fault": "status", "status": 503}, "503"),
    ("429 storm", {"fault": "429", "retry_after": "1"}, "429"),
    ("reset before the response", {"fault": "close_before"}, ""),
    ("TCP reset", {"fault": "reset"}, ""),
    ("close mid-body", {"fault": "close_mid_body"}, ""),
    ("truncated chunk", {"fault": "truncated_chunk"}, ""),
    ("invalid JSON with 200", {"fault": "invalid_json"}, "JSON"),
    ("HTML instead of JSON", {"fault": "wrong_content", "variant": "html"},
     ""),
    ("data is a string", {"fault": "wrong_content",
                          "variant": "data_string"}, "data"),
    ("oversized headers", {"fault": "oversized_headers"}, "header"),
    ("endless body", {"fault": "endless_body"}, ""),
    ("stalled connection", {"fault": "stall"}, "time"),
    ("slow drip", {"fault": "slow_drip", "delay_ms": 800}, None),
]


def states_true(run, truth):
    """Every issues checkpoint is true: issues before it were emitted."""
    got = {r["data"]["id"] for r in run.records("issues")}
    for st in run.states("issues"):
        cp = ts_ms(st["stream"]["stream_state"]["created_at"])
        need = {i["id"] for i in truth["streams"]["issues"]
                if ts_ms(START) <= ts_ms(i["created_at"]) < cp}
        if not need <= got:
            return f"state {cp} ahead of records: {len(need - got)} missing"
    return None


with MockServer("--issues", "30", "--messages-per-issue", "3",
                "--page-cap", "10", tls=True) as m:
    c = Connector(m, WORK, env=ENV)
    cfg = c.config(start_date=START, max_retries=2)
    cat = c.catalog(cfg, STREAMS, incremental={"issues"})
    truth = m.truth()
    want = expected_records(truth, STREAMS, ts_ms(START), NOW + DAY_MS)
    DISCOVERED = c.discover(cfg).of("CATALOG")[0]["catalog"]["streams"]

    for name, rule, needle in FAULTS:
        @t.case(f"{name}: passing fault is recovered, records exact")
        def _(rule=rule):
            m.faults([dict(rule, path="^/issues$|/messages$|^/tags$",
                           count=2, every=3)])
            t0 = time.monotonic()
            r = c.read(cfg, cat, timeout=120)
            took = time.monotonic() - t0
            m.clear_faults()
            assert r.rc == 0, r.describe()
            assert not protocol_problems(r, STREAMS), \
                protocol_problems(r, STREAMS)
            d = diff(want, emitted(r))
            assert not d, d
            assert took < 60, took

        if needle is None:
            continue

        @t.case(f"{name}: persistent fault stops cleanly and truly")
        def _(rule=rule, needle=needle):
            # From the second issues page on, and every tags request.
            m.faults([dict(rule, path="^/issues$", after=1, count=-1),
                      dict(rule, path="^/tags$", count=-1)])
            t0 = time.monotonic()
            r = c.read(cfg, cat, timeout=180)
            took = time.monotonic() - t0
            m.clear_faults()
            assert r.rc == 1, r.describe()
            assert not r.errors, r.errors
            p = protocol_problems(r, STREAMS)
            assert not p, p
            errs = {e.get("stream_descriptor", {}).get("name"): e
                    for e in r.errors_trace()}
            assert set(errs) >= {"issues", "tags"}, errs
            for s in ("issues", "tags"):
                e = errs[s]
                assert e["failure_type"] in ("transient_error",
                                             "system_error"), e
                assert needle.lower() in (e["message"] + " " + e.get(
                    "internal_message", "")).lower(), e
                assert r.statuses(s)[-1] == "INCOMPLETE"
            assert r.statuses("accounts")[-1] == "COMPLETE"
            assert not states_true(r, truth), states_true(r, truth)
            # Messages of every issue that was emitted were fetched.
            got = emitted(r)
            assert got.get("accounts") == want["accounts"]
            assert took < 120, took

    @t.case("TLS garbage before two handshakes: reconnects, records exact")
    def _():
        # The rule hits the next new connections whatever their path.
        m.faults([{"fault": "tls_garbage", "count": 2}])
        r = c.read(cfg, cat, timeout=120)
        assert r.rc == 0, r.describe()
        assert not protocol_problems(r, STREAMS)
        assert not diff(want, emitted(r)), diff(want, emitted(r))
        assert m.stats()["faults_by_kind"].get("tls_garbage") == 2
        m.clear_faults()


@t.case("TLS garbage on every handshake: each stream fails, exit 1")
def _():
    with MockServer("--issues", "5", "--tls-fault", "garbage",
                    tls=True) as m:
        c = Connector(m, WORK, env=ENV)
        cfg = c.config(start_date=START, max_retries=1)
        streams = ["tags", "users"]
        r = c.read(cfg, c.catalog(cfg, streams, discovered=DISCOVERED),
                   timeout=60)
        assert r.rc == 1 and not r.records(), r.describe()
        assert not protocol_problems(r, streams)
        errs = r.errors_trace()
        assert {e["stream_descriptor"]["name"] for e in errs} == set(streams)
        assert all(e["failure_type"] == "transient_error" for e in errs)
        assert all("TLS" in e["message"] or "tls" in e["message"].lower()
                   or "handshake" in e["message"].lower()
                   for e in errs), errs


@t.case("untrusted certificate: one config_error, sync stops, exit 1")
def _():
    with MockServer("--issues", "5", tls=True) as m:
        c = Connector(m, WORK, env={"SSL_CERT_FILE":
                                    "/etc/ssl/certs/ca-certificates.crt"})
        cfg = c.config(start_date=START)
        streams = ["tags", "users", "issues"]
        r = c.read(cfg, c.catalog(cfg, streams, discovered=DISCOVERED))
        assert r.rc == 1 and not r.records(), r.describe()
        assert not protocol_problems(r, streams)
        errs = r.errors_trace()
        assert len(errs) == 1 and errs[0]["failure_type"] == "config_error"
        assert "not trusted" in errs[0]["message"], errs
        assert all(r.statuses(s)[-1] == "INCOMPLETE" for s in streams)


t.done()
