#!/usr/bin/env python3
"""JSON throughput: our tokenizer against python3's json and jq.

Generates the deterministic 999-issue Pylon page (gen_page.py), then times
on the same bytes:
  ours      build/bench/bench_json: json_parse alone, and json_parse plus
            json_minify of every element of "data" (per-record output);
  python3   json.loads of the page, then json.dumps of each record
            (compact separators), timed in-process, best of several runs;
  jq        jq -c '.data[]' with stdout to /dev/null, wall time of the
            whole process, best of several runs.
Prints a table with MB/s (10^6 input bytes per second), records/s and the
ratio of our per-record rate to each.  Targets: >= 400 MB/s tokenize,
>= 5x python3, >= 10x jq.  Reports numbers only; never fails on speed.

  SP_BUILD=build python3 tests/bench/json_bench.py [--runs N] [--go]

--go also runs the page with Go-style HTML escapes (\\u003c for <, ...).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("SP_BUILD", os.path.join(ROOT, "build"))
sys.path.insert(0, HERE)
import gen_page  # noqa: E402


def ours(path, runs):
    exe = os.path.join(BUILD, "bench", "bench_json")
    if not os.access(exe, os.X_OK):
        sys.exit(f"json_bench: {exe} not built (make benches)")
    out = subprocess.run([exe, path, str(runs)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def python_rate(data, runs):
    best = None
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        page = json.loads(data)
        for rec in page["data"]:
            json.dumps(rec, separators=(",", ":"), ensure_ascii=False)
        t = time.perf_counter() - t0
        n = len(page["data"])
        best = t if best is None or t < best else best
    return best, n


def python_loads(data, runs):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        json.loads(data)
        t = time.perf_counter() - t0
        best = t if best is None or t < best else best
    return best


def jq_rate(path, runs):
    jq = shutil.which("jq")
    if jq is None:
        return None
    best = None
    for _ in range(runs):
        with open(path, "rb") as f:
            t0 = time.perf_counter()
            subprocess.run([jq, "-c", ".data[]"], stdin=f,
                           stdout=subprocess.DEVNULL, check=True)
            t = time.perf_counter() - t0
        best = t if best is None or t < best else best
    return best


def measure(path, data, runs):
    """All the figures for one page, as a dict (run.py uses this too):
    ours (bench_json's own JSON), and seconds / rates for python3 and jq
    (jq_s None when jq is not installed)."""
    mb = len(data) / 1e6
    o = ours(path, max(runs * 5, 20))
    py_t, py_n = python_rate(data, runs)
    py_l = python_loads(data, runs)
    jq_t = jq_rate(path, runs)
    return {
        "bytes": len(data), "records": o["records"], "runs": runs,
        "ours": o,
        "python_loads_s": py_l, "python_loads_mb_s": mb / py_l,
        "python_dumps_s": py_t, "python_dumps_mb_s": mb / py_t,
        "python_records_per_s": py_n / py_t,
        "jq_s": jq_t,
        "jq_mb_s": mb / jq_t if jq_t else None,
        "jq_records_per_s": o["records"] / jq_t if jq_t else None,
    }


def table(label, path, data, runs):
    r = measure(path, data, runs)
    o = r["ours"]
    nrec = o["records"]
    ours_rec = o["records_per_s"]
    rows = [
        ("ours: tokenize", o["tokenize_mb_s"], None, None),
        ("ours: tokenize + minify each record", o["minify_mb_s"],
         ours_rec, None),
        ("python3: json.loads", r["python_loads_mb_s"], None,
         o["tokenize_mb_s"] / r["python_loads_mb_s"]),
        ("python3: loads + dumps each record", r["python_dumps_mb_s"],
         r["python_records_per_s"], ours_rec / r["python_records_per_s"]),
    ]
    if r["jq_s"] is not None:
        rows.append(("jq -c '.data[]' (whole process)", r["jq_mb_s"],
                     r["jq_records_per_s"],
                     ours_rec / r["jq_records_per_s"]))
    print(f"\n{label}: {len(data)} bytes, {nrec} records, "
          f"{o['tokens']} tokens, arena peak {o['arena_peak']} bytes "
          f"(best of {runs}; ours best of {o['iterations']}, "
          f"mean tokenize {o['tokenize_mb_s_mean']} MB/s)")
    print(f"  {'':40} {'MB/s':>9} {'records/s':>11} {'ours is':>9}")
    for name, rate, recs, ratio in rows:
        rr = f"{recs:11.0f}" if recs else f"{'':>11}"
        x = f"{ratio:8.1f}x" if ratio else f"{'':>9}"
        print(f"  {name:40} {rate:9.1f} {rr} {x}")
    if r["jq_s"] is None:
        print("  jq: not installed (apt-get install -y jq)")
    return o


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--go", action="store_true",
                    help="also the page with Go-style HTML escapes")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sp-json-bench-")
    try:
        pages = [("Pylon page (999 issues)", False)]
        if args.go:
            pages.append(("Same page, Go-style \\u003c escapes", True))
        for label, go in pages:
            data = gen_page.render(go_escape=go)
            path = os.path.join(work, "page.json")
            with open(path, "wb") as f:
                f.write(data)
            table(label, path, data, args.runs)
        print("\ntargets: tokenize >= 400 MB/s, >= 5x python3, >= 10x jq "
              "(per-record ratios); numbers only, never a failure")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
