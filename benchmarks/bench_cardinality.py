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

Then, at scale (``"scale"`` in the record): the fast path at n = 1000,
m = 10 000, k = 10 (target <= 5 s) and at n = 500, m = 5000, where it must
equal ``method="assignment"``.

Peers (``"peers"`` in the record): fairpyx's ``utilitarian_matching`` (the
fair-division library a user would reach for; networkx min-cost flow) against
``cardinal_optimum`` on integer-valued instances, one and two categories,
several sizes, values compared exactly, times in the same run.  fairpyx is not
a project dependency: it runs in a scratch venv given by ``$FAIRPYX_PYTHON``
(default ``/tmp/fairpyx-venv/bin/python``, made by ``python3.11 -m venv
/tmp/fairpyx-venv && /tmp/fairpyx-venv/bin/pip install fairpyx``) through
``benchmarks/_fairpyx_peer.py``; without it the peer rows are skipped with a
note.  Unless ``--quick``, the record goes to
``benchmarks/results/cardinality.json``.

Size sweep (``"sweep"`` in the record): all four formulations at
``n = 20 ... 1000``, ``m = 10 n``, ``k = 10`` (the slower ones only up to the
size where they still take seconds), drawn as Figure X52 (log-log time against
``m``) beside the fairpyx instances (``figures/figure-x52.*``;
``--redraw`` redraws it from the record).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

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
SCALE = dict(n=1000, m=10_000, k=10)
SCALE_EQUAL = dict(n=500, m=5000, k=10)
SCALE_TARGET_SECONDS = 5.0
FAIRPYX_PYTHON = os.environ.get("FAIRPYX_PYTHON", "/tmp/fairpyx-venv/bin/python")
PEER_SCRIPT = Path(__file__).resolve().parent / "_fairpyx_peer.py"
#: (n, m, caps per category); integer utilities 0..99, categories of equal size
PEER_SIZES = [
    (5, 30, (6,)),
    (10, 100, (10,)),
    (20, 400, (20,)),
    (40, 1000, (25,)),
    (10, 100, (5, 5)),
    (20, 400, (10, 10)),
]
QUICK_PEER_SIZES = [(5, 30, (6,)), (6, 40, (4, 4))]
#: the size sweep: agents n (m = 10 n, k = 10) and the largest n of each method
SWEEP_N = (20, 50, 100, 200, 500, 1000)
QUICK_SWEEP_N = (5, 10)
SWEEP_MAX_N = {"flow": 1000, "assignment": 500, "linprog": 200, "cvxpy": 200}

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


def scale(quick: bool) -> tuple[list[dict], dict]:
    """The fast path at scale; equal to the assignment method where both run."""
    big = dict(n=50, m=500, k=10) if quick else SCALE
    eq = dict(n=30, m=300, k=10) if quick else SCALE_EQUAL
    rows = []
    u = instance(big["n"], big["m"], SEED)
    seconds, (value, owner) = best_time(lambda: cardinal_optimum(u, big["k"]), 1)
    rows.append(dict(method="flow", **big, seconds=seconds, usw=float(value)))
    u = instance(eq["n"], eq["m"], SEED)
    t_flow, (v_flow, _) = best_time(lambda: cardinal_optimum(u, eq["k"]), 1)
    t_lsa, (v_lsa, _) = best_time(
        lambda: cardinal_optimum(u, eq["k"], method="assignment"), 1
    )
    rows += [
        dict(method="flow", **eq, seconds=t_flow, usw=float(v_flow)),
        dict(method="assignment", **eq, seconds=t_lsa, usw=float(v_lsa)),
    ]
    equal = abs(v_flow - v_lsa) <= 1e-9
    print(
        f"at scale: flow n={big['n']} m={big['m']} k={big['k']}: {seconds:.2f} s "
        f"(target <= {SCALE_TARGET_SECONDS:g} s); n={eq['n']} m={eq['m']}: "
        f"flow {t_flow:.2f} s, assignment {t_lsa:.2f} s, "
        f"equal: {'yes' if equal else 'NO'} (|diff| {abs(v_flow - v_lsa):.1e})"
    )
    return rows, dict(
        scale_seconds=seconds,
        scale_target_seconds=SCALE_TARGET_SECONDS,
        scale_target_met=seconds <= SCALE_TARGET_SECONDS,
        scale_equals_assignment=bool(equal),
    )


