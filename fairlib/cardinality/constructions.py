"""Paper B's lower-bound constructions: block instances, Lemmas 1 and 2.

A *block instance* (Paper B, Lemma 1 and §3.1) has ``t`` block agents, each
valuing a disjoint block of the items ``g_1..g_{m-1}`` uniformly (total 1),
and agents ``t+1..n`` valuing only ``g_m``, at 1.  Lemma 1 takes equal blocks
and ``t = s = c - 1``; Lemma 2 takes ``t = max(floor(s), 1)`` with
``s = -1 + sqrt(1 + (m - 1)/k)`` (:func:`floor_s`), with near-equal blocks
(main text, = :func:`block_ratio`) or equal blocks plus unvalued leftovers
(Appendix A.1).  Every instance here is built by one function,
``_block_matrix``, and every ratio by one closed form, ``_ratio``.
"""

from __future__ import annotations

from fractions import Fraction
from math import isqrt

import numpy as np

from .. import _validate as V

__all__ = [
    "floor_s",
    "block_sizes",
    "block_ratio",
    "block_instance",
    "best_block_ratio",
    "lemma1_c",
    "lemma1_instance",
    "lemma2_instance",
    "lemma2_lower_bound",
]

_VARIANTS = ("appendix", "main")


def floor_s(m, k) -> int:
    """``floor(s)`` for ``s = -1 + sqrt(1 + (m - 1)/k)`` (Paper B, Lemma 2), exactly.

    ``s + 1 = sqrt(x)`` with ``x = (k + m - 1)/k``, and
    ``floor(sqrt(x)) = isqrt(floor(x))``, so no floating point is involved.

    Parameters
    ----------
    m, k : int
        Items ``m >= 1`` and cap ``k >= 1``.

    Returns
    -------
    int
        ``floor(s) >= 0``.
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    return isqrt((k + m - 1) // k) - 1


def block_sizes(m, t) -> list[int]:
    """Near-equal sizes of ``t`` blocks of ``g_1..g_{m-1}``, larger blocks first.

    ``m - 1 = q t + r``: ``r`` blocks of ``q + 1`` items, then ``t - r`` of
    ``q`` (Paper B, §3.1, text before Lemma 2).

    Parameters
    ----------
    m : int
        Items, ``m >= 2``.
    t : int
        Blocks, ``1 <= t <= m - 1``.

    Returns
    -------
    list of int
    """
    m = V.positive_int(m, "m", minimum=2)
    t = V.positive_int(t, "t")
    if t > m - 1:
        raise ValueError(
            f"t must be <= m - 1 = {m - 1} (one item per block at least), got {t}"
        )
    q, r = divmod(m - 1, t)
    return [q + 1] * r + [q] * (t - r)


def _block_matrix(n: int, m: int, blocks: list[int]) -> np.ndarray:
    """Agents ``1..t`` value consecutive blocks of ``g_1..g_{m-1}`` uniformly.

    Items after the blocks (before ``g_m``) are valued by nobody; agents
    ``t+1..n`` value only ``g_m``, at 1.
    """
    u = np.full((n, m), Fraction(0), dtype=object)
    start = 0
    for i, b in enumerate(blocks):
        u[i, start : start + b] = Fraction(1, b)
        start += b
    u[len(blocks) :, m - 1] = Fraction(1)
    return u


def _ratio(k: int, blocks: list[int]) -> Fraction:
    """``(1 + t) / (1 + sum_i min(1, k / b_i))``: the price of a block instance."""
    kept = sum(min(Fraction(1), Fraction(k, b)) for b in blocks)
    return Fraction(1 + len(blocks)) / (1 + kept)


def _n_agents(m: int, k: int, t: int, n) -> int:
    """``n``, or the smallest admissible ``max(t + 1, ceil(m/k))``, checked."""
    n_min = max(t + 1, -(-m // k))
    return n_min if n is None else V.positive_int(n, "n", minimum=n_min)


def block_ratio(m, k, t) -> Fraction:
    """Exact price of cardinality of the block instance with ``t`` block agents.

    The instance of Paper B, Lemma 1 and §3.1 (text before Lemma 2), with the
    number ``t`` of block agents free: agents ``1..t`` value near-equal blocks
    ``b_1, ..., b_t`` of ``g_1..g_{m-1}`` (:func:`block_sizes`) uniformly, the
    other agents value only ``g_m``.  Then ``OPT-USW = 1 + t`` and the best
    cardinal welfare is ``1 + sum_i min(1, k/b_i)`` (each block agent keeps
    ``min(k, b_i)`` of its items; ``g_m`` goes to an agent valuing it), so the
    ratio is

        (1 + t) / (1 + sum_i min(1, k / b_i)).

    Paper B takes ``t = s = c - 1`` (Lemma 1) or ``t = max(floor(s), 1)``
    (Lemma 2) with ``s = -1 + sqrt(1 + (m-1)/k)``.

    Parameters
    ----------
    m : int
        Items, ``m >= 2``.
    k : int
        Cap, ``k >= 1``.
    t : int
        Block agents, ``1 <= t <= m - 1``.

    Returns
    -------
    Fraction
    """
    m = V.positive_int(m, "m", minimum=2)
    k = V.positive_int(k, "k")
    return _ratio(k, block_sizes(m, t))


def block_instance(m, k, t, n=None) -> np.ndarray:
    """The block instance of :func:`block_ratio` (exact, normalized rows).

    Paper B's Lemma 1 instance (``t = c - 1``) and the main-text Lemma 2
    instance (``t = max(floor(s), 1)``) are block instances.

    Parameters
    ----------
    m, k, t : int
        As in :func:`block_ratio`.
    n : int, optional
        Agents, ``n >= t + 1`` and ``n k >= m``; default the smallest such.

    Returns
    -------
    numpy.ndarray of Fraction, shape (n, m)
    """
    m = V.positive_int(m, "m", minimum=2)
    k = V.positive_int(k, "k")
    blocks = block_sizes(m, t)
    return _block_matrix(_n_agents(m, k, len(blocks), n), m, blocks)


def best_block_ratio(m, k) -> tuple[Fraction, int]:
    """``max_t block_ratio(m, k, t)`` and the smallest maximizing ``t``.

    The best over ``t`` of Paper B's block instances (Lemma 1, Lemma 2).  A
    proven *lower* bound on the price of cardinality of every cell
    ``(m, k, n)`` with ``n k >= m``: if the maximum exceeds 1, some block of a
    maximizing ``t`` is larger than ``k`` (otherwise every block agent keeps
    its whole block and the ratio is 1), so every block has at least ``k``
    items, ``t <= (m-1)/k < ceil(m/k) <= n`` and the instance fits.  Returns
    ``(1, 0)`` when ``m = 1``.

    Parameters
    ----------
    m, k : int
        Items ``m >= 1`` and cap ``k >= 1``.

    Returns
    -------
    ratio : Fraction
    t : int
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m == 1:
        return Fraction(1), 0
    best, arg = max((block_ratio(m, k, t), -t) for t in range(1, m))
    return best, -arg


