"""Paper B: the price of cardinality for indivisible goods (work in progress).

Lam, Li, Sun, *The (Exact) Price of Cardinality for Indivisible Goods: A
Parametric Perspective*.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import _validate as V

__all__ = ["cardinal_optimum"]


def cardinal_optimum(u, k, categories=None, normalized=True):
    """Utilitarian-optimal cardinal allocation (Paper B, Proposition 1), float path.

    Returns ``(value, owner)``.
    """
    u = V.utility_matrix(u, "u").astype(float)
    n, m = u.shape
    k = V.positive_int(k, "k")
    if n * k < m:
        raise ValueError(f"k must satisfy n*k >= m (no complete cardinal allocation), got n={n}, k={k}, m={m}")
    if normalized and not np.allclose(u.sum(axis=1), 1.0, rtol=0, atol=1e-9):
        raise ValueError("u rows must be normalized (u_i(M) = 1)")
    cost = np.repeat(u, k, axis=0)
    rows, cols = linear_sum_assignment(cost, maximize=True)
    owner = np.empty(m, dtype=int)
    owner[cols] = rows // k
    return float(u[owner, np.arange(m)].sum()), owner
