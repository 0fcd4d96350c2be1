"""The participatory LP at scale: column generation over agent sets (Paper A, Eq. 3).

The pair LP of :func:`fairlib.divisible.solve.build_participatory_lp` has one
variable per unordered agent pair, ``n (n - 1) / 2`` of them; HiGHS needs
about half a minute at ``n = 300``.  This module solves the same problem with
a master LP whose size grows with the optimum's structure, not with the pairs.

Formulation
-----------
The inequality penalty of Paper A's welfare (Eq. 9–11, written per pair as in
Eq. 12 and 89) is

    h(u) = sum_{i != k} c_ik max(u_i - u_k, 0),   c_ik = (beta_i + alpha_k)/(n-1),

the Lovász extension of the directed cut function
``kappa(S) = sum_{i in S, k not in S} c_ik`` (submodular, ``kappa(V) = 0``).
Hence ``h(u) = min {sum_S kappa(S) mu_S : sum_{S ni i} mu_S + lam = u_i,
mu >= 0, lam free}`` and the participatory optimum is the LP

    max  sum_ij a_ij x_ij - sum_S kappa(S) mu_S
    s.t. sum_j a_ij x_ij - sum_{S ni i} mu_S - lam = 0      (n rows, duals y_i)
         sum_i x_ij <= 1,  0 <= x_ij <= b_j,  mu >= 0.

Column generation starts with no set (``u`` all equal) and adds the sets of
negative reduced cost ``kappa(S) - y(S)``.  Pricing is exact and cheap because
``kappa(S) = ((n - s) beta(S) + s (alpha(V) - alpha(S))) / (n - 1)`` for
``|S| = s``: for each size ``s`` the best set is the ``s`` agents with the
smallest ``((n - s) beta_i - s alpha_i) / (n - 1) - y_i`` (one sort per size,
``O(n^2 log n)`` for all ``2^n`` sets).  The master is solved by HiGHS' interior
point method without crossover: its central duals avoid the stalling that the
highly degenerate vertex duals cause (identical agents).  Generation stops when
no set prices out or when the bound below already certifies the current
allocation; a final run with crossover then returns a vertex allocation.

Certificate
-----------
The dual of the full LP is ``min phi(y)`` over the base polytope
``B(kappa) = {y : y(S) <= kappa(S) for all S, y(V) = 0}``, where ``phi(y)`` is
the greedy value of ``max_{x in X_b} sum_i (1 - y_i) u_i(x)``.  By Gale's
feasibility theorem ``B(kappa)`` is exactly the set of vectors ``y = sum_p f_p
(e_i - e_k)`` with ``-c_ki <= f_p <= c_ik``, i.e. the pair multipliers of the
pair LP, so a ``y`` in ``B(kappa)`` is a dual solution of the pair LP.  For the
final ``y`` the exact pricing gives ``eps = max_S (y(S) - kappa(S))^+`` over all
sets, and for every feasible ``x``

    f(v(x)) <= phi(y) + U (eps + |y(V)|),   U = max_i sum_j a_ij b_j,

(write ``u`` along its level-set chain).  The returned allocation is accepted
only if its exact welfare ``f(v(x))`` is within ``rtol`` of that bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .model import _fs_welfare, validate_instance

__all__ = ["SetGenerationResult", "participatory_allocation_sets"]

#: Reduced cost below which a set enters the master (relative to ``1 + max c``).
PRICE_TOL = 1e-10


@dataclass(frozen=True)
class SetGenerationResult:
    """A certified participatory optimum from set generation (Paper A, Eq. 3).

    Attributes
    ----------
    x : numpy.ndarray, shape (n, m)
        The allocation (a vertex of the final master LP), on ``X_b`` up to
        HiGHS' feasibility tolerance.
    welfare : float
        ``f(v(x))`` evaluated exactly from Eq. (9)–(11) (a lower bound on the
        optimum).
    upper_bound : float
        ``phi(y) + U (eps + |y(V)|)``: an upper bound on the optimum, the
        smaller of those of the last central (interior point) dual and the
        final vertex dual (see the module docstring).
    gap : float
        ``(upper_bound - welfare) / max(1, |welfare|)``; at most ``rtol``.
    dual_violation : float
        ``eps = max_S (y(S) - kappa(S))^+`` over all ``2^n`` sets (exact
        pricing) for the dual giving ``upper_bound``: how far it is from a
        dual solution of the full LP.
    sets : int
        Set columns in the final master LP.
    rounds : int
        Master LP solves.
    """

    x: np.ndarray
    welfare: float
    upper_bound: float
    gap: float
    dual_violation: float
    sets: int
    rounds: int


def participatory_allocation_sets(
    a, alpha, beta, b=1.0, *, rtol: float = 1e-9, max_rounds: int = 500
) -> SetGenerationResult:
    """Participatory optimum by set generation, certified (Paper A, Eq. 3, 9–11).

    Solves ``max_{x in X_b} f(v(x))`` exactly like ``participatory_allocation``
    (same optimum value) through the set formulation of the module docstring,
    and checks the answer against the dual bound of the full LP.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion (>= 0).
    b : float or array_like, shape (m,), default 1.0
        Per-agent share cap in ``(0, 1]``.
    rtol : float, default 1e-9
        Largest accepted relative gap between ``f(v(x))`` and the dual bound.
    max_rounds : int, default 500
        Master LP solves allowed before giving up.

    Returns
    -------
    SetGenerationResult

    Raises
    ------
    ValueError
        On invalid input (the message names the argument).
    RuntimeError
        If HiGHS does not solve a master LP to optimality, if pricing still
        finds sets after ``max_rounds`` solves, or if the certificate fails
        (gap above ``rtol``).
    """
    a, alpha, beta, b = validate_instance(a, alpha, beta, b)
    if not (np.isscalar(rtol) and np.isfinite(rtol) and rtol > 0):
        raise ValueError(f"rtol must be a finite number > 0, got {rtol!r}")
    if not (isinstance(max_rounds, int | np.integer) and max_rounds >= 1):
        raise ValueError(f"max_rounds must be an integer >= 1, got {max_rounds!r}")
    return _solve_sets(a, alpha, beta, b, float(rtol), int(max_rounds))


def _solve_sets(a, alpha, beta, b, rtol, max_rounds) -> SetGenerationResult:
    import highspy

    n, m = a.shape
    h = _master(a, b)
    tol = PRICE_TOL * (1.0 + 2.0 * float(np.max(alpha + beta)))
    n_sets, y, final, pool = 0, None, False, set()
    for rounds in range(1, max_rounds + 2):
        h.setOptionValue("run_crossover", "on" if final else "off")
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            status = h.modelStatusToString(h.getModelStatus())
            raise RuntimeError(f"HiGHS did not solve the set master LP: {status}")
        sol = h.getSolution()
        if final:  # certify with the better of the central and the vertex duals
            x = np.asarray(sol.col_value)[: n * m].reshape(n, m).copy()
            y_vertex = -np.asarray(sol.row_dual)[:n]
            return _certify(a, alpha, beta, b, x, (y, y_vertex), rtol, n_sets, rounds)
        if rounds > max_rounds:
            break
        y = -np.asarray(sol.row_dual)[:n]
        best, order = _price(y, alpha, beta)
        enter = np.flatnonzero(best < -tol)
        x = np.asarray(sol.col_value)[: n * m].reshape(n, m)
        upper, _ = _dual_bound(a, b, y, best)
        welfare = _fs_welfare(a, _project(x, b), alpha, beta)
        if enter.size == 0 or upper - welfare <= 0.1 * rtol * max(1.0, abs(welfare)):
            final = True  # no set prices out, or the bound already certifies
            continue
        sets = [np.sort(order[s, : s + 1]) for s in enter]
        sets = [S for S in sets if S.tobytes() not in pool]
        if not sets:  # only sets already in the master: the duals are noise
            final = True
            continue
        pool.update(S.tobytes() for S in sets)
        _add_sets(h, sets, [_kappa(S, alpha, beta) for S in sets])
        n_sets += len(sets)
    raise RuntimeError(
        f"set generation did not converge in {max_rounds} master LP solves"
    )


def _master(a, b):
    """HiGHS model of the master LP with no set column yet (min form)."""
    import highspy

    n, m = a.shape
    nx = n * m
    inf = highspy.kHighsInf
    flat = a.ravel()
    nz = np.flatnonzero(flat)
    rows = np.concatenate([nz // m, np.arange(n), n + np.tile(np.arange(m), n)])
    cols = np.concatenate([nz, np.full(n, nx), np.arange(nx)])
    vals = np.concatenate([flat[nz], -np.ones(n), np.ones(nx)])
    A = sp.csc_array((vals, (rows, cols)), shape=(n + m, nx + 1))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nx + 1, n + m
    lp.col_cost_ = np.concatenate([-flat, [0.0]])
    lp.col_lower_ = np.concatenate([np.zeros(nx), [-inf]])
    lp.col_upper_ = np.concatenate([np.tile(b, n), [inf]])
    lp.row_lower_ = np.concatenate([np.zeros(n), np.full(m, -inf)])
    lp.row_upper_ = np.concatenate([np.zeros(n), np.ones(m)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    h = highspy.Highs()
    for key, value in (
        ("output_flag", False),
        ("solver", "ipm"),
        ("ipm_optimality_tolerance", 1e-12),
        ("primal_feasibility_tolerance", 1e-10),
        ("dual_feasibility_tolerance", 1e-10),
        ("random_seed", 0),
    ):
        h.setOptionValue(key, value)
    h.passModel(lp)
    return h


def _add_sets(h, sets, costs) -> None:
    """Append one column ``mu_S`` (cost ``kappa(S)``, -1 in rows S) per set."""
    import highspy

    k = len(sets)
    starts = np.cumsum([0] + [S.size for S in sets[:-1]])
    index = np.concatenate(sets).astype(np.int32)
    h.addCols(
        k,
        np.asarray(costs, dtype=float),
        np.zeros(k),
        np.full(k, highspy.kHighsInf),
        index.size,
        starts.astype(np.int32),
        index,
        -np.ones(index.size),
    )


def _kappa(S: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> float:
    """``kappa(S) = sum_{i in S, k not in S} (beta_i + alpha_k) / (n - 1)``."""
    n, s = alpha.size, S.size
    out = (n - s) * beta[S].sum() + s * (alpha.sum() - alpha[S].sum())
    return float(out / (n - 1))


def _price(y: np.ndarray, alpha: np.ndarray, beta: np.ndarray):
    """Exact pricing: ``min_{|S| = s} kappa(S) - y(S)`` for ``s = 1 .. n - 1``.

    Returns
    -------
    best : numpy.ndarray, shape (n - 1,)
        The minimum reduced cost of each size.
    order : numpy.ndarray, shape (n - 1, n)
        Row ``s - 1`` sorts the agents for size ``s``; its first ``s`` form a
        minimizing set.
    """
    n = alpha.size
    s = np.arange(1, n)[:, None]
    score = ((n - s) * beta[None, :] - s * alpha[None, :]) / (n - 1) - y[None, :]
    order = np.argsort(score, axis=1, kind="stable")
    ranked = np.take_along_axis(score, order, axis=1)
    firsts = np.cumsum(ranked, axis=1)[np.arange(n - 1), np.arange(n - 1)]
    return firsts + s[:, 0] * alpha.sum() / (n - 1), order


def _phi(a: np.ndarray, b: np.ndarray, y: np.ndarray) -> float:
    """``max_{x in X_b} sum_i (1 - y_i) u_i(x)``: per item, the best shares first."""
    w = np.maximum((1.0 - y)[:, None] * a, 0.0)
    ranked = -np.sort(-w, axis=0)
    r = np.arange(a.shape[0])[:, None]
    share = np.clip(1.0 - r * b[None, :], 0.0, b[None, :])
    return float(np.sum(ranked * share))


def _project(x: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Clip to the box and scale over-full columns (solver round-off only)."""
    x = np.clip(x, 0.0, b[None, :])
    col = x.sum(axis=0)
    x[:, col > 1.0] /= col[col > 1.0]
    return x


def _dual_bound(a, b, y, best) -> tuple[float, float]:
    """``(phi(y) + U (eps + |y(V)|), eps)``: an upper bound on the optimum."""
    eps = max(0.0, -float(best.min()))
    u_max = float(np.max(a @ b))
    return _phi(a, b, y) + u_max * (eps + abs(float(y.sum()))), eps


def _certify(a, alpha, beta, b, x, ys, rtol, n_sets, rounds) -> SetGenerationResult:
    """Check ``f(v(x))`` against the best bound of the duals ``ys``; raise if not."""
    upper, eps = min(_dual_bound(a, b, y, _price(y, alpha, beta)[0]) for y in ys)
    x = _project(x, b)
    welfare = _fs_welfare(a, x, alpha, beta)
    gap = (upper - welfare) / max(1.0, abs(welfare))
    if not gap <= rtol:
        raise RuntimeError(
            f"set generation not certified: welfare {welfare:.12g}, dual bound "
            f"{upper:.12g} (relative gap {gap:.3g} > rtol {rtol:.3g})"
        )
    return SetGenerationResult(x, welfare, upper, gap, eps, n_sets, rounds)
