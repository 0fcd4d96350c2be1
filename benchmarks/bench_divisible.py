"""Speed of fairlib.divisible (Paper A), measured in one run, seeded.

    python benchmarks/bench_divisible.py            # full run (a few minutes)
    python benchmarks/bench_divisible.py --quick    # tiny sizes: a smoke test for CI

1. Lemma 3.1 closed form (``two_agent_allocation``) vs the HiGHS LP
   (``participatory_allocation``), n = 2, m = 10 000: speed ratio and relative
   difference of f(v(x)).  Targets: >= 100x, <= 1e-9.
2. The LP at n = m = 100: model building vs HiGHS solve (target: build <= 0.5x
   solve), and end-to-end vs the cvxpy formulation (target: >= 5x faster).
3. Largest n solved within 60 s at m = 50 (target: n >= 300), each size in a
   fresh process (cut off after the limit) reporting its peak resident memory.

Times are the median of ``repeat`` runs (wall clock, ``time.perf_counter``).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
from _common import write_results

from fairlib import divisible as D
from fairlib.divisible.solve import (
    build_participatory_lp,
    default_cvxpy_solver,
    solve_lp,
)

SEED = 20240603
TIME_LIMIT = 60.0  # seconds, per solve in the scaling run


def timed(fn, repeat):
    """(median seconds, last result) over ``repeat`` calls."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB.

    Linux: ``VmHWM`` of /proc/self/status (reset by exec, unlike ``ru_maxrss``,
    which a child inherits from its parent); elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(
        resource.RUSAGE_SELF
    ).ru_maxrss  # KiB on Linux, bytes on macOS
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)


def instance(rng, n, m, aversion=0.3):
    return rng.random((n, m)), rng.uniform(0, aversion, n), rng.uniform(0, aversion, n)


JUDGE = True  # False under --quick: the targets are for the full sizes


def verdict(ok: bool) -> str:
    if not JUDGE:
        return "not judged at --quick sizes"
    return "met" if ok else "MISSED"


def warm_up():
    """Import cvxpy and run each code path once (no timing includes one-off imports)."""
    a = np.array([[1.0, 2.0], [2.0, 1.0]])
    D.two_agent_allocation(a, 0.1, 0.1)
    D.participatory_allocation(a, 0.1, 0.1)
    D.participatory_allocation_cvxpy(a, 0.1, 0.1)


def closed_form_vs_lp(rng, m, repeat):
    a, alpha, beta = instance(rng, 2, m, aversion=0.5)
    t_cf, x_cf = timed(lambda: D.two_agent_allocation(a, alpha, beta), repeat * 10)
    t_lp, x_lp = timed(lambda: D.participatory_allocation(a, alpha, beta), repeat)
    f_cf, f_lp = D.fs_welfare(a, x_cf, alpha, beta), D.fs_welfare(a, x_lp, alpha, beta)
    rel = abs(f_cf - f_lp) / max(1.0, abs(f_lp))
    ratio = t_lp / t_cf
    print(f"\n[1] n = 2, m = {m}: Lemma 3.1 closed form vs HiGHS LP")
    print(f"    {'two_agent_allocation':<28}{t_cf * 1e3:>10.3f} ms")
    print(f"    {'participatory_allocation':<28}{t_lp * 1e3:>10.3f} ms")
    print(f"    speed ratio {ratio:.0f}x (target >= 100x: {verdict(ratio >= 100)})")
    print(
        f"    |f difference| / |f| = {rel:.1e} (target <= 1e-9: {verdict(rel <= 1e-9)})"
    )
    return {
        "part": "closed_form_vs_lp",
        "n": 2,
        "m": m,
        "closed_form_s": t_cf,
        "lp_s": t_lp,
        "speed_ratio": ratio,
        "rel_f_diff": rel,
    }


