#!/usr/bin/env python3
"""Run every libFuzzer target in build/fuzz briefly (make test) or long
(make fuzz-long).

For each target fuzz/fuzz_NAME.c (binary build/fuzz/fuzz_NAME):
  1. replay every file in fuzz/regress/NAME/ (inputs that once crashed, kept
     as regressions) and every seed in fuzz/corpus/NAME/;
  2. fuzz for --seconds, starting from a scratch copy of the seed corpus
     (the tracked corpus is never modified), with fuzz/NAME.dict if present.
One PASS/FAIL line per target and step. A crash input found is copied to
build/fuzz/crashes/NAME/ and named in the FAIL line; to keep it as a
regression, add it to fuzz/regress/NAME/.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Suite  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("SP_BUILD", os.path.join(ROOT, "build"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--report", action="store_true",
                    help="print exec counts and coverage per target")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    t = Suite("fuzz")
    targets = sorted(p for p in glob.glob(os.path.join(BUILD, "fuzz/fuzz_*"))
                     if os.access(p, os.X_OK) and not p.endswith((".o", ".d")))
    targets = [p for p in targets if args.only in p]
    if not targets:
        t.skip("targets", "no fuzz targets built (make fuzz)")
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "allocator_may_return_null=1")
    for binary in targets:
        name = os.path.basename(binary)[len("fuzz_"):]
        seeds = os.path.join(ROOT, "fuzz/corpus", name)
        regress = os.path.join(ROOT, "fuzz/regress", name)
        inputs = sorted(glob.glob(os.path.join(regress, "*")) +
                        glob.glob(os.path.join(seeds, "*")))
        if inputs:
            p = subprocess.run([binary] + inputs, capture_output=True,
                               env=env, timeout=300)
            t.check(f"{name}: replay {len(inputs)} seed and regression inputs",
                    p.returncode == 0,
                    p.stderr.decode("utf-8", "replace")[-1500:])
        else:
            t.check(f"{name}: has a seed corpus", False,
                    f"no files in fuzz/corpus/{name}")
        work = tempfile.mkdtemp(prefix=f"sp-fuzz-{name}-")
        try:
            corpus = os.path.join(work, "corpus")
            shutil.copytree(seeds, corpus) if os.path.isdir(seeds) \
                else os.makedirs(corpus)
            argv = [binary, f"-max_total_time={int(args.seconds)}",
                    "-print_final_stats=1", "-timeout=10",
                    "-rss_limit_mb=2048", f"-artifact_prefix={work}/"]
            d = os.path.join(ROOT, "fuzz", f"{name}.dict")
            if os.path.exists(d):
                argv.append(f"-dict={d}")
            argv.append(corpus)
            p = subprocess.run(argv, capture_output=True, env=env,
                               timeout=args.seconds + 300)
            err = p.stderr.decode("utf-8", "replace")
            crashes = [f for f in os.listdir(work)
                       if f.startswith(("crash-", "leak-", "timeout-",
                                        "oom-"))]
            kept = []
            for c in crashes:
                dst = os.path.join(BUILD, "fuzz/crashes", name)
                os.makedirs(dst, exist_ok=True)
                shutil.copy(os.path.join(work, c), dst)
                kept.append(os.path.join("build/fuzz/crashes", name, c))
            runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", err)
            cov = re.findall(r"cov: (\d+) ft: (\d+)", err)
            t.check(f"{name}: {int(args.seconds)} s of fuzzing",
                    p.returncode == 0 and not crashes,
                    f"{kept} " + err[-2000:])
            if args.report:
                print(f"# {name}: runs={runs.group(1) if runs else '?'} "
                      f"exec/s={int(runs.group(1)) / args.seconds if runs else 0:.0f} "
                      f"cov={cov[-1][0] if cov else '?'} "
                      f"ft={cov[-1][1] if cov else '?'} "
                      f"corpus={len(os.listdir(corpus))}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
