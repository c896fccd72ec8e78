#!/usr/bin/env python3
"""End-to-end reads against the mock Pylon server, compared with the mock's
truth: nothing missing, nothing extra, no duplicate within a sync, in both
cursor modes and under every bound semantics the mock offers."""
import collections
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from airbyte import STREAMS, Connector  # noqa: E402
from checks import (DAY_MS, WINDOW_MS, diff, emitted, expected_records,  # noqa
                    fmt, last_states, protocol_problems, ts_ms, validate)
from client import MockServer  # noqa: E402
from harness import Suite  # noqa: E402

t = Suite("sync")
WORK = tempfile.mkdtemp(prefix="sp-sync-")
NOW = int(time.time() * 1000)


def start_date(days):
    return fmt((NOW - days * DAY_MS) // 1000 * 1000)


def assert_clean(run, streams):
    p = protocol_problems(run, streams)
    assert not p, f"{p[:5]} {run.describe()}"


def schemas(run):
    return {s["name"]: s["json_schema"]
            for s in run.of("CATALOG")[0]["catalog"]["streams"]}


with MockServer("--issues", "120", "--messages-per-issue", "4",
                "--threads-per-issue", "2", "--page-cap", "25", tls=True,
                log_file=os.path.join(WORK, "mock.log")) as m:
    c = Connector(m, WORK)
    cfg = c.config(start_date=start_date(100))
    disc = c.discover(cfg)
    sch = schemas(disc)

    @t.case("full refresh of all 15 streams equals the truth")
    def _():
        m.clear_log()
        cat = c.catalog(cfg)
        r = c.read(cfg, cat)
        assert r.rc == 0, r.describe()
        assert_clean(r, STREAMS)
        truth = m.truth()
        want = expected_records(truth, STREAMS, ts_ms(cfg["start_date"]),
                                NOW + DAY_MS)
        d = diff(want, emitted(r))
        assert not d, d
        assert all(want[s] for s in STREAMS), "mock has an empty stream"
        # Every record matches its discovered schema.
        bad = [f"{rec['stream']}: {p}" for rec in r.records()
               for p in validate(sch[rec["stream"]], rec["data"])]
        assert not bad, bad[:5]

    @t.case("one pass over issues feeds both children; each child once")
    def _():
        log = m.log()
        lists = [e for e in log if e["path"] == "/issues"]
        keys = [json.dumps(e["query"], sort_keys=True) for e in lists]
        assert len(keys) == len(set(keys)), "an issues page listed twice"
        msgs = collections.Counter(e["path"] for e in log
                                   if e["path"].endswith("/messages"))
        thr = collections.Counter(e["path"] for e in log
                                  if e["path"].endswith("/threads"))
        n_issues = len(m.truth()["streams"]["issues"])
        assert len(thr) == n_issues and max(thr.values()) == 1, thr
        assert len(msgs) == n_issues, len(msgs)
        cf = [e for e in log if e["path"] == "/custom-fields"]
        assert sorted(e["query"]["object_type"] for e in cf) == \
            ["account", "contact", "issue"], cf

    @t.case("records minified, one per line, real emitted_at")
    def _():
        m.config(pretty=True)
        try:
            cat = c.catalog(cfg, ["tags", "issues"])
            t0 = int(time.time() * 1000)
            r = c.read(cfg, cat)
            assert r.rc == 0 and not r.errors, r.describe()
            # split on \n only: U+2028 inside strings is valid JSON
            lines = r.raw.decode().split("\n")[:-1]
            assert all(line.startswith("{") and line.endswith("}")
                       for line in lines)
            assert len(lines) == len(r.messages)
            ems = [rec["emitted_at"] for rec in r.records()]
            assert ems and min(ems) >= t0 - 5 and max(ems) <= \
                int(time.time() * 1000)
        finally:
            m.config(pretty=False)

    @t.case("child streams without their parent: parent read, not emitted")
    def _():
        cat = c.catalog(cfg, ["issue_threads", "knowledge_base_articles"])
        r = c.read(cfg, cat)
        assert r.rc == 0, r.describe()
        assert_clean(r, ["issue_threads", "knowledge_base_articles"])
        want = expected_records(m.truth(), ["issue_threads",
                                            "knowledge_base_articles"],
                                ts_ms(cfg["start_date"]), NOW + DAY_MS)
        d = diff(want, emitted(r))
        assert not d, d

    @t.case("incremental created_at: second read emits only new issues")
    def _():
        cat = c.catalog(cfg, ["issues"], incremental={"issues"})
        r1 = c.read(cfg, cat)
        assert r1.rc == 0, r1.describe()
        assert_clean(r1, ["issues"])
        st = last_states(r1)
        assert list(st[0]["stream"]["stream_state"]) == ["created_at"], st
        new = m.mutate(new_issues=4)["new_issue_ids"]
        time.sleep(1.1)
        r2 = c.read(cfg, cat, st)
        assert r2.rc == 0, r2.describe()
        assert_clean(r2, ["issues"])
        got = sorted(rec["data"]["id"] for rec in r2.records())
        assert got == sorted(new), (got, new)
        # and a third read, from the second's state, emits nothing
        r3 = c.read(cfg, cat, last_states(r2))
        assert r3.rc == 0 and not r3.records(), r3.describe()

    @t.case("window checkpoints: one state per window, each resumable")
    def _():
        cat = c.catalog(cfg, ["issues"], incremental={"issues"})
        r = c.read(cfg, cat)
        sts = r.states("issues")
        assert len(sts) == 4, [s["stream"]["stream_state"] for s in sts]
        truth = m.truth()
        total = len(r.records())
        seen = 0
        for i, st in enumerate(sts[:-1]):
            seen += int(st["sourceStats"]["recordCount"])
            r2 = c.read(cfg, cat, [{"type": "STREAM", "stream":
                                    st["stream"]}])
            assert r2.rc == 0, r2.describe()
            cp = ts_ms(st["stream"]["stream_state"]["created_at"])
            want = expected_records(truth, ["issues"], cp, NOW + DAY_MS)
            assert not diff(want, emitted(r2)), i
            assert len(r2.records()) >= total - seen, (i, total, seen)

    @t.case("future state: no records, still a state per stream")
    def _():
        ucfg = dict(cfg, issues_cursor_field="updated_at")
        inc = {"issues", "issue_messages", "issue_threads"}
        cat = c.catalog(ucfg, list(inc), incremental=inc)
        future = [{"type": "STREAM", "stream": {"stream_descriptor":
                   {"name": s}, "stream_state": {k: "2100-01-01T00:00:00Z"}}}
                  for s, k in (("issues", "updated_at"),
                               ("issue_messages", "issue_updated_at"),
                               ("issue_threads", "issue_updated_at"))]
        r = c.read(ucfg, cat, future)
        assert r.rc == 0 and not r.records(), r.describe()
        assert_clean(r, inc)
        for s in inc:
            assert len(r.states(s)) >= 1, s

    @t.case("a created_at state is taken over in updated_at mode")
    def _():
        ucfg = dict(cfg, issues_cursor_field="updated_at")
        cat = c.catalog(ucfg, ["issues"], incremental={"issues"})
        cp = NOW - 20 * DAY_MS
        st = [{"type": "STREAM", "stream": {"stream_descriptor":
               {"name": "issues"}, "stream_state": {"created_at": fmt(cp)}}}]
        r = c.read(ucfg, cat, st)
        assert r.rc == 0, r.describe()
        want = expected_records(m.truth(), ["issues"], cp // 1000 * 1000,
                                NOW + DAY_MS, cursor="updated_at")
        assert not diff(want, emitted(r)), diff(want, emitted(r))
        assert any("created_at checkpoint" in x["log"]["message"]
                   for x in r.of("LOG"))
        assert "updated_at" in last_states(r)[0]["stream"]["stream_state"]

    @t.case("without start_date a sync starts 30 days back")
    def _():
        ncfg = dict(cfg)
        del ncfg["start_date"]
        cat = c.catalog(ncfg, ["issues"])
        t0 = int(time.time()) * 1000
        r = c.read(ncfg, cat)
        assert r.rc == 0, r.describe()
        got = {rec["data"]["id"] for rec in r.records()}
        truth = m.truth()["streams"]["issues"]
        want = {i["id"] for i in truth
                if ts_ms(i["created_at"]) >= t0 - 30 * DAY_MS}
        # Allow the one second the sync's start may differ from ours.
        near = {i["id"] for i in truth
                if abs(ts_ms(i["created_at"]) - (t0 - 30 * DAY_MS)) <= 2000}
        assert want - near <= got <= want | near, (len(want), len(got))


@t.case("updated_at mode: changed issues, their messages and threads")
def _():
    with MockServer("--issues", "60", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=start_date(100),
                       issues_cursor_field="updated_at")
        inc = {"issues", "issue_messages", "issue_threads"}
        cat = c.catalog(cfg, list(inc), incremental=inc)
        r1 = c.read(cfg, cat)
        assert r1.rc == 0, r1.describe()
        assert_clean(r1, inc)
        truth = m.truth()
        want = expected_records(truth, list(inc), ts_ms(cfg["start_date"]),
                                NOW + DAY_MS, cursor="updated_at")
        assert not diff(want, emitted(r1)), diff(want, emitted(r1))
        # children carry their issue's updated_at as the cursor
        upd = {i["id"]: i["updated_at"] for i in truth["streams"]["issues"]}
        for rec in r1.records("issue_messages") + r1.records("issue_threads"):
            assert rec["data"]["issue_updated_at"] == \
                upd[rec["data"]["issue_id"]]
        st = last_states(r1)
        mu = m.mutate(new_issues=2, update_issues=3, new_messages=4)
        time.sleep(1.1)
        r2 = c.read(cfg, cat, st)
        assert r2.rc == 0, r2.describe()
        assert_clean(r2, inc)
        starts = {x["stream"]["stream_descriptor"]["name"]:
                  ts_ms(list(x["stream"]["stream_state"].values())[0])
                  for x in st}
        want = expected_records(m.truth(), list(inc), 0, NOW + DAY_MS,
                                cursor="updated_at", starts=starts)
        d = diff(want, emitted(r2))
        assert not d, d
        changed = set(mu["new_issue_ids"]) | set(mu["updated_issue_ids"]) \
            | set(mu["message_issue_ids"])
        got = {rec["data"]["id"] for rec in r2.records("issues")}
        assert got == changed, (got, changed)


@t.case("every bound semantics, both cursors: window edges exactly once")
def _():
    s0 = (NOW - 80 * DAY_MS) // 1000 * 1000
    edges = [s0 + k * WINDOW_MS for k in (1, 2)]
    plant = []
    for e in edges:
        for d in (-1000, -999, -500, -1, 0, 1, 500, 999, 1000):
            ms = e + d
            iso = fmt(ms)[:-1] + ".%03dZ" % (ms % 1000)
            plant.append({"created_at": iso, "updated_at": iso,
                          "messages": 1, "threads": 1})
    with MockServer("--issues", "40", "--page-cap", "7", tls=True) as m:
        m.plant_issues(plant)
        c = Connector(m, WORK)
        truth = m.truth()
        problems = []
        for cursor in ("created_at", "updated_at"):
            cfg = c.config(start_date=fmt(s0), issues_cursor_field=cursor)
            cat = c.catalog(cfg, ["issues", "issue_messages"])
            want = expected_records(truth, ["issues", "issue_messages"], s0,
                                    NOW + DAY_MS, cursor=cursor)
            for bounds in ("exclusive", "inclusive", "start-inclusive",
                           "end-inclusive"):
                for frac in (False, True):
                    m.config(bounds=bounds, fractional_timestamps=frac)
                    r = c.read(cfg, cat)
                    p = protocol_problems(r, ["issues", "issue_messages"])
                    got = emitted(r)
                    if frac:
                        w = expected_records(m.truth(), ["issues",
                                             "issue_messages"], s0,
                                             NOW + DAY_MS, cursor=cursor)
                    else:
                        w = want
                    d = diff(w, got)
                    if r.rc != 0 or p or d:
                        problems.append((cursor, bounds, frac, r.rc, p[:2],
                                         d))
        assert not problems, problems[:3]


@t.case("odd framing: chunked, connection close, reconnects, minimal pages")
def _():
    with MockServer("--issues", "30", "--page-cap", "3", "--chunked",
                    "--max-requests-per-conn", "5", "--empty-style",
                    "minimal", "--lazy-has-next", tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=start_date(100), page_size=4)
        streams = ["issues", "issue_messages", "tags", "custom_fields",
                   "knowledge_base_articles", "users"]
        r = c.read(cfg, c.catalog(cfg, streams))
        assert r.rc == 0, r.describe()
        assert_clean(r, streams)
        want = expected_records(m.truth(), streams, ts_ms(cfg["start_date"]),
                                NOW + DAY_MS)
        assert not diff(want, emitted(r)), diff(want, emitted(r))
        m.config(chunked=False, connection_close=True)
        r = c.read(cfg, c.catalog(cfg, streams))
        assert r.rc == 0 and not diff(want, emitted(r)), r.describe()


@t.case("plain http on loopback works; GET /issues without pagination")
def _():
    with MockServer("--issues", "30", "--issues-get-paginates", "no") as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=start_date(100))
        r = c.read(cfg, c.catalog(cfg, ["issues", "issue_threads"]))
        assert r.rc == 0, r.describe()
        want = expected_records(m.truth(), ["issues", "issue_threads"],
                                ts_ms(cfg["start_date"]), NOW + DAY_MS)
        assert not diff(want, emitted(r)), diff(want, emitted(r))


t.done()
