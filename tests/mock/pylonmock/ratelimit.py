"""Per-endpoint sliding-window rate limiter (global = per organization).

A request at time t is allowed when fewer than `budget` requests were
allowed in (t - window, t]; rejected requests do not count.
"""
import collections
import math
import threading
import time

BUDGETS = {
    'GET /issues': 10,
    'POST /issues/search': 20,
    'GET /issues/{id}/messages': 20,
    'GET /issues/{id}/threads': 20,
    'GET /issue-statuses': 10,
    'GET /activity-types': 10,
    'GET /knowledge-bases/{id}/articles': 20,
}
DEFAULT_BUDGET = 60


class Decision:
    __slots__ = ('allowed', 'limit', 'remaining', 'reset_epoch',
                 'retry_after')

    def __init__(self, allowed, limit, remaining, reset_epoch, retry_after):
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.reset_epoch = reset_epoch
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, cfg):
        self.cfg = cfg
        self.lock = threading.Lock()
        self.windows = collections.defaultdict(collections.deque)

    def reset(self):
        with self.lock:
            self.windows.clear()

    def budget(self, template):
        over = self.cfg.rate_budgets
        if template in over:
            return over[template]
        base = BUDGETS.get(template, DEFAULT_BUDGET)
        return max(1, int(base * self.cfg.rate_multiplier + 1e-9))

    def check(self, template):
        budget = self.budget(template)
        window = self.cfg.rate_window
        with self.lock:
            mono = time.monotonic()
            wall = time.time()
            dq = self.windows[template]
            while dq and dq[0] <= mono - window:
                dq.popleft()
            if len(dq) < budget:
                dq.append(mono)
                allowed = True
            else:
                allowed = False
            oldest = dq[0] if dq else mono
            free_in = oldest + window - mono
            reset_epoch = int(math.ceil(wall + free_in))
            retry = max(1, int(math.ceil(free_in - 1e-9)))
            return Decision(allowed, budget, max(0, budget - len(dq)),
                            reset_epoch, retry)
