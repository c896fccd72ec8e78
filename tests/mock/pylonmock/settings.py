"""Command-line switches and the runtime-changeable configuration.

RUNTIME lists every switch that POST /_mock/config may change while the
server runs (key = switch name with '_' for '-').  The other switches are
read once at start (data sizes, TLS, port, files).
"""
import argparse
import threading

DEFAULT_TOKEN = 'pylon_api_test_0123456789abcdef'

BOUNDS = ('exclusive', 'inclusive', 'start-inclusive', 'end-inclusive')


def _bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ('yes', 'on', 'true', '1'):
        return True
    if isinstance(v, str) and v.lower() in ('no', 'off', 'false', '0'):
        return False
    if isinstance(v, int):
        return bool(v)
    raise ValueError('not a boolean: %r' % (v,))


def _choice(*choices):
    def conv(v):
        if v not in choices:
            raise ValueError('must be one of %s' % '|'.join(choices))
        return v
    return conv


def _bounds(v):
    if v is None or v == 'default':
        return None
    return _choice(*BOUNDS)(v)


def _nonneg_int(v):
    if isinstance(v, bool) or int(v) != float(v) or int(v) < 0:
        raise ValueError('must be an integer >= 0')
    return int(v)


def _pos_int(v):
    v = _nonneg_int(v)
    if v < 1:
        raise ValueError('must be >= 1')
    return v


def _nonneg_float(v):
    if isinstance(v, bool) or float(v) < 0:
        raise ValueError('must be >= 0')
    return float(v)


def _pos_float(v):
    if isinstance(v, bool) or float(v) <= 0:
        raise ValueError('must be > 0')
    return float(v)


def _budgets(v):
    if isinstance(v, str):      # "GET /issues=3,GET /tags=5"
        out = {}
        for part in filter(None, (p.strip() for p in v.split(','))):
            k, _, n = part.rpartition('=')
            out[k.strip()] = _nonneg_int(n)
        return out
    if not isinstance(v, dict):
        raise ValueError('must be an object {"GET /issues": 3, ...}')
    return {str(k): _nonneg_int(n) for k, n in v.items()}


# name: (converter, default, help)
RUNTIME = {
    'token': (str, DEFAULT_TOKEN, 'accepted bearer token'),
    'region': (_choice('us', 'eu'), 'us', 'region this server plays'),
    'bounds': (_bounds, None, 'time bound semantics: ' + '|'.join(BOUNDS)
               + ' (default: start-inclusive for GET /issues, exclusive '
               'for search)'),
    'empty_style': (_choice('minimal', 'full', 'mixed'), 'mixed',
                    'shape of empty list responses'),
    'page_cap': (_pos_int, 100, 'server-side max page size'),
    'lazy_has_next': (_bool, False, 'a full last page says has_next_page '
                      'true; the next page is then empty'),
    'fractional_timestamps': (_bool, False, 'render ~1/3 of timestamps '
                              'with .mmm'),
    'pretty': (_bool, False, 'indent JSON responses'),
    'chunked': (_bool, False, 'Transfer-Encoding: chunked bodies'),
    'connection_close': (_bool, False, 'Connection: close after each '
                         'response'),
    'max_requests_per_conn': (_nonneg_int, 0, 'close a connection after '
                              'N requests (0 = never)'),
    'announce_close': (_bool, False, 'with --max-requests-per-conn: send '
                       'Connection: close on the last response (default: '
                       'close silently)'),
    'idle_timeout': (_pos_float, 60.0, 'close idle keep-alive connections '
                     'after S seconds'),
    'issues_window_cap_days': (_nonneg_float, 30.0, 'GET /issues max '
                               'window in days (0 = no cap)'),
    'window_cap_strict': (_bool, False, 'GET /issues span must be < cap '
                          '(default <=)'),
    'search_window_cap_days': (_nonneg_float, 0.0, 'POST /issues/search '
                               'max time range per field (0 = no cap)'),
    'issues_get_paginates': (_bool, True, 'GET /issues pages (yes) or '
                             'returns everything at once (no)'),
    'rate_limits': (_bool, False, 'enforce per-endpoint rate limits'),
    'rate_multiplier': (_pos_float, 1.0, 'multiply every budget'),
    'rate_window': (_pos_float, 60.0, 'sliding window in seconds'),
    'rate_headers': (_choice('none', 'remaining', 'full'), 'remaining',
                     'rate-limit headers sent'),
    'rate_budgets': (_budgets, {}, 'per-template budget overrides, e.g. '
                     '"GET /issues=3,POST /issues/search=5"'),
    'retry_after_style': (_choice('seconds', 'date', 'none'), 'seconds',
                          'Retry-After on 429'),
    'content_type': (str, 'application/json', 'Content-Type of JSON '
                     'responses'),
    'gzip': (_bool, False, 'gzip bodies when the client accepts gzip'),
}


