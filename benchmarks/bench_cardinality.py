"""Speed of fairlib.cardinality (Paper B, Proposition 1), measured in one run, seeded.

    python benchmarks/bench_cardinality.py           # n = 200, m = 2000, k = 10 (30 s)
    python benchmarks/bench_cardinality.py --quick   # tiny sizes: a smoke test for CI

The utilitarian-optimal cardinal allocation by

1. ``cardinal_optimum`` (default ``method="flow"``: successive shortest paths
   on the n-node agent graph) -- the fast path; target < 2 s;
2. ``cardinal_optimum(..., method="assignment")``: Proposition 1 literally,
   ``linear_sum_assignment`` on k copies of every agent;
3. ``cardinal_optimum_lp``: the totally unimodular LP, scipy ``linprog`` with
   HiGHS dual simplex;
4. ``cardinal_optimum_cvxpy``: the same LP through cvxpy + HiGHS -- the
   fast path's target is >= 10x faster than this.

Each time is the best of ``REPEAT`` runs (``time.perf_counter``) after one
warm-up call of every method on a tiny instance (imports, caches).  The
welfare of every returned allocation is printed with its difference from the
fast path's; the LP solvers stop at HiGHS's default tolerances (1e-7).
Unless ``--quick``, the record goes to ``benchmarks/results/cardinality.json``.
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import best_time, write_results

from fairlib.cardinality import (
    cardinal_optimum,
    cardinal_optimum_cvxpy,
    cardinal_optimum_lp,
)

SEED = 20240603
FULL = dict(n=200, m=2000, k=10)
QUICK = dict(n=10, m=60, k=6)
REPEAT = 3
TARGET_SECONDS = 2.0
TARGET_SPEEDUP = 10.0
AGREE = 1e-6  # |USW difference| allowed: HiGHS tolerances are 1e-7

METHODS = [
    ("flow", "cardinal_optimum (flow, default)", lambda u, k: cardinal_optimum(u, k)),
    (
        "assignment",
        "Prop. 1: linear_sum_assignment",
        lambda u, k: cardinal_optimum(u, k, method="assignment"),
    ),
    ("linprog", "LP: scipy linprog (HiGHS ds)", lambda u, k: cardinal_optimum_lp(u, k)),
    ("cvxpy", "LP: cvxpy + HiGHS", lambda u, k: cardinal_optimum_cvxpy(u, k)),
]


def instance(n: int, m: int, seed: int) -> np.ndarray:
    """Uniform random utilities with normalized rows (Paper B §2)."""
    u = np.random.default_rng(seed).random((n, m))
    return u / u.sum(axis=1, keepdims=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Speed of fairlib.cardinality (Paper B, Proposition 1)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes for a CI smoke run"
    )
    args = parser.parse_args(argv)
    size = QUICK if args.quick else FULL
    n, m, k = size["n"], size["m"], size["k"]
    u = instance(n, m, SEED)

    warm = instance(3, 6, SEED)
    for _, _, fn in METHODS:
        fn(warm, 2)

    results = {}
    for key, _, fn in METHODS:
        seconds, (value, owner) = best_time(lambda fn=fn: fn(u, k), repeat=REPEAT)
        loads = np.bincount(owner, minlength=n)
        results[key] = dict(
            seconds=seconds, usw=float(value), max_load=int(loads.max())
        )
    fast, cvx = results["flow"], results["cvxpy"]
    speedup = cvx["seconds"] / fast["seconds"]

    print(
        f"cardinal_optimum benchmark  n={n}  m={m}  k={k}  seed={SEED}  "
        f"(best of {REPEAT})"
    )
    print(f"{'method':<34}{'time [s]':>10}{'cvxpy/time':>12}{'USW':>16}{'|diff|':>10}")
    rows = []
    for key, label, _ in METHODS:
        r = results[key]
        diff = abs(r["usw"] - fast["usw"])
        print(
            f"{label:<34}{r['seconds']:>10.3f}{cvx['seconds'] / r['seconds']:>11.1f}x"
            f"{r['usw']:>16.10f}{diff:>10.1e}"
        )
        rows.append(
            dict(
                method=key,
                label=label,
                n=n,
                m=m,
                k=k,
                seconds=r["seconds"],
                usw=r["usw"],
                abs_diff_vs_fast=diff,
                max_load=r["max_load"],
            )
        )
    ok = all(r["abs_diff_vs_fast"] <= AGREE and r["max_load"] <= k for r in rows)
    print(
        f"every allocation cardinal (max load <= {k}) and within {AGREE:g} "
        f"of the fast path: {'yes' if ok else 'NO'}"
    )
    if args.quick:
        print("targets not judged at --quick sizes")
    else:
        met_t = fast["seconds"] < TARGET_SECONDS
        met_s = speedup >= TARGET_SPEEDUP
        print(
            f"targets: fast path < {TARGET_SECONDS:g} s: "
            f"{'met' if met_t else 'MISSED'} ({fast['seconds']:.3f} s); "
            f"speed-up vs cvxpy >= {TARGET_SPEEDUP:g}x: "
            f"{'met' if met_s else 'MISSED'} ({speedup:.1f}x)"
        )
        summary = dict(
            fast_seconds=fast["seconds"],
            cvxpy_seconds=cvx["seconds"],
            speedup_vs_cvxpy=speedup,
            target_seconds=TARGET_SECONDS,
            target_speedup=TARGET_SPEEDUP,
            target_seconds_met=met_t,
            target_speedup_met=met_s,
            values_agree=ok,
        )
        path = write_results(
            "cardinality", rows, summary, "python benchmarks/bench_cardinality.py"
        )
        print(f"wrote {path.relative_to(path.parents[2])}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
