"""Paper A: divisible goods with Fehr–Schmidt inequality-averse agents.

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §2–3.  Agent ``i`` has linear utility
``u_i(x) = sum_j a_ij x_ij`` (Eq. 1) and aggregated value (Eq. 9)

    v_i(x) = u_i(x) - alpha_i I_i^+(x) - beta_i I_i^-(x),

with the disadvantageous / advantageous inequality terms of Eq. (10)–(11).
The participatory designer maximizes ``f(v(x)) = sum_i v_i(x)``; the standard
designer maximizes ``f(u(x)) = sum_i u_i(x)``.  Both optimize over

    X_b = {x : 0 <= x_ij <= b_j, sum_i x_ij <= 1}

(``b_j = 1`` is the unrestricted setting of §3.1; ``b_j < 1`` the per-agent
share cap of §3.2).

Solvers
-------
``utilitarian_allocation``
    ``x*`` of Eq. (2), greedy per item (exact).
``participatory_allocation`` / ``solve_participatory``
    ``x^{alpha,beta}`` of Eq. (3) as one sparse LP solved by HiGHS (fast path).
``participatory_allocation_cvxpy``
    The same LP written readably in cvxpy (second, independent formulation).
``two_agent_allocation``
    ``x^{alpha,beta}`` for ``n = 2``, ``b = 1`` from the threshold structure of
    Lemma 3.1 in ``O(m log m)``, no LP.

Metrics and bounds
------------------
``loss`` (Eq. 4), ``gain`` (Eq. 5), ``individual_tradeoff`` (Eq. 8);
``two_agent_threshold`` (Theorem 3.2), ``pairwise_threshold`` (Eq. 17),
``item_loss_coefficients`` (Eq. 18), ``loss_bound`` (Eq. 19).

Tie-breaking
------------
``x*`` and ``x^{alpha,beta}`` need not be unique.  ``loss`` is the same for every
choice of ``x*``, but ``gain`` and ``individual_tradeoff`` depend on which
optima are returned; this module returns the deterministic ``x*`` of
``utilitarian_allocation`` (ties go to the lower agent index) and whichever
optimal vertex HiGHS returns for ``x^{alpha,beta}``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from . import _validate as V

__all__ = [
    "utilities",
    "inequality_terms",
    "fs_values",
    "fs_welfare",
    "utilitarian_allocation",
    "ParticipatoryResult",
    "solve_participatory",
    "participatory_allocation",
    "participatory_allocation_cvxpy",
    "two_agent_allocation",
    "loss",
    "gain",
    "individual_tradeoff",
    "two_agent_threshold",
    "pairwise_threshold",
    "item_loss_coefficients",
    "loss_bound",
]

#: Slack allowed when checking that a solver's allocation is feasible before
#: it is cleaned (clipped to the box, columns rescaled); anything larger is a
#: solver failure and raises ``RuntimeError``.
FEASIBILITY_TOL = 1e-6

#: Tolerance for "1/b_j is an integer" in Theorem 3.4.
INTEGER_TOL = 1e-9


# ---------------------------------------------------------------------------
# Model: utilities and Fehr–Schmidt values (Eq. 1, 9–11)
# ---------------------------------------------------------------------------

def utilities(a, x) -> np.ndarray:
    """Linear utilities ``u_i(x) = sum_j a_ij x_ij`` (Paper A, Eq. 1).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Non-negative, finite utility coefficients.
    x : array_like, shape (n, m)
        Allocation: ``x_ij`` is the share of item ``j`` given to agent ``i``.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    a = V.utility_matrix(a, "a")
    x = V.allocation_matrix(x, a.shape, "x")
    return np.einsum("ij,ij->i", a, x)


