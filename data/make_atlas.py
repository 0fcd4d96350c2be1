"""Build the exact price-of-cardinality atlas and its provenance, on a Dask cluster.

    python data/make_atlas.py [-j JOBS] [--scheduler tcp://HOST:PORT] [--part main]

Parts (``--part``):

``main`` (default, ``make atlas``)
    :func:`fairlib.cardinality.atlas_grid`: every ``3 <= m <= 30``,
    ``1 <= k <= m - 1``, ``n = ceil(m/k)`` (and ``n + 1``, ``n + 2`` for
    ``m <= 12``) -> ``data/exact_poc_atlas.csv``.
``n``
    :func:`fairlib.cardinality.n_range_grid`: ``m <= 16``, every ``n`` from
    ``ceil(m/k)`` to ``m`` -> ``data/exact_poc_atlas_n.csv``.
``big``
    ``31 <= m <= 40``, ``n = ceil(m/k)`` -> ``data/exact_poc_atlas_big.csv``,
    with every cell's certificates in
    ``data/exact_poc_atlas_big.certificates/m<m>.jsonl.gz`` (one file per
    ``m``, one :func:`fairlib.cardinality.certificate_record` per line),
    re-checked from those files by ``tests/test_cardinality_atlas.py`` on a
    sample.  ``data/exact_poc_atlas_big_run.py`` computes this part one ``m``
    at a time, resumably.

Every cell is submitted to a ``dask.distributed`` cluster
(:func:`fairlib.cluster.dask_client`: a local cluster of ``JOBS`` worker
processes by default, or an existing scheduler with ``--scheduler`` /
``$DASK_SCHEDULER_ADDRESS``).  A worker receives the cell's arguments and
runs :func:`fairlib.cardinality.atlas_cell`, i.e.
:func:`~fairlib.cardinality.exact_poc` and
:func:`~fairlib.cardinality.check_certificate`, and returns the cell's CSV row
(and certificate record) over the wire: no shared filesystem.  A cell whose
worker dies is retried on another worker (``retries=2``); a progress bar shows
the cells done.

Writes the CSV -- tidy, one row per cell, sorted by ``(m, k, n)``: the exact
value as ``p/q`` (``lower`` = the witness's exact ratio, ``upper`` = the dual
certificates' bound), the value to 12 decimals, Theorem 1's formula, both
Lemma 2 constructions, the best pattern and the certificate sizes (columns:
:data:`fairlib.cardinality.ATLAS_COLUMNS`) -- and ``<csv stem>.provenance.json``:
command, git commit, code hash, package versions, machine, cluster, wall time.

Exits non-zero, writing nothing, if a cell failed or a cell's bounds differ.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fairlib import _provenance as P  # noqa: E402
from fairlib.cardinality import (  # noqa: E402
    ATLAS_COLUMNS,
    ATLAS_EXTRA_N_M_MAX,
    ATLAS_M_MAX,
    atlas_grid,
    atlas_task,
    n_range_grid,
    partitions,
)
from fairlib.cluster import dask_client  # noqa: E402

OUT_CSV = ROOT / "data" / "exact_poc_atlas.csv"
OUT_PROV = ROOT / "data" / "exact_poc_atlas.provenance.json"
N_RANGE_M_MAX = 16
BIG_M = (31, 40)
#: part -> (cells, CSV, grid description, certificates file or None)
PARTS = {
    "main": (
        lambda: atlas_grid(ATLAS_M_MAX),
        OUT_CSV,
        f"3 <= m <= {ATLAS_M_MAX}, 1 <= k <= m-1, n = ceil(m/k) "
        f"(and ceil(m/k)+1, ceil(m/k)+2 for m <= {ATLAS_EXTRA_N_M_MAX})",
        None,
    ),
    "n": (
        lambda: n_range_grid(N_RANGE_M_MAX),
        ROOT / "data" / "exact_poc_atlas_n.csv",
        f"3 <= m <= {N_RANGE_M_MAX}, 1 <= k <= m-1, ceil(m/k) <= n <= m",
        None,
    ),
    "big": (
        lambda: atlas_grid(BIG_M[1], BIG_M[0]),
        ROOT / "data" / "exact_poc_atlas_big.csv",
        f"{BIG_M[0]} <= m <= {BIG_M[1]}, 1 <= k <= m-1, n = ceil(m/k)",
        ROOT / "data" / "exact_poc_atlas_big.certificates",
    ),
}
_CARD = ROOT / "fairlib" / "cardinality"
#: The code an atlas row depends on (hashed into the provenance).
CODE = [
    Path(__file__).resolve(),
    ROOT / "fairlib" / "_validate.py",
    *(
        _CARD / f"{name}.py"
        for name in (
            "_instance",
            "_assignment",
            "_auction",
            "solve",
            "constructions",
            "bounds",
            "patterns",
            "_cutlp",
            "exact",
            "certificate",
            "atlas",
        )
    ),
]
PACKAGES = ("numpy", "scipy", "highspy")


def code_hash() -> str:
    """First 16 hex digits of the SHA-256 of the :data:`CODE` files."""
    return P.code_hash(CODE)


def write_certificates(rows: list[dict], directory: Path) -> None:
    """Pop each row's certificate record into ``directory/m<m>.jsonl.gz``."""
    directory.mkdir(exist_ok=True)
    for m in sorted({r["m"] for r in rows}):
        with gzip.open(directory / f"m{m}.jsonl.gz", "wt", compresslevel=9) as fh:
            for r in rows:
                if r["m"] == m:
                    fh.write(json.dumps(r.pop("certificate"), separators=(",", ":")))
                    fh.write("\n")


