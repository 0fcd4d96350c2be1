"""Paper B instances: checked utilities, categories and caps.

The shared input handling of :mod:`fairlib.cardinality`: ``n`` agents with
additive utilities for ``m`` indivisible goods (Paper B §2), normalized rows
``u_i(M) = 1``, categories ``C_j`` with caps ``k_j`` and ``n k_j >= m_j``.
Allocations are ``owner`` arrays: ``owner[g]`` is the agent receiving ``g``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import _validate as V

NORM_TOL = 1e-9


def utilities(u, normalized: bool) -> np.ndarray:
    """Checked utility matrix (float, or object array of Fraction/int)."""
    u = V.utility_matrix(u, "u", allow_fraction=True)
    if normalized:
        if u.dtype == object:
            dev = max(abs(sum(row, Fraction(0)) - 1) for row in u)  # exact
        else:
            dev = np.max(np.abs(u.sum(axis=1) - 1.0))
        if dev > NORM_TOL:
            raise ValueError(
                "u must have normalized rows (u_i(M) = 1, Paper B §2) within "
                f"{NORM_TOL:g}; max |u_i(M) - 1| = {float(dev):.3g} "
                "(pass normalized=False to skip)"
            )
    return u


def _index_lists(categories, m: int) -> list[np.ndarray]:
    groups = []
    for part in categories:
        arr = np.asarray(part)
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(
                "categories given as index lists must hold integer item indices"
            )
        groups.append(arr.astype(int).ravel())
    flat = np.concatenate(groups) if groups else np.array([], dtype=int)
    if flat.size != m or not np.array_equal(np.sort(flat), np.arange(m)):
        raise ValueError(
            f"categories (index lists) must partition the m = {m} items: "
            f"each of 0..{m - 1} exactly once"
        )
    return groups


def category_list(categories, m: int, c: int | None = None) -> list[np.ndarray] | None:
    """Categories as a list of index arrays, or ``None`` for a single category.

    For an id array, ``c`` (the length of a ``k`` sequence, if given) fixes the
    number of categories; ids must lie in ``0..c-1``.
    """
    if categories is None:
        return None
    if (
        isinstance(categories, list | tuple)
        and len(categories) > 0
        and all(isinstance(part, list | tuple | np.ndarray) for part in categories)
    ):
        return _index_lists(categories, m)
    arr = np.asarray(categories)
    if arr.shape != (m,):
        raise ValueError(
            f"categories must be a length-m = {m} array of category ids or a list "
            f"of index lists, got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("categories ids must be integers 0..c-1")
    if arr.min() < 0:
        raise ValueError(f"categories ids must be integers 0..c-1, found {arr.min()}")
    if c is None:
        c = int(arr.max()) + 1
    elif arr.max() >= c:
        raise ValueError(f"categories ids must be < len(k) = {c}, found {arr.max()}")
    return [np.flatnonzero(arr == j) for j in range(c)]


def caps(k, groups: list[np.ndarray], n: int) -> list[int]:
    """Per-category caps ``k_j``, validated against ``n k_j >= m_j`` (Paper B §2)."""
    c = len(groups)
    if np.ndim(k) == 0:
        out = [V.positive_int(k, "k")] * c
    else:
        ks = list(np.asarray(k, dtype=object).ravel())
        if len(ks) != c:
            raise ValueError(
                f"k must be an integer or a length-{c} sequence (one cap per "
                f"category), got length {len(ks)}"
            )
        out = [V.positive_int(x, "k") for x in ks]
    for j, (g, kj) in enumerate(zip(groups, out, strict=True)):
        if n * kj < g.size:
            where = "" if c == 1 else f" for category {j}"
            raise ValueError(
                f"k must satisfy n*k >= m{where} (no complete cardinal allocation "
                f"exists): n = {n}, k = {kj}, m = {g.size}"
            )
    return out


def setup(u, k, categories, normalized):
    """``(u, groups, caps)``: the checked utilities, categories and caps."""
    u = utilities(u, normalized)
    n, m = u.shape
    c = None if np.ndim(k) == 0 else len(np.ravel(np.asarray(k, dtype=object)))
    groups = category_list(categories, m, c)
    if groups is None:
        groups = [np.arange(m)]
    return u, groups, caps(k, groups, n)


def is_exact(u: np.ndarray) -> bool:
    """Whether ``u`` holds exact (``Fraction``/``int``) utilities."""
    return u.dtype == object


def scaled_integers(u: np.ndarray) -> tuple[np.ndarray, int]:
    """Exact ``(W, L)`` with ``u = W / L``: ``W`` an object array of Python ints."""
    fr = [Fraction(v) for v in u.flat]
    lcm = 1
    for f in fr:
        lcm = lcm * f.denominator // math.gcd(lcm, f.denominator)
    w = [f.numerator * (lcm // f.denominator) for f in fr]
    return np.array(w, dtype=object).reshape(u.shape), lcm


def welfare(u: np.ndarray, owner: np.ndarray):
    """USW of an owner array (Paper B, Definition 1); exact for exact input."""
    vals = u[owner, np.arange(u.shape[1])]
    if is_exact(u):
        return sum((Fraction(v) for v in vals), Fraction(0))
    return float(vals.sum())


def check_cardinal(owner: np.ndarray, n: int, groups, caps) -> None:
    """Feasibility of a finished allocation: complete and within every cap."""
    if owner.min() < 0 or owner.max() >= n:
        raise RuntimeError("internal error: allocation is not complete")
    for g, kj in zip(groups, caps, strict=True):
        if g.size and np.bincount(owner[g], minlength=n).max() > kj:
            raise RuntimeError(
                "internal error: allocation violates a cardinality constraint"
            )