def inequality_terms(u) -> tuple[np.ndarray, np.ndarray]:
    """Fehr–Schmidt inequality terms ``(I^+, I^-)`` of a utility profile (Paper A, Eq. 10–11).

    ``I_i^+ = (1/(n-1)) sum_{k: u_k >= u_i} (u_k - u_i)`` (disadvantageous) and
    ``I_i^- = (1/(n-1)) sum_{k: u_k < u_i} (u_i - u_k)`` (advantageous).

    Parameters
    ----------
    u : array_like, shape (n,)
        Utility profile, ``n >= 2``.
    """
    u = np.asarray(u, dtype=float)
    if u.ndim != 1 or u.size < 2:
        raise ValueError(f"u must be a 1-D utility profile of at least 2 agents, got shape {u.shape}")
    if not np.all(np.isfinite(u)):
        raise ValueError("u must be finite")
    diff = u[None, :] - u[:, None]  # diff[i, k] = u_k - u_i
    n = u.size
    i_plus = np.clip(diff, 0.0, None).sum(axis=1) / (n - 1)
    i_minus = np.clip(-diff, 0.0, None).sum(axis=1) / (n - 1)
    return i_plus, i_minus


def fs_values(a, x, alpha, beta) -> np.ndarray:
    """Aggregated values ``v_i(x) = u_i - alpha_i I_i^+ - beta_i I_i^-`` (Paper A, Eq. 9).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    x : array_like, shape (n, m)
        Feasible allocation (entries in [0, 1], column sums <= 1).
    alpha, beta : float or array_like, shape (n,)
        Disadvantageous and advantageous inequality aversion (>= 0).

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    a = V.utility_matrix(a, "a", min_agents=2)
    n = a.shape[0]
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    u = utilities(a, x)
    i_plus, i_minus = inequality_terms(u)
    return u - alpha * i_plus - beta * i_minus


def fs_welfare(a, x, alpha, beta) -> float:
    """Participatory social welfare ``f(v(x)) = sum_i v_i(x)`` (Paper A, Definition 2.3 with Eq. 9–11)."""
    return float(fs_values(a, x, alpha, beta).sum())


# ---------------------------------------------------------------------------
# Input checks shared by the solvers below
# ---------------------------------------------------------------------------

def _instance(a, alpha, beta, b, *, min_agents: int = 2):
    """Validated ``(a, alpha, beta, b)`` as float arrays of shapes (n, m), (n,), (n,), (m,)."""
    a = V.utility_matrix(a, "a", min_agents=min_agents)
    n, m = a.shape
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    b = V.per_item_share(b, m, "b")
    return a, alpha, beta, b


def _require_below_half(alpha: np.ndarray, beta: np.ndarray, what: str) -> None:
    """Raise unless every ``alpha_i, beta_i < 1/2`` (the standing assumption of Paper A, §2.2)."""
    for name, arr in (("alpha", alpha), ("beta", beta)):
        if np.any(arr >= 0.5):
            raise ValueError(
                f"{name} must be < 1/2 for every agent: {what} assumes alpha_i, beta_i < 1/2 "
                f"(Paper A, §2.2), found {name} = {arr.max():.6g}"
            )


def _integer_inverse_share(b: np.ndarray) -> np.ndarray:
    """``1/b_j`` as integers; ``ValueError`` unless each is an integer within ``INTEGER_TOL``."""
    inv = 1.0 / b
    k = np.rint(inv)
    bad = np.abs(inv - k) > INTEGER_TOL
    if np.any(bad):
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"b must have 1/b_j an integer for every item (Theorem 3.4 assumes 1/b_j in N), "
            f"found b[{j}] = {b[j]:.6g} (1/b = {inv[j]:.6g})"
        )
    return k.astype(np.int64)


def _pair_weights(alpha: np.ndarray, beta: np.ndarray):
    """Unordered pairs ``i < k`` and the weights of Eq. (12)'s n-agent analogue.

    ``f(v) = sum_i u_i - sum_{i<k} max(w1 (u_i - u_k), w2 (u_k - u_i))`` with
    ``w1 = (beta_i + alpha_k)/(n-1)`` (paid when ``u_i > u_k``) and
    ``w2 = (alpha_i + beta_k)/(n-1)`` (paid when ``u_k > u_i``); this follows
    from Eq. (9)–(11) (Paper A, Eq. 89).
    """
    n = alpha.size
    i, k = np.triu_indices(n, 1)
    w1 = (beta[i] + alpha[k]) / (n - 1)
    w2 = (alpha[i] + beta[k]) / (n - 1)
    return i, k, w1, w2


def _clean_allocation(x: np.ndarray, b: np.ndarray, source: str) -> np.ndarray:
    """Project a solver's allocation onto ``X_b`` after checking it is feasible up to ``FEASIBILITY_TOL``.

    Entries are clipped to ``[0, b_j]`` and a column whose sum exceeds 1 (by
    solver round-off only) is scaled down to sum 1.
    """
    scale = max(1.0, float(np.max(b)))
    over_box = max(float(np.max(-x, initial=0.0)), float(np.max(x - b[None, :], initial=0.0)))
    over_col = float(np.max(x.sum(axis=0) - 1.0, initial=0.0))
    if max(over_box, over_col) > FEASIBILITY_TOL * scale:
        raise RuntimeError(
            f"{source} returned an infeasible allocation (violation {max(over_box, over_col):.3g})"
        )
    x = np.clip(x, 0.0, b[None, :])
    col = x.sum(axis=0)
    over = col > 1.0
    if np.any(over):
        x[:, over] /= col[over]
    return x


# ---------------------------------------------------------------------------
# Standard (utilitarian) optimum x* (Eq. 2)
# ---------------------------------------------------------------------------

def utilitarian_allocation(a, b=1.0) -> np.ndarray:
    """Utilitarian optimum ``x* = argmax_{x in X_b} sum_i u_i(x)`` (Paper A, Eq. 2 with ``h* = u_i``).

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
    n, m = a.shape
    b = V.per_item_share(b, m, "b")
    inv = 1.0 / b
    k = np.floor(inv + INTEGER_TOL).astype(np.int64)  # agents that receive a full b_j
    rem = np.where(np.abs(inv - np.rint(inv)) <= INTEGER_TOL, 0.0, np.clip(1.0 - k * b, 0.0, None))
    order = np.argsort(-a, axis=0, kind="stable")  # order[r, j]: agent of rank r for item j
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n)[:, None], axis=0)
    x = np.where(rank < k[None, :], b[None, :], np.where(rank == k[None, :], rem[None, :], 0.0))
    return x


