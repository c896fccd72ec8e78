#!/usr/bin/env python3
"""Rate limits, retries and scheduling (issue 7), against the mock with its
per-endpoint limits on.  Pylon's budgets are scaled by the same multiplier
on both sides so a sync that would take minutes takes seconds."""
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from airbyte import Connector  # noqa: E402
from checks import (DAY_MS, diff, emitted, expected_records, fmt,  # noqa
                    last_states, protocol_problems, ts_ms)
from client import MockServer  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("rate")
WORK = tempfile.mkdtemp(prefix="sp-rate-")
NOW = int(time.time() * 1000)
START = fmt(NOW - 100 * DAY_MS)
FAMILY = ["issues", "issue_messages", "issue_threads"]
# Pylon's budgets per minute (also in src/streams.c and the mock).
BUDGET = {"GET /issues": 10, "POST /issues/search": 20,
          "GET /issues/{id}/messages": 20, "GET /issues/{id}/threads": 20,
          "GET /issue-statuses": 10, "GET /activity-types": 10,
          "GET /knowledge-bases/{id}/articles": 20}


def lane_bound(stats, mult):
    """Seconds the busiest lane needs at its budget, and which lane: N
    requests evenly spaced at 60 s / budget take (N - 1) intervals."""
    best = (0.0, None)
    for ep, n in stats["by_endpoint"].items():
        b = BUDGET.get(ep, 60) * mult
        secs = (n - 1) * 60.0 / b
        if secs > best[0]:
            best = (secs, ep)
    return best


for cursor in ("created_at", "updated_at"):
    @t.case(f"paced at the limits ({cursor}): no 429, wall within 10% "
            "of the busiest lane")
    def _(cursor=cursor):
        mult = 20
        with MockServer("--issues", "80", "--rate-limits", "on",
                        "--rate-multiplier", str(mult),
                        "--rate-headers", "full", tls=True) as m:
            c = Connector(m, WORK)
            cfg = c.config(start_date=START, rate_limit_multiplier=mult,
                           issues_cursor_field=cursor)
            streams = FAMILY + ["tags", "users", "activity_types"]
            cat = c.catalog(cfg, streams)
            m.clear_stats()
            m.reset_rate_limits()
            t0 = time.monotonic()
            r = c.read(cfg, cat)
            wall = time.monotonic() - t0
            st = m.stats()
            bound, lane = lane_bound(st, mult)
            print(f"# {cursor}: {st['requests']} requests, "
                  f"{st['rate_limited']} x 429, wall {wall:.1f} s, "
                  f"busiest lane {lane} bound {bound:.1f} s "
                  f"(ratio {wall / bound:.3f})", flush=True)
            assert r.rc == 0, r.describe()
            assert not protocol_problems(r, streams)
            want = expected_records(m.truth(), streams, ts_ms(START),
                                    NOW + DAY_MS, cursor=cursor)
            assert not diff(want, emitted(r)), diff(want, emitted(r))
            assert st["rate_limited"] == 0, st
            assert bound > 5, bound
            assert wall <= bound * 1.10, (wall, bound)
            est = [x for x in r.traces("ESTIMATE")]
            assert {e["estimate"]["name"] for e in est} >= {
                "issue_messages", "issue_threads"}, est


@t.case("429 storm within the retry budget: complete, nothing lost")
def _():
    with MockServer("--issues", "20", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START, max_retries=3)
        m.faults([{"path": "/messages$", "fault": "429", "retry_after": "1",
                   "count": 6, "every": 2},
                  {"path": "^/tags$", "fault": "429", "retry_after": "1",
                   "count": 3}])
        r = c.read(cfg, c.catalog(cfg, ["issue_messages", "tags"]))
        assert r.rc == 0, r.describe()
        assert not protocol_problems(r, ["issue_messages", "tags"])
        want = expected_records(m.truth(), ["issue_messages", "tags"],
                                ts_ms(START), NOW + DAY_MS)
        assert not diff(want, emitted(r)), diff(want, emitted(r))
        assert m.stats()["faults"] == 9


@t.case("5xx and resets within the retry budget: complete, nothing lost")
def _():
    with MockServer("--issues", "20", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START)
        m.faults([{"path": "/threads$", "fault": "status", "status": 503,
                   "count": 2},
                  {"path": "^/issues$", "fault": "status", "status": 500,
                   "count": 1},
                  {"path": "/messages$", "fault": "close_before", "count": 2},
                  {"path": "^/users$", "fault": "close_mid_body",
                   "count": 1}])
        streams = FAMILY + ["users"]
        r = c.read(cfg, c.catalog(cfg, streams))
        assert r.rc == 0, r.describe()
        assert not protocol_problems(r, streams)
        want = expected_records(m.truth(), streams, ts_ms(START),
                                NOW + DAY_MS)
        assert not diff(want, emitted(r)), diff(want, emitted(r))


