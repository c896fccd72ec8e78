"""The Pylon endpoints and the /_mock admin API.

App.handle(req) turns a parsed Request into a Response.  Order of checks for
API paths: fault rules, route (404/405), auth (401), rate limit (429),
parameters (400), handler (404 for unknown ids).  Admin paths (/_mock/...)
have no auth, no faults, no rate limits and are not logged.
"""
import base64
import binascii
import bisect
import collections
import gzip as gzipmod
import json
import os
import random
import re
import signal
import threading
import time
import uuid

from . import ratelimit
from .data import DAY, OBJECT_TYPES
from .faults import SYNTHETIC
from .timeutil import fmt_ms, http_date, parse_rfc3339_ms

MINIMAL_EMPTY = frozenset((
    'GET /issues', 'POST /issues/search', 'GET /issues/{id}/messages',
    'GET /issues/{id}/threads', 'GET /knowledge-bases/{id}/articles'))
MAX_LIMIT = 999
MAX_DEPTH = 3
TIME_FIELDS = ('created_at', 'updated_at')
ID_FIELDS = {
    'state': lambda f: f['state'],
    'team_id': lambda f: (f['team'] or {}).get('id'),
    'account_id': lambda f: (f['account'] or {}).get('id'),
    'requester_id': lambda f: (f['requester'] or {}).get('id'),
    'assignee_id': lambda f: (f['assignee'] or {}).get('id'),
}
_LIMIT_RE = re.compile(r'^[0-9]{1,9}$')


class Request:
    __slots__ = ('method', 'path', 'query', 'headers', 'body', 'conn_id',
                 'template', 'auth_ok', 'json', 't0', 'version')

    def __init__(self, method, path, query, headers, body, conn_id,
                 version='HTTP/1.1'):
        self.method = method
        self.path = path
        self.query = query          # name -> [values]
        self.headers = headers      # lower-case name -> value
        self.body = body
        self.conn_id = conn_id
        self.template = None
        self.auth_ok = False
        self.json = None
        self.t0 = time.time()
        self.version = version

    def q(self, name):
        v = self.query.get(name)
        return v[-1] if v else None


class Response:
    __slots__ = ('status', 'headers', 'body', 'fault', 'endless', 'admin',
                 'request_id')

    def __init__(self, status, body, headers=None, request_id=None):
        self.status = status
        self.body = body
        self.headers = headers or []
        self.fault = None
        self.endless = None
        self.admin = False
        self.request_id = request_id


class ApiError(Exception):
    def __init__(self, status, msg, **extra):
        Exception.__init__(self, msg)
        self.status = status
        self.msg = msg
        self.extra = extra


def _rid():
    return str(uuid.uuid4())


class SortedView:
    """A filtered list of records in keyset order (same API as Coll)."""

    def __init__(self, recs):
        self.recs = recs
        self.keys = [(-r.ms, r.id) for r in recs]

    def start_index(self, after):
        if after is None:
            return 0
        return bisect.bisect_right(self.keys, (-after[0], after[1]))


