#!/usr/bin/env python3
"""make demo: run the connector exactly as Airbyte would, against the mock.

    python3 tests/demo.py build/source-pylon [--timeout S] [--issues N]
                          [--extra-config JSON] [--mock-arg=--switch ...]

Starts the Pylon mock over TLS on loopback, then runs BINARY spec, check,
discover and read (every discovered stream; incremental where supported,
else full_refresh; destination_sync_mode append).  Raw Airbyte messages go
to build/demo/{spec,check,discover,read}.jsonl (stderr of each command to
build/demo/<cmd>.stderr.log); a short summary is printed.  Exit status is 0
only when every command succeeded and every stream for which the mock has
data produced records.  The mock is always stopped, also on Ctrl-C.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'mock'))

from client import MockServer, MockError  # noqa: E402

OUT = os.path.join(os.environ.get('SP_BUILD', os.path.join(ROOT, 'build')),
                   'demo')
# Pylon rate limits are scaled by this much in the demo.
SCALE = 100


def utc(epoch_s):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch_s))


class Failed(Exception):
    pass


def messages(path):
    """Parse one JSON message per line; returns (messages, bad_lines)."""
    out, bad = [], 0
    with open(path, 'rb') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line.decode('utf-8'))
            except (ValueError, UnicodeError):
                bad += 1
                continue
            if isinstance(msg, dict) and isinstance(msg.get('type'), str):
                out.append(msg)
            else:
                bad += 1
    return out, bad


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except OSError:
        pass
    p.wait()


def run(binary, name, args, env, timeout, log):
    """Run one connector command; stdout -> OUT/name.jsonl.  Returns
    (exit code, seconds, messages, malformed line count)."""
    out_path = os.path.join(OUT, name + '.jsonl')
    err_path = os.path.join(OUT, name + '.stderr.log')
    t0 = time.monotonic()
    with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
        # own process group, so that everything it started can be killed
        p = subprocess.Popen([binary, name] + args, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
                             start_new_session=True)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            kill_group(p)
            rc = 'timeout'
        except BaseException:
            kill_group(p)
            raise
    dt = time.monotonic() - t0
    msgs, bad = messages(out_path)
    log('%-9s exit %-4s %7.2fs  %5d messages%s' % (
        name, rc, dt, len(msgs), ', %d malformed lines' % bad if bad else ''))
    if rc != 0:
        for e in trace_errors(msgs)[:3]:
            log('          TRACE ERROR: %s' % e)
        try:
            tail = open(err_path, 'rb').read()[-1500:].decode('utf-8',
                                                               'replace')
        except OSError:
            tail = ''
        if tail.strip():
            log('          stderr tail:\n' + '\n'.join(
                '            ' + x for x in tail.splitlines()[-15:]))
    return rc, dt, msgs, bad


def trace_errors(msgs):
    return [m['trace'].get('error', {}).get('message')
            for m in msgs if m.get('type') == 'TRACE' and
            isinstance(m.get('trace'), dict) and
            m['trace'].get('type') == 'ERROR']


def demo(args, log):
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise Failed('connector binary not found or not executable: %s'
                     % binary)
    os.makedirs(OUT, exist_ok=True)
    # The mock enforces Pylon's per-endpoint limits, scaled up so the demo
    # takes seconds; the connector is told the same scale and paces to it.
    mock_args = ['--issues', str(args.issues), '--messages-per-issue', '5',
                 '--threads-per-issue', '2', '--days', '90',
                 '--rate-limits', 'on', '--rate-multiplier', str(SCALE),
                 '--log', os.path.join(OUT, 'mock-requests.jsonl')]
    if os.path.exists(os.path.join(OUT, 'mock-requests.jsonl')):
        os.unlink(os.path.join(OUT, 'mock-requests.jsonl'))
    failures = []
    with MockServer(*(mock_args + args.mock_arg), tls=True,
                    workdir=os.path.join(OUT, 'tls')) as m:
        log('mock      %s (CA %s)' % (m.url, os.path.relpath(m.ca_file,
                                                              ROOT)))
        extra = {'rate_limit_multiplier': SCALE}
        extra.update(json.loads(args.extra_config or '{}'))
        config = m.connector_config(utc(time.time() - 90 * 86400), **extra)
        log('          Pylon rate limits x%d on both sides (mock enforces, '
            'connector paces)' % SCALE)
        cfg_path = os.path.join(OUT, 'config.json')
        with open(cfg_path, 'w') as f:
            json.dump(config, f, indent=2)
        env = m.connector_env()
        to = args.timeout

        # spec
        rc, _, msgs, _ = run(binary, 'spec', [], env, to, log)
        if rc != 0 or not any(x['type'] == 'SPEC' for x in msgs):
            failures.append('spec: exit %s, SPEC message %s' % (
                rc, 'present' if any(x['type'] == 'SPEC' for x in msgs)
                else 'missing'))

        # check
        rc, _, msgs, _ = run(binary, 'check', ['--config', cfg_path], env,
                             to, log)
        st = [x['connectionStatus'] for x in msgs
              if x['type'] == 'CONNECTION_STATUS']
        status = st[0].get('status') if st else None
        log('          check status: %s%s' % (
            status, (' (%s)' % st[0].get('message')) if st and
            st[0].get('message') else ''))
        if rc != 0 or status != 'SUCCEEDED':
            failures.append('check: exit %s, status %s' % (rc, status))

        # discover
        rc, _, msgs, _ = run(binary, 'discover', ['--config', cfg_path],
                             env, to, log)
        cats = [x['catalog'] for x in msgs if x['type'] == 'CATALOG']
        streams = cats[0].get('streams', []) if cats else []
        log('          %d streams discovered' % len(streams))
        if rc != 0 or not streams:
            failures.append('discover: exit %s, %d streams' % (
                rc, len(streams)))
            return failures
        configured = []
        for s in streams:
            inc = 'incremental' in (s.get('supported_sync_modes') or [])
            c = {'stream': s,
                 'sync_mode': 'incremental' if inc else 'full_refresh',
                 'destination_sync_mode': 'append'}
            if inc and s.get('default_cursor_field'):
                c['cursor_field'] = s['default_cursor_field']
            if s.get('source_defined_primary_key'):
                c['primary_key'] = s['source_defined_primary_key']
            configured.append(c)
        cat_path = os.path.join(OUT, 'catalog.json')
        with open(cat_path, 'w') as f:
            json.dump({'streams': configured}, f, indent=2)

        # read
        m.clear_stats()
        rc, _, msgs, _ = run(binary, 'read', ['--config', cfg_path,
                                              '--catalog', cat_path],
                             env, to, log)
        records, states = {}, {}
        for x in msgs:
            if x['type'] == 'RECORD':
                n = x.get('record', {}).get('stream')
                records[n] = records.get(n, 0) + 1
            elif x['type'] == 'STATE':
                st = x.get('state', {})
                n = ((st.get('stream') or {}).get('stream_descriptor')
                     or {}).get('name', '(%s)' % st.get('type'))
                states[n] = states.get(n, 0) + 1
        errors = trace_errors(msgs)
        truth = m.truth()['streams']
        log('')
        log('  %-26s %9s %9s %7s  %s' % ('stream', 'records', 'mock has',
                                        'states', 'mode'))
        for c in configured:
            n = c['stream']['name']
            have = len(truth[n]) if n in truth else None
            log('  %-26s %9d %9s %7d  %s' % (
                n, records.get(n, 0), '?' if have is None else have,
                states.get(n, 0), c['sync_mode']))
            if have and not records.get(n):
                failures.append('read: stream %s has no records (mock has '
                                '%d)' % (n, have))
        log('  %-26s %9d' % ('total', sum(records.values())))
        stats = m.stats()
        log('')
        log('  mock: %d requests over %d connections, %d x 429, %.1f MB '
            'sent' % (stats['requests'], stats['connections'],
                      stats['rate_limited'], stats['bytes_sent'] / 1e6))
        for ep, n in sorted(stats['by_endpoint'].items()):
            log('        %-40s %6d' % (ep, n))
        if errors:
            log('  TRACE errors: %s' % '; '.join(map(str, errors[:5])))
        if rc != 0:
            failures.append('read: exit %s' % rc)
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('binary')
    ap.add_argument('--timeout', type=float, default=1800,
                    help='seconds per command (default 1800)')
    ap.add_argument('--issues', type=int, default=300)
    ap.add_argument('--extra-config', help='JSON merged into config.json')
    ap.add_argument('--mock-arg', action='append', default=[],
                    help='extra mock switch (repeat; use --mock-arg=--x)')
    args = ap.parse_args()

    def log(s):
        print(s, flush=True)

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)    # even if started with SIGINT
    #                                          ignored (background jobs)
    t0 = time.monotonic()
    try:
        failures = demo(args, log)
    except KeyboardInterrupt:
        print('demo: interrupted; mock stopped', file=sys.stderr)
        return 130
    except (Failed, MockError, OSError) as e:
        print('demo: FAILED: %s' % e, file=sys.stderr)
        return 2
    log('')
    if failures:
        for f in failures:
            log('demo: FAILED: ' + f)
        log('demo: raw messages in %s' % os.path.relpath(OUT, ROOT))
        return 1
    log('demo: OK in %.1fs; raw messages in %s' % (
        time.monotonic() - t0, os.path.relpath(OUT, ROOT)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
