"""Sockets, HTTP/1.1 parsing and writing, transport-level faults.

One thread per accepted connection (keep-alive).  A connection ends
cleanly (TLS close_notify via unwrap(), then close) on Connection: close,
--connection-close, --max-requests-per-conn, idle timeout or client EOF;
it is cut without close_notify by the faults that cut connections.
"""
import itertools
import select
import socket
import ssl
import struct
import threading
import time
import urllib.parse

from .api import Request, Response
from .timeutil import http_date

MAX_LINE = 65536
MAX_HEADERS = 200
MAX_BODY = 10 * 1024 * 1024
CHUNK_SIZES = (1, 7, 4093, 13, 65521, 3, 1021, 8191, 2)
REASONS = {200: 'OK', 400: 'Bad Request', 401: 'Unauthorized',
           403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
           413: 'Payload Too Large', 429: 'Too Many Requests',
           500: 'Internal Server Error', 502: 'Bad Gateway',
           503: 'Service Unavailable', 504: 'Gateway Timeout'}
GARBAGE = (b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'
           b'\x00\xff this is not TLS \xfe\x01' * 4)


class BadRequest(Exception):
    def __init__(self, status, msg):
        Exception.__init__(self, msg)
        self.status = status


class Cut(Exception):
    """The connection must be dropped without a clean close."""


_date_cache = [0, '']


def _date():
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[0] = now
        _date_cache[1] = http_date(now)
    return _date_cache[1]


def chunk_encode(body):
    out, i, k = [], 0, 0
    while i < len(body):
        n = CHUNK_SIZES[k % len(CHUNK_SIZES)]
        k += 1
        piece = body[i:i + n]
        i += n
        out.append(b'%x\r\n' % len(piece) + piece + b'\r\n')
    out.append(b'0\r\n\r\n')
    return b''.join(out)