# ---------------------------------------------------------------------------
# Participatory optimum x^{alpha,beta} (Eq. 3, 9–11): sparse LP, HiGHS
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _LP:
    """``min c @ z  s.t.  A_ub z <= b_ub, A_eq z = b_eq, bounds``; ``z = (x.ravel(), u, t)``."""

    c: np.ndarray
    A_ub: sp.csc_array
    b_ub: np.ndarray
    A_eq: sp.csc_array
    b_eq: np.ndarray
    bounds: np.ndarray
    n: int
    m: int


@dataclass(frozen=True)
class ParticipatoryResult:
    """Solution of the participatory LP (Paper A, Eq. 3 with Eq. 9–11).

    Attributes
    ----------
    x : numpy.ndarray, shape (n, m)
        The allocation ``x^{alpha,beta}`` (feasible: cleaned onto ``X_b``).
    objective : float
        ``f(v(x))`` as reported by the solver.
    status : str
        ``"optimal"`` (anything else raises before a result is built).
    message : str
        The solver's message.
    solver : str
        Which solver answered.
    """

    x: np.ndarray
    objective: float
    status: str
    message: str
    solver: str


def _build_participatory_lp(a: np.ndarray, alpha: np.ndarray, beta: np.ndarray, b: np.ndarray) -> _LP:
    """Sparse LP for ``max_{x in X_b} f(v(x))`` (Paper A, Eq. 89 and the LP of the proof of Lemma 3.3).

    Variables ``z = (x_11..x_nm, u_1..u_n, t_1..t_P)`` with one ``t_p`` per
    unordered pair ``p = (i < k)``::

        min  -sum_i u_i + sum_p t_p
        s.t. w1_p (u_i - u_k) - t_p <= 0,   w2_p (u_k - u_i) - t_p <= 0   (2P rows, 3 nonzeros each)
             sum_i x_ij <= 1                                            (m rows)
             u_i - sum_j a_ij x_ij = 0                                  (n rows)
             0 <= x_ij <= b_j,  u_i >= 0,  t_p >= 0.

    At an optimum ``t_p = max(w1_p (u_i - u_k), w2_p (u_k - u_i))`` (both
    weights are >= 0), so ``-objective = f(v(x))``.  The utility variables
    ``u_i`` keep each pair row at 3 nonzeros instead of ``2m + 1``; substituting
    ``u_i = sum_j a_ij x_ij`` gives back the pair formulation verbatim.
    Built by index arithmetic only (no loop over agents, items or pairs).
    """
    n, m = a.shape
    nx = n * m
    iu, it = nx, nx + n
    pi, pk, w1, w2 = _pair_weights(alpha, beta)
    P = pi.size
    p = np.arange(P)
    ones_p = np.ones(P)

    rows = np.concatenate([p, p, p, P + p, P + p, P + p, 2 * P + np.tile(np.arange(m), n)])
    cols = np.concatenate([iu + pi, iu + pk, it + p, iu + pk, iu + pi, it + p, np.arange(nx)])
    vals = np.concatenate([w1, -w1, -ones_p, w2, -w2, -ones_p, np.ones(nx)])
    keep = vals != 0.0
    A_ub = sp.csc_array((vals[keep], (rows[keep], cols[keep])), shape=(2 * P + m, nx + n + P))
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
    return _LP(c, A_ub, b_ub, A_eq, b_eq, bounds, n, m)


