"""Monte Carlo grids of Paper A's random and structured settings, with provenance.

    python data/make_paper_a_montecarlo.py [-j JOBS] [--scheduler tcp://HOST:PORT]
                                           [--only dissimilar independent clustered]

Every grid cell is one task on the project's execution engine, a
``dask.distributed`` cluster (:func:`fairlib.cluster.dask_client`: a local
cluster of ``JOBS`` single-threaded workers, default 1, or a running scheduler),
with a progress bar.  A cell draws its instances from its own seed
(``SeedSequence([BASE_SEED, experiment, cell index])``), so the result does not
depend on the worker or the order.  Each task returns the cell's row: the mean of
the cell's samples, its standard error and 95% interval
(:func:`fairlib.divisible.estimate`), and the bound expressions the pages compare
with.

Writes

* ``data/paper_a_montecarlo_dissimilar.csv`` -- two ``gamma``-dissimilar agents:
  the exact worst-case ``sum_j loss_j`` (:func:`fairlib.divisible.dissimilar_adversary`)
  for ``a_1 ~ Beta(s, 1)^m`` (``family`` ``uniform`` is ``s = 1``, ``beta``) and for
  the three-group family (``worst``), against Corollary D.2 and Theorem D.1;
* ``data/paper_a_montecarlo_independent.csv`` -- Theorem 3.6: LP losses of
  independent agents with ``n b`` fixed, against ``sum_j c_j^2 kappa_j^2 b n``;
* ``data/paper_a_montecarlo_clustered.csv`` -- Theorem 3.5: LP losses of
  clustered agents against Eq. (21)'s expression;
* ``data/paper_a_montecarlo_table.csv`` -- the Table 1 page's other rows: two
  agents unrestricted (``a_2 = (r_1 + 1e-6) a_1``), ``delta``-similar (Proposition
  F.1's construction against Table 1's printed bound), independent two agents
  (uniform), many agents unrestricted (the adversarial family, best ``rho``);
* ``data/paper_a_montecarlo.provenance.json`` -- command, git commit, code hash,
  package versions, machine, jobs, seeds, grids and wall time per experiment.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fairlib import _provenance as P  # noqa: E402
from fairlib import divisible as D  # noqa: E402
from fairlib.cluster import dask_client  # noqa: E402

BASE_SEED = 20240603
EXPERIMENTS = ("dissimilar", "independent", "clustered", "table")
PROV = ROOT / "data" / "paper_a_montecarlo.provenance.json"
_DIV = ROOT / "fairlib" / "divisible"
CODE = [
    Path(__file__).resolve(),
    *(
        _DIV / f"{name}.py"
        for name in ("random_agents", "random_bounds", "montecarlo", "solve")
    ),
    *(_DIV / f"{name}.py" for name in ("metrics", "model", "bounds")),
]
PACKAGES = ("numpy", "scipy", "highspy", "dask", "distributed")

#: The full grids (the pages' defaults are much smaller).
GRIDS = {
    "dissimilar": {
        "m": [24, 48, 96],
        "gm": [0.05, 0.1, 0.2, 0.4, 0.8],
        "r1": 0.8,
        "samples": 30,
        "beta_s": [0.5, 2.0],  # extra Beta(s, 1) families at the largest m
    },
    "independent": {
        "n": [4, 8, 16, 32],
        "nb": [2, 4],
        "level": [0.01, 0.02, 0.04, 0.08],
        "dist": ["uniform", "beta2"],
        "m": 4,
        "samples": 100,
    },
    "clustered": {
        "n": 12,
        "m": 12,
        "K": [1, 2, 3],
        "delta": [0.0, 0.1, 0.2, 0.4],
        "gm": [0.1, 0.3, 1.0],
        "b": [1.0, 0.5],
        "level": 0.1,
        "samples": 40,
    },
    "table": {
        "unrestricted2": {"m": 8, "c": [0.05, 0.1, 0.2, 0.4], "samples": 200},
        "similar": {"m": [4, 8], "delta": [0.5, 1.0, 2.0, 3.0, 6.0], "eps": 1e-4},
        "independent2": {"m": 8, "c": [0.02, 0.05, 0.1, 0.2, 0.3], "samples": 2000},
        "unrestrictedn": {"n": 5, "m": 2, "level": [0.05, 0.1, 0.2, 0.4], "rho": 200},
    },
}


def _seed(experiment: str, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([BASE_SEED, EXPERIMENTS.index(experiment), index])


def _summary(values) -> dict:
    e = D.estimate(values)
    return {"mean": e.mean, "stderr": e.stderr, "lo": e.lo, "hi": e.hi}


# ---------------------------------------------------------------------------
# one task per cell
# ---------------------------------------------------------------------------


def dissimilar_cell(index, family, m, gm, r1, s, samples) -> dict:
    """Exact worst-case ``sum_j loss_j`` over ``samples`` draws of ``a_1``."""
    rng = np.random.default_rng(_seed("dissimilar", index))
    gamma = gm / m
    if family == "worst":
        a1s = [D.worst_case_dissimilar_a1(m, gamma, r1)]
    else:
        a1s = [rng.beta(s, 1.0, m) for _ in range(samples)]
    losses = np.array([D.dissimilar_adversary(a1, gamma, r1).loss for a1 in a1s])
    half = max(D.theorem_d1_item_bounds(a1, gamma, 0.5, r1).sum() for a1 in a1s)
    d2 = D.corollary_d2_bound(m, gamma, r1)
    stats = (
        _summary(losses)
        if losses.size > 1
        else dict.fromkeys(("mean", "lo", "hi"), float(losses[0])) | {"stderr": 0.0}
    )
    return {
        "family": family,
        "m": m,
        "gm": gm,
        "r1": r1,
        "s": s,
        "samples": len(a1s),
        **stats,
        "max": float(losses.max()),
        "bound_paper": d2.paper,
        "bound_chain": d2.chain,
        "bound_d1_half": float(half),
    }


def independent_cell(index, n, nb, level, dist, m, samples) -> dict:
    """LP losses of ``n`` independent agents with ``b = nb / n`` (Theorem 3.6)."""
    spec = "uniform" if dist == "uniform" else ("beta", 2.0)
    b = nb / n
    draw = partial(D.independent_instance, n, m, spec)
    losses = D.sample_losses(
        draw, level, level, b, samples=samples, seed=_seed("independent", index)
    )
    a = D.independent_instance(n, m, spec, 0)
    c = D.theorem_3_4_bound(a, level, level, b).coefficients  # same for every a
    kap = D.kappa(spec).value
    return {
        "n": n,
        "nb": nb,
        "b": b,
        "level": level,
        "dist": dist,
        "m": m,
        "samples": samples,
        "c": float(c[0]),
        "kappa": kap,
        "condition": bool(kap <= 1.0 / (nb * c[0])),
        **_summary(losses),
        "expression": D.theorem_3_6_expression(c, kap, b, n),
        "unrestricted": float(c.sum()),
    }


def clustered_cell(index, n, m, K, delta, gm, b, level, samples) -> dict:
    """LP losses of clustered agents (Theorem 3.5)."""
    gamma = gm / m
    draw = partial(D.clustered_instance, n, m, K, delta, gamma)
    losses = D.sample_losses(
        draw, level, level, b, samples=samples, seed=_seed("clustered", index)
    )
    inst = D.clustered_instance(n, m, K, delta, gamma, 0)
    c = D.theorem_3_4_bound(inst.a, level, level, b).coefficients
    return {
        "n": n,
        "m": m,
        "K": K,
        "delta": delta,
        "gm": gm,
        "b": b,
        "level": level,
        "samples": samples,
        **_summary(losses),
        "expression": D.theorem_3_5_expression(delta, b, K, n, m, gamma, c),
        "unrestricted": float(c.sum()),
    }


def table_cell(index, row, m, x, extra) -> dict:
    """One measurement of the Table 1 page's rows not covered by the other grids."""
    rng = np.random.default_rng(_seed("table", index))
    out = {"row": row, "m": m, "x": x, "samples": 1, "stderr": 0.0}
    if row in ("unrestricted2", "independent2"):
        level = x / (4 - 2 * x)  # alpha_i = beta_i = level gives c_1 = c_2 = x
        if row == "unrestricted2":  # a_2 just inside the band: a_2 = (r_1 + 1e-6) a_1
            draw = partial(_scaled_pair, m, 1 - x + 1e-6)
        else:
            draw = partial(D.independent_instance, 2, m, "uniform")
        losses = D.sample_losses(draw, level, level, samples=extra, seed=rng)
        bound = (
            m * x if row == "unrestricted2" else x**2 * m / 2
        )  # m c; c^2 sum kappa/2
        return out | _summary(losses) | {"samples": extra, "bound": bound}
    if row == "similar":
        inst = D.proposition_f1_instance(m, x, extra)
        loss = D.loss(inst.a, inst.aversion, inst.aversion)
        c1 = float(D.two_agent_threshold(inst.aversion, inst.aversion)[1][0])
        bound = m * c1 / x  # Table 1 as printed; the text's bound is delta itself
        return out | {"mean": loss, "lo": loss, "hi": loss, "bound": bound, "c": c1}
    # unrestrictedn: n agents, one top agent at 1, n - 1 copies at rho; best rho
    n, level = extra, x
    best = 0.0
    for rho in np.linspace(0.5, 1.0, GRIDS["table"]["unrestrictedn"]["rho"]):
        best = max(best, D.loss(D.adversarial_family(1, n - 1, m, rho), level, level))
    bound = D.loss_bound(D.adversarial_family(1, n - 1, m, 0.9), level, level)
    return out | {"mean": best, "lo": best, "hi": best, "bound": bound, "n": n}


