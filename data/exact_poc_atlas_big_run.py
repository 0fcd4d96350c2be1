"""Compute the atlas cells ``31 <= m <= 40`` one ``m`` at a time, resumably.

    python data/exact_poc_atlas_big_run.py [--m-max 40] [-j JOBS] [--scheduler ADDR]

The same cells, worker task and outputs as ``python data/make_atlas.py --part
big`` (every ``1 <= k <= m - 1``, ``n = ceil(m/k)``, each cell computed and
re-certified by :func:`fairlib.cardinality.atlas_task` on a Dask cluster), but
written after every ``m``: ``data/exact_poc_atlas_big.csv`` gains that ``m``'s
rows, ``data/exact_poc_atlas_big.certificates/m<m>.jsonl.gz`` holds its
certificate records, and the provenance file is rewritten with the ``m`` done
so far and, per ``m``, the wall and CPU time, the commit and the code hash.  A
rerun skips the ``m`` already in the CSV, so a long run on a busy machine can
stop and continue; ``--restart`` starts from ``m = 31`` again.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fairlib.cardinality import ATLAS_COLUMNS, atlas_grid  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "make_atlas", Path(__file__).resolve().parent / "make_atlas.py"
)
make_atlas = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_atlas)

_, OUT_CSV, GRID, CERTS = make_atlas.PARTS["big"]
PROV = OUT_CSV.with_suffix(".provenance.json")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m-max", type=int, default=make_atlas.BIG_M[1])
    parser.add_argument("-j", "--jobs", type=int, default=None)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument(
        "--restart", action="store_true", help="discard the m already computed"
    )
    args = parser.parse_args(argv)
    if args.restart:
        OUT_CSV.unlink(missing_ok=True)
        PROV.unlink(missing_ok=True)
        shutil.rmtree(CERTS, ignore_errors=True)
    scheduler = args.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    jobs = args.jobs or os.cpu_count() or 1
    rows = []
    if OUT_CSV.is_file():
        with open(OUT_CSV) as fh:
            rows = list(csv.DictReader(fh))
    prov = json.loads(PROV.read_text()) if PROV.is_file() and rows else {}
    done = {int(r["m"]) for r in rows}
    per_m = prov.get("per_m", {})
    for m in range(make_atlas.BIG_M[0], args.m_max + 1):
        if m in done:
            continue
        info: dict = {}
        t0 = time.perf_counter()
        new, errors = make_atlas.compute(
            atlas_grid(m, m), jobs, scheduler, certificates=True, info=info
        )
        wall = time.perf_counter() - t0
        errors += [
            f"bounds differ: {(r['m'], r['k'], r['n'])}"
            for r in new
            if r["lower"] != r["upper"] or r["exact"] != "True"
        ]
        if errors:
            print("\n".join(errors), file=sys.stderr)
            return 1
        make_atlas.write_certificates(new, CERTS)
        rows += new
        with open(OUT_CSV, "w", newline="") as fh:
            w = csv.DictWriter(
                fh, fieldnames=["m", "k", "n", *ATLAS_COLUMNS], lineterminator="\n"
            )
            w.writeheader()
            w.writerows(rows)
        prov = make_atlas.provenance(
            argv, "big", len(rows), jobs, scheduler, info, wall
        )
        per_m[str(m)] = {
            "cells": len(new),
            "wall_seconds": round(wall, 1),
            "cells_cpu_seconds": round(info["cpu_seconds"], 1),
            "jobs": info.get("threads", jobs),
            "git_commit": prov["git_commit"],
            "code_sha256_16": prov["code_sha256_16"],
            "code_files_uncommitted_at_run": prov["code_files_uncommitted_at_run"],
        }
        prov["command"] = " ".join(
            [
                "python",
                "data/exact_poc_atlas_big_run.py",
                *(sys.argv[1:] if argv is None else argv),
            ]
        )
        prov["m_done"] = sorted(int(k) for k in per_m)
        prov["per_m"] = per_m
        prov["wall_seconds"] = round(sum(v["wall_seconds"] for v in per_m.values()), 1)
        prov["cells_cpu_seconds"] = round(
            sum(v["cells_cpu_seconds"] for v in per_m.values()), 1
        )
        PROV.write_text(json.dumps(prov, indent=1) + "\n")
        print(f"m = {m}: {len(new)} cells in {wall:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
