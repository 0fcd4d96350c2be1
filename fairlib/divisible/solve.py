"""Paper A's optima: utilitarian ``x*`` and participatory ``x^{alpha,beta}`` (Eq. 2–3).

Both optimize over ``X_b = {x : 0 <= x_ij <= b_j, sum_i x_ij <= 1}`` (``b_j = 1``
is §3.1's unrestricted setting, ``b_j < 1`` §3.2's per-agent share cap).

``utilitarian_allocation``
    ``x*`` of Eq. (2), greedy per item (exact).
``participatory_allocation``
    ``x^{alpha,beta}`` of Eq. (3) as one sparse LP solved by HiGHS, in one
    pipeline: ``build_participatory_lp`` -> ``solve_lp`` -> ``read_allocation``,
    for ``n <= FULL_LP_MAX_AGENTS``; above that by certified set generation
    (``lp_sets.participatory_allocation_sets``, same optimum value).
``participatory_allocation_cvxpy``
    The same LP written readably in cvxpy (second, independent formulation).
``two_agent_allocation``
    ``x^{alpha,beta}`` for ``n = 2``, ``b = 1`` from the threshold structure of
    Lemma 3.1 in ``O(m log m)``, no LP.

Ties: ``x*`` gives ties in ``a_ij`` to the lower agent index; for
``x^{alpha,beta}`` HiGHS returns whichever optimal vertex it finds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from .. import _validate as V
from .lp_sets import _solve_sets
from .model import INTEGER_TOL, _pair_weights, validate_instance

__all__ = [
    "utilitarian_allocation",
    "ParticipatoryLP",
    "build_participatory_lp",
    "solve_lp",
    "read_allocation",
    "participatory_allocation",
    "participatory_allocation_cvxpy",
    "default_cvxpy_solver",
    "two_agent_allocation",
]

#: Slack allowed when checking that a solver's allocation is feasible before
#: it is cleaned (clipped to the box, columns rescaled); anything larger is a
#: solver failure and raises ``RuntimeError``.
FEASIBILITY_TOL = 1e-6

#: Largest ``n`` solved with the pair LP (one variable per agent pair); above
#: it ``participatory_allocation`` uses set generation, whose pair count does
#: not grow with ``n^2`` (same optimum value, certified; the allocation may be
#: another optimal vertex).
FULL_LP_MAX_AGENTS = 100


def utilitarian_allocation(a, b=1.0) -> np.ndarray:
    """Utilitarian optimum ``x* = argmax_{x in X_b} sum_i u_i(x)`` (Paper A, Eq. 2).

    Each item is filled greedily: the ``floor(1/b_j)`` agents with the largest
    ``a_ij`` get ``b_j`` each and the next agent gets the remainder
    ``1 - floor(1/b_j) b_j`` (if ``n b_j < 1`` every agent gets ``b_j`` and part
    of the item stays unallocated).  This is exact: the per-item problem is a
    fractional knapsack with unit weights.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0); ``n >= 1``.
    b : float or array_like, shape (m,), default 1.0
        Per-agent share cap of each item, in ``(0, 1]`` (Paper A, §3.2).

    Returns
    -------
    numpy.ndarray, shape (n, m)
        The allocation.  Ties in ``a_ij`` go to the lower agent index, so the
        result is deterministic; ``1/b_j`` is rounded when it is an integer
        within ``1e-9``.
    """
    a = V.utility_matrix(a, "a")
    b = V.per_item_share(b, a.shape[1], "b")
    return _utilitarian_allocation(a, b)


def _utilitarian_allocation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = a.shape[0]
    inv = 1.0 / b
    k = np.floor(inv + INTEGER_TOL).astype(np.int64)  # agents getting a full b_j
    exact = np.abs(inv - np.rint(inv)) <= INTEGER_TOL
    rem = np.where(exact, 0.0, np.clip(1.0 - k * b, 0.0, None))
    order = np.argsort(-a, axis=0, kind="stable")  # order[r, j]: agent of rank r
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[:, None], axis=0)
    full = np.where(rank == k[None, :], rem[None, :], 0.0)
    return np.where(rank < k[None, :], b[None, :], full)


# ---------------------------------------------------------------------------
# Participatory optimum x^{alpha,beta}: build -> solve -> read back
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipatoryLP:
    """The participatory LP in ``linprog`` form (Paper A, Eq. 3 with Eq. 89).

    ``min c @ z  s.t.  A_ub z <= b_ub, A_eq z = b_eq, bounds`` over
    ``z = (x.ravel(), u, t)``.

    Attributes
    ----------
    c : numpy.ndarray
        Objective coefficients.
    A_ub, b_ub : scipy.sparse.csc_array, numpy.ndarray
        Pair rows (``2P``) and item rows (``m``).
    A_eq, b_eq : scipy.sparse.csc_array, numpy.ndarray
        ``u_i - sum_j a_ij x_ij = 0`` (``n`` rows).
    bounds : numpy.ndarray, shape (n m + n + P, 2)
        Variable bounds.
    b : numpy.ndarray, shape (m,)
        The share caps (for reading the allocation back).
    n, m : int
        Agents and items.
    """

    c: np.ndarray
    A_ub: sp.csc_array
    b_ub: np.ndarray
    A_eq: sp.csc_array
    b_eq: np.ndarray
    bounds: np.ndarray
    b: np.ndarray
    n: int
    m: int


def build_participatory_lp(a, alpha, beta, b) -> ParticipatoryLP:
    """Sparse LP for ``max_{x in X_b} f(v(x))`` (Paper A, Eq. 89, proof of Lemma 3.3).

    Variables ``z = (x_11..x_nm, u_1..u_n, t_1..t_P)``, one ``t_p`` per
    unordered pair ``p = (i < k)``::

        min  -sum_i u_i + sum_p t_p
        s.t. w1_p (u_i - u_k) - t_p <= 0,  w2_p (u_k - u_i) - t_p <= 0  (2P rows)
             sum_i x_ij <= 1                                         (m rows)
             u_i - sum_j a_ij x_ij = 0                               (n rows)
             0 <= x_ij <= b_j,  u_i >= 0,  t_p >= 0.

    At an optimum ``t_p = max(w1_p (u_i - u_k), w2_p (u_k - u_i))`` (both
    weights are >= 0), so ``-objective = f(v(x))``.  The utility variables
    keep each pair row at 3 nonzeros instead of ``2m + 1``.  Built by index
    arithmetic only (no loop over agents, items or pairs).

    Parameters
    ----------
    a, alpha, beta, b
        As in ``participatory_allocation``; validated here.

    Returns
    -------
    ParticipatoryLP
    """
    return _build_lp(*validate_instance(a, alpha, beta, b))


def _build_lp(a, alpha, beta, b) -> ParticipatoryLP:
    n, m = a.shape
    nx = n * m
    iu, it = nx, nx + n
    pi, pk, w1, w2 = _pair_weights(alpha, beta)
    P = pi.size
    p = np.arange(P)
    ones_p = np.ones(P)

    item_rows = 2 * P + np.tile(np.arange(m), n)
    rows = np.concatenate([p, p, p, P + p, P + p, P + p, item_rows])
    cols = np.concatenate(
        [iu + pi, iu + pk, it + p, iu + pk, iu + pi, it + p, np.arange(nx)]
    )
    vals = np.concatenate([w1, -w1, -ones_p, w2, -w2, -ones_p, np.ones(nx)])
    keep = vals != 0.0
    shape = (2 * P + m, nx + n + P)
    A_ub = sp.csc_array((vals[keep], (rows[keep], cols[keep])), shape=shape)
    b_ub = np.concatenate([np.zeros(2 * P), np.ones(m)])

    flat = a.ravel()
    nz = np.flatnonzero(flat)
    rows_eq = np.concatenate([np.arange(n), nz // m])
    cols_eq = np.concatenate([iu + np.arange(n), nz])
    vals_eq = np.concatenate([np.ones(n), -flat[nz]])
    A_eq = sp.csc_array((vals_eq, (rows_eq, cols_eq)), shape=(n, nx + n + P))
    b_eq = np.zeros(n)

    c = np.concatenate([np.zeros(nx), -np.ones(n), ones_p])
    bounds = np.zeros((nx + n + P, 2))
    bounds[:nx, 1] = np.tile(b, n)
    bounds[nx:, 1] = np.inf
    return ParticipatoryLP(c, A_ub, b_ub, A_eq, b_eq, bounds, b, n, m)


def solve_lp(lp: ParticipatoryLP) -> scipy.optimize.OptimizeResult:
    """Solve a :class:`ParticipatoryLP` with HiGHS (Paper A, Eq. 3 via ``linprog``).

    Returns
    -------
    scipy.optimize.OptimizeResult
        With ``status == 0``.

    Raises
    ------
    RuntimeError
        Unless HiGHS reports an optimal solution (its message is included).
    """
    res = scipy.optimize.linprog(
        lp.c,
        A_ub=lp.A_ub,
        b_ub=lp.b_ub,
        A_eq=lp.A_eq,
        b_eq=lp.b_eq,
        bounds=lp.bounds,
        method="highs",
    )
    if res.status != 0 or res.x is None:
        raise RuntimeError(
            "HiGHS did not solve the participatory LP "
            f"(status {res.status}): {res.message}"
        )
    return res


def read_allocation(lp: ParticipatoryLP, res) -> np.ndarray:
    """The allocation ``x^{alpha,beta}`` of a solved LP, on ``X_b`` (Paper A, Eq. 3).

    Raises
    ------
    RuntimeError
        If the solution is outside ``X_b`` by more than ``FEASIBILITY_TOL``.
    """
    x = res.x[: lp.n * lp.m].reshape(lp.n, lp.m)
    return _clean_allocation(x, lp.b, "HiGHS")


def _clean_allocation(x: np.ndarray, b: np.ndarray, source: str) -> np.ndarray:
    """Project a solver's allocation onto ``X_b`` after checking its feasibility.

    Entries are clipped to ``[0, b_j]`` and a column whose sum exceeds 1 (by
    solver round-off only) is scaled down to sum 1.
    """
    scale = max(1.0, float(np.max(b)))
    over_box = max(
        float(np.max(-x, initial=0.0)), float(np.max(x - b[None, :], initial=0.0))
    )
    over_col = float(np.max(x.sum(axis=0) - 1.0, initial=0.0))
    if max(over_box, over_col) > FEASIBILITY_TOL * scale:
        raise RuntimeError(
            f"{source} returned an infeasible allocation "
            f"(violation {max(over_box, over_col):.3g})"
        )
    x = np.clip(x, 0.0, b[None, :])
    col = x.sum(axis=0)
    over = col > 1.0
    if np.any(over):
        x[:, over] /= col[over]
    return x


def _participatory_allocation(a, alpha, beta, b) -> np.ndarray:
    """The LP pipeline on a checked instance (no validation)."""
    if a.shape[0] > FULL_LP_MAX_AGENTS:
        res = _solve_sets(a, alpha, beta, b, 1e-9, 500)
        return _clean_allocation(res.x, b, "HiGHS (set generation)")
    lp = _build_lp(a, alpha, beta, b)
    return read_allocation(lp, solve_lp(lp))


def participatory_allocation(a, alpha, beta, b=1.0) -> np.ndarray:
    """Participatory optimum ``argmax_{x in X_b} f(v(x))`` (Paper A, Eq. 3).

    One sparse LP (``build_participatory_lp``, Appendix G.1) solved by HiGHS
    (``solve_lp``) and read back onto ``X_b`` (``read_allocation``) when
    ``n <= FULL_LP_MAX_AGENTS``; for more agents the same optimum by certified
    set generation (``participatory_allocation_sets``), which scales to
    thousands of agents.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion (>= 0).  Values >= 1/2 are allowed here (the LP is
        still well posed) although the paper's results assume < 1/2.
    b : float or array_like, shape (m,), default 1.0
        Per-agent share cap in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray, shape (n, m)

    Raises
    ------
    ValueError
        On invalid input (the message names the argument).
    RuntimeError
        If HiGHS ends with any status other than optimal, returns an
        allocation outside ``X_b`` by more than ``FEASIBILITY_TOL``, or (set
        generation) the optimality certificate fails.
    """
    return _participatory_allocation(*validate_instance(a, alpha, beta, b))


def default_cvxpy_solver() -> str:
    """Default cvxpy solver for Paper A's LP: HiGHS if installed, else Clarabel."""
    import cvxpy as cp

    return cp.HIGHS if cp.HIGHS in cp.installed_solvers() else cp.CLARABEL