def _solve_lp(lp: _LP):
    """Solve with HiGHS through ``scipy.optimize.linprog``; ``RuntimeError`` unless optimal."""
    res = scipy.optimize.linprog(
        lp.c, A_ub=lp.A_ub, b_ub=lp.b_ub, A_eq=lp.A_eq, b_eq=lp.b_eq, bounds=lp.bounds, method="highs"
    )
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"HiGHS did not solve the participatory LP (status {res.status}): {res.message}")
    return res


def solve_participatory(a, alpha, beta, b=1.0) -> ParticipatoryResult:
    """Participatory optimum with solver details (Paper A, Eq. 3 with Eq. 9–11; LP of Appendix G.1).

    Maximizes ``f(v(x)) = sum_i v_i(x)`` over ``X_b`` as one sparse LP with one
    auxiliary variable per unordered pair of agents (see
    ``_build_participatory_lp``), solved by HiGHS (``linprog(method="highs")``).

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
    ParticipatoryResult

    Raises
    ------
    ValueError
        On invalid input (the message names the argument).
    RuntimeError
        If HiGHS ends with any status other than optimal (its message is
        included), or returns an allocation outside ``X_b`` by more than
        ``FEASIBILITY_TOL``.
    """
    a, alpha, beta, b = _instance(a, alpha, beta, b)
    lp = _build_participatory_lp(a, alpha, beta, b)
    res = _solve_lp(lp)
    n, m = a.shape
    x = _clean_allocation(res.x[: n * m].reshape(n, m), b, "HiGHS")
    return ParticipatoryResult(x=x, objective=float(-res.fun), status="optimal", message=str(res.message), solver="highs")


