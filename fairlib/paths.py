"""Paths of the companion's files, whatever the working directory.

A page that reads shipped data (``data/exact_poc_atlas.csv``) names it relative
to the repository root and resolves it here, so ``papermill`` run from the root,
from ``notebooks/`` or by the sweep runner in a scratch folder all find it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["REPO_ROOT", "repo_path"]

#: The repository root (``fairlib`` is installed in editable mode from it).
REPO_ROOT = Path(__file__).resolve().parent.parent


def repo_path(relative: str | Path) -> Path:
    """Resolve ``relative`` (e.g. ``"data/exact_poc_atlas.csv"``) in the repository.

    Parameters
    ----------
    relative : str or Path
        A path relative to the repository root; an absolute path is returned
        unchanged.

    Raises
    ------
    ValueError
        If the file does not exist (the message names the path tried).
    """
    if not isinstance(relative, str | Path) or not str(relative):
        raise ValueError(f"relative: expected a non-empty path, got {relative!r}")
    path = Path(relative)
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.exists():
        raise ValueError(f"relative: {str(relative)!r} not found (tried {path})")
    return path