def build_vs_solve_vs_cvxpy(rng, n, m, repeat):
    a, alpha, beta = instance(rng, n, m)
    b = np.ones(m)
    t_build, lp = timed(lambda: build_participatory_lp(a, alpha, beta, b), repeat * 5)
    t_solve, res = timed(lambda: solve_lp(lp), repeat)
    t_fast, x_fast = timed(lambda: D.participatory_allocation(a, alpha, beta), repeat)
    t_cvx, x_cvx = timed(
        lambda: D.participatory_allocation_cvxpy(a, alpha, beta), max(1, repeat // 2)
    )
    f_fast, f_cvx = (
        D.fs_welfare(a, x_fast, alpha, beta),
        D.fs_welfare(a, x_cvx, alpha, beta),
    )
    rows, nnz = lp.A_ub.shape[0] + lp.A_eq.shape[0], lp.A_ub.nnz + lp.A_eq.nnz
    print(
        f"\n[2] n = {n}, m = {m}: participatory LP ({lp.c.size} variables, "
        f"{rows} rows, {nnz} nonzeros)"
    )
    print(f"    {'build (scipy.sparse)':<28}{t_build * 1e3:>10.2f} ms")
    print(f"    {'solve (HiGHS via linprog)':<28}{t_solve * 1e3:>10.2f} ms")
    print(f"    {'end to end, fast path':<28}{t_fast * 1e3:>10.2f} ms")
    print(
        f"    {'end to end, cvxpy/' + str(default_cvxpy_solver()):<28}"
        f"{t_cvx * 1e3:>10.2f} ms"
    )
    print(
        f"    build / solve = {t_build / t_solve:.3f} "
        f"(target <= 0.5: {verdict(t_build <= 0.5 * t_solve)})"
    )
    print(
        f"    cvxpy / fast  = {t_cvx / t_fast:.1f}x "
        f"(target >= 5x: {verdict(t_cvx >= 5 * t_fast)})"
    )
    print(
        "    |f fast - f cvxpy| / |f| = "
        f"{abs(f_fast - f_cvx) / max(1.0, abs(f_fast)):.1e}"
    )
    return {
        "part": "build_vs_solve_vs_cvxpy",
        "n": n,
        "m": m,
        "variables": int(lp.c.size),
        "rows": int(rows),
        "nonzeros": int(nnz),
        "build_s": t_build,
        "solve_s": t_solve,
        "fast_s": t_fast,
        "cvxpy_s": t_cvx,
        "build_over_solve": t_build / t_solve,
        "cvxpy_over_fast": t_cvx / t_fast,
        "rel_f_diff": abs(f_fast - f_cvx) / max(1.0, abs(f_fast)),
    }


def one_step(n, m):
    """Build and solve one scaling instance in this (fresh) process.

    Prints build seconds, solve seconds and peak RSS in MiB.
    """
    rng = np.random.default_rng([SEED, n, m])
    a, alpha, beta = instance(rng, n, m)
    t0 = time.perf_counter()
    lp = build_participatory_lp(a, alpha, beta, np.ones(m))
    t1 = time.perf_counter()
    solve_lp(lp)
    t2 = time.perf_counter()
    print(f"{t1 - t0} {t2 - t1} {peak_rss_mib()}")


def scaling(m, sizes):
    """Each size in a fresh subprocess.

    So peak RSS is that solve's own and a slow solve can be cut off.
    """
    print(
        f"\n[3] largest n solved within {TIME_LIMIT:.0f} s, m = {m} "
        "(each n in a fresh process)"
    )
    print(f"    {'n':>5}{'pairs':>9}{'build s':>10}{'solve s':>10}{'peak RSS MiB':>14}")
    largest, rows = None, []
    for n in sizes:
        cmd = [sys.executable, __file__, "--one-step", str(n), str(m)]
        try:
            out = subprocess.run(
                cmd, capture_output=True, text=True, check=True, timeout=TIME_LIMIT + 30
            )
        except subprocess.TimeoutExpired:
            print(
                f"    {n:>5}{n * (n - 1) // 2:>9}{'':>10}"
                f"{'> ' + str(int(TIME_LIMIT)):>10}{'':>14}  (stopped)"
            )
            rows.append(
                {
                    "part": "scaling",
                    "n": n,
                    "m": m,
                    "build_s": None,
                    "solve_s": None,
                    "peak_rss_mib": None,
                    "within_limit": False,
                }
            )
            break
        t_build, t_solve, rss = map(float, out.stdout.split())
        print(
            f"    {n:>5}{n * (n - 1) // 2:>9}"
            f"{t_build:>10.3f}{t_solve:>10.2f}{rss:>14.0f}",
            flush=True,
        )
        rows.append(
            {
                "part": "scaling",
                "n": n,
                "m": m,
                "build_s": t_build,
                "solve_s": t_solve,
                "peak_rss_mib": rss,
                "within_limit": t_build + t_solve <= TIME_LIMIT,
            }
        )
        if t_build + t_solve > TIME_LIMIT:
            break
        largest = n
    return largest, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes only (CI smoke test)"
    )
    parser.add_argument(
        "--one-step", nargs=2, type=int, metavar=("N", "M"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one_step:
        one_step(*args.one_step)
        return
    global JUDGE
    JUDGE = not args.quick
    rng = np.random.default_rng(SEED)
    warm_up()
    if args.quick:
        closed_form_vs_lp(rng, m=200, repeat=3)
        build_vs_solve_vs_cvxpy(rng, n=10, m=10, repeat=2)
        largest, _ = scaling(m=10, sizes=(10, 20))
        print(
            f"    largest n within {TIME_LIMIT:.0f} s: {largest} "
            f"(target >= 300: {verdict(False)})"
        )
        return
    print(f"fairlib.divisible benchmark (seed {SEED})")
    r1 = closed_form_vs_lp(rng, m=10_000, repeat=7)
    r2 = build_vs_solve_vs_cvxpy(rng, n=100, m=100, repeat=5)
    largest, r3 = scaling(m=50, sizes=(50, 100, 200, 300, 400, 500, 600, 800))
    print(
        f"    largest n within {TIME_LIMIT:.0f} s: {largest} "
        f"(target >= 300: {verdict(largest is not None and largest >= 300)})"
    )
    at_largest = next((r for r in r3 if r["n"] == largest), {})
    summary = {
        "two_agent_speed_ratio": r1["speed_ratio"],
        "two_agent_rel_f_diff": r1["rel_f_diff"],
        "build_over_solve": r2["build_over_solve"],
        "cvxpy_over_fast": r2["cvxpy_over_fast"],
        "largest_n_within_60s": largest,
        "largest_n_seconds": (at_largest.get("build_s") or 0)
        + (at_largest.get("solve_s") or 0),
        "largest_n_peak_rss_mib": at_largest.get("peak_rss_mib"),
        "targets": {
            "two_agent_speed_ratio": 100,
            "two_agent_rel_f_diff": 1e-9,
            "build_over_solve": 0.5,
            "cvxpy_over_fast": 5,
            "largest_n_within_60s": 300,
        },
    }
    path = write_results(
        "divisible", [r1, r2, *r3], summary, "python benchmarks/bench_divisible.py"
    )
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
