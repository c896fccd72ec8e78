"""Drive the Pylon mock from Python tests.

    import sys; sys.path.insert(0, 'tests/mock')
    from client import MockServer

    with MockServer('--issues', '50', tls=True) as m:
        m.url, m.ca_file, m.token        # what the connector needs
        m.config(rate_limits=True)       # POST /_mock/config
        m.faults([{"path": "^/issues$", "fault": "status", "status": 503,
                   "count": 1}])
        r = m.get('/tags', limit=5)      # one API call -> Reply
        m.truth()['streams']['issues']   # what a full sync must return

The server always stops when the with-block ends, also on errors; it also
exits by itself if this process dies (it watches its stdin).  Every admin
helper raises MockError on a non-2xx answer.
"""
import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, 'pylon_mock.py')
DEFAULT_TOKEN = 'pylon_api_test_0123456789abcdef'
TLS_CACHE = os.path.join(tempfile.gettempdir(),
                         'source-pylon-mock-tls-%d' % os.getuid())


class MockError(Exception):
    pass


class Reply:
    """One HTTP answer: status, headers (lower-case dict), raw body bytes,
    and .json (parsed body, or None when it is not JSON)."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw.decode('utf-8')) if raw else None
        except (ValueError, UnicodeError):
            self.json = None

    def __repr__(self):
        return 'Reply(%d, %r)' % (self.status, self.raw[:200])


class MockServer:
    """A mock server subprocess.

    args: extra command-line switches (strings).  tls=True adds --tls and,
    unless workdir is given, reuses certificates cached in TLS_CACHE.
    token: the accepted token (also passed as --token when not default).
    """

    def __init__(self, *args, tls=False, workdir=None, token=DEFAULT_TOKEN,
                 startup_timeout=60.0, log_file=None):
        self.args = [str(a) for a in args]
        self.tls = tls
        self.workdir = workdir or (TLS_CACHE if tls else None)
        self.token = token
        self.startup_timeout = startup_timeout
        self.log_file = log_file
        self.proc = None
        self.url = self.ca_file = self.admin = self.pid = None
        self.host, self.port = 'localhost', None
        self._ctx = None
        self._err = None

    # ---- lifecycle -----------------------------------------------------
    def start(self):
        cmd = [sys.executable, SERVER, '--exit-on-stdin-eof'] + self.args
        if self.tls:
            cmd += ['--tls', '--workdir', self.workdir]
        if self.token != DEFAULT_TOKEN:
            cmd += ['--token', self.token]
        if self.log_file:
            cmd += ['--log', self.log_file]
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self._err)
        box = []
        t = threading.Thread(target=lambda: box.append(
            self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(self.startup_timeout)
        line = box[0] if box else b''
        if not line:
            self.stop()
            raise MockError('mock did not start: %s' % self.stderr_text())
        info = json.loads(line)
        self.url, self.ca_file = info['url'], info['ca_file']
        self.admin, self.pid = info['admin'], info['pid']
        u = urllib.parse.urlsplit(self.url)
        self.host, self.port = u.hostname, u.port
        if self.ca_file:
            self._ctx = ssl.create_default_context(cafile=self.ca_file)
        return self

    def stop(self):
        """Stop the server (idempotent)."""
        p = self.proc
        if p is None:
            return
        self.proc = None
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for f in (p.stdin, p.stdout):
            try:
                f.close()
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        if self._err is None:
            return ''
        self._err.seek(0)
        return self._err.read().decode('utf-8', 'replace')[-4000:]

    def ssl_context(self):
        """ssl.SSLContext trusting the mock's CA (None for plain HTTP)."""
        return self._ctx

    def connector_env(self, base=None):
        """Environment for the connector: base (default os.environ) plus
        SSL_CERT_FILE=<ca_file> when the mock serves TLS."""
        env = dict(os.environ if base is None else base)
        if self.ca_file:
            env['SSL_CERT_FILE'] = self.ca_file
        return env

    def connector_config(self, start_date=None, **extra):
        """The connector's config.json content for this mock:
        {"api_token", "api_url", "start_date"?, **extra}."""
        cfg = {'api_token': self.token, 'api_url': self.url}
        if start_date is not None:
            cfg['start_date'] = start_date
        cfg.update(extra)
        return cfg

    # ---- HTTP ----------------------------------------------------------
    def connection(self, timeout=30):
        if self._ctx is not None:
            return http.client.HTTPSConnection(self.host, self.port,
                                               context=self._ctx,
                                               timeout=timeout)
        return http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout)

    def request(self, method, path, query=None, body=None, token=True,
                headers=None, timeout=30):
        """One request on a fresh connection -> Reply.  token=True sends
        the mock's token, a string sends that, None sends no
        Authorization header.  body: dict/list (sent as JSON) or bytes."""
        if query:
            path += '?' + urllib.parse.urlencode(query)
        h = {'Accept': 'application/json'}
        if token is True:
            token = self.token
        if token is not None:
            h['Authorization'] = 'Bearer ' + token
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode('utf-8')
            h['Content-Type'] = 'application/json'
        h.update(headers or {})
        c = self.connection(timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            raw = r.read()
            return Reply(r.status, {k.lower(): v for k, v in
                                    r.getheaders()}, raw)
        finally:
            c.close()

    def get(self, path, **query):
        """GET an API path with the token; keyword args are the query."""
        return self.request('GET', path, query or None)

    def search(self, body):
        """POST /issues/search with the given JSON body."""
        return self.request('POST', '/issues/search', body=body)

    def page_all(self, path, query=None, search_body=None, max_pages=10000):
        """Follow cursors; returns (records, pages).  For search pass
        search_body (path is then ignored).  Raises MockError on non-200."""
        out, pages, cursor = [], 0, None
        while pages < max_pages:
            if search_body is not None:
                b = dict(search_body)
                if cursor:
                    b['cursor'] = cursor
                r = self.search(b)
            else:
                q = dict(query or {})
                if cursor:
                    q['cursor'] = cursor
                r = self.request('GET', path, q)
            pages += 1
            if r.status != 200 or not isinstance(r.json, dict):
                raise MockError('%s -> %r' % (path, r))
            out.extend(r.json.get('data') or [])
            pg = r.json.get('pagination') or {}
            if not pg.get('has_next_page'):
                return out, pages
            cursor = pg.get('cursor')
        raise MockError('too many pages')

    # ---- admin API -----------------------------------------------------
    def _admin(self, method, sub, body=None, query=None):
        r = self.request(method, '/_mock/' + sub, query, body, token=None)
        if not 200 <= r.status < 300:
            raise MockError('%s /_mock/%s -> %r' % (method, sub, r))
        return r.json

    def truth(self):
        """GET /_mock/truth: {"streams": {...}, "issue_times": {...}}."""
        return self._admin('GET', 'truth')

    def mutate(self, new_issues=0, update_issues=0, new_messages=0):
        return self._admin('POST', 'mutate', {
            'new_issues': new_issues, 'update_issues': update_issues,
            'new_messages': new_messages})

    def plant_issues(self, issues):
        """issues: [{"created_at": "...", "updated_at": "...", "messages":
        n, "threads": n}] -> {"ids": [...], "numbers": [...]}."""
        return self._admin('POST', 'issues', {'issues': issues})

    def config(self, **changes):
        """POST /_mock/config (no args: GET) -> the whole config."""
        if not changes:
            return self._admin('GET', 'config')
        return self._admin('POST', 'config', changes)

    def faults(self, rules):
        return self._admin('POST', 'faults', {'rules': rules})

    def clear_faults(self):
        return self._admin('DELETE', 'faults')

    def log(self, since=0):
        return self._admin('GET', 'log', query={'since': since})

    def clear_log(self):
        return self._admin('DELETE', 'log')

    def stats(self):
        return self._admin('GET', 'stats')

    def clear_stats(self):
        return self._admin('DELETE', 'stats')

    def reset_rate_limits(self):
        return self._admin('DELETE', 'ratelimit')
