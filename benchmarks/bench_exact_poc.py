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
``TARGET_SPEEDUP`` on every cell.

Second, against the *previous code* (``"previous"`` in the record): the
``exact_poc`` of commit ``5a7f729`` (before the scale work of issue 12), from
a git worktree (``git worktree add /tmp/old5a7 5a7f729``; another path with
``$FAIRLIB_OLD_TREE``), and this checkout's, each in its own subprocess, on
the cells ``24 <= m <= 30``, ``k`` in ``PREVIOUS_K``, ``n = ceil(m/k)``; both
must return the same exact value.  Times are CPU seconds
(``time.process_time``, one run each: robust on a shared machine) and wall
seconds; the speed-up per ``m`` is total old CPU time over total new CPU time
of that ``m``'s cells, target ``>= PREVIOUS_TARGET`` for every ``m``.  Without
the worktree this part is skipped with a note.  Unless ``--quick``, the record
goes to ``benchmarks/results/exact_poc.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from _common import best_time, machine, write_results
from scipy.optimize import linprog

from fairlib.cardinality import atlas_grid, cardinal_optimum, exact_poc

REPEAT = 3
TARGET_SPEEDUP = 5.0
AGREE = 1e-7  # |value difference|: the baseline stops at HiGHS's default tolerances
SEP_TOL = 1e-9
OLD_TREE = Path(os.environ.get("FAIRLIB_OLD_TREE", "/tmp/old5a7"))
OLD_COMMIT = "5a7f729"
PREVIOUS_M = range(24, 31)
PREVIOUS_K = (3, 4, 6, 12)
PREVIOUS_TARGET = 5.0
_TIMER = r"""
import json, sys, time
root = sys.argv[1]
sys.path.insert(0, root)
if root != "new":
    from fairlib.exact_poc import exact_poc  # the layout of commit 5a7f729
else:
    from fairlib.cardinality import exact_poc
exact_poc(4, 2, 2)
for cell in json.loads(sys.argv[2]):
    w, c = time.perf_counter(), time.process_time()
    r = exact_poc(*cell)
    c, w = time.process_time() - c, time.perf_counter() - w
    print(json.dumps([cell, str(r.upper), str(r.lower), c, w]), flush=True)
"""


def _timed(root: str, cells: list) -> list:
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, root, json.dumps(cells)],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    if out.returncode != 0:
        raise RuntimeError(f"timing run in {root} failed: {out.stderr[-2000:]}")
    return [json.loads(line) for line in out.stdout.splitlines()]


def previous(quick: bool) -> tuple[list[dict], dict]:
    """This checkout's exact_poc against commit 5a7f729's, cells 24 <= m <= 30."""
    if not (OLD_TREE / "fairlib" / "exact_poc.py").is_file():
        note = (
            f"previous-code comparison skipped: no checkout of {OLD_COMMIT} at "
            f"{OLD_TREE} (git worktree add {OLD_TREE} {OLD_COMMIT})"
        )
        print(note)
        return [], {"previous_note": note}
    ms = range(10, 12) if quick else PREVIOUS_M
    cells = [(m, k, -(-m // k)) for m in ms for k in PREVIOUS_K if k < m]
    old = _timed(str(OLD_TREE), cells)
    new = _timed("new", cells)
    rows = []
    print(f"exact_poc: this code vs commit {OLD_COMMIT}, one run each, CPU seconds")
    print(f"{'m':>3}{'k':>3}{'n':>4}{'PoC':>12}{'old [s]':>10}{'new [s]':>10}{'x':>7}")
    for (cell, up_o, _, c_o, w_o), (_, up_n, lo_n, c_n, w_n) in zip(
        old, new, strict=True
    ):
        if up_o != up_n or lo_n != up_n:
            raise RuntimeError(f"cell {cell}: old {up_o}, new {lo_n}..{up_n}")
        m, k, n = cell
        rows.append(
            dict(
                m=m,
                k=k,
                n=n,
                value=up_n,
                old_cpu_s=c_o,
                new_cpu_s=c_n,
                old_wall_s=w_o,
                new_wall_s=w_n,
                speedup=c_o / c_n,
            )
        )
        print(f"{m:>3}{k:>3}{n:>4}{up_n:>12}{c_o:>10.2f}{c_n:>10.2f}{c_o / c_n:>6.1f}x")
    by_m = {
        m: sum(r["old_cpu_s"] for r in rows if r["m"] == m)
        / sum(r["new_cpu_s"] for r in rows if r["m"] == m)
        for m in ms
    }
    print(
        "speed-up per m (total CPU old / new): "
        + ", ".join(f"m={m}: {x:.1f}x" for m, x in by_m.items())
        + f" (target >= {PREVIOUS_TARGET:g}x for every m)"
    )
    total_old = sum(r["old_cpu_s"] for r in rows)
    total_new = sum(r["new_cpu_s"] for r in rows)
    return rows, dict(
        previous_commit=OLD_COMMIT,
        previous_speedup_by_m={str(m): x for m, x in by_m.items()},
        previous_min_speedup_by_m=min(by_m.values()),
        previous_total_old_cpu_s=total_old,
        previous_total_new_cpu_s=total_new,
        previous_total_speedup=total_old / total_new,
        previous_target_speedup=PREVIOUS_TARGET,
        previous_meets_target=min(by_m.values()) >= PREVIOUS_TARGET,
        previous_cells=f"24 <= m <= 30, k in {PREVIOUS_K}, n = ceil(m/k)",
    )


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
    parser.add_argument(
        "--previous-only",
        action="store_true",
        help="only the comparison with the previous code (keeps the naive rows)",
    )
    args = parser.parse_args(argv)
    if args.previous_only:
        prev_rows, prev_summary = previous(args.quick)
        if not args.quick:
            path = Path(__file__).resolve().parent / "results" / "exact_poc.json"
            record = json.loads(path.read_text())
            record["previous"] = prev_rows
            record["summary"].update(prev_summary)
            record["summary"]["meets_target"] = record["summary"][
                "min_speedup"
            ] >= TARGET_SPEEDUP and prev_summary.get("previous_meets_target", True)
            record["previous_machine"] = machine()  # this part ran later
            path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
            print(f"record: {path}")
        return 0 if prev_summary.get("previous_meets_target", True) else 1
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
    prev_rows, prev_summary = previous(args.quick)
    ok = ok and prev_summary.get("previous_meets_target", True)
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
            **prev_summary,
        )
        path = write_results(
            "exact_poc", rows, summary, "python benchmarks/bench_exact_poc.py"
        )
        record = json.loads(path.read_text())
        record["previous"] = prev_rows
        path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        print(f"record: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
