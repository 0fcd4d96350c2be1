"""Paper B: utilitarian optima (unconstrained, cardinal) and the price of an instance.

Solvers of ``max_{A cardinal} USW(A)`` (Paper B, Propositions 1 and 2): the
fast path :func:`cardinal_optimum` (successive shortest paths on the
``n``-node agent graph, or Proposition 1's assignment on ``k`` agent copies),
and the cross-checks :func:`cardinal_optimum_lp` (scipy/HiGHS),
:func:`cardinal_optimum_cvxpy` and :func:`cardinal_optimum_bruteforce`.  Every
optimum is a :class:`CardinalOptimum` ``(value, owner)``.

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

from fractions import Fraction
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from . import _instance as I
from ._assignment import METHODS, certify

__all__ = [
    "CardinalOptimum",
    "utilitarian_optimum",
    "cardinal_optimum",
    "cardinal_optimum_lp",
    "cardinal_optimum_cvxpy",
    "cardinal_optimum_bruteforce",
    "poc",
]

BRUTEFORCE_LIMIT = 100_000


class CardinalOptimum(NamedTuple):
    """An optimal allocation and its utilitarian welfare (Paper B, Definition 1).

    A ``NamedTuple``: ``value, owner = cardinal_optimum(...)`` keeps working.

    Attributes
    ----------
    value : float or Fraction
        The utilitarian welfare ``USW(A) = sum_g u_{owner[g], g}`` of the
        allocation; an exact ``Fraction`` for exact input.
    owner : numpy.ndarray of int, shape (m,)
        ``owner[g]`` is the agent receiving item ``g``.
    """

    value: object
    owner: np.ndarray


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
    CardinalOptimum
        ``value`` is ``OPT-USW(I) = sum_g max_i u_i(g)`` (exact ``Fraction`` for
        exact input); in ``owner`` item ``g`` goes to the lowest-index agent
        among those valuing it most.
    """
    u = I.utilities(u, normalized)
    owner = np.argmax(u, axis=0).astype(int)  # first maximum: lowest index
    return CardinalOptimum(I.welfare(u, owner), owner)


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
        from a price start (an auction from ``n m_j >= 100 000``; see
        ``_assignment.flow_category``; ``benchmarks/bench_cardinality.py``
        times both).  ``"assignment"``: Proposition 1
        literally, :func:`scipy.optimize.linear_sum_assignment` on the
        ``(n min(k_j, m_j)) x m_j`` matrix of agent copies.  Both return an
        optimal allocation (possibly a different one under ties).

    Returns
    -------
    CardinalOptimum
        ``(value, owner)``: the optimal utilitarian welfare (an exact
        ``Fraction`` for exact input, certified by an exact dual solution with
        zero duality gap) and an optimal cardinal allocation.

    Raises
    ------
    ValueError
        Bad ``u``, ``k``, ``categories`` or ``method``, or ``n k_j < m_j`` (no
        complete cardinal allocation).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    solve = METHODS[method]
    u, groups, caps = I.setup(u, k, categories, normalized)
    n, m = u.shape
    exact = I.is_exact(u)
    uf = np.array(u, dtype=float) if exact else u
    w = I.scaled_integers(u)[0] if exact else None
    owner = np.empty(m, dtype=int)
    for g, kj in zip(groups, caps, strict=True):
        if g.size == 0:
            continue
        local = solve(uf[:, g], kj)
        if exact:
            local, _ = certify(w[:, g], local, kj)
        owner[g] = local
    I.check_cardinal(owner, n, groups, caps)
    return CardinalOptimum(I.welfare(u, owner), owner)


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

    Parameters
    ----------
    u, k, categories, normalized
        As in :func:`cardinal_optimum`.

    Returns
    -------
    CardinalOptimum
        ``(value, owner)``: the USW of the returned allocation and the
        allocation.

    Raises
    ------
    RuntimeError
        If HiGHS does not report an optimal solution, or the basic solution
        is not integral.
    """
    u, groups, caps = I.setup(u, k, categories, normalized)
    n, m = u.shape
    uf = np.array(u, dtype=float)
    cat = np.empty(m, dtype=int)
    for j, g in enumerate(groups):
        cat[g] = j
    c = len(groups)
    idx = np.arange(n * m)  # variable x[i, g] at i*m + g
    agent, item = np.divmod(idx, m)
    a_eq = sp.csr_matrix((np.ones(n * m), (item, idx)), shape=(m, n * m))
    a_ub = sp.csr_matrix(
        (np.ones(n * m), (agent * c + cat[item], idx)), shape=(n * c, n * m)
    )
    res = linprog(
        -uf.ravel(),
        A_ub=a_ub,
        b_ub=np.tile(np.asarray(caps, dtype=float), n),
        A_eq=a_eq,
        b_eq=np.ones(m),
        bounds=(0.0, 1.0),
        method="highs-ds",
    )
    if res.status != 0:
        raise RuntimeError(
            "HiGHS (linprog, dual simplex) did not find an optimal solution: "
            f"{res.message}"
        )
    x = res.x.reshape(n, m)
    owner = np.argmax(x, axis=0).astype(int)
    if np.abs(x - (owner[None, :] == np.arange(n)[:, None])).max() > 1e-6:
        raise RuntimeError("HiGHS returned a non-integral basic solution")
    I.check_cardinal(owner, n, groups, caps)
    return CardinalOptimum(I.welfare(u, owner), owner)


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
    CardinalOptimum
        ``(value, owner)``: the float USW of the returned allocation (the
        solver's objective agrees with it to the solver's tolerance, about
        1e-7) and the allocation.

    Raises
    ------
    RuntimeError
        If the solver does not report an optimal, integral solution.
    """
    import cvxpy as cp

    u, groups, caps = I.setup(u, k, None, normalized)
    uf = np.array(u, dtype=float)
    n, m = uf.shape
    x = cp.Variable((n, m))
    problem = cp.Problem(
        cp.Maximize(cp.sum(cp.multiply(uf, x))),
        [cp.sum(x, axis=0) == 1, cp.sum(x, axis=1) <= caps[0], x >= 0, x <= 1],
    )
    problem.solve(solver=getattr(cp, solver))
    if problem.status != cp.OPTIMAL:
        raise RuntimeError(
            f"cvxpy/{solver} did not solve to optimality: status {problem.status}"
        )
    xv = x.value
    owner = np.argmax(xv, axis=0).astype(int)
    if np.abs(xv - (owner[None, :] == np.arange(n)[:, None])).max() > 1e-6:
        raise RuntimeError(f"cvxpy/{solver} returned a non-integral solution")
    I.check_cardinal(owner, n, groups, caps)
    return CardinalOptimum(float(uf[owner, np.arange(m)].sum()), owner)


