#!/usr/bin/env python3
"""Memory and resources (issue 8): valgrind memcheck on real syncs, no file
descriptor growth across reconnects, and peak memory under a hostile server
bounded by the named limits, each limit reported as a clear error."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "mock"))
from airbyte import BUILD, Connector, Run, write_json  # noqa: E402
from checks import DAY_MS, fmt, protocol_problems  # noqa: E402
from client import MockServer  # noqa: E402
from harness import Suite  # noqa: E402

SERVE = len(sys.argv) == 3 and sys.argv[1] == "--serve"
t = Suite("resources") if not SERVE else None
WORK = tempfile.mkdtemp(prefix="sp-res-")
START = fmt(int(time.time() * 1000) - 100 * DAY_MS)
DBG = os.path.join(BUILD, "dbg", "source-pylon")
MIB = 1 << 20


def run_measured(argv, env, timeout=300):
    """Run argv under GNU time; return (Run, peak RSS in MiB).  (The rusage
    of a child forked from this test would count the test's own memory.)"""
    rss = tempfile.NamedTemporaryFile(delete=False)
    rss.close()
    p = subprocess.run(["/usr/bin/time", "-o", rss.name, "-f", "%M"] + argv,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=timeout)
    with open(rss.name) as f:
        kib = int(f.read().strip().splitlines()[-1])
    os.unlink(rss.name)
    return (Run(argv, p.returncode, p.stdout,
                p.stderr.decode("utf-8", "replace")), kib / 1024)


if SERVE:
    pass
elif shutil.which("valgrind") is None or not os.path.exists(DBG):
    t.skip("valgrind", "valgrind or build/dbg/source-pylon missing")
else:
    with MockServer("--issues", "8", "--messages-per-issue", "2",
                    tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START)
        vg = ["valgrind", "--quiet", "--error-exitcode=99",
              "--leak-check=full", "--show-leak-kinds=definite,indirect",
              "--errors-for-leak-kinds=definite,indirect", DBG]

        def under_valgrind(args, timeout=600):
            return Connector(m, WORK, binary=vg[0]).run(vg[1:] + args,
                                                        timeout=timeout)

        @t.case("valgrind: check, discover and a TLS read are clean")
        def _():
            streams = ["issues", "issue_messages", "issue_threads", "tags",
                       "knowledge_base_articles"]
            cat = c.catalog(cfg, streams, incremental={"issues"})
            conf = write_json(c.path("c.json"), cfg)
            r = under_valgrind(["check", "--config", conf])
            assert r.rc == 0 and r.of("CONNECTION_STATUS"), r.stderr[-3000:]
            r = under_valgrind(["discover", "--config", conf])
            assert r.rc == 0 and r.of("CATALOG"), r.stderr[-3000:]
            r = under_valgrind(["read", "--config", conf, "--catalog",
                                write_json(c.path("k.json"), cat)])
            assert r.rc == 0, r.stderr[-3000:]
            assert not protocol_problems(r, streams)
            assert r.records("issue_messages")

        @t.case("valgrind: a failing read (5xx) is clean too")
        def _():
            m.faults([{"path": "^/tags$", "fault": "status", "status": 503,
                       "count": -1}])
            cat = c.catalog(cfg, ["tags", "users"])
            r = under_valgrind(["read", "--config",
                                write_json(c.path("c.json"),
                                           dict(cfg, max_retries=1)),
                                "--catalog", write_json(c.path("k.json"),
                                                        cat)])
            m.clear_faults()
            # 99 would be valgrind's own exit status for an error found.
            assert r.rc == 1, (r.rc, r.stderr[-3000:])
            assert r.errors_trace(), r.describe()


def fd_case():
    with MockServer("--issues", "75", "--max-requests-per-conn", "1",
                    tls=True) as m:
        c = Connector(m, WORK)
        cfg = c.config(start_date=START, rate_limit_multiplier=200)
        cat = c.catalog(cfg, ["issue_messages", "issue_threads"])
        p, out = c.start_read(cfg, cat)
        peak, samples = 0, 0
        while p.poll() is None:
            try:
                n = len(os.listdir(f"/proc/{p.pid}/fd"))
                peak, samples = max(peak, n), samples + 1
            except FileNotFoundError:
                break
            time.sleep(0.05)
        assert p.wait() == 0
        st = m.stats()
        print(f"# fds: peak {peak} over {samples} samples, "
              f"{st['connections']} connections", flush=True)
        assert st["connections"] >= 150, st
        assert samples >= 10 and peak <= 16, (peak, samples)


if not SERVE:
    t.case("file descriptors stay flat across 150 reconnects")(fd_case)


def hostile_body(kind):
    if kind == "huge":
        return b'{"data":["' + b"x" * (300 * MIB) + b'"]}'
    if kind == "deep":
        return b'{"data":' + b"[" * 200000 + b"]" * 200000 + b"}"
    if kind == "tokens":
        return b'{"data":[' + b"1," * (17 * MIB) + b"1]}"
    if kind == "string":
        return b'{"data":[{"id":"x","s":"' + b"a" * (100 * MIB) + b'"}]}'
    raise ValueError(kind)


class Hostile(BaseHTTPRequestHandler):
    """Answers /tags with the hostile body (chunked when asked)."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        body = self.server.body
        chunked = self.server.chunked
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            view = memoryview(body)
            for i in range(0, len(body), MIB):
                part = view[i:i + MIB]
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(part))
                self.wfile.write(part)
                if chunked:
                    self.wfile.write(b"\r\n")
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


def serve(kind):
    """Run in a separate process, so the test's own memory (holding a
    300 MiB body) is not counted in the connector's peak RSS."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    srv.chunked = kind.endswith("-chunked")
    srv.body = hostile_body(kind.replace("-chunked", ""))
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


