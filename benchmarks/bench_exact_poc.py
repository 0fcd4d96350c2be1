"""Speed of fairlib.cardinality.exact_poc against a plain cutting-plane baseline.

Measured in one run:

    python benchmarks/bench_exact_poc.py           # atlas cells with m <= 8 (minutes)
    python benchmarks/bench_exact_poc.py --quick   # m <= 5: a smoke test for CI

Both compute the exact price of cardinality ``PoC(m, k, n)`` of the
homogenized pattern LPs described in :mod:`fairlib.cardinality.exact`:

1. ``exact_poc`` -- partitions of ``m`` (patterns up to relabelling), the
   symmetry-reduced LP (one variable per orbit of agent–item pairs), HiGHS
   through ``highspy`` with rows added incrementally (warm start), a cut pool
   shared across patterns, bounding initial cuts, early stopping of patterns
   that cannot beat the best ratio, and exact rational certificates (lower and
   upper bound) for every cell -- all included in its time.
2. ``naive_poc`` (below, only here) -- the textbook loop: every *ordered*
   bundle-size vector (composition of ``m`` into at most ``n`` positive parts,
   no symmetry reduction), the full LP in the ``n m + 1`` variables ``(v, t)``
   with dense matrices, rebuilt and solved from scratch by
   ``scipy.optimize.linprog(method="highs")`` after every single cut, no
   shared pool, no warm start, floats only (no certificate).  ``t <= m/k``
   keeps the first LPs bounded (valid: agent 1's ``k`` best items are worth
   at least ``k t / m``).  Separation is the same
   :func:`fairlib.cardinality.cardinal_optimum`.

Each time is the best of ``REPEAT`` runs (``time.perf_counter``); the two
values must agree within ``AGREE``.  The target is a speed-up of at least
``TARGET_SPEEDUP`` on every cell.  Unless ``--quick``, the record goes to
``benchmarks/results/exact_poc.json``.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from _common import best_time, write_results
from scipy.optimize import linprog

from fairlib.cardinality import atlas_grid, cardinal_optimum, exact_poc

REPEAT = 3
TARGET_SPEEDUP = 5.0
AGREE = 1e-7  # |value difference|: the baseline stops at HiGHS's default tolerances
SEP_TOL = 1e-9


def compositions(m: int, max_parts: int):
    """Ordered bundle-size vectors.

    Compositions of ``m`` into at most ``max_parts`` positive parts.
    """
    for p in range(1, min(m, max_parts) + 1):
        for cuts in itertools.combinations(range(1, m), p - 1):
            bounds = (0,) + cuts + (m,)
            yield tuple(b - a for a, b in zip(bounds[:-1], bounds[1:], strict=True))


def naive_pattern_lp(sizes, m: int, k: int, n: int) -> float:
    """max sum_j v[A(j), j] s.t. row sums = t <= m/k, v(B) <= 1 for the cuts found.

    Rebuilt every round.
    """
    owner = np.repeat(np.arange(len(sizes)), sizes)
    nv = n * m
    c = np.zeros(nv + 1)
    c[owner * m + np.arange(m)] = -1.0  # linprog minimizes
    a_eq = np.zeros((n, nv + 1))
    for i in range(n):
        a_eq[i, i * m : (i + 1) * m] = 1.0
    a_eq[:, nv] = -1.0
    bounds = [(0, None)] * nv + [(0, m / k)]
    cuts: list[np.ndarray] = []
    while True:
        a_ub = np.array(cuts) if cuts else None
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=np.ones(len(cuts)) if cuts else None,
            A_eq=a_eq,
            b_eq=np.zeros(n),
            bounds=bounds,
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"linprog failed: {res.message}")
        v = np.maximum(res.x[:nv], 0.0).reshape(n, m)
        value, b = cardinal_optimum(v, k, normalized=False)
        if value <= 1 + SEP_TOL:
            return -res.fun
        row = np.zeros(nv + 1)
        row[b * m + np.arange(m)] = 1.0
        cuts.append(row)


def naive_poc(m: int, k: int, n: int) -> float:
    """Max over every ordered bundle-size vector of its pattern LP (floats)."""
    return max(naive_pattern_lp(sizes, m, k, n) for sizes in compositions(m, n))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Speed of fairlib.exact_poc against a naive cutting-plane loop"
    )
    parser.add_argument(
        "--quick", action="store_true", help="cells with m <= 5 only (CI smoke run)"
    )
    args = parser.parse_args(argv)
    m_max = 5 if args.quick else 8
    exact_poc(4, 2, 2)  # warm-up: imports, caches
    naive_poc(4, 2, 2)

    print(
        f"exact_poc vs naive cutting planes, cells 3 <= m <= {m_max}, 1 <= k <= m-2, "
        f"n = ceil(m/k) .. ceil(m/k)+2 (best of {REPEAT})"
    )
    print(
        f"{'m':>3}{'k':>3}{'n':>4}{'PoC':>14}{'exact_poc [s]':>15}"
        f"{'naive [s]':>12}{'speed-up':>10}"
    )
    rows = []
    for m, k, n in atlas_grid(m_max):  # the atlas grid, up to m_max
        t_fast, res = best_time(lambda m=m, k=k, n=n: exact_poc(m, k, n), repeat=REPEAT)
        t_naive, naive = best_time(
            lambda m=m, k=k, n=n: naive_poc(m, k, n), repeat=REPEAT
        )
        if not res.exact or abs(naive - res.value) > AGREE:
            raise RuntimeError(
                f"cell {(m, k, n)}: exact_poc {res.value} (exact: {res.exact}) "
                f"vs naive {naive}"
            )
        ratio = t_naive / t_fast
        rows.append(
            dict(
                m=m,
                k=k,
                n=n,
                value=str(res.upper),
                exact_poc_s=t_fast,
                naive_s=t_naive,
                speedup=ratio,
            )
        )
        print(
            f"{m:>3}{k:>3}{n:>4}{str(res.upper):>14}{t_fast:>15.4f}{t_naive:>12.4f}{ratio:>9.1f}x"
        )
    speedups = [r["speedup"] for r in rows]
    worst = min(rows, key=lambda r: r["speedup"])
    total_fast = sum(r["exact_poc_s"] for r in rows)
    total_naive = sum(r["naive_s"] for r in rows)
    print(
        f"min speed-up {min(speedups):.1f}x at (m, k, n) = "
        f"({worst['m']}, {worst['k']}, {worst['n']}); "
        f"median {float(np.median(speedups)):.1f}x; "
        f"totals {total_fast:.2f} s vs {total_naive:.2f} s "
        f"(target >= {TARGET_SPEEDUP:.0f}x on every cell)"
    )
    ok = min(speedups) >= TARGET_SPEEDUP
    if not args.quick:
        summary = dict(
            min_speedup=min(speedups),
            median_speedup=float(np.median(speedups)),
            worst_cell=[worst["m"], worst["k"], worst["n"]],
            total_exact_poc_s=total_fast,
            total_naive_s=total_naive,
            target_speedup=TARGET_SPEEDUP,
            meets_target=ok,
            m_max=m_max,
        )
        path = write_results(
            "exact_poc", rows, summary, "python benchmarks/bench_exact_poc.py"
        )
        print(f"record: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