class App:
    def __init__(self, ns, cfg, store, faults, log_file=None):
        self.ns = ns
        self.cfg = cfg
        self.store = store
        self.faults = faults
        self.limiter = ratelimit.RateLimiter(cfg)
        self.org_id = str(uuid.UUID(
            int=random.Random(ns.seed * 7919 + 17).getrandbits(128),
            version=4))
        self.lock = threading.Lock()
        self.log = []
        self.log_file = open(log_file, 'a', encoding='utf-8') \
            if log_file else None
        self.search_cache = collections.OrderedDict()
        self.reset_stats()
        self.routes_static = {
            '/me': ('GET', 'GET /me', self.h_me),
            '/accounts': ('GET', 'GET /accounts',
                          lambda r: self.simple(r, self.store.accounts)),
            '/activity-types': ('GET', 'GET /activity-types',
                                lambda r: self.simple(
                                    r, self.store.activity_types)),
            '/contacts': ('GET', 'GET /contacts',
                          lambda r: self.simple(r, self.store.contacts)),
            '/custom-fields': ('GET', 'GET /custom-fields',
                               self.h_custom_fields),
            '/issues': ('GET', 'GET /issues', self.h_issues),
            '/issues/search': ('POST', 'POST /issues/search',
                               self.h_search),
            '/issue-statuses': ('GET', 'GET /issue-statuses',
                                lambda r: self.simple(
                                    r, self.store.issue_statuses)),
            '/knowledge-bases': ('GET', 'GET /knowledge-bases',
                                 lambda r: self.simple(r, self.store.kbs)),
            '/tags': ('GET', 'GET /tags',
                      lambda r: self.simple(r, self.store.tags)),
            '/teams': ('GET', 'GET /teams',
                       lambda r: self.simple(r, self.store.teams)),
            '/ticket-forms': ('GET', 'GET /ticket-forms',
                              lambda r: self.simple(
                                  r, self.store.ticket_forms)),
            '/user-roles': ('GET', 'GET /user-roles',
                            lambda r: self.simple(r, self.store.user_roles)),
            '/users': ('GET', 'GET /users',
                       lambda r: self.simple(r, self.store.users)),
        }
        self.routes_dyn = [
            (re.compile(r'^/issues/([^/]+)/messages$'), 'GET',
             'GET /issues/{id}/messages', self.h_messages),
            (re.compile(r'^/issues/([^/]+)/threads$'), 'GET',
             'GET /issues/{id}/threads', self.h_threads),
            (re.compile(r'^/issues/([^/]+)$'), 'GET', 'GET /issues/{id}',
             self.h_issue),
            (re.compile(r'^/knowledge-bases/([^/]+)/articles$'), 'GET',
             'GET /knowledge-bases/{id}/articles', self.h_articles),
        ]

    # ---- bookkeeping ---------------------------------------------------
    def reset_stats(self):
        with self.lock:
            self.stats = {'requests': 0, 'by_endpoint': {}, 'by_status': {},
                          'rate_limited': 0, 'rate_limited_by_endpoint': {},
                          'faults': 0, 'faults_by_kind': {},
                          'connections': 0,
                          'bytes_sent': 0}

    def conn_accepted(self):
        with self.lock:
            self.stats['connections'] += 1

    def record(self, req, resp, nbytes, fault_kind):
        """Called by the server when a response is finished (or cut)."""
        if resp is not None and resp.admin:
            return
        body = None
        if req.method == 'POST':
            body = req.json
            if body is None and req.body:
                body = req.body.decode('utf-8', 'replace')
        auth = req.headers.get('authorization')
        entry = {
            't': int(req.t0 * 1000), 'conn': req.conn_id,
            'method': req.method, 'path': req.path,
            'query': {k: (v[-1] if len(v) == 1 else v)
                      for k, v in req.query.items()},
            'body': body,
            'status': (resp.status if resp is not None and resp.status
                       else None),
            'bytes': nbytes, 'fault': fault_kind, 'auth_ok': req.auth_ok,
            'template': req.template,
            'auth': ('missing' if auth is None else
                     'bearer' if auth.startswith('Bearer ') else 'other'),
            'headers': {k: v for k, v in req.headers.items()
                        if k != 'authorization'},
            'request_id': resp.request_id if resp else None,
            'ms': int((time.time() - req.t0) * 1000),
        }
        with self.lock:
            s = self.stats
            s['requests'] += 1
            key = req.template or '%s (unrouted)' % req.method
            s['by_endpoint'][key] = s['by_endpoint'].get(key, 0) + 1
            st = str(entry['status'])
            s['by_status'][st] = s['by_status'].get(st, 0) + 1
            if entry['status'] == 429:
                s['rate_limited'] += 1
                s['rate_limited_by_endpoint'][key] = \
                    s['rate_limited_by_endpoint'].get(key, 0) + 1
            if fault_kind:
                s['faults'] += 1
                s['faults_by_kind'][fault_kind] = \
                    s['faults_by_kind'].get(fault_kind, 0) + 1
            s['bytes_sent'] += nbytes or 0
            if len(self.log) < 200000:
                self.log.append(entry)
            if self.log_file:
                self.log_file.write(json.dumps(entry, ensure_ascii=False)
                                    + '\n')
                self.log_file.flush()

    # ---- response helpers ----------------------------------------------
    def dumps(self, obj):
        if self.cfg.pretty:
            return json.dumps(obj, ensure_ascii=False, indent=2).encode()
        return json.dumps(obj, ensure_ascii=False,
                          separators=(',', ':')).encode('utf-8')

    def json_resp(self, status, obj, headers=None, rid=None):
        return Response(status, self.dumps(obj),
                        [('Content-Type', self.cfg.content_type)] +
                        (headers or []), request_id=rid)

    def error(self, status, msg, headers=None, **extra):
        rid = _rid()
        obj = {'errors': [msg]}
        obj.update(extra)
        obj['request_id'] = rid
        return self.json_resp(status, obj, headers, rid)

    def one(self, data):
        rid = _rid()
        return self.json_resp(200, {'data': data, 'request_id': rid},
                              rid=rid)

    def rec_one(self, rec):
        rid = _rid()
        if self.cfg.pretty:
            return self.one(rec.render(self.cfg.fractional_timestamps))
        body = b'{"data":' + rec.frag(self.cfg.fractional_timestamps) + \
            b',"request_id":"' + rid.encode() + b'"}'
        return Response(200, body, [('Content-Type', self.cfg.content_type)],
                        request_id=rid)

    def list_resp(self, req, recs, pag, raw=False):
        """recs: Rec objects (or dicts when raw); pag: None (no pagination
        key) or (cursor, has_next)."""
        rid = _rid()
        cfg = self.cfg
        frac = cfg.fractional_timestamps
        if not recs:
            style = cfg.empty_style
            minimal = style == 'minimal' or (
                style == 'mixed' and req.template in MINIMAL_EMPTY)
            if minimal:
                return self.json_resp(200, {'request_id': rid}, rid=rid)
        if cfg.pretty:
            obj = {'data': [x if raw else x.render(frac) for x in recs]}
            if pag is not None:
                obj['pagination'] = {'cursor': pag[0],
                                     'has_next_page': pag[1]}
            obj['request_id'] = rid
            return self.json_resp(200, obj, rid=rid)
        if raw:
            frags = [json.dumps(x, ensure_ascii=False,
                                separators=(',', ':')).encode('utf-8')
                     for x in recs]
        else:
            frags = [x.frag(frac) for x in recs]
        parts = [b'{"data":[', b','.join(frags), b']']
        if pag is not None:
            parts.append(b',"pagination":{"cursor":"%s","has_next_page":%s}'
                         % (pag[0].encode(), b'true' if pag[1] else b'false'))
        parts.append(b',"request_id":"%s"}' % rid.encode())
        return Response(200, b''.join(parts),
                        [('Content-Type', cfg.content_type)], request_id=rid)

    # ---- paging --------------------------------------------------------
    @staticmethod
    def encode_cursor(rec):
        return base64.b64encode(('%s|%s' % (fmt_ms(rec.ms, True), rec.id))
                                .encode('utf-8')).decode('ascii')

    @staticmethod
    def decode_cursor(cur):
        try:
            raw = base64.b64decode(cur.encode('ascii'), validate=True)
            text = raw.decode('utf-8')
        except (binascii.Error, ValueError, UnicodeError):
            raise ApiError(400, 'invalid cursor')
        ts, sep, rid = text.partition('|')
        if not sep or not rid or len(ts) != 24 or ts[19] != '.':
            raise ApiError(400, 'invalid cursor')
        ms = parse_rfc3339_ms(ts)
        if ms is None:
            raise ApiError(400, 'invalid cursor')
        return ms, rid

    def parse_limit(self, value):
        if value is None:
            return 100
        if isinstance(value, bool) or not (
                isinstance(value, int) or
                (isinstance(value, str) and _LIMIT_RE.match(value))):
            raise ApiError(400, 'limit must be an integer greater than 0 '
                           'and less than 1000')
        n = int(value)
        if n < 1 or n > MAX_LIMIT:
            raise ApiError(400, 'limit must be greater than 0 and less than '
                           '1000')
        return n

    def paged(self, req, coll, lo=0, hi=None, limit=None, cursor=None):
        if hi is None:
            hi = len(coll.recs)
        after = self.decode_cursor(cursor) if cursor else None
        size = min(limit, self.cfg.page_cap)
        start = max(lo, coll.start_index(after))
        end = min(hi, start + size)
        recs = coll.recs[start:end]
        more = end < hi
        if not more and self.cfg.lazy_has_next and recs and \
                len(recs) == size:
            more = True
        pag = (self.encode_cursor(recs[-1]), True) if more and recs \
            else ('', False)
        return self.list_resp(req, recs, pag)

    def simple(self, req, coll):
        limit = self.parse_limit(req.q('limit'))
        with self.store.lock:
            return self.paged(req, coll, limit=limit,
                              cursor=req.q('cursor') or None)

    # ---- handlers ------------------------------------------------------
    def h_me(self, req):
        return self.one({'id': self.org_id, 'name': 'Mock Org — Pylon ✓'})

    def h_custom_fields(self, req):
        ot = req.q('object_type')
        if not ot:
            raise ApiError(400, 'object_type is required')
        if ot not in OBJECT_TYPES:
            raise ApiError(400, 'object_type must be one of ' +
                           ', '.join(OBJECT_TYPES))
        return self.simple(req, self.store.custom_fields[ot])

    def _bounds(self, default):
        mode = self.cfg.bounds or default
        return (mode in ('inclusive', 'start-inclusive'),
                mode in ('inclusive', 'end-inclusive'))

    def h_issues(self, req):
        st, et = req.q('start_time'), req.q('end_time')
        if not st or not et:
            raise ApiError(400, 'start_time and end_time are required')
        s, e = parse_rfc3339_ms(st), parse_rfc3339_ms(et)
        if s is None:
            raise ApiError(400, 'start_time must be a valid RFC3339 '
                           'timestamp')
        if e is None:
            raise ApiError(400, 'end_time must be a valid RFC3339 timestamp')
        if e < s:
            raise ApiError(400, 'end_time must be after start_time')
        cap = self.cfg.issues_window_cap_days
        if cap > 0:
            span, lim = e - s, int(cap * DAY)
            if span > lim or (self.cfg.window_cap_strict and span >= lim):
                raise ApiError(400, 'the duration between start_time and '
                               'end_time must be %s %g days' % (
                                   'less than' if self.cfg.window_cap_strict
                                   else 'less than or equal to', cap))
        lo_incl, hi_incl = self._bounds('start-inclusive')
        with self.store.lock:
            coll = self.store.issues
            a, b = coll.window(s, lo_incl, e, hi_incl)
            if not self.cfg.issues_get_paginates:
                return self.list_resp(req, coll.recs[a:b], None)
            limit = self.parse_limit(req.q('limit'))
            return self.paged(req, coll, a, b, limit,
                              req.q('cursor') or None)

    def _compile(self, f, depth, lo_incl, hi_incl):
        if depth > MAX_DEPTH:
            raise ApiError(400, 'filter exceeds the maximum depth of %d' %
                           MAX_DEPTH)
        if not isinstance(f, dict):
            raise ApiError(400, 'filter must be an object')
        op, field = f.get('operator'), f.get('field')
        if op in ('and', 'or'):
            subs = f.get('subfilters')
            if not isinstance(subs, list) or not subs:
                raise ApiError(400, '%s filter requires subfilters' % op)
            preds = [self._compile(x, depth + 1, lo_incl, hi_incl)
                     for x in subs]
            if op == 'and':
                return lambda fl: all(p(fl) for p in preds)
            return lambda fl: any(p(fl) for p in preds)
        if op in ('time_is_after', 'time_is_before'):
            if field not in TIME_FIELDS:
                raise ApiError(400, 'unsupported field %r for operator %s' %
                               (field, op))
            v = parse_rfc3339_ms(f.get('value'))
            if v is None:
                raise ApiError(400, 'value for %s must be an RFC3339 '
                               'timestamp' % op)
            if op == 'time_is_after':
                if lo_incl:
                    return lambda fl: fl[field] >= v
                return lambda fl: fl[field] > v
            if hi_incl:
                return lambda fl: fl[field] <= v
            return lambda fl: fl[field] < v
        if op in ('equals', 'in', 'not_in'):
            if field not in ID_FIELDS:
                raise ApiError(400, 'unsupported field %r for operator %s' %
                               (field, op))
            get = ID_FIELDS[field]
            if op == 'equals':
                v = f.get('value')
                if not isinstance(v, str):
                    raise ApiError(400, 'equals requires a string value')
                return lambda fl: get(fl) == v
            vals = f.get('values')
            if not isinstance(vals, list) or not all(
                    isinstance(x, str) for x in vals):
                raise ApiError(400, '%s requires values (array of strings)'
                               % op)
            vs = frozenset(vals)
            if op == 'in':
                return lambda fl: get(fl) in vs
            return lambda fl: get(fl) not in vs
        if op is None:
            raise ApiError(400, 'filter operator is required')
        raise ApiError(400, 'unsupported operator %r' % (op,))

    def _check_span(self, f, cap_ms, now):
        """--search-window-cap-days: each and-group's range per field."""
        if not isinstance(f, dict):
            return
        op = f.get('operator')
        if op == 'or':
            for x in f.get('subfilters') or []:
                self._check_span(x, cap_ms, now)
            return
        leaves = f.get('subfilters') if op == 'and' else [f]
        rng = {}
        for x in leaves or []:
            if not isinstance(x, dict):
                continue
            xo = x.get('operator')
            if xo in ('and', 'or'):
                self._check_span(x, cap_ms, now)
            elif xo in ('time_is_after', 'time_is_before'):
                v = parse_rfc3339_ms(x.get('value'))
                lo, hi = rng.get(x.get('field'), (None, None))
                if xo == 'time_is_after':
                    lo = v if lo is None else max(lo, v)
                else:
                    hi = v if hi is None else min(hi, v)
                rng[x.get('field')] = (lo, hi)
        for field, (lo, hi) in rng.items():
            if lo is None or (hi if hi is not None else now) - lo > cap_ms:
                raise ApiError(400, 'the time range for %s must be less than '
                               'or equal to %g days' % (
                                   field, cap_ms / DAY))

    def h_search(self, req):
        body = req.json if req.body else {}
        if body is None:
            raise ApiError(400, 'request body must be valid JSON')
        if not isinstance(body, dict):
            raise ApiError(400, 'request body must be a JSON object')
        lim = body.get('limit')
        if lim is not None and (isinstance(lim, bool) or
                                not isinstance(lim, int)):
            raise ApiError(400, 'limit must be an integer greater than 0 '
                           'and less than 1000')
        limit = self.parse_limit(lim)
        cursor = body.get('cursor')
        if cursor is not None and not isinstance(cursor, str):
            raise ApiError(400, 'cursor must be a string')
        flt = body.get('filter')
        lo_incl, hi_incl = self._bounds('exclusive')
        pred = None
        if flt is not None:
            pred = self._compile(flt, 1, lo_incl, hi_incl)
            cap = self.cfg.search_window_cap_days
            if cap > 0:
                self._check_span(flt, int(cap * DAY), self.store.clock_ms())
        with self.store.lock:
            key = (json.dumps(flt, sort_keys=True), lo_incl, hi_incl,
                   self.store.version)
            view = self.search_cache.get(key)
            if view is None:
                recs = self.store.issues.recs
                if pred is not None:
                    recs = [x for x in recs if pred(x.fields)]
                view = SortedView(recs)
                self.search_cache[key] = view
                if len(self.search_cache) > 64:
                    self.search_cache.popitem(last=False)
            else:
                self.search_cache.move_to_end(key)
            return self.paged(req, view, limit=limit, cursor=cursor or None)

    def _issue_or_404(self, key):
        rec = self.store.issue(key)
        if rec is None:
            raise ApiError(404, 'Issue not found')
        return rec

    def h_issue(self, req, key):
        with self.store.lock:
            return self.rec_one(self._issue_or_404(key))

    def h_messages(self, req, key):
        limit = self.parse_limit(req.q('limit'))
        with self.store.lock:
            rec = self._issue_or_404(key)
            return self.paged(req, self.store.messages[rec.id], limit=limit,
                              cursor=req.q('cursor') or None)

    def h_threads(self, req, key):
        with self.store.lock:
            rec = self._issue_or_404(key)
            return self.list_resp(req, list(self.store.threads[rec.id]),
                                  None, raw=True)

    def h_articles(self, req, key):
        limit = self.parse_limit(req.q('limit'))
        with self.store.lock:
            if self.store.kb(key) is None:
                raise ApiError(404, 'Knowledge base not found')
            return self.paged(req, self.store.articles[key], limit=limit,
                              cursor=req.q('cursor') or None)

    # ---- auth / rate ---------------------------------------------------
    def check_auth(self, req):
        h = req.headers.get('authorization')
        if h is None:
            raise ApiError(401, 'Missing Authorization header')
        if not h.startswith('Bearer '):
            raise ApiError(401, 'Authorization header must be "Bearer '
                           '<token>"')
        tok = h[7:].strip()
        if tok == self.cfg.token:
            return
        eu_tok = tok.startswith('pylon_api_eu_')
        us_tok = tok.startswith('pylon_api_') and not eu_tok
        if self.cfg.region == 'us' and eu_tok:
            raise ApiError(401, 'wrong_region_token: this API token belongs '
                           'to the EU region; use https://api.eu.usepylon.'
                           'com', code='wrong_region_token')
        if self.cfg.region == 'eu' and us_tok:
            raise ApiError(401, 'wrong_region_token: this API token belongs '
                           'to the US region; use https://api.usepylon.com',
                           code='wrong_region_token')
        raise ApiError(401, 'Invalid API token')

    def rate_headers(self, dec):
        style = self.cfg.rate_headers
        if style == 'none' or dec is None:
            return []
        h = [('X-Rate-Limit-Remaining', str(dec.remaining))]
        if style == 'full':
            h += [('X-Rate-Limit-Limit', str(dec.limit)),
                  ('X-Rate-Limit-Reset', str(dec.reset_epoch))]
        return h

    def too_many(self, template, retry_s, extra_headers=(), budget=None):
        style = self.cfg.retry_after_style
        h = list(extra_headers)
        if style == 'seconds':
            h.append(('Retry-After', str(retry_s)))
        elif style == 'date':
            h.append(('Retry-After', http_date(time.time() + retry_s)))
        msg = 'Rate limit exceeded for %s' % template
        if budget is not None:
            msg += ' (%d requests per %g seconds)' % (
                budget, self.cfg.rate_window)
        return self.error(429, msg, h)

    # ---- faults --------------------------------------------------------
    def fault_response(self, req, rule):
        kind = rule.fault
        if kind == 'status':
            h = []
            if rule.retry_after is not None:
                h.append(('Retry-After', rule.retry_after))
            msgs = {400: 'Bad request', 401: 'Unauthorized',
                    403: 'Forbidden', 404: 'Not found',
                    500: 'Internal server error', 502: 'Bad gateway',
                    503: 'Service unavailable', 504: 'Gateway timeout'}
            return self.error(rule.status, msgs.get(
                rule.status, 'Injected error %d' % rule.status), h)
        if kind == '429':
            ra = rule.retry_after or '1'
            h = []
            if ra.startswith('date:'):
                h.append(('Retry-After',
                          http_date(time.time() + float(ra[5:]))))
            elif ra != 'none':
                h.append(('Retry-After', ra))
            return self.error(429, 'Rate limit exceeded', h)
        if kind == 'invalid_json':
            return Response(200, b'{"data": [{"id": "abc", "title": "trunc'
                            b'ated\x00 \xff\xfe not json ]]}',
                            [('Content-Type', self.cfg.content_type)])
        if kind == 'wrong_content':
            v = rule.variant
            rid = _rid()
            if v == 'html':
                return Response(200, b'<!DOCTYPE html><html><head><title>'
                                b'Pylon</title></head><body><h1>Maintenance'
                                b'</h1></body></html>\n',
                                [('Content-Type', 'text/html; charset=utf-8')])
            obj = {'data_string': {'data': 'oops', 'request_id': rid},
                   'array': [],
                   'data_object': {'data': {'id': 'x'}, 'pagination':
                                   {'cursor': '', 'has_next_page': False},
                                   'request_id': rid},
                   'double_wrapped': {'data': {'data': []},
                                      'request_id': rid},
                   'null_data': {'data': None, 'pagination': None,
                                 'request_id': rid}}[v]
            return self.json_resp(200, obj)
        if kind == 'oversized_headers':
            resp = self.one({'ok': True})
            line_len = 20
            n = max(1, rule.size // line_len)
            resp.headers += [('X-Pad-%05d' % i, 'x' * (line_len - 14))
                             for i in range(n)]
            return resp
        if kind == 'endless_body':
            resp = Response(200, b'', [('Content-Type',
                                        self.cfg.content_type)])
            resp.endless = self.endless_chunks
            return resp
        # close_before, stall, reset: nothing to send
        return Response(0, b'')

    def endless_chunks(self):
        yield b'{"data":['
        recs = self.store.issues.recs or [None]
        i = 0
        while True:
            r = recs[i % len(recs)]
            frag = r.frag(False) if r is not None else b'{"id":"x"}'
            yield frag + b','
            i += 1

    # ---- entry ---------------------------------------------------------
    def route(self, method, path):
        hit = self.routes_static.get(path)
        if hit is not None:
            return hit[0], hit[1], hit[2], ()
        for rx, m, tmpl, fn in self.routes_dyn:
            mo = rx.match(path)
            if mo:
                return m, tmpl, fn, mo.groups()
        return None

    def handle(self, req):
        if req.path == '/_mock' or req.path.startswith('/_mock/'):
            try:
                resp = self.admin(req)
            except ApiError as e:
                resp = self.error(e.status, e.msg, **e.extra)
            except (ValueError, TypeError, KeyError) as e:
                resp = self.error(400, 'bad admin request: %s' % e)
            resp.admin = True
            return resp
        if req.method == 'POST' and req.body:
            try:
                req.json = json.loads(req.body.decode('utf-8'))
            except (ValueError, UnicodeError):
                req.json = None
        rt = self.route(req.method, req.path)
        if rt is not None:
            req.template = rt[1]
        rule = self.faults.for_request(req.method, req.path)
        if rule is not None and rule.fault in SYNTHETIC:
            resp = self.fault_response(req, rule)
            resp.fault = rule
            return resp
        resp = self.api(req, rt)
        resp.fault = rule
        if self.cfg.gzip and resp.body and 'gzip' in req.headers.get(
                'accept-encoding', ''):
            resp.body = gzipmod.compress(resp.body, 6)
            resp.headers.append(('Content-Encoding', 'gzip'))
        return resp

    def api(self, req, rt):
        if rt is None:
            return self.error(404, 'Not found: %s' % req.path)
        method, template, fn, args = rt
        try:
            self.check_auth(req)
        except ApiError as e:
            return self.error(e.status, e.msg, **e.extra)
        req.auth_ok = True
        if req.method != method:
            return self.error(405, 'Method %s not allowed' % req.method,
                              [('Allow', method)])
        dec = None
        if self.cfg.rate_limits:
            dec = self.limiter.check(template)
            if not dec.allowed:
                return self.too_many(template, dec.retry_after,
                                     self.rate_headers(dec), dec.limit)
        try:
            resp = fn(req, *args)
        except ApiError as e:
            resp = self.error(e.status, e.msg, **e.extra)
        resp.headers += self.rate_headers(dec)
        return resp

    # ---- admin ---------------------------------------------------------
    def admin(self, req):
        p, m = req.path, req.method
        body = None
        if req.body:
            try:
                body = json.loads(req.body.decode('utf-8'))
            except (ValueError, UnicodeError):
                raise ApiError(400, 'admin body must be JSON')
        if body is None:
            body = {}
        ok = {'ok': True}
        if p == '/_mock/health':
            return self.json_resp(200, ok)
        if p == '/_mock/truth' and m == 'GET':
            return self.json_resp(200, self.store.truth(
                self.cfg.fractional_timestamps))
        if p == '/_mock/mutate' and m == 'POST':
            return self.json_resp(200, self.store.mutate(
                int(body.get('new_issues', 0)),
                int(body.get('update_issues', 0)),
                int(body.get('new_messages', 0))))
        if p == '/_mock/issues' and m == 'POST':
            specs = body.get('issues')
            if not isinstance(specs, list):
                raise ApiError(400, 'body must be {"issues": [...]}')
            return self.json_resp(200, self.store.plant(specs))
        if p == '/_mock/config':
            if m == 'POST':
                errs = self.cfg.update(body)
                if errs:
                    raise ApiError(400, '; '.join(errs))
                if any(k.replace('-', '_').startswith('rate_')
                       for k in body):
                    self.limiter.reset()
            if m in ('GET', 'POST'):
                return self.json_resp(200, self.cfg.snapshot())
        if p == '/_mock/faults':
            if m == 'POST':
                rules = body.get('rules') if isinstance(body, dict) else body
                if not isinstance(rules, list):
                    raise ApiError(400, 'body must be {"rules": [...]}')
                self.faults.set(rules)
            elif m == 'DELETE':
                self.faults.clear()
            if m in ('GET', 'POST', 'DELETE'):
                return self.json_resp(200, {'rules':
                                            self.faults.describe()})
        if p == '/_mock/log':
            if m == 'GET':
                since = int(req.q('since') or 0)
                with self.lock:
                    return self.json_resp(200, self.log[since:])
            if m == 'DELETE':
                with self.lock:
                    self.log = []
                return self.json_resp(200, ok)
        if p == '/_mock/stats':
            if m == 'GET':
                with self.lock:
                    return self.json_resp(200, json.loads(json.dumps(
                        self.stats)))
            if m == 'DELETE':
                self.reset_stats()
                return self.json_resp(200, ok)
        if p == '/_mock/ratelimit' and m == 'DELETE':
            self.limiter.reset()
            return self.json_resp(200, ok)
        if p == '/_mock/shutdown' and m == 'POST':
            threading.Timer(0.05, os.kill,
                            (os.getpid(), signal.SIGTERM)).start()
            return self.json_resp(200, ok)
        raise ApiError(404, 'unknown admin endpoint %s %s' % (m, p))