def _size(cell) -> int:
    """Patterns of a cell: its work, to submit the biggest cells first."""
    m, _, n = cell
    return sum(1 for _ in partitions(m, n))


def compute(
    cells,
    jobs: int | None = None,
    scheduler: str | None = None,
    certificates: bool = False,
    progress: bool = False,
    info: dict | None = None,
) -> tuple[list[dict], list[str]]:
    """Rows of the cells (sorted) and the error messages of failed cells.

    Every cell is a Dask task (:func:`fairlib.cardinality.atlas_task`) on
    :func:`fairlib.cluster.dask_client` (``scheduler``, else a local cluster
    of ``jobs`` processes); a task whose worker dies is retried.  With
    ``certificates`` each row carries its certificate record under
    ``"certificate"``.  ``info``, if given, receives the cluster's workers and
    threads, and the total CPU seconds of the cells.
    """
    from distributed import as_completed
    from tqdm.auto import tqdm

    rows, errors, cpu = [], [], 0.0
    order = sorted(cells, key=_size, reverse=True)
    with (
        dask_client(scheduler, jobs=jobs) as client,
        tqdm(total=len(order), desc="atlas cells", disable=not progress) as bar,
    ):
        if info is not None:
            threads = client.nthreads()
            info.update(workers=len(threads), threads=sum(threads.values()))
        futures = {
            client.submit(
                atlas_task, *cell, certificate=certificates, pure=False, retries=2
            ): cell
            for cell in order
        }
        for future in as_completed(futures):
            cell = futures[future]
            try:
                out = future.result()
            except Exception as err:  # report every failed cell, then exit
                errors.append(f"failed: (m, k, n) = {cell}: {err!r}")
            else:
                row, cpu = out["row"], cpu + out["cpu_seconds"]
                if certificates:
                    row = {**row, "certificate": out["record"]}
                rows.append(row)
            bar.update(1)
    rows.sort(key=lambda r: (r["m"], r["k"], r["n"]))
    if info is not None:
        info["cpu_seconds"] = cpu
    return rows, errors


def provenance(
    argv, part: str, n_cells: int, jobs, scheduler, info: dict, wall: float
) -> dict:
    args = sys.argv[1:] if argv is None else argv
    _, out_csv, grid, cert_file = PARTS[part]
    prov = {
        "data": str(out_csv.relative_to(ROOT)),
        "command": " ".join(["python", "data/make_atlas.py", *args]),
        "grid": grid,
        "cells": n_cells,
        **P.record(CODE, PACKAGES),
        "cluster": "local Dask cluster (LocalCluster on this machine)"
        if scheduler is None
        else "existing Dask scheduler",
        "jobs": info.get("threads", jobs),
        "dask_workers": info.get("workers"),
        "wall_seconds": round(wall, 1),
        "cells_cpu_seconds": round(info.get("cpu_seconds", 0.0), 1),
    }
    if cert_file is not None:
        prov["certificates"] = str(cert_file.relative_to(ROOT))
    return prov


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the exact atlas CSVs")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="worker processes of the local cluster (default: all cores)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help="tcp://HOST:PORT of a running Dask scheduler "
        "(default: $DASK_SCHEDULER_ADDRESS, else a local cluster)",
    )
    parser.add_argument(
        "--part", choices=sorted(PARTS), default="main", help="which grid (main)"
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar"
    )
    args = parser.parse_args(argv)
    scheduler = args.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    jobs = args.jobs or os.cpu_count() or 1
    cells_of, out_csv, _, cert_file = PARTS[args.part]
    info: dict = {}
    t0 = time.perf_counter()
    rows, errors = compute(
        cells_of(),
        jobs,
        scheduler,
        certificates=cert_file is not None,
        progress=not args.no_progress,
        info=info,
    )
    wall = time.perf_counter() - t0
    errors += [
        f"bounds differ: (m, k, n) = {(r['m'], r['k'], r['n'])}: "
        f"{r['lower']} < {r['upper']}"
        for r in rows
        if r["lower"] != r["upper"] or r["exact"] != "True"
    ]
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    if cert_file is not None:
        write_certificates(rows, cert_file)
    with open(out_csv, "w", newline="") as fh:
        w = csv.DictWriter(
            fh, fieldnames=["m", "k", "n", *ATLAS_COLUMNS], lineterminator="\n"
        )
        w.writeheader()
        w.writerows(rows)
    prov = provenance(argv, args.part, len(rows), jobs, scheduler, info, wall)
    prov_file = out_csv.with_suffix(".provenance.json")
    prov_file.write_text(json.dumps(prov, indent=1) + "\n")
    print(
        f"{len(rows)} cells, all certified exactly (lower == upper), in {wall:.1f} s "
        f"on {prov['jobs']} worker threads -> {out_csv.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
