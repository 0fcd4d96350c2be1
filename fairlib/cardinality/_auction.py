"""A warm start for the cardinal assignment at scale: an auction with ε-scaling.

Paper B, Proposition 1's transportation problem (agents with capacity ``k``,
items with demand 1) is solved exactly by successive shortest paths in
:func:`fairlib.cardinality._assignment.flow_category`; the number of paths
is the excess left by its start.  For large instances this module supplies
the start: agent prices from a forward auction (Bertsekas 1988, with the
``k`` copies of an agent as "similar objects"), run in Jacobi rounds (all
unassigned items bid at once) and ε-scaling phases.  The prices are only a
heuristic start: with exactly ``n k`` items (dummy items of utility 0 fill
the slack) any prices ``y >= 0`` give the invariant the shortest paths need
(:func:`auction_start`), and the shortest paths alone make the result
optimal.
"""

from __future__ import annotations

import numpy as np

#: ``n m_j`` from which the auction start is used (below: the price rounds).
AUCTION_MIN_SIZE = 100_000
_EPS_FIRST = 1 / 20  # first ε, relative to the utility span
_EPS_LAST = 1e-7  # last ε, relative to the utility span
_EPS_FACTOR = 8.0
_MAX_ROUNDS = 100_000  # a safeguard: past it the start falls back to y = 0


def auction_prices(ut: np.ndarray, kj: int) -> np.ndarray:
    """Agent prices ``y >= 0`` from a forward auction with ε-scaling.

    Parameters
    ----------
    ut : numpy.ndarray, shape (m_j, n)
        Float utilities, one row per item (the transpose of Paper B's ``u``).
    kj : int
        The cap ``k_j`` (Paper B, Definition 1): every agent is ``kj`` slots.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Prices: the lowest price an agent's slots were bought at when all
        its slots were taken, its price floor otherwise.  All zeros if the
        auction exceeds its round limit (the shortest paths then start from
        the unconstrained optimum).

    Notes
    -----
    In a round every unassigned item ``g`` bids for its best agent ``i``
    (largest ``u_ig - y_i``) the price at which it would be indifferent to
    its second best, plus ε; every agent keeps the ``kj`` highest of its
    current slot prices and the new bids, and the items outbid bid again.
    A phase ends when every item holds a slot; the next phase keeps the
    prices (as floors), frees every item and divides ε by 8.
    """
    m, n = ut.shape
    span = float(ut.max() - ut.min())
    y = np.zeros(n)
    if not span > 0 or m == 0:
        return y
    eps, rounds = span * _EPS_FIRST, 0
    while True:
        slot_item = np.full((n, kj), -1)
        slot_price = np.repeat(y[:, None], kj, axis=1)  # empty slots: the floor
        free = np.arange(m)
        while free.size:
            rounds += 1
            if rounds > _MAX_ROUNDS:
                return np.zeros(n)
            V = ut[free] - y
            r = np.arange(free.size)
            best = V.argmax(axis=1)
            V[r, best] = -np.inf
            bid = ut[free, best] - V.max(axis=1) + eps  # > y[best]
            agents = np.unique(best)
            item = np.concatenate([slot_item[agents].ravel(), free])
            agent = np.concatenate([np.repeat(agents, kj), best])
            price = np.concatenate([slot_price[agents].ravel(), bid])
            order = np.lexsort((-price, agent))  # by agent, highest price first
            item, agent, price = item[order], agent[order], price[order]
            keep = np.arange(agent.size) - np.searchsorted(agent, agent) < kj
            slot_item[agents] = item[keep].reshape(agents.size, kj)
            slot_price[agents] = price[keep].reshape(agents.size, kj)
            y[agents] = slot_price[agents, -1]
            free = item[~keep]
            free = free[free >= 0]
        if eps <= span * _EPS_LAST:
            return y
        eps = max(eps / _EPS_FACTOR, span * _EPS_LAST)


def auction_start(ut: np.ndarray, kj: int):
    """The start of the shortest paths when every agent must fill its cap.

    Parameters
    ----------
    ut : numpy.ndarray, shape (n kj, n)
        Float utilities, one row per item, exactly ``n kj`` items (pad with
        dummy items of utility 0: they change no allocation's welfare).
    kj : int
        The cap ``k_j``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(owner, y)`` with ``y`` from :func:`auction_prices` and
        ``owner[g]`` a maximizer of ``u_ig - y_i``.  Every agent holds exactly
        ``kj`` items in any complete cardinal allocation here, so any
        ``y >= 0`` is dual feasible with complementary slackness at the end:
        no price needs resetting for agents below the cap.
    """
    m, n = ut.shape
    if m != n * kj:
        raise ValueError(f"ut: expected n*kj = {n * kj} rows, got {m}")
    y = auction_prices(ut, kj)
    return (ut - y).argmax(axis=1), y
