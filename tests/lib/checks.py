"""Protocol and data checks shared by the end-to-end tests.

protocol_problems(run, configured) checks one read's output against the
Airbyte rules (airbyte-protocol.md section 8): framing, statuses, state
placement and exact record counts.  expected_records(...) computes from the
mock's truth what a read must emit, so tests compare data, not line counts.
"""
import json
import re
from datetime import datetime, timezone

FAMILY = ("issues", "issue_messages", "issue_threads")
DAY_MS = 86400 * 1000
# Must match SYNC_WINDOW_MS in src/sync.h.
WINDOW_MS = 30 * DAY_MS - 60 * 1000


def ts_ms(s):
    """RFC 3339 (as the mock renders it) to Unix ms, truncating to ms."""
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$", s)
    assert m, s
    dt = datetime(*map(int, m.groups()[:6]), tzinfo=timezone.utc)
    frac = int((m.group(7) or ".0")[1:4].ljust(3, "0"))
    return int(dt.timestamp()) * 1000 + frac


def fmt(ms):
    return datetime.fromtimestamp(ms // 1000, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def protocol_problems(run, configured):
    """List of problems found in one read's output (empty when clean)."""
    p = list(run.errors)
    configured = set(configured)
    since = {}           # records since the last state, per stream
    states = {}
    status = {}
    closed = set()
    for i, m in enumerate(run.messages):
        t = m["type"]
        if t == "RECORD":
            r = m["record"]
            s = r.get("stream")
            if s not in configured:
                p.append(f"msg {i}: record for unconfigured stream {s}")
            if not isinstance(r.get("data"), dict) or not r["data"]:
                p.append(f"msg {i}: record data empty or not an object")
            e = r.get("emitted_at")
            if not isinstance(e, int) or e < 10 ** 12:
                p.append(f"msg {i}: emitted_at {e!r} not integer ms")
            if s in closed:
                p.append(f"msg {i}: record for {s} after its final status")
            since[s] = since.get(s, 0) + 1
        elif t == "STATE":
            st = m["state"]
            if st.get("type") != "STREAM" or "id" in st:
                p.append(f"msg {i}: state not a plain STREAM state")
                continue
            s = st["stream"]["stream_descriptor"]["name"]
            ss = st["stream"].get("stream_state")
            if not isinstance(ss, dict):
                p.append(f"msg {i}: stream_state not an object")
            if s not in configured:
                p.append(f"msg {i}: state for unconfigured stream {s}")
            if s in closed:
                p.append(f"msg {i}: state for {s} after its final status")
            rc = st.get("sourceStats", {}).get("recordCount")
            if rc != since.get(s, 0):
                p.append(f"msg {i}: {s} recordCount {rc} but "
                         f"{since.get(s, 0)} records since last state")
            since[s] = 0
            states[s] = states.get(s, 0) + 1
        elif t == "TRACE" and m["trace"]["type"] == "STREAM_STATUS":
            ss = m["trace"]["stream_status"]
            s = ss["stream_descriptor"]["name"]
            if s not in configured:
                p.append(f"msg {i}: status for unconfigured stream {s}")
            seq = status.setdefault(s, [])
            seq.append(ss["status"])
            if ss["status"] in ("COMPLETE", "INCOMPLETE"):
                closed.add(s)
    errors = run.errors_trace()
    if run.rc == 0 and errors:
        p.append("exit 0 with a TRACE error")
    if run.rc != 0 and not errors:
        p.append(f"exit {run.rc} without a TRACE error")
    for s in configured:
        seq = status.get(s, [])
        if run.rc == 0:
            if states.get(s, 0) < 1:
                p.append(f"{s}: no state in a successful read")
            if since.get(s, 0):
                p.append(f"{s}: {since[s]} records after its last state")
            if (len(seq) < 3 or seq[0] != "STARTED" or seq[-1] != "COMPLETE"
                    or any(x != "RUNNING" for x in seq[1:-1])):
                p.append(f"{s}: bad status sequence {seq}")
        elif seq and seq[-1] not in ("COMPLETE", "INCOMPLETE"):
            p.append(f"{s}: no final status in a failed read: {seq}")
    return p


def last_states(run):
    """The last STATE per stream, as an input state file (a list)."""
    last = {}
    for st in run.states():
        last[st["stream"]["stream_descriptor"]["name"]] = st
    return list(last.values())


def canon(rec):
    return json.dumps(rec, sort_keys=True, ensure_ascii=False)


def expected_records(truth, streams, start_ms, end_ms, cursor="created_at",
                     starts=None):
    """What a read of `streams` must emit, per stream, as canonical JSON
    multisets (dict stream -> sorted list).  Issues are those whose rendered
    cursor value lies in [start, end) (or in [starts[s], end) per stream);
    children follow their issues."""
    starts = starts or {}
    out = {}
    issues = truth["streams"]["issues"]

    def in_range(issue, s):
        v = ts_ms(issue[cursor])
        return starts.get(s, start_ms) <= v < end_ms

    for s in streams:
        if s == "issues":
            recs = [i for i in issues if in_range(i, s)]
        elif s in ("issue_messages", "issue_threads"):
            ids = {i["id"] for i in issues if in_range(i, s)}
            recs = [r for r in truth["streams"][s] if r["issue_id"] in ids]
        else:
            recs = truth["streams"][s]
        out[s] = sorted(canon(r) for r in recs)
    return out


def emitted(run, strip=("issue_updated_at",)):
    """Emitted records per stream as sorted canonical JSON (the fields in
    strip removed, after they were checked by the caller if needed)."""
    out = {}
    for r in run.records():
        d = dict(r["data"])
        for k in strip:
            d.pop(k, None)
        out.setdefault(r["stream"], []).append(canon(d))
    for v in out.values():
        v.sort()
    return out


def diff(expected, got, limit=3):
    """Human summary of how got differs from expected ({} when equal)."""
    from collections import Counter
    problems = {}
    for s in set(expected) | set(got):
        e = Counter(expected.get(s, []))
        g = Counter(got.get(s, []))
        missing = list((e - g).elements())
        extra = list((g - e).elements())
        if missing or extra:
            problems[s] = (f"{len(e)} expected, {len(g)} got, "
                           f"{len(missing)} missing, {len(extra)} extra/dup; "
                           f"missing[:{limit}]={[m[:160] for m in missing[:limit]]} "
                           f"extra[:{limit}]={[x[:160] for x in extra[:limit]]}")
    return problems


# ---- a small draft-07 validator (the subset our schemas use) -------------

def validate(schema, value, path="$"):
    """Problems validating value against schema (types, properties, items,
    enum, date-time format)."""
    out = []
    types = schema.get("type")
    if types is not None:
        if isinstance(types, str):
            types = [types]
        if not any(_is(t, value) for t in types):
            return [f"{path}: {value!r:.60} is not {types}"]
    if value is None:
        return out
    if schema.get("format") == "date-time" and isinstance(value, str):
        if not re.match(r"^\d{4}-\d?\d-\d?\d(\s|T)\d?\d:\d?\d:\d?\d(.\d+)?.*$",
                        value):
            out.append(f"{path}: {value!r} is not a date-time")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in enum")
    if isinstance(value, dict):
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                out += validate(sub, value[k], f"{path}.{k}")
        for k in schema.get("required", []):
            if k not in value:
                out.append(f"{path}: missing {k}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            out += validate(schema["items"], v, f"{path}[{i}]")
    return out


def _is(t, v):
    if t == "null":
        return v is None
    if t == "string":
        return isinstance(v, str)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    return False