class Config:
    """Thread-safe holder of the runtime config (attribute access)."""

    def __init__(self, initial):
        self._lock = threading.Lock()
        self._values = {k: spec[1] for k, spec in RUNTIME.items()}
        self._values['rate_budgets'] = {}
        errs = self.update(initial)
        if errs:
            raise ValueError('; '.join(errs))

    def __getattr__(self, name):
        try:
            return self.__dict__['_values'][name]
        except KeyError:
            raise AttributeError(name)

    def update(self, changes):
        """Validate and apply; returns a list of error strings (nothing is
        applied if any)."""
        errs, new = [], {}
        for k, v in changes.items():
            key = k.replace('-', '_')
            if key not in RUNTIME:
                errs.append('unknown or not runtime-changeable: %s' % k)
                continue
            try:
                new[key] = RUNTIME[key][0](v)
            except (ValueError, TypeError) as e:
                errs.append('%s: %s' % (k, e))
        if not errs:
            with self._lock:
                self._values.update(new)
        return errs

    def snapshot(self):
        with self._lock:
            d = dict(self._values)
        d['rate_budgets'] = dict(d['rate_budgets'])
        return d


def build_parser():
    p = argparse.ArgumentParser(
        prog='pylon_mock.py',
        description='Mock Pylon REST API server (see tests/mock/README.md)')
    a = p.add_argument
    a('--port', type=int, default=0, help='TCP port on 127.0.0.1 (0=free)')
    a('--tls', action='store_true', help='serve HTTPS (TLS 1.2)')
    a('--http', action='store_true', help='serve plain HTTP (default)')
    a('--tls-key', choices=('ec', 'rsa'), default='ec',
      help='server key type')
    a('--tls-fault', choices=('none', 'garbage'), default='none',
      help='garbage: write non-TLS bytes before every handshake')
    a('--workdir', help='where TLS files go (default: a temp dir)')
    a('--ready-file', help='also write the ready JSON line here')
    a('--log', help='append one JSON line per API request to FILE')
    a('--exit-on-stdin-eof', action='store_true',
      help='exit when stdin closes (used by client.py)')
    # data
    a('--seed', type=int, default=1)
    a('--now', help='pretend this is the start time (RFC 3339 or epoch '
      'ms); default: the real start time')
    a('--days', type=float, default=90.0,
      help='issues are created over the last D days')
    a('--issues', type=int, default=200)
    a('--accounts', type=int, default=40)
    a('--contacts', type=int, default=80)
    a('--users', type=int, default=15)
    a('--teams', type=int, default=4)
    a('--tags', type=int, default=25)
    a('--user-roles', type=int, default=4)
    a('--ticket-forms', type=int, default=3)
    a('--activity-types', type=int, default=6)
    a('--custom-statuses', type=int, default=3,
      help='issue statuses beyond the 5 base ones')
    a('--custom-fields', type=int, default=6,
      help='custom fields per object type (about)')
    a('--kbs', type=int, default=2)
    a('--articles-per-kb', type=int, default=15)
    a('--messages-per-issue', type=int, default=6,
      help='each issue has 0..MAX messages')
    a('--threads-per-issue', type=int, default=2,
      help='each issue has 0..MAX threads')
    a('--big-body-bytes', type=int, default=0,
      help='some bodies are about B bytes (0 = all small)')
    a('--nul-in-strings', action='store_true',
      help='put a U+0000 in a few strings')
    # runtime-changeable
    for key, (conv, default, hlp) in RUNTIME.items():
        flag = '--' + key.replace('_', '-')
        if conv is _bool:
            if default is False:
                a(flag, nargs='?', const='yes', default=None, help=hlp)
            else:
                a(flag, default=None, help=hlp + ' (yes|no)')
        else:
            a(flag, default=None, help='%s (default %r)' % (hlp, default))
    return p


def parse(argv):
    p = build_parser()
    ns = p.parse_args(argv)
    initial = {}
    for key in RUNTIME:
        v = getattr(ns, key)
        if v is not None:
            initial[key] = v
    try:
        cfg = Config(initial)
    except ValueError as e:
        p.error(str(e))
    return ns, cfg