def _scaled_pair(m, r, rng):
    a1 = rng.uniform(0.0, 1.0, m)
    return np.vstack([a1, r * a1])


def tasks(experiment: str) -> list[tuple]:
    g = GRIDS[experiment]
    out = []
    if experiment == "dissimilar":
        for m in g["m"]:
            for gm in g["gm"]:
                out.append(("uniform", m, gm, g["r1"], 1.0, g["samples"]))
                out.append(("worst", m, gm, g["r1"], 1.0, 1))
                if m == max(g["m"]):
                    for s in g["beta_s"]:
                        out.append(("beta", m, gm, g["r1"], s, g["samples"]))
        return [(dissimilar_cell, i, *t) for i, t in enumerate(out)]
    if experiment == "table":
        for row, spec in g.items():
            if row == "similar":
                for m in spec["m"]:
                    for d in spec["delta"]:
                        if d < m:
                            out.append((row, m, d, spec["eps"]))
            elif row == "unrestrictedn":
                for lv in spec["level"]:
                    out.append((row, spec["m"], lv, spec["n"]))
            else:
                for c in spec["c"]:
                    out.append((row, spec["m"], c, spec["samples"]))
        return [(table_cell, i, *t) for i, t in enumerate(out)]
    if experiment == "independent":
        for dist in g["dist"]:
            for nb in g["nb"]:
                for n in g["n"]:
                    for level in g["level"]:
                        out.append((n, nb, level, dist, g["m"], g["samples"]))
        return [(independent_cell, i, *t) for i, t in enumerate(out)]
    for K in g["K"]:
        for b in g["b"]:
            for gm in g["gm"]:
                for delta in g["delta"]:
                    cell = (g["n"], g["m"], K, delta, gm, b, g["level"], g["samples"])
                    out.append(cell)
    return [(clustered_cell, i, *t) for i, t in enumerate(out)]


