#!/usr/bin/env python3
"""Tests of the Pylon mock itself (tests/mock/pylon_mock.py).

Prints one PASS/FAIL line per case (tests/lib/harness.py); exits 1 on any
failure.  Runs in a few seconds: small data, 1-second rate windows, short
fault delays.
"""
import base64
import email.utils
import json
import os
import re
import ssl
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'lib'))

from harness import Suite  # noqa: E402
from client import MockServer, DEFAULT_TOKEN  # noqa: E402
from rawhttp import RawConn  # noqa: E402

NOW = '2026-08-01T00:00:00Z'
NOW_MS = 1785542400000
DAY = 86400000
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                     r'[0-9a-f]{12}$')
TS_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$')
AUTH = {'Authorization': 'Bearer ' + DEFAULT_TOKEN}

S = Suite('mock')


def fmt(ms):
    s, r = divmod(ms, 1000)
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(s)) + \
        '.%03dZ' % r


def is_error_body(j):
    return (isinstance(j, dict) and isinstance(j.get('errors'), list) and
            j['errors'] and all(isinstance(e, str) for e in j['errors']) and
            UUID_RE.match(j.get('request_id', '')) is not None)


def key_of(rec):
    return rec.get('id') or rec.get('slug')


def by_key(recs):
    return sorted(recs, key=key_of)


def raw(m, **kw):
    return RawConn(m.host, m.port, m.ssl_context(), **kw)


LIST_STREAMS = {           # stream -> API path (simple paginated lists)
    'accounts': '/accounts', 'activity_types': '/activity-types',
    'contacts': '/contacts', 'issue_statuses': '/issue-statuses',
    'knowledge_bases': '/knowledge-bases', 'tags': '/tags',
    'teams': '/teams', 'ticket_forms': '/ticket-forms',
    'user_roles': '/user-roles', 'users': '/users',
}


def api_snapshot(m, limit):
    """Every stream read through the API like a connector would."""
    out = {}
    for name, path in LIST_STREAMS.items():
        out[name] = m.page_all(path, {'limit': limit})[0]
    cfs = []
    for ot in ('account', 'issue', 'contact'):
        cfs += m.page_all('/custom-fields', {'object_type': ot,
                                             'limit': limit})[0]
    out['custom_fields'] = cfs
    issues = m.page_all(None, search_body={'limit': limit})[0]
    out['issues'] = issues
    msgs, threads = [], []
    for it in issues:
        for x in m.page_all('/issues/%s/messages' % it['id'],
                            {'limit': limit})[0]:
            x['issue_id'] = it['id']
            msgs.append(x)
        r = m.get('/issues/%s/threads' % it['id'])
        assert r.status == 200, r
        threads += (r.json or {}).get('data') or []
    out['issue_messages'] = msgs
    out['issue_threads'] = threads
    arts = []
    for kb in out['knowledge_bases']:
        for x in m.page_all('/knowledge-bases/%s/articles' % kb['id'],
                            {'limit': limit})[0]:
            assert 'knowledge_base_id' not in x
            x['knowledge_base_id'] = kb['id']
            arts.append(x)
    out['knowledge_base_articles'] = arts
    return out


def main():
    t_start = time.time()
    main_mock = MockServer('--now', NOW, '--issues', '60', '--page-cap', '25',
                           '--big-body-bytes', '5000', '--seed', '7')
    with main_mock as m:
        basic_tests(m)
        window_tests(m)
        search_tests(m)
        truth_tests(m)
        fault_tests(m)
        transport_tests(m)
        rate_tests(m)
        log_tests(m)
        mutate_tests(m)
    other_mock_tests()
    tls_tests()
    determinism_tests()
    print('# mock tests took %.1fs' % (time.time() - t_start),
          file=sys.stderr)
    S.done()


