#!/usr/bin/env python3
"""The HTTP client (src/httpc.c, src/tlsio.c) against real local servers.

Every server runs in this process (threads) on 127.0.0.1 or ::1, with a CA
and certificates made here with the openssl CLI.  The client side is the
sanitizer-built driver build/asan/drv_httpc (tests/drivers/httpc.c), which
prints one JSON line per request and a summary line.

  SP_BUILD=$PWD/build python3 tests/e2e/test_http.py
"""
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from airbyte import driver  # noqa: E402
from harness import Suite  # noqa: E402

DRV = driver("httpc")
T = Suite("http")
SECRET = "Bearer sekret-TOKEN-0123456789"

# enum http_err
OK, E_URL, E_INSECURE, E_DNS, E_CONNECT, E_TIMEOUT, E_TLS, E_CERT, E_IO, \
    E_CLOSED, E_PROTOCOL, E_LIMIT, E_TRUNCATED, E_REDIRECT = range(14)


def version():
    with open(os.path.join(HERE, "..", "..", "src", "version.h")) as f:
        for line in f:
            if "SP_VERSION" in line and '"' in line:
                return line.split('"')[1]
    return "?"


# ---- PKI ----------------------------------------------------------------

def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_pki(d):
    """CA (EC), a rogue CA, and leaf certificates for 'localhost'."""
    ext = os.path.join(d, "leaf.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=DNS:localhost\n")
    with open(os.path.join(d, "wrong.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "subjectAltName=DNS:wrong.example\n")
    for ca in ("ca", "rogue"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                ca + ".key", "-out", ca + ".pem", "-days", "30", "-subj",
                "/CN=SP Test CA", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign", cwd=d)

    def leaf(name, keyargs, ca="ca", extfile="leaf.ext"):
        openssl("req", "-new", "-nodes", "-newkey", *keyargs, "-keyout",
                name + ".key", "-out", name + ".csr", "-subj",
                "/CN=localhost", cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
                "-CAkey", ca + ".key", "-CAcreateserial", "-days", "30",
                "-extfile", extfile, "-out", name + ".pem", cwd=d)

    leaf("rsa", ["rsa:2048"])
    leaf("ec", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
    leaf("rogue-leaf", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
         ca="rogue")
    leaf("wrong", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
         extfile="wrong.ext")

    # Expired: openssl ca can set explicit dates.
    os.makedirs(os.path.join(d, "newcerts"))
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write(f"[ca]\ndefault_ca=d\n[d]\ndir={d}\n"
                f"database={d}/index.txt\nnew_certs_dir={d}/newcerts\n"
                f"serial={d}/serial\ndefault_md=sha256\npolicy=p\n"
                "unique_subject=no\n[p]\ncommonName=supplied\n")
    openssl("req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-keyout", "expired.key", "-out",
            "expired.csr", "-subj", "/CN=localhost", cwd=d)
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem",
            "-keyfile", "ca.key", "-in", "expired.csr", "-out",
            "expired.pem", "-startdate", "20200101000000Z", "-enddate",
            "20210101000000Z", "-extfile", "leaf.ext", cwd=d)


# ---- servers ------------------------------------------------------------

def read_request(f):
    """One request from a file object: (method, target, headers, body),
    or None at end of stream."""
    line = f.readline()
    if not line:
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers = {}
    while True:
        h = f.readline()
        if not h or h in (b"\r\n", b"\n"):
            break
        k, v = h.decode("latin-1").split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    body = f.read(n) if n else b""
    return method, target, headers, body


def reply(body, status="200 OK", extra="", version="HTTP/1.1"):
    return (f"{version} {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


class Server:
    """A threaded TCP/TLS server.  handler(server, conn, rfile) runs once
    per accepted connection (after the TLS handshake, when tls is set)."""

    def __init__(self, handler, cert=None, family=socket.AF_INET,
                 host="127.0.0.1", handshake=True, tls13=False):
        self.handler = handler
        self.conns = 0
        self.requests = []
        self.reused = []
        self.errors = []
        self.lock = threading.Lock()
        self.ctx = None
        self.handshake = handshake
        if cert is not None:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(cert + ".pem", cert + ".key")
            if tls13:
                self.ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.open = []
        self.alive = True
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while self.alive:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.conns += 1
                self.open.append(c)
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        try:
            c.settimeout(10)
            if self.ctx is not None and self.handshake:
                c = self.ctx.wrap_socket(c, server_side=True)
                with self.lock:
                    self.reused.append(c.session_reused)
                    self.open.append(c)
            self.handler(self, c, c.makefile("rb"))
        except Exception as e:  # noqa: BLE001 (the client may hang up)
            with self.lock:
                self.errors.append(repr(e))
        finally:
            try:
                c.close()
            except OSError:
                pass

    def record(self, req):
        with self.lock:
            self.requests.append(req)

    def close(self):
        self.alive = False
        self.sock.close()
        for c in self.open:
            try:
                c.close()
            except OSError:
                pass


def keepalive(body=b'{"ok":true}', close_after=0, extra="",
              unwrap=False):
    """Answer every request on the connection; close after close_after
    responses (0: never), with a TLS close_notify when unwrap is set."""
    def h(srv, c, f):
        n = 0
        while True:
            req = read_request(f)
            if req is None:
                return
            srv.record(req)
            c.sendall(reply(body, extra=extra))
            n += 1
            if close_after and n >= close_after:
                if unwrap:
                    try:
                        c.unwrap()
                    except (OSError, ssl.SSLError):
                        pass
                return
    return h


def raw(data, close_notify=True, then_sleep=0.0):
    """Read one request, send raw bytes, then close (with close_notify for
    TLS unless told not to)."""
    def h(srv, c, f):
        req = read_request(f)
        if req is None:
            return
        srv.record(req)
        for part in data if isinstance(data, list) else [data]:
            c.sendall(part)
        if then_sleep:
            time.sleep(then_sleep)
        if close_notify and isinstance(c, ssl.SSLSocket):
            try:
                c.unwrap()
            except (OSError, ssl.SSLError):
                pass
    return h


def run(args, env=None, timeout=60):
    e = dict(os.environ)
    e.pop("SSL_CERT_FILE", None)
    if env:
        e.update(env)
    t0 = time.monotonic()
    p = subprocess.run([DRV] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=e, timeout=timeout)
    secs = time.monotonic() - t0
    lines = [json.loads(x) for x in p.stdout.decode().splitlines() if x]
    reqs = [x for x in lines if "i" in x]
    summary = lines[-1] if lines and "opened" in lines[-1] else {}
    return reqs, summary, p, secs


def sha(b):
    return hashlib.sha256(b).hexdigest()


# ---- cases --------------------------------------------------------------

def main():
    if not os.access(DRV, os.X_OK):
        T.check("driver built", False, f"missing {DRV} (make unit)")
        T.done()
    d = tempfile.mkdtemp(prefix="sp-http-")
    try:
        make_pki(d)
        cases(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    T.done()


def cases(d):
    ca = os.path.join(d, "ca.pem")
    P = lambda name: os.path.join(d, name)  # noqa: E731
    servers = []

    def srv(*a, **k):
        s = Server(*a, **k)
        servers.append(s)
        return s

    def url(s, path="/x", scheme="https", host="localhost"):
        return f"{scheme}://{host}:{s.port}{path}"

    @T.case("plain keep-alive: 5 requests, 1 connection, request headers")
    def _():
        s = srv(keepalive())
        reqs, summ, p, _ = run(["--count", "5", "--auth", SECRET,
                                url(s, "/a/b?c=%2B1", "http")])
        assert [r["rc"] for r in reqs] == [OK] * 5, reqs
        assert [r["reused"] for r in reqs] == [0, 1, 1, 1, 1], reqs
        assert reqs[0]["head"] == '{"ok":true}' and reqs[0]["keep"] == 1
        assert s.conns == 1 and summ["opened"] == 1, (s.conns, summ)
        m, target, h, _ = s.requests[0]
        assert m == "GET" and target == "/a/b?c=%2B1", s.requests[0]
        assert h["host"] == f"localhost:{s.port}", h
        assert h["user-agent"] == "source-pylon/" + version(), h
        assert h["accept"] == "application/json", h
        assert h["connection"] == "keep-alive", h
        assert h["authorization"] == SECRET, h
        assert "content-length" not in h, h

    @T.case("POST sends JSON with Content-Type and Content-Length")
    def _():
        s = srv(keepalive())
        body = '{"filter":{"field":"state","operator":"equals"}}'
        reqs, _, _, _ = run(["--post", body, "--count", "2",
                             url(s, "/issues/search", "http")])
        assert [r["rc"] for r in reqs] == [OK, OK], reqs
        m, target, h, b = s.requests[1]
        assert m == "POST" and target == "/issues/search"
        assert h["content-type"] == "application/json", h
        assert h["content-length"] == str(len(body)) and b == body.encode()

    for key in ("rsa", "ec"):
        @T.case(f"https with a {key.upper()} certificate: keep-alive")
        def _(key=key):
            s = srv(keepalive(b"x" * 100000), cert=P(key))
            reqs, summ, _, _ = run(["--ca", ca, "--count", "3", url(s)])
            assert [r["rc"] for r in reqs] == [OK] * 3, reqs
            assert reqs[2]["sha256"] == sha(b"x" * 100000)
            assert s.conns == 1 and summ["opened"] == 1, (s.conns, summ)

    @T.case("https: reconnects resume the TLS session")
    def _():
        s = srv(keepalive(extra="Connection: close\r\n", close_after=1,
                          unwrap=True), cert=P("ec"))
        reqs, summ, _, _ = run(["--ca", ca, "--count", "3", url(s)])
        assert [r["rc"] for r in reqs] == [OK] * 3, reqs
        assert [r["keep"] for r in reqs] == [0] * 3
        assert s.conns == 3 and summ["opened"] == 3, (s.conns, summ)
        assert s.reused == [False, True, True], s.reused
        assert summ["resumed"] == 2, summ

    @T.case("HTTP/1.0 without keep-alive: a new connection each time")
    def _():
        def h(srv_, c, f):
            srv_.record(read_request(f))
            c.sendall(reply(b"{}", version="HTTP/1.0"))
        s = srv(h)
        reqs, summ, _, _ = run(["--count", "3", url(s, "/", "http")])
        assert [r["rc"] for r in reqs] == [OK] * 3, reqs
        assert summ["opened"] == 3 and s.conns == 3

    for scheme in ("http", "https"):
        @T.case(f"{scheme}: server closes idle keep-alive connections")
        def _(scheme=scheme):
            s = srv(keepalive(close_after=1),
                    cert=P("ec") if scheme == "https" else None)
            reqs, summ, _, _ = run(["--ca", ca, "--count", "3", "--sleep",
                                    "100", url(s, "/", scheme)])
            assert [r["rc"] for r in reqs] == [OK] * 3, reqs
            assert summ["opened"] == 3 and s.conns == 3, (summ, s.conns)

        @T.case(f"{scheme}: reused connection dropped at the request: "
                "one transparent retry")
        def _(scheme=scheme):
            dropped = []

            def h(srv_, c, f):
                n = 0
                while True:
                    req = read_request(f)
                    if req is None:
                        return
                    srv_.record(req)
                    n += 1
                    if n == 2 and not dropped:
                        dropped.append(1)
                        return      # close without answering
                    c.sendall(reply(b"{}"))
            s = srv(h, cert=P("ec") if scheme == "https" else None)
            reqs, summ, _, _ = run(["--ca", ca, "--count", "3", "--post",
                                    "{}", url(s, "/", scheme)])
            assert [r["rc"] for r in reqs] == [OK] * 3, reqs
            assert len(s.requests) == 4, s.requests
            assert summ["opened"] == 2 and s.conns == 2, (summ, s.conns)

    @T.case("fresh connection closed before any byte: HTTP_E_CLOSED, "
            "no retry")
    def _():
        s = srv(raw(b""))
        reqs, summ, _, _ = run([url(s, "/", "http")])
        assert reqs[0]["rc"] == E_CLOSED, reqs
        assert s.conns == 1 and summ["opened"] == 1

    chunks = [1, 7, 4093, 13, 65521, 2]
    payload = bytes((i * 7) & 0xFF for i in range(sum(chunks)))

    def chunked_body():
        out, off = [], 0
        for i, n in enumerate(chunks):
            ext = ";name=val;x" if i % 2 else ""
            out.append(b"%X%s\r\n" % (n, ext.encode()) +
                       payload[off:off + n] + b"\r\n")
            off += n
        out.append(b"0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n")
        return out

    for scheme in ("http", "https"):
        @T.case(f"{scheme}: chunked body with odd sizes, extensions, "
                "trailers")
        def _(scheme=scheme):
            def h(srv_, c, f):
                while read_request(f) is not None:
                    c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                              b"chunked\r\n\r\n")
                    for part in chunked_body():
                        c.sendall(part)
            s = srv(h, cert=P("rsa") if scheme == "https" else None)
            reqs, summ, _, _ = run(["--ca", ca, "--count", "2",
                                    url(s, "/", scheme)])
            assert [r["rc"] for r in reqs] == [OK, OK], reqs
            assert reqs[1]["sha256"] == sha(payload), reqs
            assert reqs[1]["len"] == len(payload) and summ["opened"] == 1

    @T.case("close-delimited body: plain, and TLS with close_notify")
    def _():
        body = b"y" * 30000
        msg = b"HTTP/1.1 200 OK\r\n\r\n" + body
        s1 = srv(raw(msg))
        s2 = srv(raw(msg), cert=P("ec"))
        for s, scheme in ((s1, "http"), (s2, "https")):
            reqs, _, _, _ = run(["--ca", ca, url(s, "/", scheme)])
            assert reqs[0]["rc"] == OK, reqs
            assert reqs[0]["sha256"] == sha(body) and reqs[0]["keep"] == 0

    @T.case("close-delimited TLS body without close_notify: truncated")
    def _():
        s = srv(raw(b"HTTP/1.1 200 OK\r\n\r\nabc", close_notify=False),
                cert=P("ec"))
        reqs, _, _, _ = run(["--ca", ca, url(s)])
        assert reqs[0]["rc"] == E_TRUNCATED, reqs
        assert "close_notify" in reqs[0]["msg"], reqs

    for scheme in ("http", "https"):
        @T.case(f"{scheme}: server closes mid-body: truncated")
        def _(scheme=scheme):
            s = srv(raw([b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n"
                         b"\r\n", b"z" * 5000]),
                    cert=P("ec") if scheme == "https" else None)
            reqs, _, _, _ = run(["--ca", ca, url(s, "/", scheme)])
            assert reqs[0]["rc"] == E_TRUNCATED, reqs
            assert "5000 of 100000" in reqs[0]["msg"], reqs

    def stall(srv_, c, f):
        time.sleep(4)

    for scheme in ("http", "https"):
        @T.case(f"{scheme}: server stalls after accepting: timeout on time")
        def _(scheme=scheme):
            s = srv(stall, cert=P("ec") if scheme == "https" else None,
                    handshake=False)
            reqs, _, _, _ = run(["--ca", ca, "--timeout", "400",
                                 url(s, "/", scheme)])
            r = reqs[0]
            assert r["rc"] == E_TIMEOUT, reqs
            assert 380 <= r["ms"] < 400 + 1500, r

    @T.case("server stalls mid-body: timeout")
    def _():
        s = srv(raw([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"],
                    then_sleep=3), cert=P("ec"))
        reqs, _, _, _ = run(["--ca", ca, "--timeout", "300", url(s)])
        assert reqs[0]["rc"] == E_TIMEOUT and reqs[0]["ms"] < 1800, reqs

    @T.case("oversized headers: HTTP_E_LIMIT naming the limit")
    def _():
        big = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 1000)
                       for i in range(70))
        s = srv(raw([b"HTTP/1.1 200 OK\r\n", big, b"\r\n"]), cert=P("ec"))
        reqs, _, _, _ = run(["--ca", ca, url(s)])
        assert reqs[0]["rc"] == E_LIMIT, reqs
        assert "HTTP_MAX_HEADER_BYTES" in reqs[0]["msg"], reqs

    @T.case("endless chunked body: HTTP_E_LIMIT via max_body, quickly")
    def _():
        def h(srv_, c, f):
            read_request(f)
            c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                      b"\r\n\r\n")
            chunk = b"1000\r\n" + b"e" * 4096 + b"\r\n"
            while True:
                c.sendall(chunk * 16)
        s = srv(h, cert=P("ec"))
        reqs, _, _, secs = run(["--ca", ca, "--max-body", "1000000",
                                url(s)])
        assert reqs[0]["rc"] == E_LIMIT, reqs
        assert "max_body" in reqs[0]["msg"] and secs < 10, (reqs, secs)

    @T.case("3xx: HTTP_E_REDIRECT naming the Location, not followed")
    def _():
        s = srv(raw(reply(b"", status="302 Found",
                          extra="Location: https://evil.example/x\r\n")),
                cert=P("ec"))
        reqs, summ, _, _ = run(["--ca", ca, url(s)])
        assert reqs[0]["rc"] == E_REDIRECT and reqs[0]["status"] == 302
        assert "https://evil.example/x" in reqs[0]["msg"], reqs
        assert s.conns == 1

    @T.case("4xx and 5xx are responses, not errors")
    def _():
        s = srv(raw(reply(b'{"errors":["x"]}', status="429 Too Many",
                          extra="Retry-After: 7\r\n")))
        reqs, _, _, _ = run([url(s, "/", "http")])
        assert reqs[0]["rc"] == OK and reqs[0]["status"] == 429, reqs
        assert reqs[0]["retry_after"] == "7"

    for cert, why in (("wrong", "does not match the host name"),
                      ("rogue-leaf", "certificate not trusted"),
                      ("expired", "certificate expired")):
        @T.case(f"certificate rejected: {why}")
        def _(cert=cert, why=why):
            s = srv(keepalive(), cert=P(cert))
            reqs, summ, _, _ = run(["--ca", ca, url(s)])
            assert reqs[0]["rc"] == E_CERT, reqs
            assert why in reqs[0]["msg"], reqs
            assert not s.requests

    @T.case("TLS 1.3-only server: HTTP_E_TLS naming the version")
    def _():
        s = srv(keepalive(), cert=P("ec"), tls13=True)
        reqs, _, _, _ = run(["--ca", ca, url(s)])
        assert reqs[0]["rc"] == E_TLS and "version" in reqs[0]["msg"], reqs

    @T.case("SSL_CERT_FILE is honoured")
    def _():
        s = srv(keepalive(), cert=P("ec"))
        reqs, _, _, _ = run([url(s)], env={"SSL_CERT_FILE": ca})
        assert reqs[0]["rc"] == OK, reqs
        reqs, _, _, _ = run([url(s)], env={"SSL_CERT_FILE": P("rogue.pem")})
        assert reqs[0]["rc"] == E_CERT and "not trusted" in reqs[0]["msg"]

    @T.case("http:// to a non-loopback host: HTTP_E_INSECURE, no connect")
    def _():
        for u in ("http://example.com/", "http://10.1.2.3:80/x",
                  "http://[2001:db8::1]/", "http://127.0.0.1.nip.io/"):
            reqs, summ, _, secs = run([u])
            assert reqs[0]["rc"] == E_INSECURE, (u, reqs)
            assert summ["opened"] == 0 and secs < 5, (u, summ)

    @T.case("bad URL: HTTP_E_URL")
    def _():
        reqs, _, _, _ = run(["https://user@localhost/"])
        assert reqs[0]["rc"] == E_URL, reqs

    @T.case("connection refused: HTTP_E_CONNECT")
    def _():
        tmp = socket.socket()
        tmp.bind(("127.0.0.1", 0))
        port = tmp.getsockname()[1]
        tmp.close()
        reqs, _, _, _ = run([f"http://127.0.0.1:{port}/",
                             f"http://localhost:{port}/"])
        assert [r["rc"] for r in reqs] == [E_CONNECT] * 2, reqs

    @T.case("connect timeout when SYNs go unanswered")
    def _():
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(0)
        fill = []
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(lst.getsockname())
            except BlockingIOError:
                pass
            fill.append(c)
        time.sleep(0.1)
        port = lst.getsockname()[1]
        reqs, _, _, _ = run(["--timeout", "400",
                             f"http://127.0.0.1:{port}/"])
        for c in fill + [lst]:
            c.close()
        r = reqs[0]
        if r["rc"] == OK or r["rc"] == E_CLOSED:
            T.skip("connect timeout", "kernel accepted the SYN anyway")
            return
        assert r["rc"] == E_TIMEOUT and r["ms"] < 400 + 1500, r

    has6 = True
    try:
        s6 = socket.socket(socket.AF_INET6)
        s6.bind(("::1", 0))
        s6.close()
    except OSError:
        has6 = False
    if has6:
        @T.case("IPv6 literal [::1], plain and TLS")
        def _():
            s = srv(keepalive(), family=socket.AF_INET6, host="::1")
            reqs, _, _, _ = run(["--count", "2",
                                 f"http://[::1]:{s.port}/v6"])
            assert [r["rc"] for r in reqs] == [OK, OK], reqs
            assert s.requests[0][2]["host"] == f"[::1]:{s.port}"
            # localhost is 127.0.0.1, then ::1: the second one answers
            reqs, _, _, _ = run([f"http://localhost:{s.port}/"])
            assert reqs[0]["rc"] == OK, reqs
    else:
        T.skip("IPv6 literal [::1], plain and TLS", "no ::1 here")

    @T.case("no descriptor leaks across many connections")
    def _():
        s = srv(keepalive())
        reqs, summ, _, _ = run(["--fresh", "--count", "40",
                                url(s, "/", "http")])
        assert all(r["rc"] == OK for r in reqs) and len(reqs) == 40
        assert summ["fds_before"] == summ["fds_after"], summ
        s2 = srv(keepalive(extra="Connection: close\r\n"), cert=P("ec"))
        reqs, summ, _, _ = run(["--ca", ca, "--count", "25", url(s2)])
        assert all(r["rc"] == OK for r in reqs) and summ["opened"] == 25
        assert summ["fds_before"] == summ["fds_after"], summ
        s3 = srv(raw(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab"))
        reqs, summ, _, _ = run(["--fresh", "--count", "10",
                                url(s3, "/", "http")])
        assert all(r["rc"] == E_TRUNCATED for r in reqs), reqs
        assert summ["fds_before"] == summ["fds_after"], summ

    @T.case("the Authorization value never appears in errors")
    def _():
        scen = [
            (srv(stall, handshake=False), "http", ["--timeout", "200"]),
            (srv(raw(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab")),
             "http", []),
            (srv(raw(reply(b"", status="301 Moved",
                           extra="Location: /elsewhere\r\n"))), "http", []),
            (srv(raw(b"HTTP/1.1 2xx nonsense\r\n\r\n")), "http", []),
            (srv(keepalive(), cert=P("wrong")), "https", []),
        ]
        for s, scheme, extra in scen:
            reqs, _, p, _ = run(["--ca", ca, "--auth", SECRET] + extra +
                                [url(s, "/", scheme)])
            assert reqs[0]["rc"] != OK, reqs
            out = p.stdout + p.stderr
            assert b"sekret" not in out, out
        reqs, _, p, _ = run(["--auth", "Bearer a\r\nX-Evil: 1",
                             "http://localhost:1/"])
        assert reqs[0]["rc"] == E_URL and b"Evil" not in p.stdout, reqs

    mock_case(d)
    for s in servers:
        s.close()


def mock_case(d):
    sys.path.insert(0, os.path.join(HERE, "..", "mock"))
    try:
        from client import MockServer
    except Exception as e:  # noqa: BLE001
        T.skip("mock server over TLS", f"cannot import the mock: {e}")
        return

    @T.case("mock Pylon server over TLS: GET, then faults")
    def _():
        with MockServer("--issues", "5", tls=True) as m:
            auth = "Bearer " + m.token
            base = m.url.rstrip("/")
            reqs, summ, _, _ = run(["--ca", m.ca_file, "--auth", auth,
                                    "--count", "2", base + "/me",
                                    base + "/tags?limit=5"])
            assert [r["rc"] for r in reqs] == [OK] * 4, reqs
            assert reqs[0]["status"] == 200 and summ["opened"] == 1, reqs
            m.faults([{"path": "^/tags$", "fault": "close_mid_body",
                       "count": 1}])
            reqs, _, _, _ = run(["--ca", m.ca_file, "--auth", auth,
                                 base + "/tags"])
            assert reqs[0]["rc"] == E_TRUNCATED, reqs
            m.config(chunked=True)
            reqs, _, _, _ = run(["--ca", m.ca_file, "--auth", auth,
                                 base + "/tags?limit=50"])
            assert reqs[0]["rc"] == OK and reqs[0]["status"] == 200, reqs


if __name__ == "__main__":
    main()