def participatory_allocation_cvxpy(a, alpha, beta, b=1.0, solver=None) -> np.ndarray:
    """Participatory optimum, second formulation in cvxpy (Paper A, Eq. 3, 9–11).

    Readable model of the same problem::

        X = Variable((n, m)),  u = sum(multiply(a, X), axis=1),  d = D @ u
        maximize  sum(u) - sum(maximum(w1 * d, -w2 * d))
        s.t.      0 <= X <= b,  sum(X, axis=0) <= 1

    where ``D`` is the sparse ``(P, n)`` difference matrix of the unordered
    pairs ``i < k`` (row ``p`` is ``e_i - e_k``) and ``w1, w2`` are the pair
    weights of ``pair_weights``.

    Parameters
    ----------
    a, alpha, beta, b
        As in ``participatory_allocation``.
    solver : str, optional
        A cvxpy solver name.  Default: ``default_cvxpy_solver()``; exactly that
        solver is called, with no fall-back.

    Returns
    -------
    numpy.ndarray, shape (n, m)

    Raises
    ------
    RuntimeError
        If the named solver fails or ends with a status other than optimal.
    """
    import cvxpy as cp

    a, alpha, beta, b = validate_instance(a, alpha, beta, b)
    n, m = a.shape
    solver = default_cvxpy_solver() if solver is None else solver
    pi, pk, w1, w2 = _pair_weights(alpha, beta)
    P = pi.size
    signs = np.concatenate([np.ones(P), -np.ones(P)])
    where = (np.tile(np.arange(P), 2), np.concatenate([pi, pk]))
    D = sp.csr_array((signs, where), shape=(P, n))
    X = cp.Variable((n, m), nonneg=True)
    u = cp.sum(cp.multiply(a, X), axis=1)
    d = D @ u
    penalty = cp.sum(cp.maximum(cp.multiply(w1, d), cp.multiply(-w2, d)))
    constraints = [X <= np.broadcast_to(b, (n, m)), cp.sum(X, axis=0) <= 1]
    problem = cp.Problem(cp.Maximize(cp.sum(u) - penalty), constraints)
    try:
        problem.solve(solver=solver)
    except cp.error.SolverError as exc:
        raise RuntimeError(
            f"cvxpy solver {solver} failed on the participatory LP: {exc}"
        ) from exc
    if problem.status != cp.OPTIMAL or X.value is None:
        raise RuntimeError(
            f"cvxpy solver {solver} ended with status {problem.status!r}"
        )
    return _clean_allocation(np.asarray(X.value, dtype=float), b, f"cvxpy/{solver}")


