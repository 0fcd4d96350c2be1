"""Paper B: egalitarian optima, with and without cardinality constraints.

The egalitarian social welfare of an allocation is the utility of its
worst-off agent, ``ESW(A) = min_i u_i(A_i)`` (Paper B, Definition 1), and the
egalitarian price of cardinality compares ``OPT-ESW(I)`` with the best
cardinal ESW (Paper B, Definition 3).  Both optima are NP-hard in general;
:func:`egalitarian_optimum` solves them exactly as a mixed-integer program on
HiGHS (:func:`scipy.optimize.milp`) and, for exact input, *certifies* the
result.  :func:`egalitarian_optimum_bruteforce` and
:func:`egalitarian_optimum_cvxpy` are independent cross-checks, and
:func:`keep_top_k` is the linear-time cardinal allocation the paper describes
after Theorem 2 and Theorem 5.

Formulation
-----------
Variables ``x_{ig} in {0, 1}`` only for the pairs with ``u_{ig} > 0`` and a
continuous ``t``::

    max t   s.t.  sum_g u_{ig} x_{ig} >= t          (every agent i)
                  sum_i x_{ig}        <= 1          (every item g)
                  sum_{g in C_j} x_{ig} <= k_j      (every agent i, category j)
                  0 <= t <= min_i  sum_j  top_{k_j}(u_i on C_j)

Items are *packed* (``<= 1``) rather than partitioned: an item nobody
receives is worth nothing to the objective, and because ``n k_j >= m_j``
every partial cardinal allocation extends to a complete one, so the missing
items are handed out afterwards to agents with spare room (utilities are
non-negative, so no agent loses).  Dropping the zero-utility pairs removes
most variables on sparse instances; the bound on ``t`` (each agent's best
possible cardinal bundle) tightens the LP relaxation.

Certificate (exact input)
-------------------------
For ``Fraction`` utilities the MILP is solved in floating point, and then

1. the value is recomputed exactly, ``v = min_i u_i(A_i)`` in ``Fraction``
   arithmetic from the returned allocation (which is checked to be complete
   and cardinal);
2. optimality is proved by a second MILP asking for an allocation with
   ``u_i(A_i) > v`` for every agent.  Row ``i`` is written in its own integer
   scaling ``W_i = L_i u_i`` (``L_i`` the lcm of the row's denominators), in
   which ``u_i(A_i) > v`` means ``W_i(A_i) >= floor(v L_i) + 1``; the
   constraint is imposed with a margin of half an integer unit,
   ``W_i(A_i) >= floor(v L_i) + 1/2``.  HiGHS must report this problem
   infeasible.  Any allocation it returns instead is evaluated exactly: if it
   is strictly better the value is raised and step 2 repeats; otherwise the
   solver's tolerances were violated and a ``RuntimeError`` is raised.

HiGHS runs with presolve off: its MIP presolve returns wrong "optimal"
answers on this model (see ``_solve``); the certificate caught it.

What is proved is therefore: the returned value is attained exactly, and no
allocation beats it by any amount (the smallest possible improvement is one
integer unit of some row), as far as HiGHS's proof of infeasibility of a
problem whose every feasible point has slack ``1/2`` goes.  The margin is
only meaningful while ``1 / (2 L_i)`` is well above HiGHS's feasibility
tolerance (1e-7): rows with ``L_i > 10**6`` are refused with a
``ValueError``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from . import _instance as I

__all__ = [
    "EgalitarianOptimum",
    "egalitarian_welfare",
    "egalitarian_optimum",
    "egalitarian_optimum_bruteforce",
    "egalitarian_optimum_cvxpy",
    "keep_top_k",
]

BRUTEFORCE_LIMIT = 200_000
MAX_ROW_DENOMINATOR = 10**6
MAX_CERTIFY_ROUNDS = 50


class EgalitarianOptimum(NamedTuple):
    """An egalitarian-optimal allocation and its welfare (Paper B, Definition 1).

    A ``NamedTuple``: ``value, owner = egalitarian_optimum(...)`` works.

    Attributes
    ----------
    value : float or Fraction
        ``ESW(A) = min_i u_i(A_i)`` of the returned allocation; an exact
        ``Fraction`` (certified optimal, see the module docstring) for exact
        input.
    owner : numpy.ndarray of int, shape (m,)
        ``owner[g]`` is the agent receiving item ``g``; every item is
        allocated.
    """

    value: object
    owner: np.ndarray


def _setup(u, k, categories, normalized):
    """Checked ``(u, groups, caps)``; ``caps`` is ``None`` when ``k`` is None."""
    if k is None:
        u = I.utilities(u, normalized)
        groups = I.category_list(categories, u.shape[1])
        return u, (groups or [np.arange(u.shape[1])]), None
    return I.setup(u, k, categories, normalized)


def _bundles(u: np.ndarray, owner: np.ndarray) -> list:
    """Every agent's utility for its bundle (exact for exact input)."""
    n, m = u.shape
    if I.is_exact(u):
        out = [Fraction(0)] * n
        for g in range(m):
            out[owner[g]] += Fraction(u[owner[g], g])
        return out
    return list(np.bincount(owner, weights=u[owner, np.arange(m)], minlength=n))


