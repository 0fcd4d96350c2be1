"""Build the exact price-of-cardinality atlas: ``data/exact_poc_atlas.csv`` and its provenance.

    python data/make_atlas.py [-j JOBS] [--m-max 12]

Runs ``notebooks/exact_poc_cell.ipynb`` (which computes and certifies one cell
with :func:`fairlib.exact_poc.exact_poc` and asserts the certificates) once per
cell ``(m, k, n)`` with ``3 <= m <= M``, ``1 <= k <= m - 2`` and
``ceil(m/k) <= n <= ceil(m/k) + 2``, in parallel through
:func:`fairlib.sweep.run_sweep` (default: all cores).  The sweep directory is
keyed by a hash of the notebook and the library files it uses, so a rerun with
unchanged code resumes (skips cells already done) and changed code starts over.

Writes

* ``data/exact_poc_atlas.csv`` -- tidy, one row per cell, sorted by
  ``(m, k, n)``: the exact value as ``p/q`` (``lower`` = the witness's exact
  ratio, ``upper`` = the dual certificates' bound), the value to 12 decimals,
  Theorem 1's formula, both Lemma 2 constructions, the best pattern and the
  certificate sizes;
* ``data/exact_poc_atlas.provenance.json`` -- command, git commit, code hash,
  package versions, machine, jobs and wall time.

Exits non-zero, writing nothing, if a run failed or a cell's bounds differ.
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
from datetime import datetime, timezone
from fractions import Fraction
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fairlib.sweep import run_sweep  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "exact_poc_cell.ipynb"
OUT_CSV = ROOT / "data" / "exact_poc_atlas.csv"
OUT_PROV = ROOT / "data" / "exact_poc_atlas.provenance.json"
CODE = [NOTEBOOK, ROOT / "fairlib" / "exact_poc.py", ROOT / "fairlib" / "cardinality.py",
        ROOT / "fairlib" / "_validate.py", ROOT / "fairlib" / "sweep.py"]
PACKAGES = ("numpy", "scipy", "highspy", "papermill", "myst-nb", "nbformat")

#: CSV column <- glue key of the cell notebook
COLUMNS = {
    "value": "xp-value",
    "lower": "xp-lower",
    "upper": "xp-upper",
    "exact": "xp-exact",
    "formula": "xp-formula",
    "formula_cmp": "xp-formula-cmp",
    "formula_minus_value": "xp-gap-abs",
    "lemma1_c": "xp-lemma1-c",
    "lemma2_main": "xp-lemma2-main",
    "lemma2_appendix": "xp-lemma2-appendix",
    "pattern": "xp-pattern",
    "n_patterns": "xp-n-patterns",
    "n_cuts": "xp-n-cuts",
    "n_best_cuts": "xp-n-best-cuts",
    "n_separated": "xp-n-separated",
    "n_solves": "xp-n-solves",
}


def cells(m_max: int) -> list[dict]:
    """The atlas grid: every ``3 <= m <= m_max``, ``1 <= k <= m-2``, ``n = ceil(m/k) .. ceil(m/k)+2``."""
    return [dict(m=m, k=k, n=n) for m in range(3, m_max + 1) for k in range(1, m - 1)
            for n in range(-(-m // k), -(-m // k) + 3)]


def code_hash() -> str:
    h = hashlib.sha256()
    for p in CODE:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=True)
        return out.stdout.strip() or "uncommitted"
    except (OSError, subprocess.CalledProcessError):
        return "uncommitted"


def uncommitted(paths) -> list[str]:
    """Code files that differ from the commit (``git status --porcelain``); ``[]`` if git is unavailable."""
    rel = [str(p.relative_to(ROOT)) for p in paths]
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", *rel], capture_output=True, text=True,
                             cwd=ROOT, check=True)
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(line[3:] for line in out.stdout.splitlines() if line.strip())


def versions() -> dict:
    found = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            found[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            found[p] = None
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build data/exact_poc_atlas.csv through fairlib.sweep")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--m-max", type=int, default=12, help="largest m (default 12)")
    args = parser.parse_args(argv)
    runs = cells(args.m_max)
    digest = code_hash()
    out_dir = ROOT / "_build" / "sweeps" / "exact_poc_cell" / digest
    reused = len(list((out_dir / "runs").glob("*.json"))) if out_dir.exists() else 0
    jobs = args.jobs or os.cpu_count() or 1
    t0 = time.perf_counter()
    csv_path = run_sweep(NOTEBOOK, runs, jobs=jobs, out_dir=out_dir)
    wall = time.perf_counter() - t0

    with open(csv_path) as fh:
        raw = list(csv.DictReader(fh))
    failed = [r for r in raw if r["status"] != "ok"]
    if failed:
        for r in failed:
            print(f"failed: m={r['m']} k={r['k']} n={r['n']}: {r['error']}", file=sys.stderr)
        return 1
    rows = []
    for r in raw:
        row = {p: int(json.loads(r[p])) for p in ("m", "k", "n")}
        row.update({col: r[key] for col, key in COLUMNS.items()})
        rows.append(row)
    rows.sort(key=lambda r: (r["m"], r["k"], r["n"]))
    open_cells = [r for r in rows if Fraction(r["lower"]) != Fraction(r["upper"]) or r["exact"] != "True"]
    if open_cells:
        for r in open_cells:
            print(f"bounds differ: m={r['m']} k={r['k']} n={r['n']}: {r['lower']} < {r['upper']}", file=sys.stderr)
        return 1

    OUT_CSV.parent.mkdir(exist_ok=True)
    with open(OUT_CSV, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["m", "k", "n", *COLUMNS], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    provenance = {
        "data": "data/exact_poc_atlas.csv",
        "command": " ".join(["python", "data/make_atlas.py", *(sys.argv[1:] if argv is None else argv)]),
        "notebook": "notebooks/exact_poc_cell.ipynb",
        "grid": f"3 <= m <= {args.m_max}, 1 <= k <= m-2, ceil(m/k) <= n <= ceil(m/k)+2",
        "cells": len(rows),
        "git_commit": git_commit(),
        "code_files_uncommitted_at_run": uncommitted(CODE),
        "code_sha256_16": digest,
        "code_files": [str(p.relative_to(ROOT)) for p in CODE],
        "packages": versions(),
        "machine": {"platform": platform.platform(), "cores": os.cpu_count()},
        "jobs": jobs,
        "wall_seconds": round(wall, 1),
        "runs_reused_from_earlier_sweep": reused,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }
    OUT_PROV.write_text(json.dumps(provenance, indent=1) + "\n")
    print(f"{len(rows)} cells, all certified exactly (lower == upper), in {wall:.1f} s with {jobs} jobs -> {OUT_CSV}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
