"""Run fairpyx's ``utilitarian_matching`` on instances from a JSON file (a peer).

    FAIRPYX_PYTHON instances.json  ->  JSON list of {"value", "seconds"} on stdout

Runs in a separate interpreter that has ``fairpyx`` installed (a scratch venv,
not the project's; see ``bench_cardinality.py``).  Each instance is
``{"u": [[int, ...], ...], "k": [k_1, ...], "categories": [c_0, ...]}``:
integer utilities of ``n`` agents for ``m`` items, item ``g`` in category
``categories[g]`` with cap ``k[c]``.  fairpyx's ``utilitarian_matching``
(max-weight many-to-many matching by networkx min-cost flow) takes one agent
capacity and ignores categories, so it is run once per category with agent
capacity ``k_c`` and item capacity 1 -- Paper B, Proposition 2's decomposition.
"""

import json
import sys
import time

from fairpyx import Instance, divide
from fairpyx.algorithms import utilitarian_matching


def solve(u, k, categories):
    n = len(u)
    total, seconds = 0, 0.0
    for c, cap in enumerate(k):
        items = [g for g, cg in enumerate(categories) if cg == c]
        valuations = {f"a{i}": {f"g{g}": int(u[i][g]) for g in items} for i in range(n)}
        inst = Instance(
            valuations=valuations, agent_capacities=int(cap), item_capacities=1
        )
        t0 = time.perf_counter()
        bundles = divide(utilitarian_matching, instance=inst)
        seconds += time.perf_counter() - t0
        got = [g for b in bundles.values() for g in b]
        if sorted(got) != sorted(f"g{g}" for g in items):
            raise RuntimeError("fairpyx left an item unallocated or gave it twice")
        if max(len(b) for b in bundles.values()) > cap:
            raise RuntimeError("fairpyx exceeded an agent capacity")
        total += sum(valuations[a][g] for a, b in bundles.items() for g in b)
    return {"value": total, "seconds": seconds}


def main() -> int:
    with open(sys.argv[1]) as fh:
        instances = json.load(fh)
    out = [solve(x["u"], x["k"], x["categories"]) for x in instances]
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