@t.case("faults beyond the retry budget: true checkpoints, "
        "transient_error, exit 1")
def _():
    with MockServer("--issues", "40", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START, max_retries=2)
        # The third window of issues keeps failing.
        m.faults([{"path": "^/issues$", "fault": "status", "status": 502,
                   "after": 2, "count": -1},
                  {"path": "^/tags$", "fault": "429", "retry_after": "1",
                   "count": -1}])
        streams = ["issues", "tags", "users"]
        cat = c.catalog(cfg, streams, incremental={"issues"})
        r = c.read(cfg, cat)
        assert r.rc == 1, r.describe()
        assert not protocol_problems(r, streams), \
            protocol_problems(r, streams)
        errs = {e["stream_descriptor"]["name"]: e for e in r.errors_trace()}
        assert errs["issues"]["failure_type"] == "transient_error", errs
        assert errs["tags"]["failure_type"] == "transient_error", errs
        assert "429" in errs["tags"]["message"], errs["tags"]
        assert r.statuses("issues")[-1] == "INCOMPLETE"
        assert r.statuses("users")[-1] == "COMPLETE"
        # The checkpoint is true: issues before it were all emitted.
        sts = r.states("issues")
        assert len(sts) == 2, sts
        cp = ts_ms(sts[-1]["stream"]["stream_state"]["created_at"])
        want = expected_records(m.truth(), ["issues"], ts_ms(START), cp)
        got = emitted(r)
        assert not diff(want, {"issues": got.get("issues", [])}), \
            diff(want, got)
        # Resuming from it, with the fault gone, completes the rest.
        m.clear_faults()
        r2 = c.read(cfg, c.catalog(cfg, ["issues"], incremental={"issues"}),
                    last_states(r))
        assert r2.rc == 0, r2.describe()
        want = expected_records(m.truth(), ["issues"], cp, NOW + DAY_MS)
        assert not diff(want, emitted(r2)), diff(want, emitted(r2))


@t.case("Retry-After as an HTTP date is honoured")
def _():
    with MockServer("--issues", "3", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START)
        m.faults([{"path": "^/tags$", "fault": "429", "retry_after": "date:3",
                   "count": 1}])
        t0 = time.monotonic()
        r = c.read(cfg, c.catalog(cfg, ["tags"]))
        took = time.monotonic() - t0
        assert r.rc == 0, r.describe()
        log = [e for e in m.log() if e["path"] == "/tags"]
        assert len(log) == 2
        gap = (log[1]["t"] - log[0]["t"]) / 1000
        assert 1.0 <= gap <= 5.0 and took < 10, (gap, took)


@t.case("server window longer than ours: adapts, drops nothing")
def _():
    # Budget 2 per 0.9 s (133/min) while we assume 200/min: like a server
    # whose 60 s window is really 90 s.
    with MockServer("--issues", "24", "--messages-per-issue", "2",
                    "--rate-limits", "on", "--rate-window", "0.9",
                    "--rate-budgets", "GET /issues/{id}/messages=2",
                    "--rate-multiplier", "100", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START, rate_limit_multiplier=10,
                       max_retries=3)
        r = c.read(cfg, c.catalog(cfg, ["issue_messages"]))
        st = m.stats()
        print(f"# 90 s-window case: {st['rate_limited']} x 429 over "
              f"{st['requests']} requests", flush=True)
        assert r.rc == 0, r.describe()
        want = expected_records(m.truth(), ["issue_messages"], ts_ms(START),
                                NOW + DAY_MS)
        assert not diff(want, emitted(r)), diff(want, emitted(r))
        assert 1 <= st["rate_limited"] <= 8, st
        assert any("pacing at" in x["log"]["message"] for x in r.of("LOG"))


@t.case("a long rate-limit wait is announced (RATE_LIMITED, LOG)")
def _():
    with MockServer("--issues", "3", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START)
        m.faults([{"path": "^/teams$", "fault": "429", "retry_after": "11",
                   "count": 1}])
        t0 = int(time.time() * 1000)
        r = c.read(cfg, c.catalog(cfg, ["teams"]))
        assert r.rc == 0, r.describe()
        st = [x["stream_status"] for x in r.traces("STREAM_STATUS")
              if x["stream_status"].get("reasons")]
        assert st and st[0]["status"] == "RUNNING", r.describe()
        reset = st[0]["reasons"][0]["rate_limited"]["quota_reset"]
        assert st[0]["reasons"][0]["type"] == "RATE_LIMITED"
        assert t0 + 9000 <= reset <= t0 + 14000, (reset - t0)
        assert any("waiting" in x["log"]["message"] for x in r.of("LOG"))
        assert not protocol_problems(r, ["teams"])


t.done()
