"""Paper B: the utilitarian price of cardinality for indivisible goods.

Lam, Li, Sun, *The (Exact) Price of Cardinality for Indivisible Goods: A
Parametric Perspective*.  ``n`` agents with additive, normalized utilities
(``u_i(M) = 1``, Paper B §2) share ``m`` indivisible goods.  An allocation is
*cardinal* if ``|A_i ∩ C_j| <= k_j`` for every agent ``i`` and category
``C_j``; it is *complete* (every item is allocated).  Allocations are returned
as an ``owner`` array: ``owner[g]`` is the agent receiving item ``g``.

Solvers of ``max_{A cardinal} USW(A)`` (Propositions 1 and 2): the fast path
:func:`cardinal_optimum` (successive shortest paths on the ``n``-node agent
graph, or Proposition 1's assignment on ``k`` agent copies), and the
cross-checks :func:`cardinal_optimum_lp` (scipy/HiGHS),
:func:`cardinal_optimum_cvxpy` and :func:`cardinal_optimum_bruteforce`.
Theorem 1's bound is :func:`utilitarian_poc_bound`; the lower-bound
instances of Lemmas 1 and 2 are :func:`lemma1_instance` and
:func:`lemma2_instance`.

Exact arithmetic
----------------
Every solver accepts an object array of :class:`fractions.Fraction` (or
``int``) utilities.  The assignment is then found in floating point and its
optimality is *certified* in exact integer arithmetic (the utilities scaled by
the lcm of their denominators) by a dual solution of the transportation LP
with zero duality gap; if no certificate exists the allocation is improved by
exact negative-cycle cancelling until one does.  Uncertified exact values are
never returned.
"""
from __future__ import annotations

import math
from fractions import Fraction
from math import isqrt

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse.csgraph import dijkstra

from . import _validate as V

__all__ = [
    "utilitarian_optimum",
    "cardinal_optimum",
    "cardinal_optimum_lp",
    "cardinal_optimum_cvxpy",
    "cardinal_optimum_bruteforce",
    "utilitarian_poc_bound",
    "poc",
    "lemma1_instance",
    "lemma2_instance",
    "lemma2_lower_bound",
    "exact_poc",
]

_NORM_TOL = 1e-9
_BRUTEFORCE_LIMIT = 100_000


# ----------------------------------------------------------------------------
# input handling
# ----------------------------------------------------------------------------
def _utilities(u, normalized: bool) -> np.ndarray:
    """Checked utility matrix (float, or object array of Fraction/int)."""
    u = V.utility_matrix(u, "u", allow_fraction=True)
    if normalized:
        if u.dtype == object:
            dev = max(abs(sum(row, Fraction(0)) - 1) for row in u)   # exact
        else:
            dev = np.max(np.abs(u.sum(axis=1) - 1.0))
        if dev > _NORM_TOL:
            raise ValueError(
                "u must have normalized rows (u_i(M) = 1, Paper B §2) within "
                f"{_NORM_TOL:g}; max |u_i(M) - 1| = {float(dev):.3g} (pass normalized=False to skip)"
            )
    return u


