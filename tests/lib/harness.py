"""Shared reporting for every Python test program of source-pylon.

Contract (the same for C unit tests): each test case prints exactly one line
  PASS <suite>: <name>
  FAIL <suite>: <name>: <reason>
  SKIP <suite>: <name>: <why>
and the program exits 1 if any case failed, else 0.  tests/run counts the
PASS and FAIL lines of every program and prints "N passed, N failed" last.
"""
import sys
import traceback


class Suite:
    def __init__(self, name):
        self.name = name
        self.failed = 0
        self.passed = 0

    def check(self, name, cond, detail=""):
        """Record one case; cond is truthy on success. Returns cond."""
        if cond:
            self.passed += 1
            print(f"PASS {self.name}: {name}", flush=True)
        else:
            self.failed += 1
            msg = str(detail).replace("\n", " | ")[:2000]
            print(f"FAIL {self.name}: {name}: {msg}", flush=True)
        return cond

    def skip(self, name, why):
        print(f"SKIP {self.name}: {name}: {why}", flush=True)

    def case(self, name):
        """Decorator: run fn(); an exception or AssertionError is a FAIL."""
        def wrap(fn):
            try:
                fn()
            except AssertionError as e:
                self.check(name, False, f"assertion: {e}")
            except Exception:
                self.check(name, False, traceback.format_exc())
            else:
                self.check(name, True)
            return fn
        return wrap

    def done(self):
        sys.exit(1 if self.failed else 0)