class Server:
    def __init__(self, ns, cfg, app, ssl_ctx=None):
        self.ns = ns
        self.cfg = cfg
        self.app = app
        self.ssl_ctx = ssl_ctx
        self.ids = itertools.count(1)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', ns.port))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        # Best effort: also [::1] on the same port, for clients whose
        # "localhost" resolves to ::1 first.
        self.sock6 = None
        try:
            s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s6.bind(('::1', self.port))
            s6.listen(256)
            self.sock6 = s6
        except OSError:
            pass

    def serve_forever(self):
        if self.sock6 is not None:
            threading.Thread(target=self.accept_loop, args=(self.sock6,),
                             daemon=True).start()
        self.accept_loop(self.sock)

    def accept_loop(self, lsock):
        while True:
            try:
                c, _ = lsock.accept()
            except OSError:
                if lsock.fileno() < 0:
                    return
                continue
            cid = next(self.ids)
            t = threading.Thread(target=self.connection, args=(c, cid),
                                 daemon=True)
            t.start()

    # ---- connection ----------------------------------------------------
    def connection(self, raw, cid):
        self.app.conn_accepted()
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        sock = raw
        clean = False
        try:
            rule = self.app.faults.for_connection()
            if rule is not None or self.ns.tls_fault == 'garbage':
                self.garbage(raw, cid, rule)
                return
            if self.ssl_ctx is not None:
                raw.settimeout(10)
                sock = self.ssl_ctx.wrap_socket(
                    raw, server_side=True, do_handshake_on_connect=False)
                sock.do_handshake()
            clean = self.requests(sock, cid)
        except (Cut, OSError, ssl.SSLError, ValueError):
            clean = False
        finally:
            self.close(sock, raw, clean)

    def garbage(self, raw, cid, rule):
        try:
            raw.sendall(GARBAGE)
            raw.settimeout(1.0)
            raw.shutdown(socket.SHUT_WR)
            while raw.recv(65536):
                pass
        except OSError:
            pass
        req = Request('-', '(tls_garbage)', {}, {}, b'', cid)
        self.app.record(req, Response(0, b''), len(GARBAGE), 'tls_garbage')

    def close(self, sock, raw, clean):
        try:
            if clean and sock is not raw:
                sock.settimeout(0.5)
                try:
                    sock.unwrap()
                except (OSError, ssl.SSLError, ValueError):
                    pass
            elif clean:
                try:
                    raw.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        finally:
            try:
                sock.close()
            except OSError:
                pass
            try:
                raw.close()
            except OSError:
                pass

    def requests(self, sock, cid):
        """Serve requests until the connection should end.  Returns True
        for a clean close, False (or raises Cut) to drop it."""
        rfile = sock.makefile('rb', 65536)
        n = 0
        while True:
            sock.settimeout(self.cfg.idle_timeout)
            try:
                req = self.read_request(rfile, sock, cid)
            except socket.timeout:
                return True                      # idle keep-alive
            except BadRequest as e:
                body = self.app.error(e.status, str(e))
                self.write_plain(sock, body, close=True)
                return True
            if req is None:
                return True                      # client closed
            sock.settimeout(60)
            n += 1
            resp = self.app.handle(req)
            close = self.wants_close(req, n)
            announce = close and (
                self.cfg.announce_close or self.cfg.connection_close or
                req.headers.get('connection', '').lower() == 'close' or
                req.version == 'HTTP/1.0' or
                n != self.cfg.max_requests_per_conn)
            self.respond(sock, req, resp, close, announce)
            if close:
                return True

    def wants_close(self, req, n):
        conn = req.headers.get('connection', '').lower()
        if conn == 'close' or self.cfg.connection_close:
            return True
        if req.version == 'HTTP/1.0' and conn != 'keep-alive':
            return True
        mr = self.cfg.max_requests_per_conn
        return bool(mr and n >= mr)

    # ---- reading -------------------------------------------------------
    def read_request(self, rfile, sock, cid):
        line = rfile.readline(MAX_LINE + 1)
        while line in (b'\r\n', b'\n'):
            line = rfile.readline(MAX_LINE + 1)
        if not line:
            return None
        if len(line) > MAX_LINE:
            raise BadRequest(414, 'request line too long')
        parts = line.decode('latin-1').rstrip('\r\n').split(' ')
        if len(parts) != 3 or parts[2] not in ('HTTP/1.1', 'HTTP/1.0'):
            raise BadRequest(400, 'malformed request line')
        method, target, version = parts
        headers = {}
        total = 0
        while True:
            h = rfile.readline(MAX_LINE + 1)
            if not h:
                raise Cut()
            total += len(h)
            if total > MAX_LINE or len(headers) > MAX_HEADERS:
                raise BadRequest(431, 'request headers too large')
            if h in (b'\r\n', b'\n'):
                break
            name, sep, value = h.decode('latin-1').partition(':')
            if not sep or not name or name != name.strip():
                raise BadRequest(400, 'malformed header line')
            name = name.lower()
            value = value.strip()
            if name in headers and name not in ('authorization',
                                                'content-length'):
                headers[name] += ', ' + value
            elif name in headers:
                raise BadRequest(400, 'duplicate %s header' % name)
            else:
                headers[name] = value
        if version == 'HTTP/1.1' and not headers.get('host'):
            raise BadRequest(400, 'missing required Host header')
        path, _, qs = target.partition('?')
        if not path.startswith('/'):
            raise BadRequest(400, 'request target must be a path')
        path = urllib.parse.unquote(path)
        query = urllib.parse.parse_qs(qs, keep_blank_values=True)
        if headers.get('expect', '').lower() == '100-continue':
            sock.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
        body = b''
        te = headers.get('transfer-encoding', '').lower()
        if te:
            if te != 'chunked':
                raise BadRequest(400, 'unsupported transfer-encoding')
            body = self.read_chunked(rfile)
        elif 'content-length' in headers:
            cl = headers['content-length']
            if not cl.isdigit():
                raise BadRequest(400, 'bad content-length')
            n = int(cl)
            if n > MAX_BODY:
                raise BadRequest(413, 'payload_too_large: request body over '
                                 '10 MiB')
            body = rfile.read(n)
            if len(body) != n:
                raise Cut()
        return Request(method, path, query, headers, body, cid, version)

    def read_chunked(self, rfile):
        out = []
        total = 0
        while True:
            line = rfile.readline(1024)
            if not line:
                raise Cut()
            try:
                n = int(line.split(b';')[0].strip(), 16)
            except ValueError:
                raise BadRequest(400, 'bad chunk size')
            if n == 0:
                while rfile.readline(MAX_LINE) not in (b'\r\n', b'\n', b''):
                    pass
                return b''.join(out)
            total += n
            if total > MAX_BODY:
                raise BadRequest(413, 'payload_too_large')
            data = rfile.read(n)
            if len(data) != n:
                raise Cut()
            out.append(data)
            rfile.readline(3)

    # ---- writing -------------------------------------------------------
    def head(self, status, headers, close):
        lines = ['HTTP/1.1 %d %s' % (status, REASONS.get(status, 'Status')),
                 'Date: ' + _date(), 'Server: pylon-mock']
        lines += ['%s: %s' % kv for kv in headers]
        if close:
            lines.append('Connection: close')
        else:
            lines.append('Connection: keep-alive')
        return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')

    def write_plain(self, sock, resp, close):
        h = resp.headers + [('Content-Length', str(len(resp.body)))]
        data = self.head(resp.status, h, close) + resp.body
        sock.sendall(data)
        return len(data)

    def respond(self, sock, req, resp, close, announce):
        """Write resp (applying its fault).  The request is logged before
        the last byte leaves, so a client that got its answer always finds
        the log entry.  Raises Cut when the connection must be dropped."""
        rule = resp.fault
        kind = rule.fault if rule else None
        rec = self.app.record
        if kind in ('close_before', 'reset'):
            rec(req, resp, 0, kind)
            if kind == 'reset':
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack('ii', 1, 0))
            raise Cut()
        if kind == 'stall':
            rec(req, resp, 0, kind)
            self.stall(sock, (rule.delay_ms or 120000) / 1000.0)
            raise Cut()
        if kind == 'delay':
            time.sleep(rule.delay_ms / 1000.0)
        try:
            if resp.endless is not None:
                rec(req, resp, 0, kind)
                self.endless(sock, resp)
                raise Cut()
            body = resp.body
            chunked = self.cfg.chunked or kind == 'truncated_chunk'
            h = list(resp.headers)
            if chunked:
                h.append(('Transfer-Encoding', 'chunked'))
            else:
                h.append(('Content-Length', str(len(body))))
            hd = self.head(resp.status, h, announce)
            if kind == 'close_mid_body':
                data = hd + body[:len(body) // 2]
            elif kind == 'truncated_chunk':
                half = len(body) // 2
                first = (b'%x\r\n' % half + body[:half] + b'\r\n'
                         if half else b'')
                rest = len(body) - half
                data = hd + first + b'%x\r\n' % max(rest, 2) + \
                    body[half:half + max(1, rest // 2)]
            else:
                data = hd + (chunk_encode(body) if chunked else body)
            rec(req, resp, len(data), kind)
            if kind == 'slow_drip':
                self.drip(sock, data, rule.delay_ms / 1000.0)
            else:
                sock.sendall(data)
            if kind in ('close_mid_body', 'truncated_chunk'):
                raise Cut()
        except (OSError, ValueError):
            raise Cut()

    def drip(self, sock, data, total_s):
        pieces = max(1, min(len(data), int(total_s * 200)))
        step = max(1, -(-len(data) // pieces))
        pieces = -(-len(data) // step)
        pause = total_s / pieces
        for i in range(0, len(data), step):
            sock.sendall(data[i:i + step])
            time.sleep(pause)

    def stall(self, sock, limit_s):
        end = time.monotonic() + limit_s
        sock.setblocking(False)
        try:
            while time.monotonic() < end:
                r, _, _ = select.select([sock], [], [], 0.2)
                if r:
                    try:
                        if not sock.recv(4096):
                            return
                    except ssl.SSLWantReadError:
                        continue
                    except (OSError, ssl.SSLError):
                        return
        finally:
            try:
                sock.setblocking(True)
            except OSError:
                pass

    def endless(self, sock, resp):
        h = list(resp.headers) + [('Transfer-Encoding', 'chunked')]
        sock.sendall(self.head(200, h, False))
        end = time.monotonic() + 300
        buf = []
        size = 0
        for piece in resp.endless():
            buf.append(piece)
            size += len(piece)
            if size >= 16384:
                data = b''.join(buf)
                sock.sendall(b'%x\r\n' % len(data) + data + b'\r\n')
                buf, size = [], 0
                if time.monotonic() > end:
                    return