def participatory_allocation(a, alpha, beta, b=1.0) -> np.ndarray:
    """Participatory optimum ``x^{alpha,beta} = argmax_{x in X_b} f(v(x))`` (Paper A, Eq. 3, 9–11).

    Same as ``solve_participatory(a, alpha, beta, b).x``; see there for the
    parameters, the LP and the errors raised.

    Returns
    -------
    numpy.ndarray, shape (n, m)
    """
    return solve_participatory(a, alpha, beta, b).x


def _default_cvxpy_solver():
    import cvxpy as cp

    return cp.HIGHS if cp.HIGHS in cp.installed_solvers() else cp.CLARABEL


def participatory_allocation_cvxpy(a, alpha, beta, b=1.0, solver=None) -> np.ndarray:
    """Participatory optimum, second formulation in cvxpy (Paper A, Eq. 3 with Eq. 9–11).

    Readable model of the same problem::

        X = Variable((n, m)),  u = sum(multiply(a, X), axis=1),  d = D @ u
        maximize  sum(u) - sum(maximum(w1 * d, -w2 * d))
        s.t.      0 <= X <= b,  sum(X, axis=0) <= 1

    where ``D`` is the constant sparse ``(P, n)`` difference matrix of the
    unordered pairs ``i < k`` (row ``p`` is ``e_i - e_k``) and ``w1, w2`` are the
    pair weights ``(beta_i + alpha_k)/(n-1)`` and ``(alpha_i + beta_k)/(n-1)``.

    Parameters
    ----------
    a, alpha, beta, b
        As in ``solve_participatory``.
    solver : str, optional
        A cvxpy solver name.  Default: ``cvxpy.HIGHS`` if it is installed,
        otherwise ``cvxpy.CLARABEL``; exactly that solver is called, with no
        fall-back.

    Returns
    -------
    numpy.ndarray, shape (n, m)

    Raises
    ------
    RuntimeError
        If the named solver fails or ends with a status other than optimal.
    """
    import cvxpy as cp

    a, alpha, beta, b = _instance(a, alpha, beta, b)
    n, m = a.shape
    solver = _default_cvxpy_solver() if solver is None else solver
    pi, pk, w1, w2 = _pair_weights(alpha, beta)
    P = pi.size
    D = sp.csr_array(
        (np.concatenate([np.ones(P), -np.ones(P)]), (np.tile(np.arange(P), 2), np.concatenate([pi, pk]))),
        shape=(P, n),
    )
    X = cp.Variable((n, m), nonneg=True)
    u = cp.sum(cp.multiply(a, X), axis=1)
    d = D @ u
    objective = cp.Maximize(cp.sum(u) - cp.sum(cp.maximum(cp.multiply(w1, d), cp.multiply(-w2, d))))
    constraints = [X <= np.broadcast_to(b, (n, m)), cp.sum(X, axis=0) <= 1]
    problem = cp.Problem(objective, constraints)
    try:
        problem.solve(solver=solver)
    except cp.error.SolverError as exc:
        raise RuntimeError(f"cvxpy solver {solver} failed on the participatory LP: {exc}") from exc
    if problem.status != cp.OPTIMAL or X.value is None:
        raise RuntimeError(f"cvxpy solver {solver} ended with status {problem.status!r}")
    return _clean_allocation(np.asarray(X.value, dtype=float), b, f"cvxpy/{solver}")


# ---------------------------------------------------------------------------
# Two agents: Lemma 3.1 closed form
# ---------------------------------------------------------------------------