# ---------------------------------------------------------------------------
def basic_tests(m):
    @S.case('auth: missing token -> 401 with documented error body')
    def _():
        r = m.request('GET', '/me', token=None)
        assert r.status == 401, r
        assert is_error_body(r.json), r.json
        assert set(r.json) == {'errors', 'request_id'}, r.json

    @S.case('auth: wrong token and non-Bearer scheme -> 401')
    def _():
        r = m.request('GET', '/tags', token='pylon_api_nope')
        assert r.status == 401 and is_error_body(r.json), r
        r = m.request('GET', '/tags', token=None,
                      headers={'Authorization': 'Basic ' + DEFAULT_TOKEN})
        assert r.status == 401 and is_error_body(r.json), r

    @S.case('auth: EU token on US server -> 401 wrong_region_token')
    def _():
        r = m.request('GET', '/me', token='pylon_api_eu_abcdef')
        assert r.status == 401 and is_error_body(r.json), r
        assert r.json.get('code') == 'wrong_region_token', r.json
        assert 'wrong_region_token' in r.json['errors'][0]
        assert 'https://api.eu.usepylon.com' in r.json['errors'][0]

    @S.case('auth: valid token -> GET /me envelope {data:{id,name}}')
    def _():
        r = m.get('/me')
        assert r.status == 200, r
        assert set(r.json) == {'data', 'request_id'}, r.json
        assert set(r.json['data']) == {'id', 'name'}
        assert UUID_RE.match(r.json['request_id'])
        assert r.headers['content-type'] == 'application/json'

    @S.case('envelope: list = data + pagination{cursor,has_next_page} + '
            'request_id')
    def _():
        r = m.get('/tags', limit=5)
        assert r.status == 200, r
        assert list(r.json) == ['data', 'pagination', 'request_id'], r.json
        assert set(r.json['pagination']) == {'cursor', 'has_next_page'}
        assert r.json['pagination']['has_next_page'] is True
        assert len(r.json['data']) == 5

    @S.case('envelope: UTF-8 on the wire (ensure_ascii off), controls '
            'escaped')
    def _():
        txt = ''
        for path in ('/accounts', '/contacts', '/tags'):
            cur = None
            while True:
                r = m.request('GET', path, {'cursor': cur} if cur else None)
                assert r.status == 200
                txt += r.raw.decode('utf-8')
                cur = r.json['pagination']['cursor']
                if not cur:
                    break
        assert '😀' in txt and '\u2028' in txt, 'expected raw UTF-8'
        assert '\\u0001' in txt and '\x01' not in txt

    @S.case('routing: unknown path 404, bad method 405, both with error '
            'body')
    def _():
        r = m.get('/nope')
        assert r.status == 404 and is_error_body(r.json), r
        r = m.request('POST', '/tags', body={})
        assert r.status == 405 and is_error_body(r.json), r
        r = m.request('GET', '/issues/search')
        assert r.status == 405, r
        r = m.request('DELETE', '/issues')
        assert r.status == 405, r

    @S.case('issues/{id}: by id and by number; unknown -> 404')
    def _():
        it = m.search({'limit': 1}).json['data'][0]
        r1 = m.get('/issues/%s' % it['id'])
        r2 = m.get('/issues/%d' % it['number'])
        assert r1.status == 200 and r1.json['data'] == it, r1
        assert r2.status == 200 and r2.json['data'] == it, r2
        for p in ('/issues/nope', '/issues/nope/messages',
                  '/issues/nope/threads', '/knowledge-bases/nope/articles'):
            r = m.get(p)
            assert r.status == 404 and is_error_body(r.json), (p, r)

    @S.case('pagination: cursors reach every record exactly once, newest '
            'first')
    def _():
        truth = m.truth()['streams']
        for name, path in LIST_STREAMS.items():
            for limit in (1, 3, 999):
                recs, pages = m.page_all(path, {'limit': limit})
                keys = [key_of(x) for x in recs]
                assert len(keys) == len(set(keys)), (name, 'duplicates')
                assert sorted(keys) == sorted(map(key_of, truth[name])), name
                want = -(-len(recs) // min(limit, 25)) if recs else 1
                assert pages == want, (name, limit, pages, want)
        recs, _ = m.page_all('/accounts', {'limit': 4})
        cs = [x['created_at'] for x in recs]
        assert cs == sorted(cs, reverse=True), 'not newest first'

    @S.case('pagination: last page has cursor "" and has_next_page false; '
            'cursor is base64(created_ms|id)')
    def _():
        r = m.get('/teams')
        assert r.json['pagination'] == {'cursor': '',
                                        'has_next_page': False}, r.json
        r = m.get('/accounts', limit=2)
        cur = r.json['pagination']['cursor']
        dec = base64.b64decode(cur).decode()
        ts, _, rid = dec.partition('|')
        assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', ts), dec
        assert rid == r.json['data'][-1]['id'], dec

    @S.case('pagination: page cap limits pages (limit 999 -> 25 rows)')
    def _():
        r = m.get('/contacts', limit=999)
        assert len(r.json['data']) == 25, len(r.json['data'])
        assert r.json['pagination']['has_next_page'] is True

    @S.case('pagination: limit 0, 1000, -1, abc, empty -> 400')
    def _():
        for bad in ('0', '1000', '-1', 'abc', '', '1.5'):
            r = m.get('/tags', limit=bad)
            assert r.status == 400 and is_error_body(r.json), (bad, r)

    @S.case('pagination: garbage cursor -> 400')
    def _():
        bad = ['garbage!!', base64.b64encode(b'nope').decode(),
               base64.b64encode(b'2026-13-01T00:00:00.000Z|x').decode(),
               base64.b64encode(b'2026-01-01T00:00:00Z|x').decode(), '%%%']
        for c in bad:
            r = m.get('/accounts', cursor=c)
            assert r.status == 400 and is_error_body(r.json), (c, r)
        r = m.search({'cursor': 'garbage!!'})
        assert r.status == 400, r

    @S.case('custom-fields: object_type required/validated; records carry '
            'it')
    def _():
        assert m.get('/custom-fields').status == 400
        assert m.get('/custom-fields', object_type='bogus').status == 400
        for ot in ('account', 'issue', 'contact', 'task', 'project',
                   'call_recording'):
            r = m.get('/custom-fields', object_type=ot)
            assert r.status == 200, (ot, r)
            for x in (r.json.get('data') or []):
                assert x['object_type'] == ot

    @S.case('threads: no pagination key, every thread, issue_id inside')
    def _():
        truth = m.truth()['streams']['issue_threads']
        iid = next(t['issue_id'] for t in truth)
        r = m.get('/issues/%s/threads' % iid, limit=1)
        assert 'pagination' not in r.json, r.json
        want = [t for t in truth if t['issue_id'] == iid]
        assert by_key(r.json['data']) == by_key(want)

    @S.case('records: messages lack issue_id, articles lack kb id')
    def _():
        tr = m.truth()['streams']
        iid = tr['issue_messages'][0]['issue_id']
        r = m.get('/issues/%s/messages' % iid)
        assert r.json['data'] and all('issue_id' not in x
                                      for x in r.json['data'])
        kb = tr['knowledge_bases'][0]['id']
        r = m.get('/knowledge-bases/%s/articles' % kb)
        assert r.json['data'] and all('knowledge_base_id' not in x
                                      for x in r.json['data'])

    @S.case('records: shapes follow the reference (nulls, nested objects)')
    def _():
        tr = m.truth()['streams']
        iss = tr['issues']
        for f in ('id', 'number', 'title', 'body_html', 'state', 'type',
                  'created_at', 'updated_at', 'account', 'requester',
                  'assignee', 'team', 'tags', 'custom_fields'):
            assert all(f in x for x in iss), f
        assert any(x['tags'] is None for x in iss)
        assert any(x['assignee'] is None for x in iss)
        acc = tr['accounts']
        assert any(x['owner'] is None for x in acc)
        assert any(x['external_ids'] is None for x in acc)
        assert any(x['tags'] is None for x in acc)
        assert all('slug' in x and 'id' not in x
                   for x in tr['issue_statuses'])
        for x in iss:
            assert TS_RE.match(x['created_at']) and \
                '.' not in x['created_at'], x['created_at']
        big = [x for x in iss if len(x['body_html'].encode()) >= 5000]
        assert big, 'no big body with --big-body-bytes'

    @S.case('config: unknown key and bad value -> 400; GET shows values')
    def _():
        r = m.request('POST', '/_mock/config', body={'nope': 1}, token=None)
        assert r.status == 400, r
        r = m.request('POST', '/_mock/config', body={'page_cap': 0},
                      token=None)
        assert r.status == 400, r
        assert m.config()['page_cap'] == 25


# ---------------------------------------------------------------------------
def window_tests(m):
    def issues(**q):
        return m.request('GET', '/issues', q)

    @S.case('GET /issues: start_time/end_time required and RFC 3339')
    def _():
        for q in ({}, {'start_time': '2026-07-01T00:00:00Z'},
                  {'end_time': '2026-07-01T00:00:00Z'},
                  {'start_time': '2026-07-01', 'end_time':
                   '2026-07-02T00:00:00Z'},
                  {'start_time': 'yesterday', 'end_time': 'today'},
                  {'start_time': '2026-07-02T00:00:00Z',
                   'end_time': '2026-07-01T00:00:00Z'}):
            r = issues(**q)
            assert r.status == 400 and is_error_body(r.json), (q, r)

    @S.case('GET /issues: offsets and fractional seconds accepted; raw '
            '"+" (a space after decoding) rejected')
    def _():
        r = issues(start_time='2026-07-01T02:00:00+02:00',
                   end_time='2026-07-10T00:00:00.123456Z')
        assert r.status == 200, r
        r = m.request('GET', '/issues?start_time=2026-07-01T02:00:00+02:00'
                      '&end_time=2026-07-10T00:00:00Z')
        assert r.status == 400, r

    @S.case('GET /issues: span > 30 days -> 400 with the documented '
            'message; exactly 30 days ok')
    def _():
        r = issues(start_time='2026-06-01T00:00:00Z',
                   end_time='2026-07-01T00:00:00.001Z')
        assert r.status == 400, r
        assert r.json['errors'] == ['the duration between start_time and '
                                    'end_time must be less than or equal '
                                    'to 30 days'], r.json
        r = issues(start_time='2026-06-01T00:00:00Z',
                   end_time='2026-07-01T00:00:00Z')
        assert r.status == 200, r

    @S.case('GET /issues: --window-cap-strict and cap 0 switches')
    def _():
        try:
            m.config(window_cap_strict=True)
            r = issues(start_time='2026-06-01T00:00:00Z',
                       end_time='2026-07-01T00:00:00Z')
            assert r.status == 400, r
            m.config(window_cap_strict=False, issues_window_cap_days=0)
            r = issues(start_time='2025-06-01T00:00:00Z',
                       end_time='2026-07-01T00:00:00Z')
            assert r.status == 200, r
            m.config(issues_window_cap_days=7)
            r = issues(start_time='2026-06-01T00:00:00Z',
                       end_time='2026-06-09T00:00:00Z')
            assert r.status == 400, r
        finally:
            m.config(window_cap_strict=False, issues_window_cap_days=30)

    @S.case('GET /issues: filters on created_at, pages with cursors')
    def _():
        tr = m.truth()
        lo, hi = NOW_MS - 30 * DAY, NOW_MS
        want = sorted(i for i, t in tr['issue_times'].items()
                      if lo <= t['created_ms'] < hi)
        got, pages = m.page_all('/issues', {'start_time': fmt(lo),
                                            'end_time': fmt(hi),
                                            'limit': 4})
        assert sorted(x['id'] for x in got) == want
        assert pages == max(1, -(-len(want) // 4)), pages

    @S.case('GET /issues: --issues-get-paginates no -> one response, no '
            'pagination key')
    def _():
        try:
            m.config(issues_get_paginates=False)
            tr = m.truth()
            lo, hi = NOW_MS - 30 * DAY, NOW_MS
            want = sorted(i for i, t in tr['issue_times'].items()
                          if lo <= t['created_ms'] < hi)
            r = issues(start_time=fmt(lo), end_time=fmt(hi), limit='1')
            assert 'pagination' not in r.json, r.json
            assert sorted(x['id'] for x in r.json['data']) == want
        finally:
            m.config(issues_get_paginates=True)

    T = 1736467200500          # 2025-01-10T00:00:00.500Z
    E = T + 10 * DAY
    planted = {}

    @S.case('plant: issues at exact ms times (boundaries)')
    def _():
        times = [T - 1, T, T + 1, E - 1, E, E + 1]
        res = m.plant_issues([{'created_at': fmt(t), 'updated_at': fmt(t),
                               'messages': 2, 'threads': 1} for t in times])
        assert len(res['ids']) == 6
        planted.update(zip(times, res['ids']))
        tr = m.truth()
        for t, i in planted.items():
            assert tr['issue_times'][i] == {'created_ms': t,
                                            'updated_ms': t}
        r = m.get('/issues/%s/threads' % res['ids'][0])
        assert len(r.json['data']) == 1

    expect = {
        'exclusive': (T + 1, E - 1),
        'inclusive': (T, T + 1, E - 1, E),
        'start-inclusive': (T, T + 1, E - 1),
        'end-inclusive': (T + 1, E - 1, E),
    }

    def window_ids(start, end):
        r = issues(start_time=start, end_time=end)
        assert r.status == 200, r
        return sorted(x['id'] for x in (r.json.get('data') or []))

    def search_ids(field, start, end):
        body = {'filter': {'operator': 'and', 'subfilters': [
            {'field': field, 'operator': 'time_is_after', 'value': start},
            {'field': field, 'operator': 'time_is_before', 'value': end}]}}
        return sorted(x['id'] for x in m.page_all(None, search_body=body)[0])

    @S.case('bounds: default = start-inclusive (GET) / exclusive (search), '
            'at ms precision')
    def _():
        want = sorted(planted[t] for t in expect['start-inclusive'])
        assert window_ids(fmt(T), fmt(E)) == want
        want = sorted(planted[t] for t in expect['exclusive'])
        assert search_ids('created_at', fmt(T), fmt(E)) == want
        assert search_ids('updated_at', fmt(T), fmt(E)) == want
        # sub-ms digits are truncated
        s = fmt(T)[:-1] + '999Z'
        assert window_ids(s, fmt(E)) == sorted(
            planted[t] for t in expect['start-inclusive'])

    for mode, times in expect.items():
        @S.case('bounds: --bounds %s on GET /issues and search' % mode)
        def _(mode=mode, times=times):
            try:
                m.config(bounds=mode)
                want = sorted(planted[t] for t in times)
                assert window_ids(fmt(T), fmt(E)) == want, mode
                assert search_ids('created_at', fmt(T), fmt(E)) == want
                assert search_ids('updated_at', fmt(T), fmt(E)) == want
            finally:
                m.config(bounds=None)

    @S.case('empty: issues/messages minimal {"request_id"} (mixed), full '
            'with --empty-style full')
    def _():
        r = issues(start_time='2020-01-01T00:00:00Z',
                   end_time='2020-01-02T00:00:00Z')
        assert r.status == 200 and list(r.json) == ['request_id'], r.json
        r = m.search({'filter': {'field': 'created_at',
                                 'operator': 'time_is_before',
                                 'value': '2000-01-01T00:00:00Z'}})
        assert list(r.json) == ['request_id'], r.json
        tr = m.truth()
        have = {x['issue_id'] for x in tr['streams']['issue_messages']}
        empty = [i for i in tr['issue_times'] if i not in have]
        assert empty, 'expected an issue without messages'
        r = m.get('/issues/%s/messages' % empty[0])
        assert list(r.json) == ['request_id'], r.json
        try:
            m.config(empty_style='full')
            r = issues(start_time='2020-01-01T00:00:00Z',
                       end_time='2020-01-02T00:00:00Z')
            assert r.json['data'] == [] and r.json['pagination'] == {
                'cursor': '', 'has_next_page': False}, r.json
        finally:
            m.config(empty_style='mixed')

    @S.case('lazy_has_next: full last page says more; next page is empty')
    def _():
        try:
            m.config(lazy_has_next=True)
            n = len(m.truth()['streams']['teams'])
            r = m.get('/teams', limit=n)
            assert r.json['pagination']['has_next_page'] is True
            r = m.get('/teams', limit=n,
                      cursor=r.json['pagination']['cursor'])
            assert r.json['data'] == [] and \
                r.json['pagination']['has_next_page'] is False, r.json
        finally:
            m.config(lazy_has_next=False)


# ---------------------------------------------------------------------------
def search_tests(m):
    tr = m.truth()
    times = tr['issue_times']
    issues = {x['id']: x for x in tr['streams']['issues']}

    def ids(body):
        return sorted(x['id'] for x in m.page_all(None, search_body=body)[0])

    @S.case('search: no filter -> every issue; limit and cursor in body')
    def _():
        assert ids({}) == sorted(times)
        r = m.search({'limit': 5})
        assert len(r.json['data']) == 5 and \
            r.json['pagination']['has_next_page'], r.json
        r2 = m.search({'limit': 5, 'cursor': r.json['pagination']['cursor']})
        a = {x['id'] for x in r.json['data']}
        b = {x['id'] for x in r2.json['data']}
        assert len(b) == 5 and not a & b
        r = m.request('POST', '/issues/search', body=b'')
        assert r.status == 200, r

    @S.case('search: limit 0 / 1000 / "5" / true -> 400; bad JSON -> 400')
    def _():
        for lim in (0, 1000, '5', True, -3, 2.5):
            r = m.search({'limit': lim})
            assert r.status == 400 and is_error_body(r.json), (lim, r)
        r = m.request('POST', '/issues/search', body=b'{nope',
                      headers={'Content-Type': 'application/json'})
        assert r.status == 400, r

    @S.case('search: and of updated_at after/before matches issue_times')
    def _():
        lo, hi = NOW_MS - 20 * DAY, NOW_MS - 5 * DAY
        body = {'limit': 7, 'filter': {'operator': 'and', 'subfilters': [
            {'field': 'updated_at', 'operator': 'time_is_after',
             'value': fmt(lo)},
            {'field': 'updated_at', 'operator': 'time_is_before',
             'value': fmt(hi)}]}}
        want = sorted(i for i, t in times.items()
                      if lo < t['updated_ms'] < hi)
        assert want and ids(body) == want

    @S.case('search: or, equals/in/not_in on state/team_id/account_id')
    def _():
        st = sorted({x['state'] for x in issues.values()})
        body = {'filter': {'operator': 'or', 'subfilters': [
            {'field': 'state', 'operator': 'equals', 'value': st[0]},
            {'field': 'state', 'operator': 'in', 'values': st[1:2]}]}}
        want = sorted(i for i, x in issues.items() if x['state'] in st[:2])
        assert ids(body) == want
        body = {'filter': {'field': 'state', 'operator': 'not_in',
                           'values': st[:2]}}
        want = sorted(i for i, x in issues.items()
                      if x['state'] not in st[:2])
        assert ids(body) == want
        team = next(x['team']['id'] for x in issues.values() if x['team'])
        body = {'filter': {'field': 'team_id', 'operator': 'equals',
                           'value': team}}
        assert ids(body) == sorted(i for i, x in issues.items()
                                   if x['team'] and x['team']['id'] == team)
        acc = next(x['account']['id'] for x in issues.values()
                   if x['account'])
        body = {'filter': {'field': 'account_id', 'operator': 'in',
                           'values': [acc]}}
        assert ids(body) == sorted(
            i for i, x in issues.items()
            if x['account'] and x['account']['id'] == acc)

    @S.case('search: depth 3 ok, depth 4 -> 400')
    def _():
        leaf = {'field': 'created_at', 'operator': 'time_is_after',
                'value': '2000-01-01T00:00:00Z'}
        d3 = {'operator': 'and', 'subfilters': [
            {'operator': 'or', 'subfilters': [leaf]}]}
        assert m.search({'filter': d3}).status == 200
        d4 = {'operator': 'and', 'subfilters': [d3]}
        r = m.search({'filter': d4})
        assert r.status == 400 and is_error_body(r.json), r

    @S.case('search: unknown field/operator, bad value -> 400')
    def _():
        bad = [{'field': 'nope', 'operator': 'equals', 'value': 'x'},
               {'field': 'state', 'operator': 'frobnicate', 'value': 'x'},
               {'field': 'created_at', 'operator': 'time_is_after',
                'value': 'last tuesday'},
               {'field': 'state', 'operator': 'time_is_after',
                'value': '2026-01-01T00:00:00Z'},
               {'operator': 'and', 'subfilters': []},
               {'field': 'state', 'operator': 'in', 'value': 'x'}, 'str']
        for f in bad:
            r = m.search({'filter': f})
            assert r.status == 400 and is_error_body(r.json), (f, r)

    @S.case('search: --search-window-cap-days')
    def _():
        def rng(days):
            return {'filter': {'operator': 'and', 'subfilters': [
                {'field': 'updated_at', 'operator': 'time_is_after',
                 'value': fmt(NOW_MS - 40 * DAY)},
                {'field': 'updated_at', 'operator': 'time_is_before',
                 'value': fmt(NOW_MS - 40 * DAY + days * DAY)}]}}
        assert m.search(rng(31)).status == 200
        try:
            m.config(search_window_cap_days=30)
            assert m.search(rng(30)).status == 200
            r = m.search(rng(31))
            assert r.status == 400 and is_error_body(r.json), r
            r = m.search({'filter': {'field': 'updated_at', 'operator':
                                     'time_is_before',
                                     'value': fmt(NOW_MS)}})
            assert r.status == 400, r
        finally:
            m.config(search_window_cap_days=0)


# ---------------------------------------------------------------------------
def truth_tests(m):
    @S.case('truth: equals what paging the API returns, for every stream')
    def _():
        tr = m.truth()['streams']
        api = api_snapshot(m, 7)
        assert set(api) == set(tr), set(tr) ^ set(api)
        for name in tr:
            assert by_key(api[name]) == by_key(tr[name]), name
            assert tr[name], 'empty stream %s' % name

    @S.case('fractional timestamps: ~1/3 with .mmm, truth follows, '
            'truncation')
    def _():
        try:
            m.config(fractional_timestamps=True)
            tr = m.truth()
            iss = tr['streams']['issues']
            vals = [x[f] for x in iss for f in ('created_at', 'updated_at')]
            frac = [v for v in vals if '.' in v]
            assert 0.2 < len(frac) / len(vals) < 0.5, len(frac) / len(vals)
            for x in iss:
                t = tr['issue_times'][x['id']]['created_ms']
                want = fmt(t) if '.' in x['created_at'] else \
                    fmt(t)[:19] + 'Z'
                assert x['created_at'] == want, (x['created_at'], want)
            got = m.page_all(None, search_body={'limit': 50})[0]
            assert by_key(got) == by_key(iss)
        finally:
            m.config(fractional_timestamps=False)

    @S.case('pretty: indented responses parse to the same data')
    def _():
        a = m.get('/tags', limit=3)
        try:
            m.config(pretty=True)
            b = m.get('/tags', limit=3)
        finally:
            m.config(pretty=False)
        assert b'\n  ' in b.raw and b'\n' not in a.raw
        assert a.json['data'] == b.json['data']
        assert a.json['pagination'] == b.json['pagination']


# ---------------------------------------------------------------------------
def fault_tests(m):
    def one_fault(rule, path='/tags', method='GET', body=None, timeout=5):
        m.faults([dict(rule, count=1)])
        c = raw(m, timeout=timeout)
        try:
            h = dict(AUTH)
            if body is not None:
                h['Content-Type'] = 'application/json'
            r = c.exchange(method, path, h, body)
        finally:
            c.close()
            m.clear_faults()
        return r

    @S.case('fault status: 503 with error body, once; then normal')
    def _():
        m.faults([{'path': '^/tags$', 'fault': 'status', 'status': 503,
                   'count': 1}])
        r = m.get('/tags')
        assert r.status == 503 and is_error_body(r.json), r
        assert m.get('/tags').status == 200
        m.clear_faults()

    @S.case('fault 429: Retry-After seconds and date:N')
    def _():
        r = one_fault({'fault': '429', 'retry_after': '7'})
        assert r.status == 429 and r.headers['retry-after'] == '7', r
        assert is_error_body(json.loads(r.body))
        r = one_fault({'fault': '429', 'retry_after': 'date:30'})
        d = email.utils.parsedate_to_datetime(r.headers['retry-after'])
        assert 25 <= d.timestamp() - time.time() <= 32, r.headers

    @S.case('fault close_before: EOF before any response byte')
    def _():
        r = one_fault({'fault': 'close_before'})
        assert r.error == 'eof_before_status' and r.body == b'', r

    @S.case('fault close_mid_body: full Content-Length, half the body, '
            'EOF')
    def _():
        r = one_fault({'fault': 'close_mid_body'})
        assert r.error == 'eof_in_body' and r.status == 200, r
        assert 0 < len(r.body) < int(r.headers['content-length'])

    @S.case('fault truncated_chunk: chunked, EOF inside a chunk')
    def _():
        r = one_fault({'fault': 'truncated_chunk'})
        assert r.status == 200 and r.chunked and r.error == 'eof_in_chunk', r

    @S.case('fault invalid_json: 200 with a body that is not JSON')
    def _():
        r = one_fault({'fault': 'invalid_json'})
        assert r.status == 200 and r.error is None
        try:
            json.loads(r.body.decode('utf-8'))
            assert False, 'parsed'
        except (ValueError, UnicodeError):
            pass

    @S.case('fault wrong_content: {"data": "oops"}, text/html, other '
            'variants')
    def _():
        r = one_fault({'fault': 'wrong_content'})
        assert r.status == 200 and json.loads(r.body)['data'] == 'oops'
        r = one_fault({'fault': 'wrong_content', 'variant': 'html'})
        assert r.headers['content-type'].startswith('text/html')
        assert r.body.startswith(b'<!DOCTYPE html>')
        for v in ('array', 'data_object', 'double_wrapped', 'null_data'):
            r = one_fault({'fault': 'wrong_content', 'variant': v})
            assert r.status == 200 and json.loads(r.body) is not None, v

    @S.case('fault delay: answer normally after delay_ms')
    def _():
        t0 = time.monotonic()
        r = one_fault({'fault': 'delay', 'delay_ms': 300})
        assert r.status == 200 and json.loads(r.body)['data'], r
        assert time.monotonic() - t0 >= 0.29

    @S.case('fault slow_drip: complete response spread over ~delay_ms')
    def _():
        t0 = time.monotonic()
        r = one_fault({'fault': 'slow_drip', 'delay_ms': 300},
                      path='/tags?limit=3')
        assert r.status == 200 and len(json.loads(r.body)['data']) == 3, r
        assert time.monotonic() - t0 >= 0.25

    @S.case('fault stall: nothing sent, socket stays open')
    def _():
        m.faults([{'fault': 'stall', 'count': 1}])
        c = raw(m, timeout=0.4)
        try:
            r = c.exchange('GET', '/tags', AUTH)
            assert r.error == 'timeout' and r.status is None, r
        finally:
            c.close()
            m.clear_faults()
        assert m.get('/tags').status == 200

    @S.case('fault oversized_headers: >= 10,000 header lines')
    def _():
        r = one_fault({'fault': 'oversized_headers'})
        assert r.status == 200 and r.header_lines >= 10000, r.header_lines

    @S.case('fault endless_body: chunks keep coming (> 2 MB)')
    def _():
        m.faults([{'fault': 'endless_body', 'count': 1}])
        c = raw(m)
        try:
            c.send('GET', '/issues/search', AUTH)
            r = c.read(max_body=2 << 20)
            assert r.status == 200 and r.error == 'too_big', r
            assert r.body.startswith(b'{"data":[{')
        finally:
            c.close()
            m.clear_faults()

    @S.case('fault reset: connection reset or EOF, no response')
    def _():
        r = one_fault({'fault': 'reset'})
        assert r.status is None and r.error in ('reset',
                                                'eof_before_status'), r

    @S.case('fault rules: path regex, method, after, every, count')
    def _():
        m.faults([{'path': '^/issues/search$', 'method': 'POST',
                   'fault': 'status', 'status': 502, 'after': 1,
                   'every': 2, 'count': 2}])
        got = [m.search({'limit': 1}).status for _ in range(7)]
        assert got == [200, 200, 502, 200, 502, 200, 200], got
        assert m.get('/tags').status == 200
        rules = m.faults([{'path': '^/tags', 'method': 'POST',
                           'fault': 'close_before'}])['rules']
        assert m.get('/tags').status == 200      # method does not match
        m.clear_faults()
        assert rules[0]['fault'] == 'close_before'
        r = m.request('POST', '/_mock/faults', token=None,
                      body={'rules': [{'fault': 'nope'}]})
        assert r.status == 400, r

    @S.case('fault on the 3rd page of a paginated read')
    def _():
        m.faults([{'path': '^/accounts$', 'fault': 'status', 'status': 500,
                   'after': 2, 'count': 1}])
        try:
            statuses = []
            cur = None
            for _ in range(4):
                q = {'limit': 5}
                if cur:
                    q['cursor'] = cur
                r = m.request('GET', '/accounts', q)
                statuses.append(r.status)
                if r.status == 200:
                    cur = r.json['pagination']['cursor']
            assert statuses == [200, 200, 500, 200], statuses
        finally:
            m.clear_faults()


# ---------------------------------------------------------------------------
def transport_tests(m):
    @S.case('keep-alive: many requests on one connection')
    def _():
        c = raw(m)
        m.clear_log()
        for _ in range(5):
            r = c.exchange('GET', '/tags?limit=2', AUTH)
            assert r.status == 200 and r.error is None
            assert r.headers.get('connection') == 'keep-alive'
        c.close()
        conns = {e['conn'] for e in m.log()}
        assert len(conns) == 1, conns

    @S.case('chunked: odd chunk sizes, same JSON as Content-Length')
    def _():
        c = raw(m)
        a = c.exchange('GET', '/accounts?limit=20', AUTH)
        try:
            m.config(chunked=True)
            b = c.exchange('GET', '/accounts?limit=20', AUTH)
        finally:
            m.config(chunked=False)
        c.close()
        assert b.chunked and 'content-length' not in b.headers
        assert b.chunk_sizes[:3] == [1, 7, 4093], b.chunk_sizes[:5]
        assert json.loads(a.body)['data'] == json.loads(b.body)['data']

    @S.case('connection-close: Connection: close and the server closes')
    def _():
        try:
            m.config(connection_close=True)
            c = raw(m)
            r = c.exchange('GET', '/tags', AUTH)
            assert r.status == 200 and r.headers['connection'] == 'close'
            assert c.at_eof(), 'still open'
            c.close()
        finally:
            m.config(connection_close=False)

    @S.case('max-requests-per-conn: silent close after N; announce '
            'option')
    def _():
        try:
            m.config(max_requests_per_conn=2)
            c = raw(m)
            r1 = c.exchange('GET', '/tags', AUTH)
            r2 = c.exchange('GET', '/tags', AUTH)
            assert r1.status == r2.status == 200
            assert r2.headers['connection'] == 'keep-alive'
            assert c.at_eof(), 'not closed after 2 requests'
            c.close()
            m.config(announce_close=True)
            c = raw(m)
            c.exchange('GET', '/tags', AUTH)
            r2 = c.exchange('GET', '/tags', AUTH)
            assert r2.headers['connection'] == 'close'
            c.close()
        finally:
            m.config(max_requests_per_conn=0, announce_close=False)

    @S.case('client Connection: close is honoured')
    def _():
        c = raw(m)
        h = dict(AUTH, Connection='close')
        r = c.exchange('GET', '/me', h)
        assert r.status == 200 and c.at_eof()
        c.close()

    @S.case('malformed requests: no Host, bad request line -> 400 + close')
    def _():
        for req in (b'GET /me HTTP/1.1\r\n\r\n',
                    b'GET /me\r\n\r\n',
                    b'GET /me HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n'):
            c = raw(m)
            c.sock.sendall(req)
            r = c.read()
            assert r.status == 400 and is_error_body(json.loads(r.body)), r
            assert c.at_eof(), req
            c.close()

    @S.case('request body over 10 MiB -> 413 payload_too_large')
    def _():
        c = raw(m)
        c.sock.sendall(b'POST /issues/search HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Length: 20000000\r\n\r\n')
        r = c.read()
        c.close()
        assert r.status == 413 and b'payload_too_large' in r.body, r

    @S.case('concurrency: 20 keep-alive connections in parallel')
    def _():
        errs = []

        def worker():
            try:
                c = raw(m)
                for _ in range(10):
                    r = c.exchange('GET', '/users?limit=3', AUTH)
                    if r.status != 200:
                        errs.append(r)
                c.close()
            except Exception as e:
                errs.append(e)
        ts = [threading.Thread(target=worker) for _ in range(20)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert not errs, errs[:3]

    @S.case('gzip switch: Content-Encoding gzip when accepted')
    def _():
        import gzip
        try:
            m.config(gzip=True)
            c = raw(m)
            r = c.exchange('GET', '/tags', dict(AUTH,
                                                **{'Accept-Encoding':
                                                   'gzip'}))
            c.close()
            assert r.headers.get('content-encoding') == 'gzip'
            assert json.loads(gzip.decompress(r.body))['data']
        finally:
            m.config(gzip=False)


# ---------------------------------------------------------------------------
def rate_tests(m):
    def tags_n(n, path='/tags'):
        c = raw(m)
        out = [c.exchange('GET', path, AUTH) for _ in range(n)]
        c.close()
        return out

    @S.case('rate limit: budget 3 per 1 s window, 4th -> 429 + Retry-After,'
            ' then allowed again')
    def _():
        try:
            m.config(rate_limits=True, rate_window=1.0,
                     rate_budgets={'GET /tags': 3}, rate_headers='full')
            t0 = time.time()
            rs = tags_n(4)
            assert [r.status for r in rs] == [200, 200, 200, 429], rs
            assert [r.headers['x-rate-limit-remaining'] for r in rs] == \
                ['2', '1', '0', '0']
            assert rs[0].headers['x-rate-limit-limit'] == '3'
            reset = int(rs[0].headers['x-rate-limit-reset'])
            assert t0 <= reset <= t0 + 2.5, (reset, t0)
            assert rs[3].headers['retry-after'] == '1'
            assert is_error_body(json.loads(rs[3].body))
            assert m.get('/teams').status == 200     # other budget
            time.sleep(1.05)
            assert tags_n(1)[0].status == 200
        finally:
            m.config(rate_limits=False, rate_budgets={},
                     rate_window=60, rate_headers='remaining')

    @S.case('rate limit: one budget per template (all issues share '
            'messages budget); multiplier; date/none Retry-After')
    def _():
        iids = list(m.truth()['issue_times'])[:3]
        try:
            m.config(rate_limits=True, rate_window=1.0,
                     rate_budgets={'GET /issues/{id}/messages': 2},
                     retry_after_style='date')
            st = [m.get('/issues/%s/messages' % i).status for i in iids]
            assert st == [200, 200, 429], st
            r = m.get('/issues/%s/messages' % iids[0])
            d = email.utils.parsedate_to_datetime(r.headers['retry-after'])
            assert abs(d.timestamp() - time.time()) < 3
            m.config(retry_after_style='none', rate_multiplier=0.3,
                     rate_budgets={})
            q = {'start_time': '2026-07-01T00:00:00Z',
                 'end_time': '2026-07-02T00:00:00Z'}
            st = [m.request('GET', '/issues', q).status for _ in range(4)]
            assert st == [200, 200, 200, 429], st     # 10 * 0.3 = 3
            r = m.request('GET', '/issues', q)
            assert 'retry-after' not in r.headers, r.headers
            assert r.headers['x-rate-limit-remaining'] == '0'
            s = m.stats()
            assert s['rate_limited'] >= 3, s
        finally:
            m.config(rate_limits=False, rate_budgets={}, rate_window=60,
                     rate_multiplier=1, retry_after_style='seconds')

    @S.case('rate limit: off by default -> no headers, no 429')
    def _():
        rs = tags_n(70)
        assert all(r.status == 200 for r in rs)
        assert 'x-rate-limit-remaining' not in rs[0].headers


# ---------------------------------------------------------------------------
def log_tests(m):
    @S.case('request log: fields, query dict, POST body, faults, never the'
            ' token')
    def _():
        m.clear_log()
        m.get('/tags', limit='2')
        m.search({'limit': 3})
        m.request('GET', '/tags', token='pylon_api_secret_zzz')
        m.faults([{'fault': 'status', 'status': 500, 'count': 1}])
        m.get('/teams')
        m.clear_faults()
        log = m.log()
        assert len(log) == 4, log
        a, b, c, d = log
        for e in log:
            for k in ('t', 'conn', 'method', 'path', 'query', 'body',
                      'status', 'bytes', 'fault', 'auth_ok'):
                assert k in e, (k, e)
        assert a['path'] == '/tags' and a['query'] == {'limit': '2'}
        assert a['status'] == 200 and a['auth_ok'] and a['bytes'] > 0
        assert a['body'] is None
        assert b['method'] == 'POST' and b['body'] == {'limit': 3}
        assert c['status'] == 401 and c['auth_ok'] is False
        assert d['fault'] == 'status' and d['status'] == 500
        text = json.dumps(log)
        assert DEFAULT_TOKEN not in text and 'secret_zzz' not in text
        assert m.log(since=3) == [d]

    @S.case('stats: per endpoint counts, connections, 429s')
    def _():
        m.clear_stats()
        m.get('/tags')
        m.get('/tags')
        m.get('/me')
        s = m.stats()
        assert s['by_endpoint'] == {'GET /tags': 2, 'GET /me': 1}, s
        assert s['requests'] == 3 and s['connections'] >= 3, s
        assert s['rate_limited'] == 0


# ---------------------------------------------------------------------------
def mutate_tests(m):
    @S.case('mutate: new issues, updated issues, new messages between '
            'syncs')
    def _():
        before = m.truth()
        t_before = max(t['updated_ms'] for t in
                       before['issue_times'].values())
        n_msgs = len(before['streams']['issue_messages'])
        res = m.mutate(new_issues=2, update_issues=3, new_messages=2)
        assert len(res['new_issue_ids']) == 2
        assert len(res['updated_issue_ids']) == 3
        assert len(res['new_message_ids']) == 2
        after = m.truth()
        times = after['issue_times']
        for i in res['new_issue_ids']:
            assert i not in before['issue_times'] and i in times
        for i in res['updated_issue_ids'] + res['message_issue_ids']:
            assert times[i]['updated_ms'] >= res['now_ms'] - 5
            assert times[i]['updated_ms'] > before['issue_times'][i][
                'updated_ms']
        old = {x['id']: x for x in before['streams']['issues']}
        for i in res['updated_issue_ids']:
            new = next(x for x in after['streams']['issues']
                       if x['id'] == i)
            assert new['state'] != old[i]['state']
        assert len(after['streams']['issue_messages']) >= n_msgs + 2
        # an incremental search from the old high-water mark finds exactly
        # the touched issues
        body = {'filter': {'field': 'updated_at',
                           'operator': 'time_is_after',
                           'value': fmt(max(t_before, NOW_MS - 60000))}}
        got = {x['id'] for x in m.page_all(None, search_body=body)[0]}
        want = set(res['new_issue_ids'] + res['updated_issue_ids'] +
                   res['message_issue_ids'])
        assert got == want, (got ^ want)
        # new messages are visible through the API
        for mid, iid in zip(res['new_message_ids'],
                            res['message_issue_ids']):
            ms = m.page_all('/issues/%s/messages' % iid)[0]
            assert mid in {x['id'] for x in ms}
        api = api_snapshot(m, 50)
        for name in ('issues', 'issue_messages', 'issue_threads'):
            assert by_key(api[name]) == by_key(after['streams'][name]), name


# ---------------------------------------------------------------------------
def other_mock_tests():
    with MockServer('--now', NOW, '--issues', '5', '--tags', '0',
                    '--region', 'eu', '--empty-style', 'minimal',
                    token='pylon_api_eu_tok') as m:
        @S.case('region eu: US token -> 401 naming the US API URL')
        def _():
            r = m.request('GET', '/me', token='pylon_api_usertoken')
            assert r.status == 401 and r.json['code'] == \
                'wrong_region_token', r
            assert 'https://api.usepylon.com' in r.json['errors'][0]
            assert m.get('/me').status == 200

        @S.case('empty-style: minimal everywhere / full / mixed for tags')
        def _():
            r = m.get('/tags')
            assert list(r.json) == ['request_id'], r.json
            m.config(empty_style='mixed')
            r = m.get('/tags')
            assert r.json['data'] == [] and r.json['pagination'] == {
                'cursor': '', 'has_next_page': False}, r.json

    with tempfile.TemporaryDirectory() as d:
        logf = os.path.join(d, 'req.jsonl')
        ready = os.path.join(d, 'ready.json')
        with MockServer('--issues', '3', '--ready-file', ready,
                        log_file=logf) as m:
            @S.case('--log FILE: one JSON line per request; --ready-file')
            def _():
                m.get('/me')
                m.get('/tags', limit='2')
                lines = open(logf).read().splitlines()
                assert len(lines) == 2, lines
                e = json.loads(lines[1])
                assert e['path'] == '/tags' and e['query'] == {'limit': '2'}
                assert DEFAULT_TOKEN not in open(logf).read()
                info = json.load(open(ready))
                assert info['url'] == m.url and info['pid'] == m.pid

    with MockServer('--issues', '30', '--now', NOW, '--chunked',
                    '--rate-limits', 'on', '--rate-budgets', 'GET /tags=2',
                    '--rate-window', '5', '--page-cap', '3',
                    '--issues-get-paginates', 'no', '--fractional-timestamps',
                    '--bounds', 'inclusive', '--pretty',
                    '--max-requests-per-conn', '3') as m:
        @S.case('startup switches land in the runtime config and act')
        def _():
            c = m.config()
            assert c['chunked'] and c['rate_limits'] and c['pretty']
            assert c['rate_budgets'] == {'GET /tags': 2}, c
            assert c['page_cap'] == 3 and c['bounds'] == 'inclusive'
            assert c['issues_get_paginates'] is False
            assert c['fractional_timestamps'] is True
            assert c['max_requests_per_conn'] == 3
            st = [m.get('/tags').status for _ in range(3)]
            assert st == [200, 200, 429], st
            r = m.get('/users')
            assert len(r.json['data']) == 3 and b'\n  ' in r.raw
            assert r.headers.get('transfer-encoding') == 'chunked'

    @S.case('startup: stdout has exactly one JSON line; stops on SIGTERM')
    def _():
        import subprocess
        p = subprocess.Popen([sys.executable,
                              os.path.join(HERE, 'pylon_mock.py'),
                              '--issues', '2'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        line = p.stdout.readline()
        info = json.loads(line)
        assert set(info) == {'url', 'ca_file', 'admin', 'pid'}, info
        assert info['url'].startswith('http://localhost:')
        assert info['admin'] == info['url'] + '/_mock'
        p.terminate()
        rest = p.stdout.read()
        assert p.wait(5) == 0 and rest == b'', rest


# ---------------------------------------------------------------------------
def tls_tests():
    with MockServer('--issues', '10', tls=True) as m:
        ctx = ssl.create_default_context(cafile=m.ca_file)

        @S.case('TLS: verifies against the generated CA with hostname '
                'localhost, TLS 1.2')
        def _():
            assert m.url.startswith('https://localhost:')
            c = RawConn('127.0.0.1', m.port, ctx)
            assert c.sock.version() == 'TLSv1.2', c.sock.version()
            cert = c.sock.getpeercert()
            assert cert['subjectAltName'] == (('DNS', 'localhost'),), cert
            assert 'ECDSA' in c.sock.cipher()[0], c.sock.cipher()
            r = c.exchange('GET', '/me', AUTH)
            assert r.status == 200, r
            c.close()
            r = m.get('/tags')
            assert r.status == 200

        @S.case('TLS: CA cert is CA:TRUE with keyCertSign, CN source-pylon '
                'test CA')
        def _():
            import subprocess
            txt = subprocess.run(['openssl', 'x509', '-in', m.ca_file,
                                  '-noout', '-text'], capture_output=True,
                                 text=True).stdout
            assert 'CN = source-pylon test CA' in txt
            assert re.search(r'Basic Constraints: critical\s+CA:TRUE', txt)
            assert 'Certificate Sign' in txt

        @S.case('TLS: wrong hostname fails verification')
        def _():
            try:
                RawConn('127.0.0.1', m.port, ctx,
                        server_hostname='example.com')
                assert False, 'handshake passed'
            except ssl.SSLCertVerificationError:
                pass

        @S.case('TLS: close_notify on clean close, none on close_before')
        def _():
            c = RawConn('127.0.0.1', m.port, ctx)
            r = c.exchange('GET', '/me', dict(AUTH, Connection='close'))
            assert r.status == 200
            c.sock.settimeout(2)
            assert c.sock.recv(10) == b''       # clean TLS EOF
            c.close()
            m.faults([{'fault': 'close_before', 'count': 1}])
            c = RawConn('127.0.0.1', m.port, ctx)
            r = c.exchange('GET', '/me', AUTH)
            assert r.error == 'eof_before_status' and r.ragged, r
            c.close()
            m.faults([{'fault': 'close_mid_body', 'count': 1}])
            c = RawConn('127.0.0.1', m.port, ctx)
            r = c.exchange('GET', '/me', AUTH)
            assert r.error == 'eof_in_body' and r.ragged, r
            c.close()
            m.clear_faults()

        @S.case('TLS: tls_garbage rule -> handshake fails; next connection '
                'fine')
        def _():
            m.faults([{'fault': 'tls_garbage', 'count': 1}])
            try:
                RawConn('127.0.0.1', m.port, ctx)
                assert False, 'handshake passed'
            except (ssl.SSLError, OSError):
                pass
            c = RawConn('127.0.0.1', m.port, ctx)
            assert c.exchange('GET', '/me', AUTH).status == 200
            c.close()
            m.clear_faults()
            assert any(e['fault'] == 'tls_garbage' for e in m.log())

        @S.case('TLS: chunked and keep-alive over TLS')
        def _():
            m.config(chunked=True)
            c = RawConn('127.0.0.1', m.port, ctx)
            for _ in range(3):
                r = c.exchange('GET', '/users?limit=4', AUTH)
                assert r.status == 200 and r.chunked
                assert len(json.loads(r.body)['data']) == 4
            c.close()
            m.config(chunked=False)

    with MockServer('--issues', '3', '--tls-key', 'rsa', tls=True) as m:
        @S.case('TLS: --tls-key rsa')
        def _():
            ctx = ssl.create_default_context(cafile=m.ca_file)
            c = RawConn('127.0.0.1', m.port, ctx)
            assert 'RSA' in c.sock.cipher()[0], c.sock.cipher()
            assert c.exchange('GET', '/me', AUTH).status == 200
            c.close()


# ---------------------------------------------------------------------------
def determinism_tests():
    def truth_of(*args):
        with MockServer('--now', NOW, '--issues', '40', *args) as m:
            t = m.truth()
            t.pop('now_ms')
            return t

    @S.case('determinism: same seed -> same truth; other seed differs')
    def _():
        a = truth_of('--seed', '5')
        b = truth_of('--seed', '5')
        c = truth_of('--seed', '6')
        assert a == b
        assert a['streams']['issues'] != c['streams']['issues']


if __name__ == '__main__':
    main()
