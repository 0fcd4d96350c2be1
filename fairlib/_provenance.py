"""Provenance of the shipped data: commit, code hash, packages, machine.

One place for what ``data/make_atlas.py``, ``data/exact_poc_atlas_big_run.py``
and ``data/make_paper_a_montecarlo.py`` record beside their CSVs, so a reader
can tell which code made a file and whether that code was committed.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from ._meta import ROOT, commit


def uncommitted(paths: Iterable[Path]) -> list[str]:
    """Files among ``paths`` that differ from the commit (``[]`` outside git).

    Parameters
    ----------
    paths : iterable of Path
        Absolute paths inside the repository.
    """
    rel = [str(Path(p).relative_to(ROOT)) for p in paths]
    args = ["git", "status", "--porcelain", "--untracked-files=all", "--", *rel]
    try:
        out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(line[3:] for line in out.stdout.splitlines() if line.strip())


def code_hash(paths: Iterable[Path]) -> str:
    """First 16 hex digits of the SHA-256 of ``paths`` (names and bytes).

    Parameters
    ----------
    paths : iterable of Path
        Absolute paths inside the repository, in a fixed order.
    """
    h = hashlib.sha256()
    for p in paths:
        h.update(str(Path(p).relative_to(ROOT)).encode())
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def versions(packages: Iterable[str]) -> dict:
    """Python's version and each installed package's (``None`` if missing).

    Parameters
    ----------
    packages : iterable of str
        Distribution names, e.g. ``("numpy", "scipy")``.
    """
    found = {"python": platform.python_version()}
    for p in packages:
        try:
            found[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            found[p] = None
    return found


def record(code: list[Path], packages: Iterable[str]) -> dict:
    """The provenance fields every data file carries.

    Parameters
    ----------
    code : list of Path
        The code files the data depends on (hashed, checked against git).
    packages : iterable of str
        The packages whose versions matter.

    Returns
    -------
    dict
        ``git_commit``, ``code_files_uncommitted_at_run``, ``code_sha256_16``,
        ``code_files``, ``packages``, ``machine`` and ``date`` (UTC).
    """
    full = commit(short=False)
    return {
        "git_commit": "uncommitted" if full == "unknown" else full,
        "code_files_uncommitted_at_run": uncommitted(code),
        "code_sha256_16": code_hash(code),
        "code_files": [str(Path(p).relative_to(ROOT)) for p in code],
        "packages": versions(packages),
        "machine": {"platform": platform.platform(), "cores": os.cpu_count()},
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