def two_agent_allocation(a, alpha, beta) -> np.ndarray:
    """Participatory optimum for two agents from Lemma 3.1, without an LP (Paper A, Lemma 3.1, Eq. 12–13).

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
    a, alpha, beta, _ = _instance(a, alpha, beta, 1.0)
    if a.shape[0] != 2:
        raise ValueError(f"a must have exactly 2 agent rows for two_agent_allocation, got n = {a.shape[0]}")
    w1 = beta[0] + alpha[1]
    w2 = alpha[0] + beta[1]
    if w1 > 1.0 or w2 > 1.0:
        raise ValueError(
            "alpha and beta must satisfy beta_1 + alpha_2 <= 1 and alpha_1 + beta_2 <= 1 for "
            f"two_agent_allocation (got {w1:.6g} and {w2:.6g}); use participatory_allocation"
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
        # u_1 = u_2 at the optimum: walk the items with -w2 < rho_j <= w1 (sorted by rho
        # descending, stable) from D_p upwards; D_{p+k} = D_p + (a_1 + a_2 of the first k of them).
        x[0, hi] = 1.0
        mid = np.flatnonzero(to_1 & ~hi)
        mid = mid[np.argsort(-rho[mid], kind="stable")]
        d = d_p + np.cumsum(s[mid])
        k = min(int(np.searchsorted(d, 0.0, side="left")), mid.size - 1)  # D_{p+k} < 0 <= D_{p+k+1}
        x[0, mid[:k]] = 1.0
        before = d_p if k == 0 else d[k - 1]
        x[0, mid[k]] = min(1.0, max(0.0, -before / s[mid[k]]))
    x[0, ~live] = 1.0  # items nobody values: agent 1 (any split is optimal)
    x[1, live] = 1.0 - x[0, live]
    return x


# ---------------------------------------------------------------------------
# Loss, gain, individual tradeoffs (Eq. 4, 5, 8)
# ---------------------------------------------------------------------------

def _both_optima(a, alpha, beta, b):
    a, alpha, beta, b = _instance(a, alpha, beta, b)
    return a, alpha, beta, b, utilitarian_allocation(a, b), participatory_allocation(a, alpha, beta, b)


def loss(a, alpha, beta, b=1.0) -> float:
    """Loss in utilitarian welfare ``f(u(x*)) - f(u(x^{alpha,beta}))`` (Paper A, Eq. 4 with ``h* = u_i``).

    Parameters
    ----------
    a, alpha, beta, b
        As in ``solve_participatory``.

    Returns
    -------
    float
        Non-negative up to solver round-off (not clamped).  Independent of
        which utilitarian optimum ``x*`` is used.
    """
    a, _, _, _, xs, xab = _both_optima(a, alpha, beta, b)
    return float(np.sum(a * xs) - np.sum(a * xab))


def gain(a, alpha, beta, b=1.0) -> float:
    """Gain in participatory welfare ``f(v(x^{alpha,beta})) - f(v(x*))`` (Paper A, Eq. 5, Eq. 9–11).

    Parameters
    ----------
    a, alpha, beta, b
        As in ``solve_participatory``.

    Returns
    -------
    float
        Non-negative up to solver round-off (not clamped).  When the
        utilitarian optimum is not unique the value depends on the ``x*``
        returned by ``utilitarian_allocation`` (ties to the lower index).
    """
    a, alpha, beta, _, xs, xab = _both_optima(a, alpha, beta, b)
    return fs_welfare(a, xab, alpha, beta) - fs_welfare(a, xs, alpha, beta)


def individual_tradeoff(a, alpha, beta, b=1.0, *, zero_tol: float = 1e-12) -> float:
    """Individual tradeoffs ``IT = max_i u_i(x*) / u_i(x^{alpha,beta})`` (Paper A, Eq. 8 / Eq. 28).

    Parameters
    ----------
    a, alpha, beta, b
        As in ``solve_participatory``.
    zero_tol : float, default 1e-12
        A utility ``<= zero_tol * max(1, max_i sum_j a_ij)`` counts as 0.

    Returns
    -------
    float
        The maximum over agents of the ratio, where an agent with
        ``u_i(x^{alpha,beta}) = 0`` contributes ``inf`` if ``u_i(x*) > 0`` and
        ``1`` if ``u_i(x*) = 0`` too (nothing lost).  The value depends on
        which optima are returned when they are not unique (see the module
        notes).
    """
    if not (np.isscalar(zero_tol) and np.isfinite(zero_tol) and zero_tol >= 0):
        raise ValueError(f"zero_tol must be a finite number >= 0, got {zero_tol!r}")
    a, _, _, _, xs, xab = _both_optima(a, alpha, beta, b)
    us = np.einsum("ij,ij->i", a, xs)
    uab = np.einsum("ij,ij->i", a, xab)
    tol = zero_tol * max(1.0, float(a.sum(axis=1).max()))
    return float(_tradeoff_ratios(us, uab, tol).max())


def _tradeoff_ratios(us: np.ndarray, uab: np.ndarray, tol: float) -> np.ndarray:
    """Per-agent ``u_i(x*) / u_i(x^{alpha,beta})`` with utilities ``<= tol`` read as 0.

    ``0/0 -> 1`` (nothing lost), ``positive/0 -> inf``, ``0/positive -> 0``.
    """
    num_zero = us <= tol
    den_zero = uab <= tol
    safe = np.where(den_zero, 1.0, uab)
    ratio = np.where(num_zero, 0.0, us / safe)
    return np.where(den_zero, np.where(num_zero, 1.0, np.inf), ratio)


# ---------------------------------------------------------------------------
# Thresholds and the loss bound (Lemma 3.1, Theorem 3.2, Lemma 3.3, Theorem 3.4)
# ---------------------------------------------------------------------------

def two_agent_threshold(alpha, beta) -> tuple[np.ndarray, np.ndarray]:
    """Two-agent thresholds ``r_i`` and loss coefficients ``c_i`` (Paper A, Theorem 3.2, Eq. 14–15).

    ``r_i = (1 - beta_i - alpha_{-i}) / (1 + beta_i + alpha_{-i})`` and
    ``c_i = 1 - r_i = 2 (beta_i + alpha_{-i}) / (1 + beta_i + alpha_{-i})``.
    If agent ``i`` is better off, an item she values more is moved to the
    other agent only if ``a_{-i j} >= r_i a_ij``.

    Parameters
    ----------
    alpha, beta : float or array_like, shape (2,)
        Inequality aversion in ``[0, 1/2)``.

    Returns
    -------
    r, c : numpy.ndarray, shape (2,)

    Raises
    ------
    ValueError
        If any ``alpha_i`` or ``beta_i`` is outside ``[0, 1/2)`` (the theorem's
        assumption).
    """
    alpha = V.per_agent(alpha, 2, "alpha")
    beta = V.per_agent(beta, 2, "beta")
    _require_below_half(alpha, beta, "Theorem 3.2")
    s = beta + alpha[::-1]
    return (1.0 - s) / (1.0 + s), 2.0 * s / (1.0 + s)


def pairwise_threshold(alpha, beta, n: int | None = None) -> np.ndarray:
    """Reallocation thresholds ``r_ik`` of Lemma 3.3 (Paper A, Eq. 17).

    ``r_ik = (1 - beta_i - (||alpha||_1 - alpha_i)/(n-1)) / (1 + alpha_k + (||beta||_1 - beta_k)/(n-1))``.
    At every participatory optimum, if ``x_ij < b_j`` and ``x_kj > 0`` then
    ``a_kj >= r_ik a_ij``.

    Parameters
    ----------
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``.
    n : int, optional
        Number of agents; required when both ``alpha`` and ``beta`` are scalars.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        ``r[i, k]``.  The diagonal is the formula evaluated at ``i = k`` and has
        no meaning in the lemma.

    Raises
    ------
    ValueError
        If ``n < 2``, shapes disagree, or any ``alpha_i, beta_i`` is outside
        ``[0, 1/2)``.
    """
    n = _agent_count(alpha, beta, n)
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    _require_below_half(alpha, beta, "Lemma 3.3")
    num = 1.0 - beta - (alpha.sum() - alpha) / (n - 1)
    den = 1.0 + alpha + (beta.sum() - beta) / (n - 1)
    return num[:, None] / den[None, :]


def _agent_count(alpha, beta, n) -> int:
    sizes = {np.size(v) for v in (alpha, beta) if np.ndim(v) > 0}
    if n is None:
        if not sizes:
            raise ValueError("n must be given when alpha and beta are both scalars")
        n = max(sizes)
    n = V.positive_int(n, "n", minimum=2)
    return n


def item_loss_coefficients(a, alpha, beta, b=1.0) -> np.ndarray:
    """Per-item loss coefficients ``c_j(alpha, beta)`` of Theorem 3.4 (Paper A, Eq. 18).

    ``c_j = (beta_{m,top_j} + alpha_m + (||alpha||_1 + ||beta||_1)/(n-1)) / (1 + alpha_m + ||beta||_1/(n-1))``
    with ``alpha_m = max_i alpha_i`` and ``beta_{m,top_j}`` the largest
    ``beta_i`` over ``top_j``, the ``1/b_j`` agents with the largest ``a_ij``.

    ``top_j`` is the set that ``utilitarian_allocation`` fills (ties in
    ``a_ij`` go to the lower index; the proof of Theorem 3.4 holds for any
    utilitarian optimum, so every tie-break gives a valid bound).  If
    ``1/b_j > n`` then ``top_j`` is all ``n`` agents: ``x*`` gives everyone
    ``b_j``, and so does ``x^{alpha,beta}`` (every agent's marginal welfare is
    positive when ``alpha_i, beta_i < 1/2``), so the loss on item ``j`` is 0
    and the bound holds trivially.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``.
    b : float or array_like, shape (m,), default 1.0
        Share caps with ``1/b_j`` an integer (within ``1e-9``).

    Returns
    -------
    numpy.ndarray, shape (m,)

    Raises
    ------
    ValueError
        On invalid input, ``alpha_i`` or ``beta_i >= 1/2``, or ``1/b_j`` not an
        integer.
    """
    a, alpha, beta, b, top = _top_sets(a, alpha, beta, b)
    return _coefficients(alpha, beta, top)


def _top_sets(a, alpha, beta, b):
    a, alpha, beta, b = _instance(a, alpha, beta, b)
    _require_below_half(alpha, beta, "Theorem 3.4")
    _integer_inverse_share(b)
    top = utilitarian_allocation(a, b) > 0  # (n, m) membership of top_j
    return a, alpha, beta, b, top


def _coefficients(alpha, beta, top) -> np.ndarray:
    n = alpha.size
    beta_top = np.max(np.where(top, beta[:, None], -np.inf), axis=0)
    alpha_m = alpha.max()
    num = beta_top + alpha_m + (alpha.sum() + beta.sum()) / (n - 1)
    den = 1.0 + alpha_m + beta.sum() / (n - 1)
    return num / den


def loss_bound(a, alpha, beta, b=1.0) -> float:
    """Upper bound ``sum_j c_j(alpha, beta) a_{top_j}`` on the loss (Paper A, Theorem 3.4, Eq. 18–19).

    ``a_{top_j} = b_j sum_{i in top_j} a_ij`` is ``b_j`` times the total value
    of the ``1/b_j`` agents with the largest ``a_ij`` (all agents if
    ``1/b_j > n``); ``c_j`` is ``item_loss_coefficients``.

    Parameters
    ----------
    a, alpha, beta, b
        As in ``item_loss_coefficients``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If any ``alpha_i`` or ``beta_i >= 1/2`` ("Theorem 3.4 assumes
        alpha_i, beta_i < 1/2"), if ``1/b_j`` is not an integer, or on invalid
        input.
    """
    a, alpha, beta, b, top = _top_sets(a, alpha, beta, b)
    a_top = b * np.sum(np.where(top, a, 0.0), axis=0)
    return float(np.dot(_coefficients(alpha, beta, top), a_top))