def hostile_read(kind):
    srv = subprocess.Popen([sys.executable, __file__, "--serve", kind],
                           stdout=subprocess.PIPE)
    try:
        port = int(srv.stdout.readline())
        c = Connector(None, WORK)
        cfg = {"api_token": "pylon_api_hostile_0000",
               "api_url": f"http://127.0.0.1:{port}",
               "max_retries": 0, "rate_limit_multiplier": 1000}
        cat = {"streams": [{"stream": {"name": "tags"},
                            "sync_mode": "full_refresh",
                            "destination_sync_mode": "append"}]}
        from airbyte import BINARY
        args = [BINARY, "read", "--config", write_json(c.path("c.json"), cfg),
                "--catalog", write_json(c.path("k.json"), cat)]
        return run_measured(args, dict(os.environ))
    finally:
        srv.kill()
        srv.wait()


# Peak memory allowed: the named body limit (256 MiB) plus the tokens of
# what was read, plus a few MiB of program; far less for small pages.
if SERVE:
    serve(sys.argv[2])
    sys.exit(0)

for kind, needle, max_mib in (("huge", "max_body", 4),
                              ("huge-chunked", "max_body", 270),
                              ("deep", "too deep", 4),
                              ("tokens", "tokens", 200),
                              ("string", None, 240)):
    @t.case(f"hostile server, {kind} page: bounded memory, clear outcome")
    def _(kind=kind, needle=needle, max_mib=max_mib):
        r, peak = hostile_read(kind)
        print(f"# {kind}: exit {r.rc}, peak RSS {peak:.0f} MiB", flush=True)
        assert not r.errors, r.errors
        if needle is None:
            assert r.rc == 0, r.describe()
            rec = r.records("tags")
            assert len(rec) == 1 and len(rec[0]["data"]["s"]) == 100 * MIB
        else:
            errs = r.errors_trace()
            assert r.rc == 1 and errs, r.describe()
            text = errs[0]["message"] + " " + errs[0].get(
                "internal_message", "")
            assert needle in text, text
        assert peak <= max_mib, peak

t.done()