def cardinal_optimum_bruteforce(u, k, categories=None, normalized=True):
    """Exhaustive search over all ``n**m`` complete allocations (tiny instances).

    Direct evaluation of ``max_{A in C_kappa(I)} USW(A)`` (Paper B,
    Definition 2).  Exact (``Fraction``) for exact input.  Ties: the first
    allocation in lexicographic order of the owner array.

    Parameters
    ----------
    u, k, categories, normalized
        As in :func:`cardinal_optimum`.

    Returns
    -------
    CardinalOptimum
        ``(value, owner)``.

    Raises
    ------
    ValueError
        If ``n**m > 100000`` (too many allocations), or on bad input.
    """
    u, groups, caps = I.setup(u, k, categories, normalized)
    n, m = u.shape
    if n**m > BRUTEFORCE_LIMIT:
        raise ValueError(
            f"u is too large for brute force: n**m = {n}**{m} > {BRUTEFORCE_LIMIT}"
        )
    owners = np.stack(np.unravel_index(np.arange(n**m), (n,) * m), axis=1)
    ok = np.ones(len(owners), dtype=bool)
    for g, kj in zip(groups, caps, strict=True):
        for i in range(n):
            ok &= (owners[:, g] == i).sum(axis=1) <= kj
    owners = owners[ok]
    if I.is_exact(u):
        w, lcm = I.scaled_integers(u)
        totals = w[owners, np.arange(m)].sum(axis=1)
        best = max(range(len(totals)), key=totals.__getitem__)
        return CardinalOptimum(Fraction(totals[best], lcm), owners[best].astype(int))
    totals = u[owners, np.arange(m)].sum(axis=1)
    best = int(np.argmax(totals))
    return CardinalOptimum(float(totals[best]), owners[best].astype(int))


def poc(u, k, categories=None, normalized=True):
    """Price of cardinality of one instance (Paper B, Definition 2).

    ``OPT-USW(I) / max_{A in C_kappa(I)} USW(A)``.

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
    u, groups, caps = I.setup(u, k, categories, normalized)
    top, _ = utilitarian_optimum(u, normalized=False)
    card, _ = cardinal_optimum(u, k, categories, normalized=False)
    if card == 0:
        raise ValueError(
            "u gives every cardinal allocation zero welfare; the ratio is undefined"
        )
    return Fraction(top) / Fraction(card) if I.is_exact(u) else top / card
