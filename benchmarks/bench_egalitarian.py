"""How large an egalitarian optimum fairlib certifies within 60 seconds.

    python benchmarks/bench_egalitarian.py           # the ladder below (minutes)
    python benchmarks/bench_egalitarian.py --quick   # tiny sizes: a smoke test

For each number of agents ``n`` the ladder grows ``m`` (items per agent
``m/n`` = 2, 3, 4, 6, 8, 12, 16, ...) with the tightest cap ``k = ceil(m/n)``
and solves one seeded random *exact* instance (each agent values a random
half of the items with integer weights 1..9, normalized, so each row's
denominator is its weight sum) with
:func:`fairlib.cardinality.egalitarian_optimum` -- the MILP and the exact
certificate, both included in the time.  A size counts as certified if it
finishes within ``BUDGET`` seconds (run in a child process, killed at the
budget); the ladder of an ``n`` stops at its first failure.  Unless
``--quick``, the record goes to ``benchmarks/results/egalitarian.json``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from fractions import Fraction

import numpy as np
from _common import write_results

BUDGET = 60.0
PER_AGENT = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128]
AGENTS = [2, 3, 5, 10, 20, 40]


def instance(n: int, m: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u = np.empty((n, m), dtype=object)
    for i in range(n):
        w = np.zeros(m, dtype=int)
        support = rng.choice(m, size=max(1, m // 2), replace=False)
        w[support] = rng.integers(1, 10, size=support.size)
        total = int(w.sum())
        u[i] = [Fraction(int(x), total) for x in w]
    return u


def _run(n, m, k, seed, queue):
    from fairlib.cardinality import egalitarian_optimum

    u = instance(n, m, seed)
    t0 = time.perf_counter()
    free = egalitarian_optimum(u).value
    t1 = time.perf_counter()
    capped = egalitarian_optimum(u, k).value
    t2 = time.perf_counter()
    queue.put((str(free), str(capped), t1 - t0, t2 - t1))


def timed(n, m, k, seed):
    queue = mp.Queue()
    proc = mp.Process(target=_run, args=(n, m, k, seed, queue))
    proc.start()
    proc.join(BUDGET)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    agents = [2, 3] if args.quick else AGENTS
    per_agent = PER_AGENT[:2] if args.quick else PER_AGENT
    rows = []
    print(f"{'n':>4} {'m':>5} {'k':>4} {'free s':>8} {'capped s':>9}  OPT-ESW / capped")
    for n in agents:
        for c in per_agent:
            m, k = c * n, c
            out = timed(n, m, k, seed=n * 1000 + m)
            if out is None:
                print(f"{n:>4} {m:>5} {k:>4}  over {BUDGET:.0f} s")
                rows.append(dict(n=n, m=m, k=k, certified=False))
                break
            free, capped, t_free, t_cap = out
            print(f"{n:>4} {m:>5} {k:>4} {t_free:8.2f} {t_cap:9.2f}  {free} / {capped}")
            rows.append(
                dict(
                    n=n,
                    m=m,
                    k=k,
                    certified=True,
                    seconds_free=round(t_free, 3),
                    seconds_capped=round(t_cap, 3),
                    opt_esw=free,
                    capped_esw=capped,
                )
            )
    best = {}
    for r in rows:
        if r["certified"] and r["seconds_free"] + r["seconds_capped"] <= BUDGET:
            best[r["n"]] = max(best.get(r["n"], 0), r["m"])
    summary = {"budget_s": BUDGET, "largest_m_certified_by_n": best}
    print("largest m certified within the budget, by n:", best)
    if not args.quick:
        path = write_results(
            "egalitarian", rows, summary, "python benchmarks/bench_egalitarian.py"
        )
        print("wrote", path)


if __name__ == "__main__":
    main()