def sweep(quick: bool) -> list[dict]:
    """Time of every formulation against size (m = 10 n, k = 10), one run each."""
    rows = []
    for n in QUICK_SWEEP_N if quick else SWEEP_N:
        u = instance(n, 10 * n, SEED + n)
        for key, _, fn in METHODS:
            if n > SWEEP_MAX_N[key]:
                continue
            seconds, (value, _) = best_time(lambda fn=fn, u=u: fn(u, 10), 1)
            rows.append(dict(method=key, n=n, m=10 * n, k=10, seconds=seconds))
            rows[-1]["usw"] = float(value)
    for n in {r["n"] for r in rows}:  # every formulation agrees at every size
        values = [r["usw"] for r in rows if r["n"] == n]
        if max(values) - min(values) > AGREE:
            raise RuntimeError(f"sweep: the formulations disagree at n = {n}")
    print(
        "sweep (m = 10 n, k = 10): "
        + ", ".join(
            f"n={n}: "
            + " ".join(
                f"{r['method']} {r['seconds']:.3g}s" for r in rows if r["n"] == n
            )
            for n in sorted({r["n"] for r in rows})
        )
    )
    return rows


def draw_figure(sweep_rows, peer_rows, command):
    """Figure X52: log-log time against items, the four formulations and fairpyx."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fairlib.figures import save_figure, style
    from fairlib.paths import repo_path

    with style():
        fig, (ax, bx) = plt.subplots(1, 2, figsize=(9.6, 4.0), sharey=True)
        for (key, label, _), marker in zip(METHODS, "osd^", strict=True):
            pts = [(r["m"], r["seconds"]) for r in sweep_rows if r["method"] == key]
            ax.plot(*zip(*pts, strict=True), marker=marker, label=label)
        ax.set_title("uniform utilities, m = 10 n, k = 10")
        one = [r for r in peer_rows if len(r["caps"]) == 1]
        for key, label, marker, color in (
            ("ours_seconds", "cardinal_optimum (flow)", "o", "C0"),
            ("peer_seconds", "fairpyx utilitarian_matching", "v", "C4"),
        ):
            pts = sorted((r["m"], r[key]) for r in one)
            if pts:
                xs, ys = zip(*pts, strict=True)
                bx.plot(xs, ys, marker=marker, color=color, label=label)
        bx.set_title("fairpyx's instances (integer utilities, one category)")
        for a in (ax, bx):
            a.set_xscale("log")
            a.set_yscale("log")
            a.set_xlabel("items m")
            a.legend(fontsize="small", loc="lower right")
        ax.set_ylabel("wall time (s)")
    paths = save_figure(
        fig,
        "figure-x52",
        directory=repo_path("figures"),
        title="Paper B solvers: time against items, with fairpyx",
        notebook="performance.ipynb",
        params={"command": command},
    )
    plt.close(fig)
    meta = json.loads(paths["json"].read_text("utf-8"))
    meta["notebook"] = "book/performance.md"  # the page showing it is not a notebook
    text = json.dumps(meta, indent=1, sort_keys=True, ensure_ascii=False)
    paths["json"].write_text(text + "\n", encoding="utf-8")


def peers(quick: bool) -> tuple[list[dict], str]:
    """fairpyx's utilitarian_matching vs cardinal_optimum, integer instances."""
    if not Path(FAIRPYX_PYTHON).is_file():
        note = (
            f"fairpyx peer skipped: no interpreter with fairpyx at {FAIRPYX_PYTHON} "
            "(set FAIRPYX_PYTHON)"
        )
        print(note)
        return [], note
    rng = np.random.default_rng(SEED)
    cases = []
    for n, m, caps in QUICK_PEER_SIZES if quick else PEER_SIZES:
        u = rng.integers(0, 100, size=(n, m))
        cats = np.repeat(np.arange(len(caps)), m // len(caps))
        cases.append(dict(u=u.tolist(), k=list(caps), categories=cats.tolist()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instances.json"
        path.write_text(json.dumps(cases))
        t0 = time.perf_counter()
        out = subprocess.run(
            [FAIRPYX_PYTHON, str(PEER_SCRIPT), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"fairpyx peer failed: {out.stderr[-2000:]}")
    theirs = json.loads(out.stdout)
    version = subprocess.run(
        [
            FAIRPYX_PYTHON,
            "-c",
            "from importlib import metadata as m; "
            "print(m.version('fairpyx'), m.version('networkx'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    rows = []
    print(f"peer: fairpyx {version[0] if version else '?'} utilitarian_matching")
    print(
        f"{'n':>4}{'m':>6}{'caps':>10}{'ours [s]':>10}{'fairpyx [s]':>13}"
        f"{'ratio':>8}{'USW':>10}  equal"
    )
    for case, peer in zip(cases, theirs, strict=True):
        u = np.array(case["u"], dtype=float)
        seconds, (value, owner) = best_time(
            lambda u=u, case=case: cardinal_optimum(
                u, case["k"], categories=case["categories"], normalized=False
            ),
            REPEAT,
        )
        n, m = u.shape
        row = dict(
            peer="fairpyx.utilitarian_matching",
            n=n,
            m=m,
            caps=case["k"],
            ours_seconds=seconds,
            peer_seconds=peer["seconds"],
            speedup=peer["seconds"] / seconds,
            usw=int(round(value)),
            peer_usw=int(peer["value"]),
            equal=int(round(value)) == int(peer["value"]),
        )
        rows.append(row)
        print(
            f"{n:>4}{m:>6}{str(tuple(case['k'])):>10}{seconds:>10.4f}"
            f"{peer['seconds']:>13.3f}{row['speedup']:>7.0f}x{row['usw']:>10}  "
            f"{'yes' if row['equal'] else 'NO'}"
        )
    note = (
        f"fairpyx {version[0] if version else '?'} (networkx "
        f"{version[1] if len(version) > 1 else '?'}) in a scratch venv, run once per "
        f"instance and category (agent capacity k_c, item capacity 1); subprocess "
        f"wall {wall:.1f} s"
    )
    return rows, note


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Speed of fairlib.cardinality (Paper B, Proposition 1)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes for a CI smoke run"
    )
    parser.add_argument(
        "--redraw",
        action="store_true",
        help="only redraw Figure X52 from benchmarks/results/cardinality.json",
    )
    args = parser.parse_args(argv)
    if args.redraw:
        from _common import RESULTS

        record = json.loads((RESULTS / "cardinality.json").read_text())
        draw_figure(record["sweep"], record["peers"], record["command"])
        return 0
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
    scale_rows, scale_summary = scale(args.quick)
    sweep_rows = sweep(args.quick)
    peer_rows, peer_note = peers(args.quick)
    ok = ok and scale_summary["scale_equals_assignment"]
    ok = ok and all(r["equal"] for r in peer_rows)
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
            **scale_summary,
            peers_note=peer_note,
        )
        path = write_results(
            "cardinality", rows, summary, "python benchmarks/bench_cardinality.py"
        )
        record = json.loads(path.read_text())
        record["scale"] = scale_rows
        record["peers"] = peer_rows
        record["sweep"] = sweep_rows
        path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        draw_figure(sweep_rows, peer_rows, record["command"])
        print(f"wrote {path.relative_to(path.parents[2])}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
