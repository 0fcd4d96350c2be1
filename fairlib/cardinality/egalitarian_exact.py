"""Beyond Paper B: the exact egalitarian price of cardinality of a cell.

For category sizes ``m = (m_1, ..., m_h)``, caps ``k`` and ``n`` agents,
``PoC_E(m, k, n)`` is the supremum over normalized additive instances of
``OPT-ESW / max_{A cardinal} ESW(A)`` (Paper B, Definition 3; ``0/0 = 1``).
:func:`exact_egalitarian_poc` computes it with exact certificates, by a
method that does not use the paper's proofs of Theorems 2 and 5.

Reduction (proved here)
-----------------------
Let ``u`` be an instance with ``OPT-ESW = v > 0`` attained by ``A*`` (so
every bundle is non-empty: ``M >= n``).

1. *Own-bundle support.*  Setting ``u_ig = 0`` for ``g`` outside ``A*_i``
   keeps ``ESW(A*) = v`` and can only lower every cardinal allocation's
   ESW, so the ratio does not decrease.
2. *Rescaling.*  Dividing row ``i`` by ``u_i(A*_i) >= v`` makes every row
   a probability distribution on its own bundle (so the instance is still
   normalized) with ``OPT-ESW = 1``; each row is multiplied by at most
   ``1/v``, so the best cardinal ESW is at most the old one divided by
   ``v``, and again the ratio does not decrease.
3. *Decoupling.*  With own-bundle support, agent ``i`` is worth nothing to
   anyone else's items, and any choice of at most ``k_j`` items of its own
   bundle in each category extends to a complete cardinal allocation
   (``n k_j >= m_j``).  Hence the best cardinal ESW is
   ``min_i sum_j top_{k_j}(u_i on A*_ij)``.

So ``PoC_E = max(1, max_P 1 / V(P))`` over *patterns* ``P`` -- the
matrices ``a_ij = |A*_i ∩ C_j|`` with column sums ``m_j`` and no zero row,
up to permuting agents -- where ``V(P) = min_i V_i`` and ``V_i`` is the
value of agent ``i``'s game ``min_u max_T u(T)`` over distributions ``u`` on
its bundle and sets ``T`` taking at most ``k_j`` items of each category.

Certificates (computed, exact)
------------------------------
For each agent row the value ``V_i`` is certified by a pair checked in
``Fraction`` arithmetic by enumeration of the sets ``T``:

* a *primal* distribution (uniform on the category ``j`` minimizing
  ``min(1, k_j/a_ij)``) whose best set is worth exactly ``V_i``;
* a *dual* distribution over sets ``T`` (uniform over the products of
  ``min(k_j, a_ij)``-subsets of every category) that covers every item of
  the bundle with probability at least ``V_i``; by weak duality every
  distribution then has a set worth at least ``V_i``.

The cell's value is attained by a *witness*: the worst pattern with every
agent uniform on its worst category, solved by the certified MILP
:func:`fairlib.cardinality.egalitarian_optimum` (its ratio must equal the
value exactly).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import _validate as V
from .egalitarian import egalitarian_optimum

__all__ = [
    "ExactEgalitarianPoC",
    "bundle_patterns",
    "agent_value_certificate",
    "exact_egalitarian_poc",
]

MAX_ITEMS = 12


@dataclass(frozen=True)
class ExactEgalitarianPoC:
    """The exact egalitarian price of cardinality of one cell, with its witness.

    Attributes
    ----------
    m, k : tuple of int
        Category sizes and caps.
    n : int
        Number of agents.
    value : Fraction
        ``PoC_E(m, k, n)``.
    patterns : int
        Number of patterns enumerated (each certified).
    worst : tuple of tuple of int or None
        A pattern attaining the value (rows: agents, columns: categories);
        ``None`` when no pattern exists (``sum(m) < n``: the price is 1).
    instance : numpy.ndarray of Fraction or None
        The witness instance built from ``worst`` (items category by
        category).
    categories : numpy.ndarray of int
        Category id of each item of ``instance``.
    witness_ratio : Fraction
        ``OPT-ESW / max cardinal ESW`` of the witness, from the certified
        MILP; equal to ``value``.
    """

    m: tuple
    k: tuple
    n: int
    value: Fraction
    patterns: int
    worst: tuple | None
    instance: np.ndarray | None
    categories: np.ndarray
    witness_ratio: Fraction


def _cell(m, k, n):
    ms = tuple(V.positive_int(x, "m") for x in np.ravel(np.asarray(m, dtype=object)))
    ks = tuple(V.positive_int(x, "k") for x in np.ravel(np.asarray(k, dtype=object)))
    n = V.positive_int(n, "n")
    if not ms or len(ks) != len(ms):
        raise ValueError(
            "m and k must list the same positive number of categories, got "
            f"len(m) = {len(ms)}, len(k) = {len(ks)}"
        )
    for mj, kj in zip(ms, ks, strict=True):
        if n * kj < mj:
            raise ValueError(
                f"k must satisfy n*k_j >= m_j for every category: n = {n}, "
                f"k_j = {kj}, m_j = {mj}"
            )
    if sum(ms) > MAX_ITEMS:
        raise ValueError(
            f"m must have sum(m) <= {MAX_ITEMS} (the certificates enumerate "
            f"sets), got {sum(ms)}"
        )
    return ms, ks, n


def bundle_patterns(m, n):
    """Bundle patterns of an allocation with no empty bundle, up to relabelling.

    Multisets of ``n`` non-zero rows ``(a_i1, ..., a_ih)`` of non-negative
    integers whose column sums are ``m``: the category counts of the
    bundles of an egalitarian optimum with positive welfare (step 1 of the
    reduction in the module docstring).

    Parameters
    ----------
    m : sequence of int
        Category sizes ``m_j >= 1``.
    n : int
        Number of agents (rows).

    Yields
    ------
    tuple of tuple of int
        Rows in non-increasing lexicographic order.
    """
    ms = tuple(V.positive_int(x, "m") for x in np.ravel(np.asarray(m, dtype=object)))
    n = V.positive_int(n, "n")
    rows = [
        r
        for r in itertools.product(*(range(mj + 1) for mj in ms))
        if any(r)  # every bundle non-empty
    ]
    rows.sort(reverse=True)

    def rec(rest, start, left):
        if left == 0:
            if not any(rest):
                yield ()
            return
        for idx in range(start, len(rows)):
            row = rows[idx]
            if all(a <= b for a, b in zip(row, rest, strict=True)):
                after = tuple(b - a for a, b in zip(row, rest, strict=True))
                for tail in rec(after, idx, left - 1):
                    yield (row, *tail)

    yield from rec(ms, 0, n)


def _sets(row, k):
    """All maximal sets ``T``: ``min(k_j, a_j)`` items of each category block."""
    blocks, start = [], 0
    for a in row:
        blocks.append(range(start, start + a))
        start += a
    choices = [
        itertools.combinations(b, min(kj, len(b)))
        for b, kj in zip(blocks, k, strict=True)
    ]
    return blocks, [sum(parts, ()) for parts in itertools.product(*choices)]


def agent_value_certificate(row, k) -> Fraction:
    """Certified value of one agent's game ``min_u max_T u(T)`` (see module).

    Parameters
    ----------
    row : sequence of int
        The agent's item count ``a_j`` in each category (not all zero).
    k : sequence of int
        The caps ``k_j``.

    Returns
    -------
    Fraction
        ``V = min_{j: a_j > 0} min(1, k_j / a_j)``, after checking in exact
        arithmetic that a primal distribution attains it and a dual
        distribution over sets proves it.

    Raises
    ------
    RuntimeError
        If a certificate fails (it cannot, if the reduction is right).
    """
    row = [int(a) for a in row]
    k = [int(x) for x in k]
    if len(row) != len(k) or not any(row) or min(row) < 0:
        raise ValueError("row must hold one non-negative count per cap, not all 0")
    value = min(Fraction(min(kj, a), a) for a, kj in zip(row, k, strict=True) if a)
    blocks, sets = _sets(row, k)
    size = sum(row)
    worst = min(
        (j for j, a in enumerate(row) if a),
        key=lambda j: Fraction(min(k[j], row[j]), row[j]),
    )
    primal = [Fraction(0)] * size
    for g in blocks[worst]:
        primal[g] = Fraction(1, row[worst])
    best = max(sum((primal[g] for g in t), Fraction(0)) for t in sets)
    cover = [Fraction(0)] * size
    for t in sets:  # the dual: uniform over the sets
        for g in t:
            cover[g] += Fraction(1, len(sets))
    if best != value or min(cover) < value:
        raise RuntimeError(f"certificate failed for row {row}, caps {k}")
    return value


def _witness(pattern, ms, ks, n):
    """Every agent uniform on its worst category, items category by category."""
    h, total = len(ms), sum(ms)
    offsets = np.concatenate([[0], np.cumsum(ms)]).astype(int)
    used = [0] * h
    u = np.full((n, total), Fraction(0), dtype=object)
    for i, row in enumerate(pattern):
        worst = min(
            (j for j in range(h) if row[j]),
            key=lambda j: Fraction(min(ks[j], row[j]), row[j]),
        )
        for j in range(h):
            if j == worst:
                for g in range(used[j], used[j] + row[j]):
                    u[i, offsets[j] + g] = Fraction(1, row[j])
            used[j] += row[j]
    return u, np.repeat(np.arange(h), ms)


def exact_egalitarian_poc(m, k, n) -> ExactEgalitarianPoC:
    """Exact egalitarian price of cardinality of a cell (beyond Paper B).

    Enumerates the bundle patterns (:func:`bundle_patterns`), certifies each
    agent's value (:func:`agent_value_certificate`), takes
    ``max(1, max_P 1/V(P))`` and solves the witness instance exactly (see
    the module docstring for the proof that this is the supremum of Paper B,
    Definition 3).

    Parameters
    ----------
    m : int or sequence of int
        Category sizes (an int: one category); ``sum(m) <= 12``.
    k : int or sequence of int
        Caps, one per category, with ``n k_j >= m_j``.
    n : int
        Number of agents.

    Returns
    -------
    ExactEgalitarianPoC
    """
    ms, ks, n = _cell(m, k, n)
    best, worst, count = Fraction(1), None, 0
    for pattern in bundle_patterns(ms, n):
        count += 1
        value = min(agent_value_certificate(row, ks) for row in pattern)
        if worst is None or 1 / value > best:
            best, worst = max(best, 1 / value), pattern
    cats = np.repeat(np.arange(len(ms)), ms)
    if worst is None:  # sum(m) < n: OPT-ESW = 0 on every instance, 0/0 = 1
        return ExactEgalitarianPoC(ms, ks, n, best, 0, None, None, cats, Fraction(1))
    u, cats = _witness(worst, ms, ks, n)
    opt = egalitarian_optimum(u).value
    card = egalitarian_optimum(u, list(ks), cats).value
    if opt != 1 or opt / card != best:
        raise RuntimeError(
            f"the witness of cell m = {ms}, k = {ks}, n = {n} has ratio "
            f"{opt / card}, not the certified value {best}"
        )
    return ExactEgalitarianPoC(ms, ks, n, best, count, worst, u, cats, opt / card)