def two_agent_allocation(a, alpha, beta) -> np.ndarray:
    """Two-agent participatory optimum without an LP (Paper A, Lemma 3.1, Eq. 13).

    With ``w1 = beta_1 + alpha_2`` and ``w2 = alpha_1 + beta_2``, Eq. (12) is
    ``f = u_1 + u_2 - w1 max(D, 0) - w2 max(-D, 0)`` with ``D = u_1 - u_2``.
    For ``w1, w2 <= 1`` f is non-decreasing in ``u_1`` and ``u_2``, so some
    optimum allocates every item, and by Lemma 3.1 it gives the items with
    ``rho_j = (a_1j - a_2j)/(a_1j + a_2j)`` above a threshold ``Delta_1`` to
    agent 1 and those below to agent 2.

    Algorithm (``O(m log m)``; only the items with ``-w2 < rho_j <= w1`` are
    sorted): order the items with ``a_1j + a_2j > 0`` by ``rho_j`` descending
    (stable) and walk a threshold position ``t`` from "everything to agent 2"
    to "everything to agent 1".  Along that path ``D`` increases, and
    ``d f / d x_1j = (a_1j + a_2j)(rho_j + w2)`` while ``D < 0`` and
    ``(a_1j + a_2j)(rho_j - w1)`` while ``D > 0``; both are non-increasing along
    the path, so f is unimodal and its maximum is the first point where the
    slope turns non-positive.  With ``p = #{rho_j > w1}``,
    ``q = #{rho_j > -w2}`` (``p <= q``) and ``D_k`` the value of ``D`` when the
    first ``k`` sorted items go to agent 1 (``D_p`` and ``D_q`` need no sort):

    * ``D_p >= 0``: give the first ``p`` items to agent 1 (``Delta_1 = w1``);
    * ``D_q <= 0``: give the first ``q`` items to agent 1 (``Delta_1 = -w2``);
    * otherwise ``u_1 = u_2`` is optimal (``Delta_1`` strictly inside
      ``[-w2, w1]``): sort the ``q - p`` middle items, find ``k`` with
      ``D_k < 0 <= D_{k+1}`` (``D_{k+1} = D_k + a_1k + a_2k``) and split item
      ``k`` with ``x_1k = -D_k / (a_1k + a_2k)``, which makes ``u_1 = u_2``.

    Items with ``a_1j = a_2j = 0`` are worth nothing to anyone and go to
    agent 1.  On ties (zero slope) the optimum is not unique and the one with
    fewer items for agent 1 is returned.

    Parameters
    ----------
    a : array_like, shape (2, m)
        Utility coefficients (finite, >= 0).
    alpha, beta : float or array_like, shape (2,)
        Inequality aversion (>= 0) with ``beta_1 + alpha_2 <= 1`` and
        ``alpha_1 + beta_2 <= 1`` (implied by the paper's ``< 1/2``).  Beyond
        that, discarding items can be optimal under ``sum_i x_ij <= 1`` and the
        threshold structure no longer describes the optimum: use
        ``participatory_allocation``.

    Returns
    -------
    numpy.ndarray, shape (2, m)
        An optimal allocation for ``b = 1``; every item is fully allocated.
    """
    a, alpha, beta, _ = validate_instance(a, alpha, beta, 1.0)
    if a.shape[0] != 2:
        raise ValueError(
            "a must have exactly 2 agent rows for two_agent_allocation, "
            f"got n = {a.shape[0]}"
        )
    w1 = beta[0] + alpha[1]
    w2 = alpha[0] + beta[1]
    if w1 > 1.0 or w2 > 1.0:
        raise ValueError(
            "alpha and beta must satisfy beta_1 + alpha_2 <= 1 and "
            "alpha_1 + beta_2 <= 1 for two_agent_allocation "
            f"(got {w1:.6g} and {w2:.6g}); use participatory_allocation"
        )
    m = a.shape[1]
    a1, a2 = a[0], a[1]
    s = a1 + a2
    live = s > 0
    rho = np.divide(a1 - a2, s, out=np.zeros(m), where=live)
    hi = live & (rho > w1)  # the first p items of the walk
    to_1 = live & (rho > -w2)  # the first q items of the walk
    x = np.zeros((2, m))
    d_p = a1[hi].sum() - a2[live & ~hi].sum()  # D_p
    d_q = a1[to_1].sum() - a2[live & ~to_1].sum()  # D_q
    if d_p >= 0:
        x[0, hi] = 1.0
    elif d_q <= 0:
        x[0, to_1] = 1.0
    else:
        # u_1 = u_2 at the optimum: walk the items with -w2 < rho_j <= w1 (by rho
        # descending, stable) up from D_p; D_{p+k} = D_p + (a_1 + a_2 of k of them).
        x[0, hi] = 1.0
        mid = np.flatnonzero(to_1 & ~hi)
        mid = mid[np.argsort(-rho[mid], kind="stable")]
        d = d_p + np.cumsum(s[mid])
        # D_{p+k} < 0 <= D_{p+k+1}
        k = min(int(np.searchsorted(d, 0.0, side="left")), mid.size - 1)
        x[0, mid[:k]] = 1.0
        before = d_p if k == 0 else d[k - 1]
        x[0, mid[k]] = min(1.0, max(0.0, -before / s[mid[k]]))
    x[0, ~live] = 1.0  # items nobody values: agent 1 (any split is optimal)
    x[1, live] = 1.0 - x[0, live]
    return x
