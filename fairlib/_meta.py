"""Where the companion is published and which version it is, read, never typed.

The repository URL and the book's URL are written once, in the book's
``_config.yml`` (``repository.url`` and ``html.baseurl``); the title and the
version once, in ``CITATION.cff``. Everything else (the figure BibTeX of
:mod:`fairlib.figures`, the book's footer and "How to cite" page) takes them
from here; ``tests/test_packaging.py`` checks that ``.zenodo.json`` agrees.

The files are found relative to this module, so ``fairlib`` must run from a
checkout of the companion (``pip install -e .``, as the Makefile does).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _read_yaml(name: str) -> dict:
    path = ROOT / name
    if not path.is_file():
        raise FileNotFoundError(
            f"fairlib._meta: {path} not found; fairlib runs from a checkout of the "
            "companion (pip install -e .)"
        )
    return yaml.safe_load(path.read_text())


_CONFIG = _read_yaml("_config.yml")
_CITATION = _read_yaml("CITATION.cff")

REPOSITORY_URL: str = _CONFIG["repository"]["url"]
BOOK_URL: str = _CONFIG["html"]["baseurl"]
TITLE: str = _CITATION["title"]
VERSION: str = str(_CITATION["version"])
AUTHORS: tuple[str, ...] = tuple(
    a.get("name") or f"{a['given-names']} {a['family-names']}"
    for a in _CITATION["authors"]
)
YEAR: str = str(_CITATION["date-released"])[:4]
CITATION_KEY = "fairdivcompanion2026"


def commit(short: bool = True) -> str:
    """The commit of the checkout ``fairlib`` runs from, or ``"unknown"``.

    Parameters
    ----------
    short : bool, optional
        Abbreviated hash (``git rev-parse --short HEAD``) instead of the full one.

    Returns
    -------
    str
        The hash, or ``"unknown"`` outside a git checkout (e.g. an unpacked
        release archive) or when ``git`` is not installed.
    """
    args = ["git", "rev-parse", *(["--short"] if short else []), "HEAD"]
    try:
        out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def has_local_changes() -> bool:
    """Whether tracked files differ from :func:`commit` (False outside git)."""
    args = ["git", "status", "--porcelain", "--untracked-files=no"]
    try:
        out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return bool(out.stdout.strip())


def build_identity() -> tuple[str, str]:
    """``(version, short commit)`` of the companion as built now.

    Returns
    -------
    tuple of str
        :data:`VERSION` (from ``CITATION.cff``) and :func:`commit`.
    """
    return VERSION, commit()


#: Cell tag of the Colab set-up cell every notebook starts with.
COLAB_TAG = "colab-setup"


def colab_setup_source() -> str:
    """Source of the set-up cell each notebook carries (tagged :data:`COLAB_TAG`).

    On Google Colab it clones the companion and installs it (``pip install -e``)
    so that ``fairlib`` and the shipped data are there, then moves to the
    notebook's folder; anywhere else it does nothing.  ``tests/test_packaging.py``
    checks that every notebook's cell is exactly this text, so the repository
    URL is still written only in ``_config.yml``.
    """
    return _COLAB_SETUP.replace("REPOSITORY_URL", REPOSITORY_URL).strip()


_COLAB_SETUP = """
# Google Colab only: fetch and install the companion (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    home = "/content/companion"
    url = "REPOSITORY_URL"
    subprocess.run(["git", "clone", "--depth", "1", url, home], check=True)
    pip = [sys.executable, "-m", "pip", "install", "-q", "-e", home]
    subprocess.run(pip, check=True)
    sys.path.insert(0, home)
    os.chdir(f"{home}/notebooks")
"""
