"""Fault rules: which request gets which injected failure.

Rules are checked in order; every rule whose path regex (re.search on the
path) and method match counts the request; the first rule that fires wins
(rules after it only count the request, they do not fire).
A rule fires on match number n (1-based) when n > after, (n - after) is a
multiple of `every`, and it has fired fewer than `count` times (-1 =
unlimited, the default).  tls_garbage rules are counted per accepted
connection instead of per request (their path is ignored).
"""
import re
import threading

KINDS = ('status', '429', 'close_before', 'close_mid_body',
         'truncated_chunk', 'invalid_json', 'wrong_content', 'delay',
         'slow_drip', 'stall', 'oversized_headers', 'endless_body',
         'tls_garbage', 'reset')
# faults answered without running the normal handler
SYNTHETIC = frozenset(('status', '429', 'close_before', 'invalid_json',
                       'wrong_content', 'stall', 'oversized_headers',
                       'endless_body', 'reset'))
WRONG_VARIANTS = ('data_string', 'html', 'array', 'data_object',
                  'double_wrapped', 'null_data')


class Rule:
    def __init__(self, d):
        if not isinstance(d, dict):
            raise ValueError('rule must be an object')
        self.src = dict(d)
        self.fault = str(d.get('fault', ''))
        if self.fault not in KINDS:
            raise ValueError('unknown fault %r (one of %s)' %
                             (self.fault, ', '.join(KINDS)))
        self.path = re.compile(d.get('path') or '.*')
        self.method = str(d.get('method', '*')).upper()
        self.after = int(d.get('after', 0))
        self.count = int(d.get('count', -1))
        self.every = max(1, int(d.get('every', 1)))
        self.delay_ms = int(d.get('delay_ms', 1000 if self.fault in (
            'delay', 'slow_drip') else 0))
        self.status = int(d.get('status', 500))
        ra = d.get('retry_after')
        self.retry_after = None if ra is None else str(ra)
        self.variant = str(d.get('variant', 'data_string'))
        if self.fault == 'wrong_content' and self.variant not in \
                WRONG_VARIANTS:
            raise ValueError('variant must be one of ' +
                             ', '.join(WRONG_VARIANTS))
        self.size = int(d.get('size', 200000))
        self.seen = 0
        self.fired = 0

    def matches(self, method, path):
        return (self.method in ('*', method) and
                self.path.search(path) is not None)

    def consider(self, count_only=False):
        """Count one match; True when the rule fires for it."""
        self.seen += 1
        if count_only:
            return False
        n = self.seen - self.after
        if n <= 0 or n % self.every:
            return False
        if self.count >= 0 and self.fired >= self.count:
            return False
        self.fired += 1
        return True

    def describe(self):
        d = dict(self.src)
        d['seen'] = self.seen
        d['fired'] = self.fired
        return d


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []

    def set(self, rules):
        new = [Rule(x) for x in rules]
        with self.lock:
            self.rules = new

    def clear(self):
        with self.lock:
            self.rules = []

    def describe(self):
        with self.lock:
            return [r.describe() for r in self.rules]

    def for_request(self, method, path):
        with self.lock:
            hit = None
            for r in self.rules:
                if r.fault == 'tls_garbage' or not r.matches(method, path):
                    continue
                if r.consider(count_only=hit is not None):
                    hit = r
            return hit

    def for_connection(self):
        with self.lock:
            for r in self.rules:
                if r.fault == 'tls_garbage' and r.consider():
                    return r
            return None
