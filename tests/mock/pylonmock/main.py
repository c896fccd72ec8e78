"""Entry point: parse switches, build the data, serve until SIGTERM/SIGINT
(or stdin EOF with --exit-on-stdin-eof)."""
import json
import os
import shutil
import signal
import ssl
import sys
import tempfile
import threading
import time

from . import settings
from .api import App
from .data import Store
from .faults import Faults
from .server import Server
from .timeutil import parse_rfc3339_ms
from .tlsgen import ensure_certs


def _stop(signum, frame):
    raise SystemExit(0)


def _watch_stdin():
    try:
        while os.read(0, 65536):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv=None):
    ns, cfg = settings.parse(sys.argv[1:] if argv is None else argv)
    if ns.tls and ns.http:
        print('--tls and --http are exclusive', file=sys.stderr)
        return 2
    if ns.now:
        now = (int(ns.now) if ns.now.isdigit() else parse_rfc3339_ms(ns.now))
        if now is None:
            print('--now: RFC 3339 or epoch ms', file=sys.stderr)
            return 2
    else:
        now = int(time.time() * 1000)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    t0 = time.time()
    store = Store(ns, now)
    app = App(ns, cfg, store, Faults(), ns.log)
    ctx, ca, tmpdir = None, None, None
    try:
        if ns.tls:
            workdir = ns.workdir
            if not workdir:
                workdir = tmpdir = tempfile.mkdtemp(prefix='pylon-mock-tls-')
            ca, cert, key = ensure_certs(workdir, ns.tls_key)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(cert, key)
        srv = Server(ns, cfg, app, ctx)
        scheme = 'https' if ns.tls else 'http'
        base = '%s://localhost:%d' % (scheme, srv.port)
        info = {'url': base, 'ca_file': ca, 'admin': base + '/_mock',
                'pid': os.getpid()}
        line = json.dumps(info)
        if ns.ready_file:
            tmp = ns.ready_file + '.tmp%d' % os.getpid()
            with open(tmp, 'w') as f:
                f.write(line + '\n')
            os.replace(tmp, ns.ready_file)
        sys.stdout.write(line + '\n')
        sys.stdout.flush()
        print('pylon-mock: %s ready in %.2fs (%d issues)' % (
            base, time.time() - t0, len(store.issues)), file=sys.stderr)
        if ns.exit_on_stdin_eof:
            threading.Thread(target=_watch_stdin, daemon=True).start()
        srv.serve_forever()
    except SystemExit:
        pass
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        if app.log_file:
            app.log_file.flush()
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(0)