def lemma1_c(m, k) -> int | None:
    """The ``c >= 2`` with ``m = k(c^2 - 1) + 1`` (Paper B, Lemma 1), or ``None``.

    Lemma 1's tight instances exist exactly for these ``(m, k)``; then
    ``c = floor(s) + 1`` with :func:`floor_s`, and Theorem 1's bound is the
    rational ``(c + 1)/2``.

    Parameters
    ----------
    m, k : int
        Items ``m >= 1`` and cap ``k >= 1``.

    Returns
    -------
    int or None
    """
    c = floor_s(m, k) + 1
    return c if c >= 2 and k * (c * c - 1) + 1 == m else None


def lemma1_instance(k, c, n=None) -> np.ndarray:
    """The tight instance of Paper B, Lemma 1 (exact ``Fraction`` utilities).

    For ``m = k(c^2 - 1) + 1`` items and ``c in N+ \\ {1}`` let
    ``s = c - 1``.  Agents ``1..s`` each value a disjoint block of
    ``(m - 1)/s = k(c + 1)`` of the items ``g_1..g_{m-1}`` at ``s/(m - 1)``
    each; every other agent values only ``g_m``, at 1.  Then
    ``OPT-USW = 1 + s = c``, the best cardinal welfare is
    ``1 + k s^2/(m - 1) = 2c/(c + 1)``, and the ratio is
    ``(c + 1)/2 = (1 + sqrt(1 + (m - 1)/k))/2`` (Theorem 1's bound).  It is
    :func:`block_instance` with ``t = c - 1`` (the blocks are equal).

    The paper leaves ``n`` free subject to ``n >= m/k`` (so a complete cardinal
    allocation exists) and ``n >= s + 1``.  By default ``n = c^2 = ceil(m/k)``,
    the smallest admissible value.

    Parameters
    ----------
    k : int
        Cap, ``k >= 1``.
    c : int
        ``c >= 2`` (the paper requires ``c in N+ \\ {1}``).
    n : int, optional
        Number of agents, ``n >= c^2``; default ``c^2``.

    Returns
    -------
    numpy.ndarray of Fraction, shape (n, k(c^2 - 1) + 1)
    """
    k = V.positive_int(k, "k")
    c = V.positive_int(c, "c", minimum=2)
    return block_instance(k * (c * c - 1) + 1, k, c - 1, n)


