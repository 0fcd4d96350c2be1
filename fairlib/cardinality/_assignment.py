"""Paper B, Propositions 1 and 2: the maximum-weight cardinal assignment.

Two float algorithms for one category (successive shortest paths on the agent
graph, and Proposition 1's assignment on ``k`` agent copies) and the exact
certificate :func:`certify`, which proves (and if needed repairs) an
assignment optimal in exact integer arithmetic by a dual solution of the
transportation LP with zero duality gap.  Used by
:func:`fairlib.cardinality.solve.cardinal_optimum`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import dijkstra

from ._auction import AUCTION_MIN_SIZE, auction_start


def lsa_category(uf: np.ndarray, kj: int) -> np.ndarray:
    """Owner array (local to the category) of a max-weight cardinal assignment.

    Paper B, Proposition 1 taken literally: ``k`` copies of each agent as
    rows, the items as columns, :func:`scipy.optimize.linear_sum_assignment`;
    a rectangular assignment with ``n k >= m_j`` rows covers every column,
    i.e. allocates every item.
    """
    n, mj = uf.shape
    owner = np.argmax(uf, axis=0)
    if np.bincount(owner, minlength=n).max() <= kj:
        return owner  # the unconstrained optimum is already cardinal
    copies = min(kj, mj)  # an agent never holds more than m_j items
    rows, cols = linear_sum_assignment(np.repeat(uf, copies, axis=0), maximize=True)
    if cols.size != mj:
        raise RuntimeError("linear_sum_assignment left an item unassigned")
    owner = np.empty(mj, dtype=int)
    owner[cols] = rows // copies
    return owner


_PRICE_ROUNDS = 40  # rounds of the price start (a heuristic; SSP finishes exactly)


def _price_start(uf: np.ndarray, kj: int) -> tuple[np.ndarray, np.ndarray]:
    """Agent prices ``y >= 0`` under which few items overload an agent.

    Jacobi price rounds (an auction in batches): every agent holding more
    than ``k`` of the items it is the best choice for (at utility minus
    price) raises its price just past the margin of its ``(load - k)``-th
    least attached item, all agents at once.  Then prices of agents left
    below the cap are reset to 0 until none is.  Returns ``(owner, y)`` with
    ``owner[g]`` a maximizer of ``u_ig - y_i`` and ``y_i > 0`` only for
    agents holding at least ``k`` items: the invariant successive shortest
    paths start from (:func:`flow_category`); only the remaining excess is
    routed by them.
    """
    n, mj = uf.shape
    y = np.zeros(n)
    for _ in range(_PRICE_ROUNDS):
        V = uf - y[:, None]
        owner = V.argmax(axis=0)
        load = np.bincount(owner, minlength=n)
        if load.max() <= kj:
            break
        items = np.flatnonzero(load[owner] > kj)
        W = V[:, items]
        here = owner[items]
        best = W[here, np.arange(items.size)]
        W[here, np.arange(items.size)] = -np.inf
        margin = best - W.max(axis=0)  # >= 0: the price rise the item survives
        order = np.lexsort((margin, here))
        agents, first = np.unique(here[order], return_index=True)
        leave = load[agents] - kj  # this many must go: raise past the leave-th
        y[agents] += margin[order][first + leave - 1] * (1 + 1e-9) + 1e-15
    while True:
        V = uf - y[:, None]
        owner = V.argmax(axis=0)
        load = np.bincount(owner, minlength=n)
        bad = (y > 0) & (load < kj)
        if not bad.any():
            return owner, y
        y[bad] = 0.0


def flow_category(uf: np.ndarray, kj: int) -> np.ndarray:
    """Owner array (local to the category) of a max-weight cardinal assignment.

    The same transportation problem as Proposition 1 (agents with capacity
    ``k``, items with demand 1), solved by successive shortest paths on the
    ``n``-node *agent graph* instead of the ``(n k) x m`` assignment matrix.
    The invariant: agent potentials (prices) ``y >= 0``, zero for agents
    below the cap, and every item held by a maximizer of ``u_ig - y_i``;
    this is dual feasible for

        min sum_g p_g + k sum_i y_i   s.t.  p_g + y_i >= u_ig,  y >= 0,

    with ``p_g = u_{owner(g), g} - y_{owner(g)}``.  It starts from
    :func:`_price_start` (batched price rounds that remove most of the
    excess at once) or, from ``n m_j >= AUCTION_MIN_SIZE``, from the prices
    of an auction (:mod:`fairlib.cardinality._auction`, on the instance
    padded with dummy items of utility 0 to ``n k_j`` items); ``y = 0`` and the
    unconstrained optimum would do too: the start only sets how much excess
    is left to route.
    Moving an item ``g`` from agent ``a`` to ``b`` has reduced cost
    ``p_g + y_b - u_bg >= 0``; an edge ``a -> b`` carries the cheapest such
    move.  While some agent holds more than ``k`` items, Dijkstra
    (multi-source, from the overloaded agents) finds a cheapest chain of
    moves to an agent holding fewer than ``k``; the potentials are raised by
    ``max(D - d_v, 0)`` (``D`` the distance of that agent), which keeps
    every reduced cost non-negative and makes the chain tight, and the chain
    is applied.  Each step removes one unit of excess; at the end the
    allocation is cardinal and complementary slackness (``y_i > 0`` only for
    agents holding exactly ``k``) proves it optimal.
    """
    n, mj = uf.shape
    owner = np.argmax(uf, axis=0)
    if np.bincount(owner, minlength=n).max() <= kj:
        return owner  # the unconstrained optimum is already cardinal
    if n * mj >= AUCTION_MIN_SIZE and n * kj <= 2 * mj:
        # dummy items of utility 0 fill the slack: every agent ends with
        # exactly k_j items, so no price needs resetting (see _auction)
        ut = np.zeros((n * kj, n))
        ut[:mj] = uf.T
        owner, y = auction_start(ut, kj)
        return _shortest_paths(ut, kj, owner, y)[:mj]
    owner, y = _price_start(uf, kj)
    return _shortest_paths(np.ascontiguousarray(uf.T), kj, owner, y)


def _shortest_paths(ut: np.ndarray, kj: int, owner: np.ndarray, y: np.ndarray):
    """Route the excess of a start ``(owner, y)`` (see :func:`flow_category`).

    ``ut`` holds the utilities with one row per item; ``owner[g]`` maximizes
    ``u_ig - y_i`` and ``y >= 0`` is positive only for agents holding at
    least ``kj`` items.  Returns the optimal owner array.
    """
    n = ut.shape[1]
    load = np.bincount(owner, minlength=n)
    held = [list(np.flatnonzero(owner == a)) for a in range(n)]
    rn = np.arange(n)
    cost = np.full((n, n), np.inf)  # cost[a, b]: cheapest move a -> b (raw)
    move = np.full((n, n), -1, dtype=int)  # the item it moves

    def refresh(a: int) -> None:
        items = np.asarray(held[a], dtype=int)
        if items.size == 0:
            cost[a] = np.inf
            return
        d = ut[items, a][:, None] - ut[items]  # d[t, b] = u_a(g_t) - u_b(g_t)
        j = d.argmin(axis=0)
        cost[a] = d[j, rn]
        move[a] = items[j]
        cost[a, a] = np.inf

    if load.max() <= kj:
        return owner
    for a in range(n):
        refresh(a)
    graph = sp.csr_matrix(
        (np.zeros(n * n), np.tile(rn, n), np.arange(0, n * n + 1, n)), shape=(n, n)
    )
    reduced = graph.data.reshape(n, n)  # dense view of the graph's weights
    while True:
        over = np.flatnonzero(load > kj)
        if over.size == 0:
            return owner
        np.subtract(cost, y[:, None], out=reduced)
        reduced += y[None, :]
        np.maximum(reduced, 0.0, out=reduced)  # >= 0 in exact arithmetic; clip rounding
        under = load < kj
        # the cheapest direct move source -> sink bounds the distance searched for
        bound = reduced[np.ix_(over, np.flatnonzero(under))].min()
        dist, pred, _ = dijkstra(
            graph,
            indices=over,
            min_only=True,
            return_predecessors=True,
            limit=bound * (1 + 1e-9) + 1e-300,
        )
        sink_dist = np.where(under, dist, np.inf)
        t = int(np.argmin(sink_dist))
        top = sink_dist[t]
        if not np.isfinite(top):
            raise RuntimeError("no augmenting path although n*k >= m (internal error)")
        y += np.maximum(top - np.where(np.isfinite(dist), dist, top), 0.0)
        path = [t]
        while pred[path[-1]] >= 0:
            path.append(int(pred[path[-1]]))
        path.reverse()
        for a, b in zip(path[:-1], path[1:], strict=True):
            g = int(move[a, b])
            owner[g] = b
            held[a].remove(g)
            held[b].append(g)
        load[path[0]] -= 1
        load[t] += 1
        for a in path:
            refresh(a)


METHODS = {"flow": flow_category, "assignment": lsa_category}


def _pred_cycle(pred: np.ndarray) -> list[int] | None:
    """A cycle of the predecessor graph (edges ``pred[v] -> v``), or ``None``.

    The cycle is returned in edge order.
    """
    state = np.zeros(pred.size, dtype=int)  # 0 new, 1 on current walk, 2 done
    for start in range(pred.size):
        walk, v = [], start
        while v >= 0 and state[v] == 0:
            state[v] = 1
            walk.append(v)
            v = int(pred[v])
        if v >= 0 and state[v] == 1:  # closed a cycle on this walk
            return walk[walk.index(v) :][::-1]
        state[walk] = 2
    return None


def certify(
    w: np.ndarray, owner: np.ndarray, kj: int, *, max_rounds: int | None = None
) -> tuple[np.ndarray, int]:
    """Certify (and if needed repair) a cardinal assignment exactly.

    ``w`` is an ``(n, m_j)`` object array of Python ints.  Optimality of
    ``owner`` for ``max sum_g w[owner[g], g]`` s.t. ``|A_i| <= kj`` is
    certified by a dual solution of the transportation LP

        min  sum_g p_g + kj sum_i y_i
        s.t. p_g + y_i >= w[i, g],  y >= 0,

    built from agent potentials ``y`` with ``y_i = 0`` for agents holding
    fewer than ``kj`` items and ``p_g = w[owner[g], g] - y_{owner[g]}``.  Such
    ``y`` exist iff the difference constraints
    ``y_a - y_b <= min_{g in A_a} (w[a, g] - w[b, g])`` have no negative
    cycle (Bellman–Ford, exact integers).  A negative cycle is an improving
    exchange of items; it is applied and the search repeats.  The dual
    constraints and the zero duality gap are then checked explicitly.

    Returns ``(owner, rounds)`` with ``rounds`` the number of repairs applied.
    """
    n, mj = w.shape
    owner = owner.copy()
    cols = np.arange(mj)
    N = n + 1  # agents 0..n-1 and the constant node n
    big = (
        (sum(abs(v) for v in w.flat) + 1) * 4 * (N + 1)
    )  # "no edge": longer than any path
    rounds = 0
    while True:
        load = np.bincount(owner, minlength=n)
        diff = w[owner, cols][None, :] - w  # diff[b, g] = w[owner[g], g] - w[b, g]
        # weight[src, dst]; constraint y_dst - y_src <= weight[src, dst]
        weight = np.full((N, N), big, dtype=object)
        arg = np.full((n, n), -1, dtype=int)  # arg[a, b]: item a would hand to b
        for a in np.flatnonzero(load):
            items = np.flatnonzero(owner == a)
            j = diff[:, items].argmin(axis=1)
            arg[a] = items[j]
            weight[:n, a] = diff[
                np.arange(n), items[j]
            ]  # y_a - y_b <= min_{g in A_a} diff[b, g]
        weight[np.arange(n), np.arange(n)] = big
        weight[:n, n] = 0  # y_i >= 0
        weight[n, np.flatnonzero(load < kj)] = 0  # y_i <= 0 below the cap
        dist = np.zeros(N, dtype=object)  # virtual source to every node
        pred = np.full(N, -1, dtype=int)
        cycle, it = None, 0
        while True:
            cand = dist[:, None] + weight
            src = cand.argmin(axis=0)
            best = cand[src, np.arange(N)]
            better = best < dist
            if not better.any():
                break
            dist = np.where(better, best, dist)
            pred = np.where(better, src, pred)
            it += 1
            if it >= N:  # a negative cycle exists; it shows up
                cycle = _pred_cycle(pred)  # in the predecessor graph eventually
                if cycle is not None:
                    break
        if cycle is None:
            y = dist[:n] - dist[n]
            break
        edges = [
            (cycle[t], cycle[(t + 1) % len(cycle)]) for t in range(len(cycle))
        ]  # src -> dst
        gain = -sum(weight[e] for e in edges)
        moves = [
            (arg[a, b], b) for b, a in edges if a < n and b < n
        ]  # edge b -> a: a hands an item to b
        if gain <= 0 or not moves:
            raise RuntimeError(
                "internal error: negative cycle without an improving exchange"
            )
        for g, b in moves:
            owner[g] = b
        rounds += 1
        if max_rounds is not None and rounds > max_rounds:
            raise RuntimeError("exact repair did not converge")
    # explicit dual feasibility and zero duality gap, all in exact integers
    load = np.bincount(owner, minlength=n)
    if load.max() > kj:
        raise RuntimeError("internal error: repaired allocation violates the cap")
    p = w[owner, cols] - y[owner]
    if any(v < 0 for v in y) or any(y[i] != 0 for i in np.flatnonzero(load < kj)):
        raise RuntimeError(
            "exact certificate failed: y must be >= 0 and vanish below the cap"
        )
    if not all(ok for ok in (p[None, :] + y[:, None] - w >= 0).flat):
        raise RuntimeError("exact certificate failed: dual infeasible")
    primal = sum(w[owner, cols], 0)
    dual = sum(p, 0) + kj * sum(y, 0)
    if primal != dual:
        raise RuntimeError("exact certificate failed: nonzero duality gap")
    return owner, rounds