def egalitarian_welfare(u, owner, normalized=False):
    """ESW of a complete allocation (Paper B, Definition 1).

    Parameters
    ----------
    u : array_like, shape (n, m)
        Non-negative utilities; an object array of ``Fraction`` for exact work.
    owner : array_like of int, shape (m,)
        ``owner[g]`` is the agent receiving item ``g``.
    normalized : bool, default False
        Require ``u_i(M) = 1`` (Paper B §2).

    Returns
    -------
    float or Fraction
        ``min_i u_i(A_i)``; exact for exact input.
    """
    u = I.utilities(u, normalized)
    n, m = u.shape
    owner = np.asarray(owner)
    if owner.shape != (m,) or not np.issubdtype(owner.dtype, np.integer):
        raise ValueError(f"owner must be a length-m = {m} integer array")
    if owner.min() < 0 or owner.max() >= n:
        raise ValueError(f"owner entries must be agents 0..{n - 1}")
    return min(_bundles(u, owner.astype(int)))


def _top_caps(uf: np.ndarray, groups, caps) -> float:
    """``min_i sum_j`` (sum of agent i's ``k_j`` largest values in ``C_j``)."""
    if caps is None:
        return float(uf.sum(axis=1).min())
    best = np.zeros(uf.shape[0])
    for g, kj in zip(groups, caps, strict=True):
        if g.size:
            part = -np.sort(-uf[:, g], axis=1)[:, :kj]
            best += part.sum(axis=1)
    return float(best.min())


def _constraints(uf, groups, caps):
    """The packing/cap constraints and the pair list of the MILP."""
    n, m = uf.shape
    agent, item = np.nonzero(uf > 0)
    p = agent.size
    cols = np.arange(p)
    blocks = [sp.csr_matrix((np.ones(p), (item, cols)), shape=(m, p + 1))]
    ub = [np.ones(m)]
    if caps is not None:
        cat = np.empty(m, dtype=int)
        for j, g in enumerate(groups):
            cat[g] = j
        c = len(groups)
        blocks.append(
            sp.csr_matrix(
                (np.ones(p), (agent * c + cat[item], cols)), shape=(n * c, p + 1)
            )
        )
        ub.append(np.tile(np.asarray(caps, dtype=float), n))
    a = sp.vstack(blocks).tocsr()
    ubv = np.concatenate(ub)
    return agent, item, LinearConstraint(a, -np.inf, ubv)


def _agent_rows(coef: np.ndarray, agent: np.ndarray, n: int, t_coef: float):
    """Rows ``sum_p coef_p x_p + t_coef * t`` per agent (t is the last column)."""
    p = agent.size
    data = np.concatenate([coef, np.full(n, t_coef)])
    r = np.concatenate([agent, np.arange(n)])
    c = np.concatenate([np.arange(p), np.full(n, p)])
    return sp.csr_matrix((data, (r, c)), shape=(n, p + 1))


def _solve(c, constraints, integrality, bounds):
    """HiGHS branch and bound, run to a zero relative gap, presolve off.

    HiGHS's MIP presolve (1.12 in scipy, also highspy 1.15.1) returns a
    suboptimal allocation reported as optimal on this model: on the 3 x 4
    instance in ``tests/test_cardinality_egalitarian.py`` it reports 2/7
    where 4/11 is attainable.  With presolve off the answer is right.
    """
    return milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0.0, "presolve": False},
    )


