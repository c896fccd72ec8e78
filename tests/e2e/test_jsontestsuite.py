#!/usr/bin/env python3
"""JSONTestSuite (Nicolas Seriot's parsing tests) through build/jsoncheck.

The suite lives outside the repository, in ../shared/reference/jsontestsuite
/test_parsing relative to the repository root; when it is absent the test
prints one SKIP line.  y_*.json must be accepted and n_*.json rejected.
For i_*.json (implementation-defined) the expected outcome is recorded in
tests/jsontestsuite-i.txt, one line per file ("NAME accept|reject: why"),
and the test checks that we still behave that way, so a change is noticed.
jsoncheck must exit 0 (valid) or 1 (invalid); anything else (a crash, a
sanitizer report, exit 2) is a failure whatever the file.
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import Suite  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("SP_BUILD", os.path.join(ROOT, "build"))
SUITE = os.path.join(os.path.dirname(ROOT), "shared", "reference",
                     "jsontestsuite", "test_parsing")
TABLE = os.path.join(ROOT, "tests", "jsontestsuite-i.txt")
JSONCHECK = os.path.join(BUILD, "jsoncheck")

t = Suite("jsontestsuite")


def check(path):
    """(accepted, detail) for one file; accepted is None on a tool error."""
    p = subprocess.run([JSONCHECK, path], capture_output=True, timeout=60)
    err = p.stderr.decode("utf-8", "replace").strip()
    if p.returncode == 0:
        return True, err
    if p.returncode == 1 and "invalid JSON at byte" in err:
        return False, err
    return None, f"exit {p.returncode}: {err[-300:]}"


def read_table():
    want = {}
    with open(TABLE, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, rest = line.split(" ", 1)
            want[name] = rest.split(":", 1)[0].strip()
    return want


def main():
    if not os.path.isdir(SUITE):
        t.skip("suite", f"{SUITE} not present")
        t.done()
    if not os.access(JSONCHECK, os.X_OK):
        t.check("jsoncheck built", False, f"{JSONCHECK} missing (make)")
        t.done()
    files = sorted(glob.glob(os.path.join(SUITE, "*.json")))
    table = read_table()
    wrong = {"y": [], "n": [], "i": []}
    count = {"y": 0, "n": 0, "i": 0}
    for path in files:
        name = os.path.basename(path)
        kind = name[0]
        if kind not in count:
            continue
        count[kind] += 1
        ok, detail = check(path)
        if ok is None:
            wrong[kind].append(f"{name}: {detail}")
        elif kind == "y" and not ok:
            wrong["y"].append(f"{name}: {detail}")
        elif kind == "n" and ok:
            wrong["n"].append(f"{name}: accepted")
        elif kind == "i":
            got = "accept" if ok else "reject"
            if name not in table:
                wrong["i"].append(f"{name}: not in the table (we {got})")
            elif table[name] != got:
                wrong["i"].append(f"{name}: table says {table[name]}, "
                                  f"we {got} ({detail})")
    t.check(f"every y_ file accepted ({count['y']})",
            count["y"] > 0 and not wrong["y"], wrong["y"])
    t.check(f"every n_ file rejected ({count['n']})",
            count["n"] > 0 and not wrong["n"], wrong["n"])
    listed = set(table)
    present = {os.path.basename(p) for p in files
               if os.path.basename(p).startswith("i_")}
    stale = sorted(listed - present)
    t.check(f"every i_ file behaves as tests/jsontestsuite-i.txt says "
            f"({count['i']})", not wrong["i"] and not stale,
            wrong["i"] + [f"{n}: in the table but not in the suite"
                          for n in stale])
    t.done()


if __name__ == "__main__":
    main()