def _category_list(categories, m: int, c: int | None = None) -> list[np.ndarray] | None:
    """Categories as a list of index arrays, or ``None`` for a single category.

    For an id array, ``c`` (the length of a ``k`` sequence, if given) fixes the
    number of categories; ids must lie in ``0..c-1``.
    """
    if categories is None:
        return None
    if isinstance(categories, (list, tuple)) and len(categories) > 0 and all(
        isinstance(part, (list, tuple, np.ndarray)) for part in categories
    ):
        groups = []
        for part in categories:
            arr = np.asarray(part)
            if arr.size and not np.issubdtype(arr.dtype, np.integer):
                raise ValueError("categories given as index lists must hold integer item indices")
            groups.append(arr.astype(int).ravel())
        flat = np.concatenate(groups) if groups else np.array([], dtype=int)
        if flat.size != m or not np.array_equal(np.sort(flat), np.arange(m)):
            raise ValueError(f"categories (index lists) must partition the m = {m} items: each of 0..{m - 1} exactly once")
        return groups
    arr = np.asarray(categories)
    if arr.shape != (m,):
        raise ValueError(f"categories must be a length-m = {m} array of category ids or a list of index lists, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("categories ids must be integers 0..c-1")
    if arr.min() < 0:
        raise ValueError(f"categories ids must be integers 0..c-1, found {arr.min()}")
    if c is None:
        c = int(arr.max()) + 1
    elif arr.max() >= c:
        raise ValueError(f"categories ids must be < len(k) = {c}, found {arr.max()}")
    return [np.flatnonzero(arr == j) for j in range(c)]


def _caps(k, groups: list[np.ndarray], n: int) -> list[int]:
    """Per-category caps ``k_j``, validated against ``n k_j >= m_j`` (Paper B §2)."""
    c = len(groups)
    if np.ndim(k) == 0:
        caps = [V.positive_int(k, "k")] * c
    else:
        ks = list(np.asarray(k, dtype=object).ravel())
        if len(ks) != c:
            raise ValueError(f"k must be an integer or a length-{c} sequence (one cap per category), got length {len(ks)}")
        caps = [V.positive_int(x, "k") for x in ks]
    for j, (g, kj) in enumerate(zip(groups, caps)):
        if n * kj < g.size:
            where = "" if c == 1 else f" for category {j}"
            raise ValueError(
                f"k must satisfy n*k >= m{where} (no complete cardinal allocation exists): "
                f"n = {n}, k = {kj}, m = {g.size}"
            )
    return caps


def _setup(u, k, categories, normalized):
    u = _utilities(u, normalized)
    n, m = u.shape
    groups = _category_list(categories, m, None if np.ndim(k) == 0 else len(np.ravel(np.asarray(k, dtype=object))))
    if groups is None:
        groups = [np.arange(m)]
    caps = _caps(k, groups, n)
    return u, groups, caps


def _is_exact(u: np.ndarray) -> bool:
    return u.dtype == object


def _scaled_integers(u: np.ndarray) -> tuple[np.ndarray, int]:
    """Exact ``(W, L)`` with ``u = W / L``: ``W`` an object array of Python ints."""
    fr = [Fraction(v) for v in u.flat]
    lcm = 1
    for f in fr:
        lcm = lcm * f.denominator // math.gcd(lcm, f.denominator)
    w = np.array([f.numerator * (lcm // f.denominator) for f in fr], dtype=object).reshape(u.shape)
    return w, lcm


def _value(u: np.ndarray, owner: np.ndarray):
    """USW of an owner array (Paper B, Definition 1): exact Fraction for exact input."""
    vals = u[owner, np.arange(u.shape[1])]
    if _is_exact(u):
        return sum((Fraction(v) for v in vals), Fraction(0))
    return float(vals.sum())


def _check_cardinal(owner: np.ndarray, n: int, groups, caps) -> None:
    """Feasibility of a finished allocation: complete and within every cap."""
    if owner.min() < 0 or owner.max() >= n:
        raise RuntimeError("internal error: allocation is not complete")
    for g, kj in zip(groups, caps):
        if g.size and np.bincount(owner[g], minlength=n).max() > kj:
            raise RuntimeError("internal error: allocation violates a cardinality constraint")


# ----------------------------------------------------------------------------
# unconstrained optimum
# ----------------------------------------------------------------------------
def utilitarian_optimum(u, normalized=True):
    """OPT-USW(I): each item to an agent valuing it most (Paper B, Definition 1).

    Parameters
    ----------
    u : array_like, shape (n, m)
        Non-negative additive utilities; floats or ``Fraction`` (object array)
        for exact work.
    normalized : bool, default True
        Require ``u_i(M) = 1`` for every agent (within 1e-9), as Paper B §2 assumes.

    Returns
    -------
    value : float or Fraction
        ``OPT-USW(I) = sum_g max_i u_i(g)`` (exact ``Fraction`` for exact input).
    owner : numpy.ndarray of int, shape (m,)
        Item ``g`` goes to the lowest-index agent among those valuing it most.
    """
    u = _utilities(u, normalized)
    owner = np.argmax(u, axis=0).astype(int)  # first maximum: lowest index
    return _value(u, owner), owner


# ----------------------------------------------------------------------------
# the fast paths (Paper B, Propositions 1 and 2) and the exact certificate
# ----------------------------------------------------------------------------
def _lsa_category(uf: np.ndarray, kj: int) -> np.ndarray:
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


def _flow_category(uf: np.ndarray, kj: int) -> np.ndarray:
    """Owner array (local to the category) of a max-weight cardinal assignment.

    The same transportation problem as Proposition 1 (agents with capacity
    ``k``, items with demand 1), solved by successive shortest paths on the
    ``n``-node *agent graph* instead of the ``(n k) x m`` assignment matrix.
    Start from the unconstrained optimum (each item to the lowest-index agent
    valuing it most) with agent potentials ``y = 0``; this is dual feasible for

        min sum_g p_g + k sum_i y_i   s.t.  p_g + y_i >= u_ig,  y >= 0,

    with ``p_g = u_{owner(g), g} - y_{owner(g)}``.  Moving an item ``g`` from
    agent ``a`` to ``b`` has reduced cost ``p_g + y_b - u_bg >= 0``; an edge
    ``a -> b`` carries the cheapest such move.  While some agent holds more
    than ``k`` items, Dijkstra (multi-source, from the overloaded agents)
    finds a cheapest chain of moves to an agent holding fewer than ``k``;
    the potentials are raised by ``max(D - d_v, 0)`` (``D`` the distance of
    that agent), which keeps every reduced cost non-negative and makes the
    chain tight, and the chain is applied.  Each step removes one unit of
    excess; at the end the allocation is cardinal and complementary
    slackness (``y_i > 0`` only for agents holding exactly ``k``) proves it
    optimal.
    """
    n, mj = uf.shape
    owner = np.argmax(uf, axis=0)
    load = np.bincount(owner, minlength=n)
    if load.max() <= kj:
        return owner  # the unconstrained optimum is already cardinal
    ut = np.ascontiguousarray(uf.T)                   # (m_j, n): gathers by item are rows
    held = [list(np.flatnonzero(owner == a)) for a in range(n)]
    rn = np.arange(n)
    cost = np.full((n, n), np.inf)                    # cost[a, b]: cheapest move a -> b (raw)
    move = np.full((n, n), -1, dtype=int)             # the item it moves

    def refresh(a: int) -> None:
        items = np.asarray(held[a], dtype=int)
        if items.size == 0:
            cost[a] = np.inf
            return
        d = ut[items, a][:, None] - ut[items]         # d[t, b] = u_a(g_t) - u_b(g_t)
        j = d.argmin(axis=0)
        cost[a] = d[j, rn]
        move[a] = items[j]
        cost[a, a] = np.inf

    for a in range(n):
        refresh(a)
    y = np.zeros(n)
    graph = sp.csr_matrix((np.zeros(n * n), np.tile(rn, n), np.arange(0, n * n + 1, n)), shape=(n, n))
    reduced = graph.data.reshape(n, n)                # dense view of the graph's weights
    while True:
        over = np.flatnonzero(load > kj)
        if over.size == 0:
            return owner
        np.subtract(cost, y[:, None], out=reduced)
        reduced += y[None, :]
        np.maximum(reduced, 0.0, out=reduced)         # >= 0 in exact arithmetic; clip rounding
        under = load < kj
        # the cheapest direct move source -> sink bounds the distance searched for
        bound = reduced[np.ix_(over, np.flatnonzero(under))].min()
        dist, pred, _ = dijkstra(graph, indices=over, min_only=True, return_predecessors=True,
                                 limit=bound * (1 + 1e-9) + 1e-300)
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
        for a, b in zip(path[:-1], path[1:]):
            g = int(move[a, b])
            owner[g] = b
            held[a].remove(g)
            held[b].append(g)
        load[path[0]] -= 1
        load[t] += 1
        for a in path:
            refresh(a)


_METHODS = {"flow": _flow_category, "assignment": _lsa_category}


def _pred_cycle(pred: np.ndarray) -> list[int] | None:
    """A cycle of the predecessor graph (edges ``pred[v] -> v``) in edge order, or ``None``."""
    state = np.zeros(pred.size, dtype=int)                 # 0 new, 1 on current walk, 2 done
    for start in range(pred.size):
        walk, v = [], start
        while v >= 0 and state[v] == 0:
            state[v] = 1
            walk.append(v)
            v = int(pred[v])
        if v >= 0 and state[v] == 1:                       # closed a cycle on this walk
            return walk[walk.index(v):][::-1]
        state[walk] = 2
    return None


def _certify(w: np.ndarray, owner: np.ndarray, kj: int, *, max_rounds: int | None = None) -> tuple[np.ndarray, int]:
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
    N = n + 1                                              # agents 0..n-1 and the constant node n
    big = (sum(abs(v) for v in w.flat) + 1) * 4 * (N + 1)  # "no edge": longer than any path
    rounds = 0
    while True:
        load = np.bincount(owner, minlength=n)
        diff = w[owner, cols][None, :] - w                 # diff[b, g] = w[owner[g], g] - w[b, g]
        # weight[src, dst]; constraint y_dst - y_src <= weight[src, dst]
        weight = np.full((N, N), big, dtype=object)
        arg = np.full((n, n), -1, dtype=int)               # arg[a, b]: item a would hand to b
        for a in np.flatnonzero(load):
            items = np.flatnonzero(owner == a)
            j = diff[:, items].argmin(axis=1)
            arg[a] = items[j]
            weight[:n, a] = diff[np.arange(n), items[j]]   # y_a - y_b <= min_{g in A_a} diff[b, g]
        weight[np.arange(n), np.arange(n)] = big
        weight[:n, n] = 0                                  # y_i >= 0
        weight[n, np.flatnonzero(load < kj)] = 0           # y_i <= 0 below the cap
        dist = np.zeros(N, dtype=object)                   # virtual source to every node
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
            if it >= N:                                    # a negative cycle exists; it shows up
                cycle = _pred_cycle(pred)                  # in the predecessor graph eventually
                if cycle is not None:
                    break
        if cycle is None:
            y = dist[:n] - dist[n]
            break
        edges = [(cycle[t], cycle[(t + 1) % len(cycle)]) for t in range(len(cycle))]  # src -> dst
        gain = -sum(weight[e] for e in edges)
        moves = [(arg[a, b], b) for b, a in edges if a < n and b < n]  # edge b -> a: a hands an item to b
        if gain <= 0 or not moves:
            raise RuntimeError("internal error: negative cycle without an improving exchange")
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
        raise RuntimeError("exact certificate failed: y must be >= 0 and vanish below the cap")
    if not all(ok for ok in (p[None, :] + y[:, None] - w >= 0).flat):
        raise RuntimeError("exact certificate failed: dual infeasible")
    primal = sum(w[owner, cols], 0)
    dual = sum(p, 0) + kj * sum(y, 0)
    if primal != dual:
        raise RuntimeError("exact certificate failed: nonzero duality gap")
    return owner, rounds


def cardinal_optimum(u, k, categories=None, normalized=True, method="flow"):
    """Utilitarian-optimal cardinal allocation (Paper B, Propositions 1 and 2).

    Solves ``max_{A in C_kappa(I)} USW(A)``, the denominator of the price of
    cardinality (Paper B, Definition 2), over complete allocations with
    ``|A_i ∩ C_j| <= k_j``.  Each category is solved on its own: with
    additive utilities the objective is a sum over categories and the caps
    do not couple them (Proposition 2 builds one bipartite graph per
    category).  Within a category the problem is Proposition 1's maximum-weight
    matching between ``k_j`` copies of every agent and the items.

    Parameters
    ----------
    u : array_like, shape (n, m)
        Non-negative additive utilities; an object array of ``Fraction`` for
        exact work.
    k : int or sequence of int
        Cardinality constraint(s) ``k_j >= 1``; one per category.
    categories : None, array_like of int (m,), or list of index lists
        Category id of each item (ids ``0..c-1``), or the categories as lists
        of item indices partitioning ``range(m)``.  ``None``: one category.
    normalized : bool, default True
        Require ``u_i(M) = 1`` within 1e-9 (Paper B §2).
    method : {"flow", "assignment"}, default "flow"
        ``"flow"``: successive shortest paths on the ``n``-node agent graph
        (see ``_flow_category``), about 3x faster than ``"assignment"`` at
        ``n = 200, m = 2000, k = 10``.  ``"assignment"``: Proposition 1
        literally, :func:`scipy.optimize.linear_sum_assignment` on the
        ``(n min(k_j, m_j)) x m_j`` matrix of agent copies.  Both return an
        optimal allocation (possibly a different one under ties).

    Returns
    -------
    value : float or Fraction
        The optimal utilitarian welfare; an exact ``Fraction`` for exact input,
        certified by an exact dual solution with zero duality gap.
    owner : numpy.ndarray of int, shape (m,)

    Raises
    ------
    ValueError
        Bad ``u``, ``k``, ``categories`` or ``method``, or ``n k_j < m_j`` (no
        complete cardinal allocation).
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
    solve = _METHODS[method]
    u, groups, caps = _setup(u, k, categories, normalized)
    n, m = u.shape
    exact = _is_exact(u)
    uf = np.array(u, dtype=float) if exact else u
    w = _scaled_integers(u)[0] if exact else None
    owner = np.empty(m, dtype=int)
    for g, kj in zip(groups, caps):
        if g.size == 0:
            continue
        local = solve(uf[:, g], kj)
        if exact:
            local, _ = _certify(w[:, g], local, kj)
        owner[g] = local
    _check_cardinal(owner, n, groups, caps)
    return _value(u, owner), owner


# ----------------------------------------------------------------------------
# cross-checks
# ----------------------------------------------------------------------------
def cardinal_optimum_lp(u, k, categories=None, normalized=True):
    """The same optimum as a totally unimodular LP solved by HiGHS dual simplex.

    Paper B, Proposition 1/2 as a linear program over ``x_{ig} in [0, 1]``:
    ``max sum u_{ig} x_{ig}`` s.t. ``sum_i x_{ig} = 1`` (complete) and
    ``sum_{g in C_j} x_{ig} <= k_j`` (cardinal).  The constraint matrix is the
    incidence matrix of a bipartite graph (items vs. agent-category pairs),
    hence totally unimodular, so every basic optimal solution is integral;
    :func:`scipy.optimize.linprog` with ``method="highs-ds"`` (dual simplex)
    returns one.  Built vectorized with ``scipy.sparse``.  Exact input is
    solved in floats and the allocation evaluated exactly (not certified: use
    :func:`cardinal_optimum` for certified values).

    Returns
    -------
    value : float or Fraction
        USW of the returned allocation.
    owner : numpy.ndarray of int, shape (m,)

    Raises
    ------
    RuntimeError
        If HiGHS does not report an optimal solution, or the basic solution
        is not integral.
    """
    u, groups, caps = _setup(u, k, categories, normalized)
    n, m = u.shape
    uf = np.array(u, dtype=float)
    cat = np.empty(m, dtype=int)
    for j, g in enumerate(groups):
        cat[g] = j
    c = len(groups)
    idx = np.arange(n * m)                      # variable x[i, g] at i*m + g
    agent, item = np.divmod(idx, m)
    a_eq = sp.csr_matrix((np.ones(n * m), (item, idx)), shape=(m, n * m))
    a_ub = sp.csr_matrix((np.ones(n * m), (agent * c + cat[item], idx)), shape=(n * c, n * m))
    res = linprog(
        -uf.ravel(),
        A_ub=a_ub, b_ub=np.tile(np.asarray(caps, dtype=float), n),
        A_eq=a_eq, b_eq=np.ones(m),
        bounds=(0.0, 1.0), method="highs-ds",
    )
    if res.status != 0:
        raise RuntimeError(f"HiGHS (linprog, dual simplex) did not find an optimal solution: {res.message}")
    x = res.x.reshape(n, m)
    owner = np.argmax(x, axis=0).astype(int)
    if np.abs(x - (owner[None, :] == np.arange(n)[:, None])).max() > 1e-6:
        raise RuntimeError("HiGHS returned a non-integral basic solution")
    _check_cardinal(owner, n, groups, caps)
    return _value(u, owner), owner


def cardinal_optimum_cvxpy(u, k, normalized=True, solver="HIGHS"):
    """Readable cvxpy formulation of Paper B, Proposition 1 (single category).

    ``maximize sum(u * x)`` over ``x in [0, 1]^{n x m}`` with column sums 1
    (every item allocated) and row sums ``<= k`` (cardinal).  The constraint
    matrix is totally unimodular, so the LP optimum equals the integer
    optimum; the solver's vertex solution is read back as an owner array and
    checked to be integral.

    Parameters
    ----------
    u : array_like, shape (n, m)
    k : int
    normalized : bool, default True
    solver : str, default "HIGHS"
        A cvxpy solver name, passed explicitly.

    Returns
    -------
    value : float
        USW of the returned allocation (the solver's objective agrees with it
        to the solver's tolerance, about 1e-7).
    owner : numpy.ndarray of int, shape (m,)

    Raises
    ------
    RuntimeError
        If the solver does not report an optimal, integral solution.
    """
    import cvxpy as cp

    u, groups, caps = _setup(u, k, None, normalized)
    uf = np.array(u, dtype=float)
    n, m = uf.shape
    x = cp.Variable((n, m))
    problem = cp.Problem(
        cp.Maximize(cp.sum(cp.multiply(uf, x))),
        [cp.sum(x, axis=0) == 1, cp.sum(x, axis=1) <= caps[0], x >= 0, x <= 1],
    )
    problem.solve(solver=getattr(cp, solver))
    if problem.status != cp.OPTIMAL:
        raise RuntimeError(f"cvxpy/{solver} did not solve to optimality: status {problem.status}")
    xv = x.value
    owner = np.argmax(xv, axis=0).astype(int)
    if np.abs(xv - (owner[None, :] == np.arange(n)[:, None])).max() > 1e-6:
        raise RuntimeError(f"cvxpy/{solver} returned a non-integral solution")
    _check_cardinal(owner, n, groups, caps)
    return float(uf[owner, np.arange(m)].sum()), owner


def cardinal_optimum_bruteforce(u, k, categories=None, normalized=True):
    """Exhaustive search over all ``n**m`` complete allocations (tiny instances).

    Direct evaluation of ``max_{A in C_kappa(I)} USW(A)`` (Paper B,
    Definition 2).  Exact (``Fraction``) for exact input.  Ties: the first
    allocation in lexicographic order of the owner array.

    Raises
    ------
    ValueError
        If ``n**m > 100000`` (too many allocations), or on bad input.
    """
    u, groups, caps = _setup(u, k, categories, normalized)
    n, m = u.shape
    if n ** m > _BRUTEFORCE_LIMIT:
        raise ValueError(f"u is too large for brute force: n**m = {n}**{m} > {_BRUTEFORCE_LIMIT}")
    owners = np.stack(np.unravel_index(np.arange(n ** m), (n,) * m), axis=1)
    ok = np.ones(len(owners), dtype=bool)
    for g, kj in zip(groups, caps):
        for i in range(n):
            ok &= (owners[:, g] == i).sum(axis=1) <= kj
    owners = owners[ok]
    if _is_exact(u):
        w, lcm = _scaled_integers(u)
        totals = w[owners, np.arange(m)].sum(axis=1)
        best = max(range(len(totals)), key=totals.__getitem__)
        return Fraction(totals[best], lcm), owners[best].astype(int)
    totals = u[owners, np.arange(m)].sum(axis=1)
    best = int(np.argmax(totals))
    return float(totals[best]), owners[best].astype(int)


# ----------------------------------------------------------------------------
# the price of cardinality
# ----------------------------------------------------------------------------
def utilitarian_poc_bound(m, k) -> float:
    """Theorem 1 of Paper B: ``(1 + sqrt(1 + (m - 1)/k)) / 2`` (1 when ``m <= k``).

    The single-category utilitarian price of cardinality is at most this for
    every instance with ``m`` items and cap ``k`` (Lemmas 3–5), with equality
    attained when ``m = k(c^2 - 1) + 1`` (Lemma 1).  For ``m <= k`` the
    constraint is void and the price is 1 (Paper B §3).  For other ``m`` the
    bound need not be attained (Lemma 2 only gives a lower bound within 1);
    e.g. at ``m = k + 1`` every optimum can be made cardinal (Appendix A.1).

    Parameters
    ----------
    m, k : int
        Number of items ``m >= 1`` and cap ``k >= 1``.
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m <= k:
        return 1.0
    return 0.5 * (1.0 + math.sqrt(1.0 + (m - 1) / k))


def poc(u, k, categories=None, normalized=True):
    """Price of cardinality of one instance: ``OPT-USW(I) / max_{A in C_kappa(I)} USW(A)``.

    The ratio inside the supremum of Paper B, Definition 2, from
    :func:`utilitarian_optimum` and :func:`cardinal_optimum`.

    Parameters
    ----------
    u : array_like, shape (n, m)
        Utilities (floats, or ``Fraction`` for exact work).
    k, categories, normalized
        As in :func:`cardinal_optimum`.

    Returns
    -------
    float or Fraction
        The ratio, ``>= 1``; exact (from a certified optimum) for exact input.
    """
    u, groups, caps = _setup(u, k, categories, normalized)
    top, _ = utilitarian_optimum(u, normalized=False)
    card, _ = cardinal_optimum(u, k, categories, normalized=False)
    if card == 0:
        raise ValueError("u gives every cardinal allocation zero welfare; the ratio is undefined")
    return Fraction(top) / Fraction(card) if _is_exact(u) else top / card


# ----------------------------------------------------------------------------
# the lower-bound constructions (Lemmas 1 and 2)
# ----------------------------------------------------------------------------
def _floor_s(m: int, k: int) -> int:
    """``floor(s)`` for ``s = -1 + sqrt(1 + (m - 1)/k)``, in exact integer arithmetic."""
    # s + 1 = sqrt(x) with x = (k + m - 1)/k, and floor(sqrt(x)) = isqrt(floor(x))
    return isqrt((k + m - 1) // k) - 1


def _block_instance(n: int, m: int, blocks: list[int]) -> np.ndarray:
    """Agents ``1..t`` value consecutive blocks of ``g_1..g_{m-1}`` uniformly; the rest value ``g_m``."""
    t = len(blocks)
    u = np.full((n, m), Fraction(0), dtype=object)
    start = 0
    for i, b in enumerate(blocks):
        u[i, start:start + b] = Fraction(1, b)
        start += b
    u[t:, m - 1] = Fraction(1)
    return u


def lemma1_instance(k, c, n=None) -> np.ndarray:
    """The tight instance of Paper B, Lemma 1 (exact ``Fraction`` utilities).

    For ``m = k(c^2 - 1) + 1`` items and ``c in N+ \\ {1}`` let
    ``s = c - 1``.  Agents ``1..s`` each value a disjoint block of
    ``(m - 1)/s = k(c + 1)`` of the items ``g_1..g_{m-1}`` at ``s/(m - 1)``
    each; every other agent values only ``g_m``, at 1.  Then
    ``OPT-USW = 1 + s = c``, the best cardinal welfare is
    ``1 + k s^2/(m - 1) = 2c/(c + 1)``, and the ratio is
    ``(c + 1)/2 = (1 + sqrt(1 + (m - 1)/k))/2`` (Theorem 1's bound).

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
    m = k * (c * c - 1) + 1
    n_min = c * c
    n = n_min if n is None else V.positive_int(n, "n", minimum=n_min)
    s = c - 1
    return _block_instance(n, m, [(m - 1) // s] * s)


def _lemma2_parameters(m: int, k: int) -> tuple[int, int]:
    """``(t, b)``: ``t = max(floor(s), 1)`` agents with blocks of ``b = floor((m-1)/t)`` (Appendix A.1)."""
    t = max(_floor_s(m, k), 1)
    return t, (m - 1) // t


def _lemma2_args(m, k, n):
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m < k + 2:
        raise ValueError(f"m must be >= k + 2 for the Lemma 2 construction (Appendix A.1 assumes m - 2 >= k), got m = {m}, k = {k}")
    t, _ = _lemma2_parameters(m, k)
    n_min = max(-(-m // k), t + 1)
    n = n_min if n is None else V.positive_int(n, "n", minimum=n_min)
    return m, k, n, t


def lemma2_instance(m, k, n=None, variant="appendix") -> np.ndarray:
    """The lower-bound constructions behind Paper B, Lemma 2 (exact ``Fraction`` utilities).

    Let ``s = -1 + sqrt(1 + (m - 1)/k)`` and ``t = max(floor(s), 1)``.
    Agents ``1..t`` each value a disjoint block of the items
    ``g_1..g_{m-1}`` uniformly (total 1); agents ``t+1..n`` value only
    ``g_m``, at 1.

    * ``variant="appendix"`` (Appendix A.1): agent ``i <= t`` values
      ``g_{(i-1)b+1}..g_{ib}`` at ``1/b`` with ``b = floor((m-1)/t)``; the
      ``m - 1 - t b`` leftover items are valued by nobody.  Ratio:
      :func:`lemma2_lower_bound`.
    * ``variant="main"`` (§3.1, text before Lemma 2): ``g_1..g_{m-1}`` split
      into ``t`` consecutive blocks whose sizes differ by at most one (larger
      blocks first).  The main text writes ``s = floor(...)``, which is 0
      when ``m - 1 < 3k``; we use ``t = max(floor(s), 1)`` as the appendix
      does, so the variants differ only in the partition.

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
    if variant not in ("appendix", "main"):
        raise ValueError(f"variant must be 'appendix' or 'main', got {variant!r}")
    m, k, n, t = _lemma2_args(m, k, n)
    if variant == "appendix":
        blocks = [(m - 1) // t] * t
    else:
        q, r = divmod(m - 1, t)
        blocks = [q + 1] * r + [q] * (t - r)
    return _block_instance(n, m, blocks)


def lemma2_lower_bound(m, k, variant="appendix") -> Fraction:
    """Ratio of the Lemma 2 construction, from the paper's closed form (exact).

    Paper B, Appendix A.1: with ``t = max(floor(s), 1)`` and
    ``b = floor((m-1)/t)``, ``OPT-USW(I) = 1 + t`` and the best cardinal
    welfare is ``1 + k t / b``, so the price of cardinality is at least

        (1 + t) / (1 + k t / b),

    which Lemma 2 shows is at least ``(-1 + sqrt(1 + (m - 1)/k))/2``.  With
    ``variant="main"`` the blocks have sizes ``q`` and ``q + 1``
    (``m - 1 = q t + r``) and the cardinal welfare is
    ``1 + k (r/(q+1) + (t-r)/q)``.

    Parameters
    ----------
    m, k : int
        ``m >= k + 2``, ``k >= 1``.
    variant : {"appendix", "main"}

    Returns
    -------
    Fraction
    """
    if variant not in ("appendix", "main"):
        raise ValueError(f"variant must be 'appendix' or 'main', got {variant!r}")
    m, k, _, t = _lemma2_args(m, k, None)
    if variant == "appendix":
        b = (m - 1) // t
        return Fraction(1 + t) / (1 + Fraction(k * t, b))
    q, r = divmod(m - 1, t)
    return Fraction(1 + t) / (1 + k * (Fraction(r, q + 1) + Fraction(t - r, q)))


def exact_poc(m, k, n):
    """Exact single-category utilitarian price of cardinality of the cell ``(m, k, n)``, certified.

    Beyond Paper B: ``sup_u OPT-USW(u) / max_{B cardinal} USW_u(B)`` over
    normalized additive utilities of ``n`` agents for ``m`` items with cap
    ``k``; Theorem 1 of Paper B bounds it and Lemma 2 brackets it.  This is
    :func:`fairlib.exact_poc.exact_poc` (imported lazily, since that module
    builds on this one); see its docstring for the method and the result's
    fields (``value``, ``witness``, ``lower``, ``upper``, ``pattern``,
    ``certificate``; unpackable as ``(value, witness, ...)``).

    Raises
    ------
    ValueError
        Non-integer or non-positive ``m``, ``k``, ``n``, or ``n k < m``.
    """
    from .exact_poc import exact_poc as _exact_poc

    return _exact_poc(m, k, n)