def _lemma2_blocks(m, k, variant) -> tuple[int, int, list[int]]:
    """``(m, k, blocks)`` of the Lemma 2 construction, validated."""
    if variant not in _VARIANTS:
        raise ValueError(f"variant must be 'appendix' or 'main', got {variant!r}")
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m < k + 2:
        raise ValueError(
            "m must be >= k + 2 for the Lemma 2 construction (Appendix A.1 "
            f"assumes m - 2 >= k), got m = {m}, k = {k}"
        )
    t = max(floor_s(m, k), 1)
    if variant == "main":
        return m, k, block_sizes(m, t)
    return m, k, [(m - 1) // t] * t


def lemma2_instance(m, k, n=None, variant="appendix") -> np.ndarray:
    """The lower-bound constructions behind Paper B, Lemma 2 (exact utilities).

    Let ``s = -1 + sqrt(1 + (m - 1)/k)`` and ``t = max(floor(s), 1)``
    (:func:`floor_s`).  Agents ``1..t`` each value a disjoint block of the
    items ``g_1..g_{m-1}`` uniformly (total 1); agents ``t+1..n`` value only
    ``g_m``, at 1.

    * ``variant="appendix"`` (Appendix A.1): agent ``i <= t`` values
      ``g_{(i-1)b+1}..g_{ib}`` at ``1/b`` with ``b = floor((m-1)/t)``; the
      ``m - 1 - t b`` leftover items are valued by nobody.  Ratio:
      :func:`lemma2_lower_bound`.
    * ``variant="main"`` (§3.1, text before Lemma 2): ``g_1..g_{m-1}`` split
      into ``t`` consecutive blocks whose sizes differ by at most one (larger
      blocks first), i.e. ``block_instance(m, k, t, n)``.  The main text
      writes ``s = floor(...)``, which is 0 when ``m - 1 < 3k``; we use
      ``t = max(floor(s), 1)`` as the appendix does, so the variants differ
      only in the partition.

    ``n`` is free in the paper subject to ``n >= m/k`` and ``n >= t + 1``;
    by default ``n = max(ceil(m/k), t + 1)``, the smallest admissible value
    (it equals ``ceil(m/k)`` whenever ``m >= k + 2``, since then ``t <= n-1``).

    Parameters
    ----------
    m : int
        Number of items, ``m >= k + 2`` (Appendix A.1).
    k : int
        Cap, ``k >= 1``.
    n : int, optional
        Number of agents (at least the default).
    variant : {"appendix", "main"}

    Returns
    -------
    numpy.ndarray of Fraction, shape (n, m)
    """
    m, k, blocks = _lemma2_blocks(m, k, variant)
    return _block_matrix(_n_agents(m, k, len(blocks), n), m, blocks)


def lemma2_lower_bound(m, k, variant="appendix") -> Fraction:
    """Ratio of the Lemma 2 construction, from the paper's closed form (exact).

    Paper B, Appendix A.1: with ``t = max(floor(s), 1)`` and
    ``b = floor((m-1)/t)``, ``OPT-USW(I) = 1 + t`` and the best cardinal
    welfare is ``1 + k t / b`` (every block has ``b >= k`` items when
    ``m >= k + 2``), so the price of cardinality is at least

        (1 + t) / (1 + k t / b),

    which Lemma 2 shows is at least ``(-1 + sqrt(1 + (m - 1)/k))/2``.  With
    ``variant="main"`` the blocks have sizes ``q`` and ``q + 1``
    (``m - 1 = q t + r``) and the ratio is ``block_ratio(m, k, t)``,
    ``(1 + t) / (1 + k (r/(q+1) + (t-r)/q))``.

    Parameters
    ----------
    m, k : int
        ``m >= k + 2``, ``k >= 1``.
    variant : {"appendix", "main"}

    Returns
    -------
    Fraction
    """
    m, k, blocks = _lemma2_blocks(m, k, variant)
    return _ratio(k, blocks)
