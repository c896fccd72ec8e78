"""A tiny raw-socket HTTP/1.1 client for observing transport behaviour.

RawConn keeps one connection open (keep-alive) and reports exactly what
the server did: a full response, EOF before the status line, EOF in the
middle of a body or chunk, a timeout, ...
"""
import socket
import ssl
import time


class Result:
    def __init__(self):
        self.status = None
        self.headers = {}
        self.header_lines = 0
        self.body = b''
        self.chunked = False
        self.error = None       # None | 'eof_before_status' | 'eof_in_
        # headers' | 'eof_in_body' | 'eof_in_chunk' | 'timeout' | 'reset'
        # | 'tls' | 'bad_status_line'
        self.elapsed = 0.0
        self.chunk_sizes = []
        self.ragged = False     # TLS: the EOF came without close_notify

    def __repr__(self):
        return 'Result(status=%r, error=%r, body=%r)' % (
            self.status, self.error, self.body[:120])


class RawConn:
    def __init__(self, host, port, ssl_ctx=None, timeout=10,
                 server_hostname='localhost'):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if ssl_ctx is not None:
            # ragged EOFs (no close_notify) raise SSLEOFError instead of
            # looking like a clean end
            self.sock = ssl_ctx.wrap_socket(self.sock,
                                            server_hostname=server_hostname,
                                            suppress_ragged_eofs=False)
        self.buf = b''

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, method, path, headers=None, body=None):
        h = {'Host': 'localhost', 'Accept': 'application/json'}
        h.update(headers or {})
        if body is not None:
            h['Content-Length'] = str(len(body))
        data = '%s %s HTTP/1.1\r\n' % (method, path) + ''.join(
            '%s: %s\r\n' % kv for kv in h.items()) + '\r\n'
        self.sock.sendall(data.encode('latin-1') + (body or b''))

    def _fill(self, n=65536):
        d = self.sock.recv(n)
        if not d:
            raise EOFError
        self.buf += d

    def _line(self, limit=1 << 20):
        while b'\r\n' not in self.buf:
            if len(self.buf) > limit:
                raise ValueError('line too long')
            self._fill()
        line, _, self.buf = self.buf.partition(b'\r\n')
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read(self, max_body=1 << 30):
        r = Result()
        t0 = time.monotonic()
        stage = 'eof_before_status'
        try:
            line = self._line()
            parts = line.split(b' ', 2)
            if len(parts) < 2 or not parts[0].startswith(b'HTTP/1.'):
                r.error = 'bad_status_line'
                r.body = line
                return r
            r.status = int(parts[1])
            stage = 'eof_in_headers'
            while True:
                h = self._line()
                if not h:
                    break
                r.header_lines += 1
                k, _, v = h.decode('latin-1').partition(':')
                r.headers[k.strip().lower()] = v.strip()
            stage = 'eof_in_body'
            if r.headers.get('transfer-encoding', '').lower() == 'chunked':
                r.chunked = True
                parts = []
                total = 0
                while True:
                    stage = 'eof_in_chunk'
                    n = int(self._line().split(b';')[0], 16)
                    r.chunk_sizes.append(n)
                    if n == 0:
                        self._line()
                        break
                    parts.append(self._exact(n))
                    total += n
                    self._line()
                    if total > max_body:
                        r.error = 'too_big'
                        break
                r.body = b''.join(parts)
            elif 'content-length' in r.headers:
                r.body = self._exact(int(r.headers['content-length']))
            stage = None
        except EOFError:
            r.error = stage
            r.body = self.buf
        except ssl.SSLEOFError:
            r.error = stage
            r.ragged = True
            r.body = self.buf
        except socket.timeout:
            r.error = 'timeout'
        except ConnectionResetError:
            r.error = 'reset'
        except ssl.SSLError as e:
            r.error = 'tls'
            r.body = str(e).encode()
        finally:
            r.elapsed = time.monotonic() - t0
        return r

    def exchange(self, method, path, headers=None, body=None):
        self.send(method, path, headers, body)
        return self.read()

    def at_eof(self, wait=1.0):
        """True when the server has closed the connection (EOF)."""
        self.sock.settimeout(wait)
        try:
            if self.buf:
                return False
            return self.sock.recv(1) == b''
        except socket.timeout:
            return False
        except (ConnectionResetError, ssl.SSLError):
            return True