def _owner_from(x, agent, item, m) -> np.ndarray:
    """Partial owner array (``-1`` = unassigned) from a 0/1 solution vector."""
    owner = np.full(m, -1, dtype=int)
    chosen = np.flatnonzero(x[: agent.size] > 0.5)
    owner[item[chosen]] = agent[chosen]
    return owner


def _complete(owner, uf, groups, caps) -> np.ndarray:
    """Give every unassigned item to the agent with room valuing it most."""
    n, m = uf.shape
    if caps is None:
        room = None
    else:
        room = []
        for g, kj in zip(groups, caps, strict=True):
            assigned = owner[g][owner[g] >= 0]
            room.append(kj - np.bincount(assigned, minlength=n))
    cat = np.zeros(m, dtype=int)
    for j, g in enumerate(groups):
        cat[g] = j
    for g in np.flatnonzero(owner < 0):
        order = np.lexsort((np.arange(n), -uf[:, g]))  # best first, low index
        if room is not None:
            order = order[room[cat[g]][order] > 0]
            if order.size == 0:
                raise RuntimeError("internal error: no room left for an item")
            room[cat[g]][order[0]] -= 1
        owner[g] = order[0]
    return owner


def _row_scaling(u: np.ndarray) -> tuple[list[list[int]], list[int]]:
    """Per-row integer scaling ``W_i = L_i u_i`` (exact input)."""
    rows, lcms = [], []
    for row in u:
        fr = [Fraction(v) for v in row]
        lcm = 1
        for f in fr:
            lcm = lcm * f.denominator // math.gcd(lcm, f.denominator)
        if lcm > MAX_ROW_DENOMINATOR:
            raise ValueError(
                "u has a row whose denominators have lcm "
                f"{lcm} > {MAX_ROW_DENOMINATOR}: too large to certify the "
                "egalitarian optimum in floating point (round the utilities)"
            )
        rows.append([f.numerator * (lcm // f.denominator) for f in fr])
        lcms.append(lcm)
    return rows, lcms


def egalitarian_optimum(u, k=None, categories=None, normalized=True):
    """Egalitarian-optimal (cardinal) allocation (Paper B, Definitions 1 and 3).

    Solves ``OPT-ESW(I) = max_A min_i u_i(A_i)`` over complete allocations
    (``k=None``), or ``max_{A in C_kappa(I)} ESW(A)`` over cardinal ones
    (``|A_i ∩ C_j| <= k_j``): the numerator and denominator of the egalitarian
    price of cardinality (Paper B, Definition 3).  A MILP on HiGHS, exact and,
    for ``Fraction`` input, certified (see the module docstring).

    Parameters
    ----------
    u : array_like, shape (n, m)
        Non-negative additive utilities; an object array of ``Fraction`` for
        exact, certified work.
    k : None, int or sequence of int, default None
        Cardinality constraint(s) ``k_j >= 1``, one per category, with
        ``n k_j >= m_j``; ``None`` means no constraint.
    categories : None, array_like of int (m,), or list of index lists
        As in :func:`fairlib.cardinality.cardinal_optimum`; ``None``: one
        category.
    normalized : bool, default True
        Require ``u_i(M) = 1`` within 1e-9 (Paper B §2).

    Returns
    -------
    EgalitarianOptimum
        ``(value, owner)``: the optimal ESW (an exact, certified ``Fraction``
        for exact input) and an optimal complete (cardinal) allocation.

    Raises
    ------
    ValueError
        Bad ``u``, ``k`` or ``categories``, ``n k_j < m_j``, or (exact input)
        a row whose denominators are too large to certify.
    RuntimeError
        If HiGHS fails, or its answer contradicts the exact check.
    """
    u, groups, caps = _setup(u, k, categories, normalized)
    n, m = u.shape
    exact = I.is_exact(u)
    scaled = _row_scaling(u) if exact else None
    uf = np.array(u, dtype=float)
    agent, item, packing = _constraints(uf, groups, caps)
    p = agent.size
    integrality = np.concatenate([np.ones(p), [0]])
    t_max = _top_caps(uf, groups, caps)
    bounds = Bounds(np.zeros(p + 1), np.concatenate([np.ones(p), [t_max]]))
    rows = LinearConstraint(_agent_rows(uf[agent, item], agent, n, -1.0), 0, np.inf)
    c = np.zeros(p + 1)
    c[p] = -1.0
    res = _solve(c, [packing, rows], integrality, bounds)
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"HiGHS (milp) did not solve the MILP: {res.message}")
    owner = _complete(_owner_from(res.x, agent, item, m), uf, groups, caps)
    if caps is not None:
        I.check_cardinal(owner, n, groups, caps)
    if not exact:
        return EgalitarianOptimum(float(min(_bundles(u, owner))), owner)
    return _certify(u, owner, scaled, agent, item, packing, groups, caps)


def _certify(u, owner, scaled, agent, item, packing, groups, caps):
    """Exact value of ``owner`` and a proof that nothing beats it (see module)."""
    n, m = u.shape
    w_rows, lcms = scaled
    w = np.array([[w_rows[i][g] for g in range(m)] for i in range(n)], dtype=float)
    coef = (w / np.asarray(lcms, dtype=float)[:, None])[agent, item]
    p = agent.size
    integrality = np.concatenate([np.ones(p), [0]])
    bounds = Bounds(np.zeros(p + 1), np.concatenate([np.ones(p), [0.0]]))
    uf = np.array(u, dtype=float)
    for _ in range(MAX_CERTIFY_ROUNDS):
        value = min(_bundles(u, owner))
        # u_i(A_i) > value  <=>  W_i(A_i) >= floor(value L_i) + 1; margin 1/2
        need = np.array(
            [
                (math.floor(value * lcm) + 0.5) / lcm
                for lcm in lcms  # in u units: row i divided by L_i
            ]
        )
        better = LinearConstraint(_agent_rows(coef, agent, n, 0.0), need, np.inf)
        res = _solve(np.zeros(p + 1), [packing, better], integrality, bounds)
        if res.status == 2:  # infeasible: no allocation beats value
            return EgalitarianOptimum(value, owner)
        if res.status != 0 or res.x is None:
            raise RuntimeError(
                f"HiGHS (milp) could not certify the egalitarian optimum: {res.message}"
            )
        cand = _complete(_owner_from(res.x, agent, item, m), uf, groups, caps)
        if caps is not None:
            I.check_cardinal(cand, n, groups, caps)
        if not min(_bundles(u, cand)) > value:
            raise RuntimeError(
                "HiGHS returned an allocation that is not exactly better than the "
                "incumbent: floating-point tolerances too loose to certify"
            )
        owner = cand
    raise RuntimeError("egalitarian certificate did not converge")


def egalitarian_optimum_bruteforce(u, k=None, categories=None, normalized=True):
    """Exhaustive search over all ``n**m`` complete allocations (tiny instances).

    Direct evaluation of ``max min_i u_i(A_i)`` over complete (cardinal)
    allocations (Paper B, Definitions 1 and 3); exact for exact input.  Ties:
    the first allocation in lexicographic order of the owner array.

    Parameters
    ----------
    u, k, categories, normalized
        As in :func:`egalitarian_optimum`.

    Returns
    -------
    EgalitarianOptimum

    Raises
    ------
    ValueError
        If ``n**m > 200000``, or on bad input.
    """
    u, groups, caps = _setup(u, k, categories, normalized)
    n, m = u.shape
    if n**m > BRUTEFORCE_LIMIT:
        raise ValueError(
            f"u is too large for brute force: n**m = {n}**{m} > {BRUTEFORCE_LIMIT}"
        )
    owners = np.stack(np.unravel_index(np.arange(n**m), (n,) * m), axis=1)
    if caps is not None:
        ok = np.ones(len(owners), dtype=bool)
        for g, kj in zip(groups, caps, strict=True):
            for i in range(n):
                ok &= (owners[:, g] == i).sum(axis=1) <= kj
        owners = owners[ok]
    onehot = owners[:, None, :] == np.arange(n)[None, :, None]  # (A, n, m)
    if I.is_exact(u):
        w, lcm = I.scaled_integers(u)
        per_agent = np.einsum("anm,nm->an", onehot.astype(object), w)
        mins = per_agent.min(axis=1)
        best = max(range(len(mins)), key=mins.__getitem__)
        return EgalitarianOptimum(Fraction(mins[best], lcm), owners[best].astype(int))
    mins = np.einsum("anm,nm->an", onehot, u).min(axis=1)
    best = int(np.argmax(mins))
    return EgalitarianOptimum(float(mins[best]), owners[best].astype(int))


def egalitarian_optimum_cvxpy(u, k=None, normalized=True, solver="HIGHS"):
    """Readable cvxpy MILP of the egalitarian optimum (single category).

    ``maximize t`` over boolean ``x`` (``n x m``) with column sums 1, row
    sums ``<= k`` (if ``k`` is given) and ``sum_g u_{ig} x_{ig} >= t`` for
    every agent: Paper B, Definitions 1 and 3, written independently of
    :func:`egalitarian_optimum` (all pairs, equality for completeness, no
    bound on ``t``).

    Parameters
    ----------
    u : array_like, shape (n, m)
    k : None or int
    normalized : bool, default True
    solver : str, default "HIGHS"
        A cvxpy solver name supporting mixed-integer programs.

    Returns
    -------
    EgalitarianOptimum
        The float ESW of the returned allocation and the allocation.

    Raises
    ------
    RuntimeError
        If the solver does not report an optimal solution.
    """
    import cvxpy as cp

    u, groups, caps = _setup(u, k, None, normalized)
    uf = np.array(u, dtype=float)
    n, m = uf.shape
    x = cp.Variable((n, m), boolean=True)
    t = cp.Variable()
    cons = [cp.sum(x, axis=0) == 1, cp.sum(cp.multiply(uf, x), axis=1) >= t]
    if caps is not None:
        cons.append(cp.sum(x, axis=1) <= caps[0])
    problem = cp.Problem(cp.Maximize(t), cons)
    problem.solve(solver=getattr(cp, solver))
    if problem.status != cp.OPTIMAL:
        raise RuntimeError(
            f"cvxpy/{solver} did not solve to optimality: status {problem.status}"
        )
    owner = np.argmax(x.value, axis=0).astype(int)
    return EgalitarianOptimum(float(min(_bundles(uf, owner))), owner)


def keep_top_k(u, owner, k, categories=None, normalized=True):
    """Cardinal allocation kept from any allocation (Paper B, after Theorems 2, 5).

    "Letting each agent keep their k most valued items from the starting
    egalitarian-optimal allocation": in every category ``C_j`` each agent
    keeps its ``k_j`` most valued items of its bundle (ties: lower item
    index); each released item then goes, in item order, to the agent with
    spare room in that category who values it most (ties: lower agent
    index), so every agent keeps its whole bundle when it is within the caps
    (as the proof of Theorem 2 requires).  ``O(n m + m log m)``.

    Parameters
    ----------
    u : array_like, shape (n, m)
        Non-negative utilities (``Fraction`` allowed).
    owner : array_like of int, shape (m,)
        A complete allocation, e.g. an egalitarian optimum.
    k : int or sequence of int
        The caps ``k_j``, with ``n k_j >= m_j``.
    categories, normalized
        As in :func:`egalitarian_optimum`.

    Returns
    -------
    numpy.ndarray of int, shape (m,)
        A complete cardinal allocation in which every agent's utility is at
        least ``sum_j min(1, k_j / |A_ij|) u_i(A_ij)``.
    """
    u, groups, caps = I.setup(u, k, categories, normalized)
    n, m = u.shape
    owner = np.asarray(owner)
    if owner.shape != (m,) or not np.issubdtype(owner.dtype, np.integer):
        raise ValueError(f"owner must be a length-m = {m} integer array")
    if owner.min() < 0 or owner.max() >= n:
        raise ValueError(f"owner entries must be agents 0..{n - 1}")
    uf = np.array(u, dtype=float)
    exact = I.is_exact(u)
    new = owner.astype(int).copy()
    for g, kj in zip(groups, caps, strict=True):
        for i in range(n):
            mine = g[new[g] == i]
            if mine.size > kj:
                val = [Fraction(u[i, h]) if exact else uf[i, h] for h in mine]
                order = [
                    h for _, h in sorted(zip([-v for v in val], mine, strict=True))
                ]
                new[order[kj:]] = -1
    new = _complete(new, uf, groups, caps)
    I.check_cardinal(new, n, groups, caps)
    return new
