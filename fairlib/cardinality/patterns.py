"""Patterns of a utilitarian-optimal allocation and their orbit LPs (beyond Paper B).

Steps 1 and 3 of the method of :mod:`fairlib.cardinality.exact`: the bundle-size
patterns (partitions of ``m``), the orbits of agent–item pairs under a
pattern's symmetries, the symmetry-reduced LP data of one pattern, and the
order in which :func:`fairlib.cardinality.exact_poc` visits the patterns.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .constructions import block_sizes, floor_s

__all__ = ["partitions", "orbit_label"]


def partitions(m: int, max_parts: int):
    """Integer partitions of ``m`` into at most ``max_parts`` non-increasing parts.

    These are the bundle-size patterns of a utilitarian-optimal allocation
    (Paper B, Definition 1) of ``m`` items among ``max_parts`` agents, up to
    relabelling (step 1 of the method in :mod:`fairlib.cardinality.exact`).

    Parameters
    ----------
    m : int
        The number to partition (items), ``m >= 0``.
    max_parts : int
        At most this many parts (agents).

    Yields
    ------
    tuple of int
        In reverse lexicographic order.
    """

    def rec(rest, largest, parts_left):
        if rest == 0:
            yield ()
            return
        if parts_left == 0:
            return
        for first in range(min(rest, largest), 0, -1):
            for tail in rec(rest - first, first, parts_left - 1):
                yield (first,) + tail

    yield from rec(int(m), int(m), int(max_parts))


def _pattern_owner(sizes, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Canonical owner array of a pattern and the bundle size of every agent."""
    owner = np.repeat(np.arange(len(sizes)), sizes)
    agent_size = np.zeros(n, dtype=int)
    agent_size[: len(sizes)] = sizes
    return owner, agent_size


def orbit_label(sizes, n: int, i: int, j: int) -> tuple[int, int, bool]:
    """The orbit of the agent–item pair ``(i, j)`` under the symmetries of a pattern.

    ``(|A_i|, |A_{A(j)}|, i == A(j))`` for the canonical allocation ``A`` of
    ``sizes`` (step 3 of the method in :mod:`fairlib.cardinality.exact`; ``A``
    is a utilitarian-optimal allocation, Paper B, Definition 1).  Plain
    Python; used by :func:`~fairlib.cardinality.check_certificate`
    independently of the LP machinery.

    Parameters
    ----------
    sizes : sequence of int
        The pattern: bundle sizes, non-increasing, summing to ``m``.
    n : int
        Agents, ``n >= len(sizes)``.
    i, j : int
        An agent ``0 <= i < n`` and an item ``0 <= j < m``.

    Returns
    -------
    tuple
        ``(int, int, bool)``.
    """
    owner = [a for a, s in enumerate(sizes) for _ in range(s)]
    size = list(sizes) + [0] * (n - len(sizes))
    return (size[i], size[owner[j]], i == owner[j])


class Pattern:
    """Reduced (orbit) LP data of one pattern.

    Columns, objective, row-sum rows and cut counts (method steps 2 and 3).
    """

    def __init__(self, sizes: tuple[int, ...], n: int):
        self.sizes = tuple(sizes)
        self.n = n
        self.m = sum(sizes)
        self.owner, self.agent_size = _pattern_owner(sizes, n)
        size = self.agent_size.tolist()
        mult: dict[int, int] = {}
        for s in size:
            mult[s] = mult.get(s, 0) + 1
        self.mult = mult
        positive = sorted((s for s in mult if s > 0), reverse=True)
        self.classes = sorted(mult, reverse=True)  # bundle sizes present, incl. 0
        labels = [(b, b, True) for b in positive]
        labels += [
            (a, b, False)
            for a in self.classes
            for b in positive
            if a != b or mult[b] >= 2
        ]
        self.labels = labels
        # orbit[i, j] = index of (|A_i|, |A_{A(j)}|, i == A(j)), by table lookup
        table = np.full((self.m + 1, self.m + 1, 2), -1, dtype=int)
        for c, (a, b, is_own) in enumerate(labels):
            table[a, b, int(is_own)] = c
        own = (np.arange(n)[:, None] == self.owner[None, :]).astype(int)
        osize = self.agent_size[self.owner]  # bundle size of each item's owner
        self.orbit = table[self.agent_size[:, None], osize[None, :], own]
        L = len(labels)
        self.ncols = L + 1  # orbit variables, then t
        self.cost = np.zeros(self.ncols, dtype=np.int64)
        for c, (_a, b, is_own) in enumerate(labels):
            if is_own:
                self.cost[c] = mult[b] * b
        # one row-sum row per bundle size: sum_j v[rep, j] - t = 0
        self.rep = {a: size.index(a) for a in self.classes}
        rows = np.zeros((len(self.classes), self.ncols), dtype=np.int64)
        for r, a in enumerate(self.classes):
            rows[r, :L] = np.bincount(self.orbit[self.rep[a]], minlength=L)
            rows[r, L] = -1
        self.class_rows = rows

    def counts(self, owners: np.ndarray) -> np.ndarray:
        """``count_o(B)`` for a stack of owner arrays, shape ``(K, ncols)``.

        The ``t`` column is 0.
        """
        owners = np.atleast_2d(owners)
        K, L = owners.shape[0], self.ncols - 1
        idx = self.orbit[owners, np.arange(self.m)[None, :]] + L * np.arange(K)[:, None]
        out = np.zeros((K, self.ncols), dtype=np.int64)
        out[:, :L] = np.bincount(idx.ravel(), minlength=K * L).reshape(K, L)
        return out

    def expand(self, x) -> np.ndarray:
        """The ``(n, m)`` matrix ``v`` of an orbit vector ``x``.

        ``x`` holds floats or Fractions.
        """
        x = np.asarray(
            list(x[: self.ncols - 1]),
            dtype=object if isinstance(x[0], Fraction) else float,
        )
        return x[self.orbit]


