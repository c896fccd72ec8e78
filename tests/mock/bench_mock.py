#!/usr/bin/env python3
"""Measure the mock's speed: requests/s for a small page and MB/s for a big
page, over HTTP and HTTPS, with keep-alive raw-socket clients.  Reports
numbers only (never fails on a slow machine).

    python3 tests/mock/bench_mock.py [--seconds S] [--clients N]
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client import MockServer  # noqa: E402
from rawhttp import RawConn  # noqa: E402


def run(m, path, seconds, clients, method='GET', body=None):
    counts, nbytes, errors = [0] * clients, [0] * clients, []
    stop = time.monotonic() + seconds
    hdr = {'Authorization': 'Bearer ' + m.token}
    if body is not None:
        hdr['Content-Type'] = 'application/json'

    def worker(i):
        try:
            c = RawConn(m.host, m.port, m.ssl_context())
            while time.monotonic() < stop:
                r = c.exchange(method, path, hdr, body)
                if r.status != 200 or r.error:
                    errors.append(repr(r))
                    return
                counts[i] += 1
                nbytes[i] += len(r.body)
            c.close()
        except Exception as e:  # report, do not crash the benchmark
            errors.append(repr(e))

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.monotonic() - t0
    return sum(counts) / dt, sum(nbytes) / dt / 1e6, sum(counts), errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=2.0)
    ap.add_argument('--clients', type=int, default=1)
    a = ap.parse_args()
    big = b'{"limit": 999}'
    for tls in (False, True):
        with MockServer('--issues', '1000', '--big-body-bytes', '20000',
                        '--page-cap', '999', tls=tls) as m:
            name = 'https' if tls else 'http'
            rps, _, n, err = run(m, '/me', a.seconds, a.clients)
            print('%-5s small (/me):        %8.0f req/s  (%d requests, %d '
                  'client(s))%s' % (name, rps, n, a.clients,
                                    ' ERR %s' % err[:1] if err else ''))
            rps, _, n, err = run(m, '/tags?limit=5', a.seconds, a.clients)
            print('%-5s small (/tags 5):    %8.0f req/s%s' % (
                name, rps, ' ERR %s' % err[:1] if err else ''))
            rps, mbs, n, err = run(m, '/issues/search', a.seconds,
                                   a.clients, 'POST', big)
            print('%-5s big (search 999):   %8.1f MB/s   (%.1f pages/s, '
                  '%.1f MB/page)%s' % (name, mbs, rps,
                                       mbs / rps if rps else 0,
                                       ' ERR %s' % err[:1] if err else ''))
            m.config(fractional_timestamps=True)   # forces re-rendering
            t0 = time.monotonic()
            r = m.request('POST', '/issues/search', body={'limit': 999})
            print('%-5s big page, first render: %6.0f ms (%.1f MB)' % (
                name, (time.monotonic() - t0) * 1000, len(r.raw) / 1e6))


if __name__ == '__main__':
    main()
