"""Speed of fairlib.divisible (Paper A), measured in one run, seeded.

    python benchmarks/bench_divisible.py            # full run (a few minutes)
    python benchmarks/bench_divisible.py --quick    # tiny sizes: a smoke test for CI

1. Lemma 3.1 closed form (``two_agent_allocation``) vs the HiGHS LP
   (``participatory_allocation``), n = 2, m = 10 000: speed ratio and relative
   difference of f(v(x)).  Targets: >= 100x, <= 1e-9.
2. The LP at n = m = 100: model building vs HiGHS solve (target: build <= 0.5x
   solve), and end-to-end vs the cvxpy formulation (target: >= 5x faster).
3. Set generation (``participatory_allocation_sets``, the path of
   ``solve_participatory`` above n = 100) against the full
   pair LP at n <= 300, m = 50, random and adversarial alpha, beta: relative
   difference of the exact f(v(x)) (target <= 1e-9).
4. Time against n at m = 50, each solver and size in a fresh process (cut off
   after 60 s) with its peak resident memory: ``solve_participatory``, the pair
   LP, the cvxpy formulation; largest n within 60 s (target: n >= 1000).
5. Time against n at m = 5: the same solvers and the Paper A authors' approach
   (n! orderings, scipy trust-constr; ``benchmarks/peers/paper_a_authors.py``).

Figures X50 and X51 (log-log time against n) are drawn from these rows and
saved into ``figures/`` by this script (``--redraw`` redraws them from the
committed record without measuring); ``book/performance.md`` only shows them.

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
from fairlib.divisible.model import _fs_welfare
from fairlib.divisible.solve import (
    build_participatory_lp,
    default_cvxpy_solver,
    read_allocation,
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


SOLVERS = {
    "sets": "set generation (solve_participatory, n > 100)",
    "pairs": "pair LP (HiGHS)",
    "cvxpy": "cvxpy formulation",
    "authors": "authors' approach (n! orderings, trust-constr)",
}


def scaling_instance(n, m, kind="random"):
    rng = np.random.default_rng([SEED, n, m])
    if kind == "adversarial":
        top = max(1, n // 10)
        a = D.adversarial_family(top, n - top, m, 0.3)
        return a, rng.uniform(0, 0.45, n), rng.uniform(0, 0.45, n)
    return instance(rng, n, m)


def solve_with(solver, a, alpha, beta):
    """Solve with one solver; returns the allocation."""
    if solver == "sets":
        return D.participatory_allocation_sets(a, alpha, beta).x
    if solver == "pairs":
        lp = build_participatory_lp(a, alpha, beta, np.ones(a.shape[1]))
        return read_allocation(lp, solve_lp(lp))
    if solver == "cvxpy":
        return D.participatory_allocation_cvxpy(a, alpha, beta)
    from peers.paper_a_authors import allocate

    return np.clip(allocate(a, alpha, beta)[0], 0.0, 1.0)


def one_step(solver, n, m, kind):
    """Solve one instance in this (fresh) process.

    Prints seconds, f(v(x)) and peak RSS in MiB.
    """
    a, alpha, beta = scaling_instance(n, m, kind)
    if solver == "cvxpy":
        warm_up()
    t0 = time.perf_counter()
    x = solve_with(solver, a, alpha, beta)
    t1 = time.perf_counter()
    print(f"{t1 - t0!r} {_fs_welfare(a, x, alpha, beta)!r} {peak_rss_mib()!r}")


def run_fresh(solver, n, m, kind="random"):
    """(seconds, f(v), peak MiB) in a fresh process, or None after the limit."""
    cmd = [sys.executable, __file__, "--one-step", solver, str(n), str(m), kind]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, check=True, timeout=TIME_LIMIT + 30
        )
    except subprocess.TimeoutExpired:
        return None
    return tuple(map(float, out.stdout.split()))


def scaling(m, sizes):
    """Each solver and size in a fresh process; a solver stops after 60 s.

    So peak RSS is that solve's own and a slow solve can be cut off.
    """
    print(f"\n[scaling] time against n at m = {m} (each run in a fresh process)")
    print(f"    {'solver':<40}{'n':>6}{'seconds':>10}{'peak RSS MiB':>14}")
    rows = []
    for solver, ns in sizes.items():
        for n in ns:
            got = run_fresh(solver, n, m)
            row = {"part": "scaling", "solver": solver, "n": n, "m": m}
            if got is None:
                row.update(seconds=None, welfare=None, peak_rss_mib=None)
                row["within_limit"] = False
                print(f"    {SOLVERS[solver]:<40}{n:>6}{'> 60':>10}  (stopped)")
                rows.append(row)
                break
            t, f, rss = got
            row.update(seconds=t, welfare=f, peak_rss_mib=rss)
            row["within_limit"] = t <= TIME_LIMIT
            print(f"    {SOLVERS[solver]:<40}{n:>6}{t:>10.2f}{rss:>14.0f}", flush=True)
            rows.append(row)
            if t > TIME_LIMIT:
                break
    return rows


def equality(m, sizes):
    """solve_participatory vs the full pair LP: exact f(v(x)) of both."""
    print(f"\n[equality] solve_participatory vs the pair LP, m = {m}")
    rows = []
    for kind in ("random", "adversarial"):
        for n in sizes:
            inst = scaling_instance(n, m, kind)
            t_s, x_s = timed(lambda inst=inst: solve_with("sets", *inst), 1)
            t_p, x_p = timed(lambda inst=inst: solve_with("pairs", *inst), 1)
            f_s, f_p = (
                _fs_welfare(inst[0], x_s, *inst[1:]),
                _fs_welfare(inst[0], x_p, *inst[1:]),
            )
            rel = abs(f_s - f_p) / max(1.0, abs(f_p))
            print(
                f"    {kind:<12} n = {n:>4}: f sets {f_s:.12f}, f pairs {f_p:.12f}, "
                f"rel diff {rel:.1e}; {t_s:.2f} s vs {t_p:.2f} s",
                flush=True,
            )
            rows.append(
                {
                    "part": "equality",
                    "kind": kind,
                    "n": n,
                    "m": m,
                    "sets_s": t_s,
                    "pairs_s": t_p,
                    "rel_f_diff": rel,
                }
            )
    return rows


def draw_figures(rows, command):
    """Figures X50 (m = 50) and X51 (m = 5): log-log time against n."""
    import json

    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fairlib.figures import save_figure, style
    from fairlib.paths import repo_path

    figures = repo_path("figures")
    titles = {
        50: "Paper A solvers: time against agents, m = 50",
        5: "Paper A solvers with the authors' approach: time against agents, m = 5",
    }
    for label, m in (("figure-x50", 50), ("figure-x51", 5)):
        with style():
            fig, ax = plt.subplots(figsize=(6.4, 4.0))
            for solver, marker in zip(SOLVERS, "osd^", strict=True):
                pts = [
                    (r["n"], r["seconds"])
                    for r in rows
                    if r["part"] == "scaling"
                    and r["m"] == m
                    and r["solver"] == solver
                    and r["seconds"] is not None
                ]
                if pts:
                    xs, ys = zip(*pts, strict=True)
                    ax.plot(xs, ys, marker=marker, label=SOLVERS[solver])
            ax.axhline(TIME_LIMIT, color="0.5", linestyle=":", label="60 s")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ns = [r["n"] for r in rows if r["part"] == "scaling" and r["m"] == m]
            ticks = (2, 3, 4, 5, 6, 8, 10, 30, 100, 300, 1000, 3000, 10_000)
            ax.set_xticks([t for t in ticks if min(ns) <= t <= max(ns)])
            ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.set_xlabel("agents n")
            ax.set_ylabel("wall time (s)")
            ax.set_title(f"m = {m} items")
            ax.set_ylim(top=10 * TIME_LIMIT)
            ax.legend(fontsize="small", loc="upper left" if m == 5 else "lower right")
        paths = save_figure(
            fig,
            label,
            directory=figures,
            title=titles[m],
            notebook="performance.ipynb",
            params={"command": command},
        )
        plt.close(fig)
        # the page that shows the figure is book/performance.md (not a notebook)
        meta = json.loads(paths["json"].read_text("utf-8"))
        meta["notebook"] = "book/performance.md"
        text = json.dumps(meta, indent=1, sort_keys=True, ensure_ascii=False)
        paths["json"].write_text(text + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes only (CI smoke test)"
    )
    parser.add_argument(
        "--redraw",
        action="store_true",
        help="only redraw Figures X50, X51 from benchmarks/results/divisible.json",
    )
    parser.add_argument("--one-step", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.redraw:
        import json

        from _common import RESULTS

        record = json.loads((RESULTS / "divisible.json").read_text())
        draw_figures(record["rows"], record["command"])
        return
    if args.one_step:
        solver, n, m, kind = args.one_step
        one_step(solver, int(n), int(m), kind)
        return
    global JUDGE
    JUDGE = not args.quick
    rng = np.random.default_rng(SEED)
    warm_up()
    if args.quick:
        closed_form_vs_lp(rng, m=200, repeat=3)
        build_vs_solve_vs_cvxpy(rng, n=10, m=10, repeat=2)
        equality(m=5, sizes=(10, 120))
        scaling(5, {"sets": (10, 120), "pairs": (10,), "authors": (2,)})
        return
    command = "python benchmarks/bench_divisible.py"
    print(f"fairlib.divisible benchmark (seed {SEED})")
    r1 = closed_form_vs_lp(rng, m=10_000, repeat=7)
    r2 = build_vs_solve_vs_cvxpy(rng, n=100, m=100, repeat=5)
    r3 = equality(m=50, sizes=(50, 150, 300))
    small = (2, 3, 4, 5, 6, 8)
    r4 = scaling(
        50,
        {
            "sets": (10, 25, 50, 100, 200, 300, 500, 1000, 1500, 2000, 3000),
            "pairs": (10, 25, 50, 100, 200, 300, 400),
            "cvxpy": (10, 25, 50, 100, 200, 300),
        },
    )
    r5 = scaling(
        5,
        {"sets": small, "pairs": small, "cvxpy": small, "authors": small},
    )
    done = [r for r in r4 if r["solver"] == "sets" and r["within_limit"]]
    at_largest = max(done, key=lambda r: r["n"]) if done else {}
    largest = at_largest.get("n")
    print(
        f"    largest n within {TIME_LIMIT:.0f} s: {largest} "
        f"(target >= 1000: {verdict(largest is not None and largest >= 1000)})"
    )

    def ratio(slow, n, m):
        t = {
            r["solver"]: r["seconds"]
            for r in r4 + r5
            if r["n"] == n and r["m"] == m and r["seconds"] is not None
        }
        return t[slow] / t["sets"] if slow in t and "sets" in t else None

    summary = {
        "two_agent_speed_ratio": r1["speed_ratio"],
        "two_agent_rel_f_diff": r1["rel_f_diff"],
        "build_over_solve": r2["build_over_solve"],
        "cvxpy_over_fast": r2["cvxpy_over_fast"],
        "max_rel_f_diff_sets_vs_pairs": max(r["rel_f_diff"] for r in r3),
        "largest_n_within_60s": largest,
        "largest_n_seconds": at_largest.get("seconds"),
        "largest_n_peak_rss_mib": at_largest.get("peak_rss_mib"),
        "pairs_over_sets_n300": ratio("pairs", 300, 50),
        "cvxpy_over_sets_n200": ratio("cvxpy", 200, 50),
        "authors_over_sets_n4_m5": ratio("authors", 4, 5),
        "targets": {
            "two_agent_speed_ratio": 100,
            "two_agent_rel_f_diff": 1e-9,
            "build_over_solve": 0.5,
            "cvxpy_over_fast": 5,
            "max_rel_f_diff_sets_vs_pairs": 1e-9,
            "largest_n_within_60s": 1000,
        },
    }
    rows = [r1, r2, *r3, *r4, *r5]
    path = write_results("divisible", rows, summary, command)
    draw_figures(rows, command)
    print(f"results written to {path}; figures X50, X51 in figures/")


if __name__ == "__main__":
    main()
