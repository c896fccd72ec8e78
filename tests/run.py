#!/usr/bin/env python3
"""Run every test program of source-pylon and count the results.

Programs: the sanitizer unit-test binaries build/asan/test_*, the Python
test scripts tests/e2e/test_*.py and tests/mock/test_*.py, and the fuzz
smoke runs (tests/fuzz_run.py).  Each prints one PASS/FAIL/SKIP line per case
(see tests/lib/harness.py).  A program that exits non-zero without printing a
FAIL line (a crash, a sanitizer report, a timeout) counts as one failure.
Programs run two at a time; each one's output is printed whole when it ends.
The last line is "N passed, N failed"; the exit status is 1 on any failure.

  python3 tests/run.py [--only SUBSTRING] [--fuzz-seconds N] [--jobs N]
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SP_BUILD", os.path.join(ROOT, "build"))
TIMEOUT = int(os.environ.get("SP_TEST_TIMEOUT", "600"))
# Out-of-memory paths are tested on purpose: let malloc return NULL.
os.environ.setdefault("ASAN_OPTIONS",
                      "allocator_may_return_null=1:detect_leaks=1")
os.environ.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")


def programs(fuzz_seconds):
    progs = []
    for p in sorted(glob.glob(os.path.join(BUILD, "asan/test_*"))):
        if os.access(p, os.X_OK) and not p.endswith((".o", ".d")):
            progs.append([p])
    for pat in ("tests/mock/test_*.py", "tests/e2e/test_*.py"):
        for p in sorted(glob.glob(os.path.join(ROOT, pat))):
            progs.append([sys.executable, p])
    if fuzz_seconds > 0:
        progs.append([sys.executable, os.path.join(ROOT, "tests/fuzz_run.py"),
                      "--seconds", str(fuzz_seconds)])
    return progs


def run_one(argv):
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT)
        out = p.stdout.decode("utf-8", "replace")
        rc = p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        out += f"\n(timed out after {TIMEOUT} s)\n"
        rc = -1
    return argv, out, rc, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--fuzz-seconds", type=float, default=4)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    progs = [p for p in programs(args.fuzz_seconds)
             if args.only in " ".join(p)]
    # Longest-running programs first keeps both workers busy.
    heavy = ("fuzz_run", "test_rate", "test_crash", "test_faults")
    progs.sort(key=lambda p: 0 if any(h in p[-1] or h in " ".join(p)
                                      for h in heavy) else 1)
    passed = failed = 0
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for argv, out, rc, secs in pool.map(run_one, progs):
            name = os.path.relpath(argv[-1] if len(argv) == 1 else
                                   argv[1], ROOT)
            print(f"== {name} ({secs:.1f} s)", flush=True)
            sys.stdout.write(out if out.endswith("\n") or not out
                             else out + "\n")
            npass = sum(1 for l in out.splitlines() if l.startswith("PASS "))
            nfail = sum(1 for l in out.splitlines() if l.startswith("FAIL "))
            if rc != 0 and nfail == 0:
                print(f"FAIL {name}: exited with status {rc}")
                nfail = 1
            passed += npass
            failed += nfail
    print(f"(total {time.monotonic() - t0:.0f} s)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