def _complete(partial: np.ndarray, pat: Pattern, k: int) -> np.ndarray:
    """Complete cardinal allocations extending the rows of ``partial``.

    ``partial`` has shape ``(R, m)`` with ``-1`` for an unassigned item and
    at most ``k`` items per agent.  Unassigned items go to their pattern owner
    while it has room (in item order); the others fill the free places of
    the least-loaded agents (by load level, then agent index); ``n k >= m``
    guarantees room.  Vectorized over the rows.
    """
    R, n = partial.shape[0], pat.n
    owner = partial.copy()
    free = owner < 0
    rr = np.arange(R)[:, None]
    load = np.zeros((R, n), dtype=int)
    np.add.at(load, (np.broadcast_to(rr, owner.shape)[~free], owner[~free]), 1)
    # rank of each unassigned item among the unassigned items of its owner's block
    cs = np.cumsum(free, axis=1)
    start = np.concatenate([[0], np.cumsum(pat.sizes)[:-1]])[pat.owner]
    before = np.where(start > 0, cs[:, np.maximum(start - 1, 0)], 0)
    rank = cs - 1 - before
    home = pat.owner[None, :]
    stay = free & (load[rr, home] + rank < k)
    owner[stay] = np.broadcast_to(home, owner.shape)[stay]
    np.add.at(load, (np.broadcast_to(rr, owner.shape)[stay], owner[stay]), 1)
    over = free & ~stay
    if over.any():
        # free places (level, agent) of every row, level-major: the j-th item
        # left over in a row takes the row's j-th free place
        places = (np.arange(k)[None, :, None] >= load[:, None, :]).reshape(R, k * n)
        _, pc = np.nonzero(places)
        ir, ic = np.nonzero(over)
        p_start = np.cumsum(places.sum(axis=1)) - places.sum(axis=1)
        i_start = np.cumsum(over.sum(axis=1)) - over.sum(axis=1)
        owner[ir, ic] = pc[p_start[ir] + np.arange(ir.size) - i_start[ir]] % n
    return owner


def initial_cuts(pat: Pattern, k: int) -> np.ndarray:
    """Cardinal allocations that make the reduced LP bounded from the first solve.

    For every bundle size ``a`` (representative agent ``i``) and every orbit
    ``o`` of ``i``, ``i`` takes ``min(k, |o_i|)`` of the items of ``o``; since
    ``t = sum_o |o_i| x_o``, these rows bound every ``x_o`` and ``t``.  Plus
    the truncation of ``A`` itself (everyone keeps ``k`` of their own items).
    """
    reps, orbs = [], []
    for a in pat.classes:
        i = pat.rep[a]
        for o in np.unique(pat.orbit[i]):
            reps.append(i)
            orbs.append(o)
    reps, orbs = np.array(reps), np.array(orbs)
    hit = pat.orbit[reps] == orbs[:, None]  # (R, m): items of orbit o for rep i
    take = hit & (np.cumsum(hit, axis=1) <= k)
    partial = np.where(take, reps[:, None], -1)
    partial = np.vstack([np.full((1, pat.m), -1), partial])
    return _complete(partial, pat, k)


def pattern_order(m: int, k: int, n: int) -> list[tuple[int, ...]]:
    """Partitions of ``m`` into at most ``n`` parts, promising ones first.

    First the Lemma 1/2 shapes (``t`` near-equal blocks of ``g_1..g_{m-1}``
    plus the single item ``g_m``, :func:`~fairlib.cardinality.block_sizes`),
    which attain or nearly attain the maximum and so let the remaining
    patterns stop early, ``t`` nearest :func:`~fairlib.cardinality.floor_s`
    first; then the rest.
    """
    pats = list(partitions(m, n))
    known = set(pats)
    lemma = [
        tuple(sorted([*block_sizes(m, t), 1], reverse=True))
        for t in range(1, min(m, n))
    ]
    s = floor_s(m, k)
    lemma.sort(key=lambda p: abs(len(p) - 1 - s))
    front = list(dict.fromkeys(p for p in lemma if p in known))
    chosen = set(front)
    return front + [p for p in pats if p not in chosen]
