"""Paper B §4.1: several categories, utilitarian welfare.

The bounds of Theorem 3 (two agents) and Theorem 4 (general ``n``), the
lower-bound instances of their proofs in exact rationals, Proposition 2's
welfare factor, and the two-agent reduction of Lemma 6 (via the constructions
of Lemmas 7 and 8 in Appendix B.1).

Categories are ordered as the paper does (§4): by ``k_j/m_j`` ascending, ties
to the category with fewer items.  A cap ``k_j >= m_j`` leaves its category
unconstrained; the paper's formulas use ``k_j/m_j`` as written, which for
``k_j > m_j`` exceeds 1 and can push Theorem 3's value below 1.  The
functions here use ``min(k_j/m_j, 1)`` unless ``clip=False`` asks for the
literal formula (the Theorems 3–4 page shows the difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import _validate as V
from . import _instance as I

__all__ = [
    "category_order",
    "categories_poc_bound",
    "proposition2_factor",
    "theorem3_instance",
    "theorem4_instance",
    "Lemma6Reduction",
    "lemma6_reduce",
]


def _sizes_caps(m, k, n=None) -> tuple[list[int], list[int]]:
    if np.ndim(m) != 1 or np.ndim(k) != 1:
        raise ValueError("m and k must be sequences (one entry per category)")
    ms = [V.positive_int(x, "m") for x in m]
    ks = [V.positive_int(x, "k") for x in k]
    if len(ms) != len(ks) or not ms:
        raise ValueError(
            f"m and k must be non-empty and of equal length, got {len(ms)} and "
            f"{len(ks)}"
        )
    if n is not None:
        for j, (mj, kj) in enumerate(zip(ms, ks, strict=True)):
            if n * kj < mj:
                raise ValueError(
                    f"k must satisfy n*k_j >= m_j (Paper B §4): category {j} has "
                    f"n = {n}, k_j = {kj}, m_j = {mj}"
                )
    return ms, ks


def _ratio(mj: int, kj: int, clip: bool) -> Fraction:
    r = Fraction(kj, mj)
    return min(r, Fraction(1)) if clip else r


def category_order(m, k) -> list[int]:
    """Indices of the categories in Paper B's order (§4).

    Ascending ``k_j/m_j``; ties go to the category with fewer items (then to
    the lower index).

    Parameters
    ----------
    m, k : sequence of int
        Items ``m_j >= 1`` and caps ``k_j >= 1`` per category.

    Returns
    -------
    list of int
        A permutation of ``range(h)``: entry 0 is the paper's category 1.
    """
    ms, ks = _sizes_caps(m, k)
    return sorted(range(len(ms)), key=lambda j: (Fraction(ks[j], ms[j]), ms[j], j))


def categories_poc_bound(m, k, n, clip=True) -> Fraction:
    """Utilitarian price of cardinality with categories (Paper B, Theorems 3, 4).

    With the categories ordered as in :func:`category_order` and
    ``r_j = k_j/m_j``: Theorem 3 (``n = 2``, ``h >= 2``) gives
    ``2/(r_1 + r_2)``; Theorem 4 (general ``n``) gives ``m_1/k_1 = 1/r_1``.
    Theorem 3 is tight for every ``m, k``; Theorem 4 is an upper bound,
    attained when ``h >= n`` and the ``n`` smallest ratios are equal.

    Parameters
    ----------
    m, k : sequence of int
        Items ``m_j >= 1`` and caps ``k_j >= 1`` per category, with
        ``n k_j >= m_j``.
    n : int
        Number of agents, ``n >= 2``; ``n = 2`` needs ``h >= 2`` categories
        (Theorem 3's hypothesis; one category is Theorem 1).
    clip : bool, default True
        Use ``r_j = min(k_j/m_j, 1)`` (a cap at least the category size does
        not constrain it).  ``False``: the paper's literal ``k_j/m_j``.

    Returns
    -------
    Fraction
        The bound, exact.
    """
    n = V.positive_int(n, "n", minimum=2)
    ms, ks = _sizes_caps(m, k, n)
    if n == 2 and len(ms) < 2:
        raise ValueError(
            "m must list at least 2 categories for n = 2 (Theorem 3 needs h >= 2; "
            "one category is Theorem 1, utilitarian_poc_bound)"
        )
    order = category_order(ms, ks)
    r = [_ratio(ms[j], ks[j], clip) for j in order]
    if clip:  # the paper's order and the clipped order agree on the minimum
        r = sorted(r)
    if n == 2:
        return 2 / (r[0] + r[1])
    return 1 / r[0]


def proposition2_factor(m, k) -> Fraction:
    """Proposition 2 (Paper B): the best cardinal allocation has ``USW >= f OPT``.

    ``f = k_1/m_1``, the smallest ``min(k_j/m_j, 1)`` (the reciprocal of
    Theorem 4's bound).

    Parameters
    ----------
    m, k : sequence of int
        Items and caps per category.

    Returns
    -------
    Fraction
    """
    ms, ks = _sizes_caps(m, k)
    return min(_ratio(mj, kj, True) for mj, kj in zip(ms, ks, strict=True))


def _uniform_rows(n: int, groups: list[range], owners: dict[int, int]) -> np.ndarray:
    m = sum(len(g) for g in groups)
    u = np.full((n, m), Fraction(0), dtype=object)
    for j, i in owners.items():
        for g in groups[j]:
            u[i, g] = Fraction(1, len(groups[j]))
    return u


def _groups(ms: list[int]) -> tuple[list[range], np.ndarray]:
    starts = np.concatenate([[0], np.cumsum(ms)]).astype(int)
    groups = [
        range(int(a), int(b)) for a, b in zip(starts[:-1], starts[1:], strict=True)
    ]
    ids = np.repeat(np.arange(len(ms)), ms)
    return groups, ids


def theorem3_instance(m, k) -> tuple[np.ndarray, np.ndarray]:
    """The lower-bound instance of Theorem 3 (Paper B, proof of Theorem 3).

    Two agents; agent 1 values each item of the paper's category 1 at
    ``1/m_1``, agent 2 each item of category 2 at ``1/m_2`` (categories in
    :func:`category_order`), nothing else.  Its price is ``2/(r_1 + r_2)``
    with ``r_j = min(k_j/m_j, 1)``.

    Parameters
    ----------
    m, k : sequence of int
        Items and caps per category, ``h >= 2``, ``2 k_j >= m_j``.

    Returns
    -------
    u : numpy.ndarray of Fraction, shape (2, sum(m))
        Items are listed category by category in the given order.
    categories : numpy.ndarray of int, shape (sum(m),)
        Category id of each item.
    """
    ms, ks = _sizes_caps(m, k, 2)
    if len(ms) < 2:
        raise ValueError("m must list at least 2 categories (Theorem 3: h >= 2)")
    first, second = category_order(ms, ks)[:2]
    groups, ids = _groups(ms)
    return _uniform_rows(2, groups, {first: 0, second: 1}), ids


def theorem4_instance(q, k, n) -> tuple[np.ndarray, np.ndarray]:
    """The lower-bound instance of Theorem 4 (Paper B, proof of Theorem 4).

    ``h = n`` categories of ``q`` items each, cap ``k`` in every category;
    agent ``i`` values each item of category ``i`` at ``1/q``.  Its price is
    ``q/k`` (1 if ``q <= k``).  The paper asks ``k | q``; the price is
    ``q/k`` without it.

    Parameters
    ----------
    q : int
        Items per category.
    k : int
        Cap per category, ``n k >= q``.
    n : int
        Agents (and categories), ``n >= 2``.

    Returns
    -------
    u : numpy.ndarray of Fraction, shape (n, n q)
    categories : numpy.ndarray of int, shape (n q,)
    """
    n = V.positive_int(n, "n", minimum=2)
    ms, _ = _sizes_caps([q] * n, [k] * n, n)
    groups, ids = _groups(ms)
    return _uniform_rows(n, groups, {i: i for i in range(n)}), ids


@dataclass(frozen=True)
class Lemma6Reduction:
    """The instance Lemma 6 (Paper B) reduces a two-agent instance to.

    Attributes
    ----------
    u : numpy.ndarray of Fraction, shape (2, m)
        The reduced utilities ``u'`` (not normalized in general).
    owner : numpy.ndarray of int, shape (m,)
        The utilitarian-optimal allocation ``A'*`` of ``u'`` the reduction
        keeps track of (``A*`` of the input, modified by the last step).
    exceeded : tuple
        For each agent, the categories in which ``A'*`` exceeds her cap.
    steps : tuple of str
        The reductions applied, in order (``"lemma7"``, ``"lemma8"``,
        ``"lemma9"``).
    complete : bool
        Whether ``u'`` has Lemma 6's form: each agent exceeds her cap in
        exactly one category, different ones, and values nothing of what she
        receives elsewhere.
    """

    u: np.ndarray
    owner: np.ndarray
    exceeded: tuple
    steps: tuple
    complete: bool


def _exceeded(owner, groups, caps) -> tuple:
    return tuple(
        tuple(
            j
            for j, (g, kj) in enumerate(zip(groups, caps, strict=True))
            if np.count_nonzero(owner[g] == i) > kj
        )
        for i in range(2)
    )


def _merge(u, into: np.ndarray, sources: list[np.ndarray]) -> None:
    """Move every agent's value of the items ``sources`` onto ``into``, evenly."""
    for src in sources:
        for i in range(2):
            extra = sum(u[i, src], Fraction(0)) / into.size
            u[i, src] = Fraction(0)
            u[i, into] = u[i, into] + extra


def _reduce_agent(u, owner, groups, caps, a: int, steps: list) -> None:
    """Lemmas 7 and 8 (Paper B, Appendix B.1) for agent ``a``, in place."""
    over = _exceeded(owner, groups, caps)[a]
    if not over:
        return
    bundle = [g[owner[g] == a] for g in groups]
    p = min(over, key=lambda j: (Fraction(caps[j], bundle[j].size), j))
    if len(over) > 1:
        _merge(u, bundle[p], [bundle[j] for j in over if j != p])
        for j in over:  # now worth 0 to both: hand the excess to the other agent
            if j != p:
                owner[bundle[j][caps[j] :]] = 1 - a
        steps.append("lemma7")
    rest = [bundle[j] for j in range(len(groups)) if j not in over and bundle[j].size]
    if any(sum(u[:, b].ravel(), Fraction(0)) > 0 for b in rest):
        _merge(u, bundle[p], rest)
        steps.append("lemma8")


def lemma6_reduce(u, k, categories) -> Lemma6Reduction:
    """Reduce a two-agent instance as in Lemma 6 (Paper B, Appendix B.1).

    Starting from a utilitarian optimum ``A*`` (exact, ties to the lowest
    agent index), for each agent ``a`` in turn:

    1. Lemma 7: if ``a`` exceeds her cap in several categories ``H``, keep
       ``p = argmin_{j in H} k_j/|A*_aj|`` and move every agent's value of
       ``A*_aj`` (``j in H``, ``j != p``) evenly onto the items ``A*_ap``;
       (those items are now worth 0 to both agents, so ``A'*`` may give
       ``|A*_aj| - k_j`` of them to the other agent: ``a`` now exceeds her cap
       in ``p`` only);
    2. Lemma 8: move every agent's value of ``A*_aj`` for the categories ``j``
       where ``a`` stays within her cap onto ``A*_ap`` in the same way.

    Then a Lemma 9 step of ours, without the paper's arbitrarily small
    ``epsilon`` (the paper's own step, an ``epsilon``-perturbation, is
    :func:`fairlib.cardinality.lemma9_instance`, checked on the Appendix B.1
    page): if only agent 1 exceeds a cap, in ``p``, and agent 2 values
    her bundle outside ``C_p`` at ``W > 0``, agent 2's utilities outside
    ``C_p`` become ``W/m_q`` on each item of the most constrained other
    category ``q`` with ``k_q < m_q`` (agent 1's become 0 there), and
    ``A'*`` gives ``C_q`` to agent 2.  The ratio ``OPT/max_cardinal`` never
    decreases: the other categories' optimum ``W`` becomes
    ``(k_q/m_q) W`` under the caps.

    Parameters
    ----------
    u : array_like, shape (2, m)
        Non-negative utilities (floats are converted to ``Fraction``); not
        required to be normalized.
    k : sequence of int
        Caps per category.
    categories : array_like of int or list of index lists
        As in :func:`fairlib.cardinality.cardinal_optimum`.

    Returns
    -------
    Lemma6Reduction
    """
    u, groups, caps = I.setup(u, k, categories, normalized=False)
    if u.shape[0] != 2:
        raise ValueError(f"u must have exactly 2 agents (Lemma 6), got {u.shape[0]}")
    u = np.array([[Fraction(x) for x in row] for row in u], dtype=object)
    w, _ = I.scaled_integers(u)
    owner = np.where(w[1] > w[0], 1, 0).astype(int)  # exact argmax, ties to 0
    steps: list[str] = []
    for a in range(2):
        _reduce_agent(u, owner, groups, caps, a, steps)
    over = _exceeded(owner, groups, caps)
    if sum(map(len, over)) == 1:
        a = 0 if over[0] else 1
        b, p = 1 - a, over[a][0]
        outside = np.ones(u.shape[1], dtype=bool)
        outside[groups[p]] = False
        weight = sum(u[b, outside & (owner == b)], Fraction(0))
        free = [j for j in range(len(groups)) if j != p and caps[j] < groups[j].size]
        if weight > 0 and free:
            q = min(free, key=lambda j: (Fraction(caps[j], groups[j].size), j))
            u[:, outside] = Fraction(0)
            u[b, groups[q]] = weight / groups[q].size
            owner[groups[q]] = b  # the other items are worth 0 to both now
            steps.append("lemma9")
            _reduce_agent(u, owner, groups, caps, b, steps)
    over = _exceeded(owner, groups, caps)
    complete = all(len(x) == 1 for x in over) and over[0] != over[1]
    if complete:
        for i in range(2):
            own = owner == i
            own[groups[over[i][0]]] = False
            complete = complete and sum(u[i, own], Fraction(0)) == 0
    return Lemma6Reduction(u, owner, over, tuple(steps), complete)
