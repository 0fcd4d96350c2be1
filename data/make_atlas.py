"""Build the exact price-of-cardinality atlas and its provenance.

    python data/make_atlas.py [-j JOBS] [--m-max 12]

Computes every cell of :func:`fairlib.cardinality.atlas_grid` (``3 <= m <= M``,
``1 <= k <= m - 2``, ``ceil(m/k) <= n <= ceil(m/k) + 2``) in worker processes
(default: all cores): each worker runs :func:`fairlib.cardinality.atlas_cell`,
i.e. :func:`~fairlib.cardinality.exact_poc` and
:func:`~fairlib.cardinality.check_certificate`, and returns the cell's CSV row
built from the result objects by :func:`~fairlib.cardinality.atlas_row`.

Writes

* ``data/exact_poc_atlas.csv`` -- tidy, one row per cell, sorted by
  ``(m, k, n)``: the exact value as ``p/q`` (``lower`` = the witness's exact
  ratio, ``upper`` = the dual certificates' bound), the value to 12 decimals,
  Theorem 1's formula, both Lemma 2 constructions, the best pattern and the
  certificate sizes (columns: :data:`fairlib.cardinality.ATLAS_COLUMNS`);
* ``data/exact_poc_atlas.provenance.json`` -- command, git commit, code hash,
  package versions, machine, jobs and wall time.

Exits non-zero, writing nothing, if a cell failed or a cell's bounds differ.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fairlib.cardinality import ATLAS_COLUMNS, ATLAS_M_MAX, atlas_cell, atlas_grid  # noqa: E402

OUT_CSV = ROOT / "data" / "exact_poc_atlas.csv"
OUT_PROV = ROOT / "data" / "exact_poc_atlas.provenance.json"
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
    h = hashlib.sha256()
    for p in CODE:
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=ROOT, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout


def uncommitted(paths) -> list[str]:
    """Code files that differ from the commit; ``[]`` if git is unavailable."""
    rel = [str(p.relative_to(ROOT)) for p in paths]
    out = _git("status", "--porcelain", "--untracked-files=all", "--", *rel) or ""
    return sorted(line[3:] for line in out.splitlines() if line.strip())


def versions() -> dict:
    found = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            found[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            found[p] = None
    return found


def compute(cells, jobs: int) -> tuple[list[dict], list[str]]:
    """Rows of the cells (sorted) and the error messages of failed cells."""
    rows, errors = [], []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {cell: pool.submit(atlas_cell, *cell) for cell in cells}
        for cell, future in futures.items():
            try:
                rows.append(future.result())
            except Exception as err:  # report every failed cell, then exit
                errors.append(f"failed: (m, k, n) = {cell}: {err!r}")
    rows.sort(key=lambda r: (r["m"], r["k"], r["n"]))
    return rows, errors


def provenance(argv, m_max: int, n_cells: int, jobs: int, wall: float) -> dict:
    args = sys.argv[1:] if argv is None else argv
    return {
        "data": "data/exact_poc_atlas.csv",
        "command": " ".join(["python", "data/make_atlas.py", *args]),
        "grid": f"3 <= m <= {m_max}, 1 <= k <= m-2, ceil(m/k) <= n <= ceil(m/k)+2",
        "cells": n_cells,
        "git_commit": (_git("rev-parse", "HEAD") or "").strip() or "uncommitted",
        "code_files_uncommitted_at_run": uncommitted(CODE),
        "code_sha256_16": code_hash(),
        "code_files": [str(p.relative_to(ROOT)) for p in CODE],
        "packages": versions(),
        "machine": {"platform": platform.platform(), "cores": os.cpu_count()},
        "jobs": jobs,
        "wall_seconds": round(wall, 1),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build data/exact_poc_atlas.csv")
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: all)"
    )
    parser.add_argument(
        "--m-max", type=int, default=ATLAS_M_MAX, help=f"largest m ({ATLAS_M_MAX})"
    )
    args = parser.parse_args(argv)
    jobs = args.jobs or os.cpu_count() or 1
    t0 = time.perf_counter()
    rows, errors = compute(atlas_grid(args.m_max), jobs)
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
    with open(OUT_CSV, "w", newline="") as fh:
        w = csv.DictWriter(
            fh, fieldnames=["m", "k", "n", *ATLAS_COLUMNS], lineterminator="\n"
        )
        w.writeheader()
        w.writerows(rows)
    prov = provenance(argv, args.m_max, len(rows), jobs, wall)
    OUT_PROV.write_text(json.dumps(prov, indent=1) + "\n")
    print(
        f"{len(rows)} cells, all certified exactly (lower == upper), in {wall:.1f} s "
        f"with {jobs} jobs -> {OUT_CSV.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