def _call(task):
    fn, *args = task
    return fn(*args)


# ---------------------------------------------------------------------------
# provenance
# ---------------------------------------------------------------------------


def code_hash() -> str:
    """First 16 hex digits of the SHA-256 of the :data:`CODE` files."""
    return P.code_hash(CODE)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=1, help="workers (1)")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler")
    parser.add_argument("--only", nargs="+", choices=EXPERIMENTS, default=None)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    from tqdm.auto import tqdm

    chosen = args.only or list(EXPERIMENTS)
    args_ = sys.argv[1:] if argv is None else argv
    prov = json.loads(PROV.read_text()) if PROV.exists() else {"experiments": {}}
    with dask_client(args.scheduler, jobs=args.jobs) as client:
        from distributed import as_completed

        for exp in chosen:
            todo = tasks(exp)
            t0 = time.perf_counter()
            futures = {
                client.submit(_call, t, pure=False): k for k, t in enumerate(todo)
            }
            rows = [None] * len(todo)
            bar = tqdm(total=len(todo), desc=exp, disable=args.no_progress)
            for fut in as_completed(futures):
                rows[futures[fut]] = fut.result()
                bar.update(1)
            bar.close()
            wall = time.perf_counter() - t0
            out = ROOT / "data" / f"paper_a_montecarlo_{exp}.csv"
            with open(out, "w", newline="") as fh:
                keys = list(dict.fromkeys(k for r in rows for k in r))
                w = csv.DictWriter(fh, fieldnames=keys, lineterminator="\n", restval="")
                w.writeheader()
                for r in rows:
                    w.writerow(
                        {
                            k: (f"{v:.10g}" if isinstance(v, float) else v)
                            for k, v in r.items()
                        }
                    )
            prov["experiments"][exp] = {
                "data": str(out.relative_to(ROOT)),
                "cells": len(rows),
                "grid": GRIDS[exp],
                "seeds": f"SeedSequence([{BASE_SEED}, {EXPERIMENTS.index(exp)}, cell])",
                "wall_seconds": round(wall, 1),
                "command": " ".join(
                    ["python", "data/make_paper_a_montecarlo.py", *args_]
                ),
                "code_sha256_16": code_hash(),
            }
            print(
                f"{exp}: {len(rows)} cells in {wall:.1f} s -> {out.relative_to(ROOT)}"
            )
    prov.update(
        command=" ".join(["python", "data/make_paper_a_montecarlo.py", *args_]),
        **P.record(CODE, PACKAGES),
        jobs=args.jobs if args.scheduler is None else "scheduler",
        base_seed=BASE_SEED,
    )
    prov["wall_seconds_total"] = round(
        sum(e["wall_seconds"] for e in prov["experiments"].values()), 1
    )
    PROV.write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
