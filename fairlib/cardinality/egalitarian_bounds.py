"""Paper B, Theorems 2 and 5: the egalitarian price of cardinality.

Closed forms and the lower-bound instances of the paper, in exact rational
arithmetic.  Theorem 2 (one category):
``max{(m - n + 1)/k, 1}``.  Theorem 5 (categories ordered by ``k_j/m_j``):
``m_1/k_1`` if ``n <= sum_{j>=2} m_j + 1``, else
``max_j (m_j - c_j)/k_j`` with ``c_j = max{n - 1 - sum_{t != j} m_t, 0}``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import _validate as V

__all__ = [
    "egalitarian_poc_bound",
    "egalitarian_lower_bound_instance",
    "theorem5_order",
    "categories_egalitarian_poc_bound",
    "categories_egalitarian_poc",
    "categories_egalitarian_lower_bound_instance",
]


def _single(m, k, n) -> tuple[int, int, int]:
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    n = V.positive_int(n, "n")
    if m < n:
        raise ValueError(
            f"m must be >= n (Paper B §3.2 assumes m >= n), got m = {m}, n = {n}"
        )
    if m <= k:
        raise ValueError(
            f"m must be > k (Paper B §3 assumes m > k), got m = {m}, k = {k}"
        )
    if n * k < m:
        raise ValueError(
            f"n*k must be >= m (a complete cardinal allocation exists), got "
            f"n = {n}, k = {k}, m = {m}"
        )
    return m, k, n


def egalitarian_poc_bound(m, k, n) -> Fraction:
    """The egalitarian price of cardinality, one category (Paper B, Theorem 2).

    ``max{(m - n + 1)/k, 1}``, under the paper's conditions ``m >= n``,
    ``m > k`` and ``n k >= m``.

    Parameters
    ----------
    m : int
        Number of items, ``m >= n`` and ``m > k``.
    k : int
        The cap ``k >= 1``, with ``n k >= m``.
    n : int
        Number of agents.

    Returns
    -------
    Fraction
        The exact value.
    """
    m, k, n = _single(m, k, n)
    return max(Fraction(m - n + 1, k), Fraction(1))


def egalitarian_lower_bound_instance(m, k, n) -> np.ndarray:
    """The lower-bound instance of Paper B, Theorem 2, in exact rationals.

    Agents ``1..n-1`` value only their own item ``g_i`` (utility 1); agent
    ``n`` values each of ``g_n, ..., g_m`` at ``1/(m - n + 1)``.  Its
    ``OPT-ESW`` is 1 and its best cardinal ESW is ``min{k/(m - n + 1), 1}``.

    Parameters
    ----------
    m, k, n : int
        As in :func:`egalitarian_poc_bound` (same conditions).

    Returns
    -------
    numpy.ndarray of Fraction, shape (n, m)
        Normalized utilities (object array).
    """
    m, k, n = _single(m, k, n)
    u = np.full((n, m), Fraction(0), dtype=object)
    for i in range(n - 1):
        u[i, i] = Fraction(1)
    for g in range(n - 1, m):
        u[n - 1, g] = Fraction(1, m - n + 1)
    return u


def _multi(m, k, n) -> tuple[list[int], list[int], int]:
    ms = [V.positive_int(x, "m") for x in np.ravel(np.asarray(m, dtype=object))]
    ks = [V.positive_int(x, "k") for x in np.ravel(np.asarray(k, dtype=object))]
    n = V.positive_int(n, "n")
    if not ms:
        raise ValueError("m must list at least one category size")
    if len(ks) != len(ms):
        raise ValueError(
            f"k must have one cap per category: len(m) = {len(ms)}, len(k) = {len(ks)}"
        )
    for j, (mj, kj) in enumerate(zip(ms, ks, strict=True)):
        if n * kj < mj:
            raise ValueError(
                f"k must satisfy n*k_j >= m_j for every category: category {j} "
                f"has n = {n}, k_j = {kj}, m_j = {mj}"
            )
    return ms, ks, n


def theorem5_order(m, k) -> list[int]:
    """Paper B §4's order of the categories: ``k_j/m_j`` ascending, ties by ``m_j``.

    Parameters
    ----------
    m, k : sequence of int
        Category sizes ``m_j`` and caps ``k_j``.

    Returns
    -------
    list of int
        Category indices, the paper's category 1 first (a stable sort).
    """
    ms = [V.positive_int(x, "m") for x in np.ravel(np.asarray(m, dtype=object))]
    ks = [V.positive_int(x, "k") for x in np.ravel(np.asarray(k, dtype=object))]
    if len(ks) != len(ms):
        raise ValueError("k must have one cap per category (len(k) = len(m))")
    return sorted(range(len(ms)), key=lambda j: (Fraction(ks[j], ms[j]), ms[j]))


def _c(ms: list[int], n: int) -> list[int]:
    total = sum(ms)
    return [max(n - 1 - (total - mj), 0) for mj in ms]


def categories_egalitarian_poc_bound(m, k, n) -> Fraction:
    """The egalitarian price of cardinality as Paper B, Theorem 5 states it.

    With the categories in the paper's order (:func:`theorem5_order`):
    ``m_1/k_1`` if ``n <= sum_{j>=2} m_j + 1``; otherwise
    ``max_j (m_j - c_j)/k_j`` with ``c_j = max{n - 1 - sum_{t != j} m_t, 0}``.
    Returned literally, without the ``max{., 1}`` of Theorem 2 (see
    :func:`categories_egalitarian_poc`).

    Parameters
    ----------
    m : sequence of int
        Category sizes ``m_j >= 1``.
    k : sequence of int
        Caps ``k_j >= 1`` with ``n k_j >= m_j``.
    n : int
        Number of agents.

    Returns
    -------
    Fraction
    """
    ms, ks, n = _multi(m, k, n)
    order = theorem5_order(ms, ks)
    first = order[0]
    if n <= sum(ms) - ms[first] + 1:
        return Fraction(ms[first], ks[first])
    cs = _c(ms, n)
    return max(Fraction(mj - cj, kj) for mj, cj, kj in zip(ms, cs, ks, strict=True))


def categories_egalitarian_poc(m, k, n) -> Fraction:
    """Theorem 5 with Theorem 2's floor: ``max{Theorem 5's expression, 1}``.

    The price of cardinality is at least 1 (every cardinal allocation is an
    allocation), and Theorem 5's own upper-bound argument keeps a whole
    bundle when it is within the caps, so it proves this value; its
    lower-bound instances attain it whenever Theorem 5's expression is at
    least 1 (Paper B, Theorem 5, corrected on the Theorem 5 page).

    Parameters
    ----------
    m, k, n
        As in :func:`categories_egalitarian_poc_bound`.

    Returns
    -------
    Fraction
    """
    return max(categories_egalitarian_poc_bound(m, k, n), Fraction(1))


def categories_egalitarian_lower_bound_instance(m, k, n):
    """The lower-bound instance of Paper B, Theorem 5, in exact rationals.

    Items are numbered category by category in the given order of ``m``.
    Case ``n <= sum_{j>=2} m_j + 1`` (paper's order): agents ``0..n-2``
    value one unique item each of the categories other than category 1 at
    1, and the last agent every item of category 1 at ``1/m_1``.
    Otherwise, with ``j*`` maximizing ``(m_j - c_j)/k_j`` (the first
    maximizer in the paper's order): ``n - 1`` agents value one unique item
    each at 1, first the items outside ``C_{j*}`` and then (``c_{j*}`` of
    them) items inside it, and the last agent values the remaining
    ``m_{j*} - c_{j*}`` items of ``C_{j*}`` evenly.  ``OPT-ESW = 1``.

    Parameters
    ----------
    m, k, n
        As in :func:`categories_egalitarian_poc_bound`, and ``sum m_j >= n``
        (otherwise no agent set can all be served).

    Returns
    -------
    u : numpy.ndarray of Fraction, shape (n, sum(m))
        Normalized utilities.
    categories : numpy.ndarray of int, shape (sum(m),)
        Category id of each item (the index into ``m`` and ``k``).
    """
    ms, ks, n = _multi(m, k, n)
    total = sum(ms)
    if total < n:
        raise ValueError(
            f"m must have sum(m) >= n for the lower-bound instance, got "
            f"sum(m) = {total}, n = {n}"
        )
    starts = np.concatenate([[0], np.cumsum(ms)]).astype(int)
    cats = np.repeat(np.arange(len(ms)), ms)
    items = {j: list(range(starts[j], starts[j + 1])) for j in range(len(ms))}
    u = np.full((n, total), Fraction(0), dtype=object)
    order = theorem5_order(ms, ks)
    first = order[0]
    if n <= total - ms[first] + 1:
        spread = items[first]  # the last agent spreads over all of C_1
        singles = [g for j in order[1:] for g in items[j]][: n - 1]
    else:
        cs = _c(ms, n)
        ratio = [Fraction(ms[j] - cs[j], ks[j]) for j in range(len(ms))]
        star = max(order, key=lambda j: ratio[j])  # first maximizer in order
        c_star = cs[star]
        others = [g for j in order if j != star for g in items[j]]
        singles = (others + items[star][:c_star])[: n - 1]
        spread = items[star][c_star:]
    assert len(singles) == n - 1 and spread
    for i, g in enumerate(singles):
        u[i, g] = Fraction(1)
    for g in spread:
        u[n - 1, g] = Fraction(1, len(spread))
    return u, cats
