"""Paper A's thresholds, loss bounds and solution structure (Lemma 3.1 – Theorem 3.4).

Two agents (§3.1): ``two_agent_threshold`` (``r_i``, ``c_i`` of Theorem 3.2),
``feasible_deltas`` (the threshold ``Delta_1`` of Lemma 3.1, Eq. 13, that an
allocation admits), ``two_agent_loss_bounds`` (Eq. 14, 15 and the sharp
constant of the companion's erratum), ``item_loss_eq14`` and ``item_gain_eq23``
(the per-item curves of Figures 1 and 2).

Many agents (§3.2): ``pairwise_threshold`` (Eq. 17), ``lemma_3_3_violations``
(Lemma 3.3's necessary condition on an allocation), ``theorem_3_4_bound`` with
``item_loss_coefficients`` (Eq. 18) and ``loss_bound`` (Eq. 19), and
``uniform_item_loss_coefficient`` (Eq. 18 when every ``alpha_i = beta_i = l``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import _validate as V
from .model import (
    integer_inverse_share,
    require_below_half,
    validate_instance,
)
from .solve import _utilitarian_allocation

__all__ = [
    "two_agent_threshold",
    "FeasibleDeltas",
    "feasible_deltas",
    "TwoAgentLossBounds",
    "two_agent_loss_bounds",
    "item_loss_eq14",
    "item_gain_eq23",
    "pairwise_threshold",
    "Lemma33Check",
    "lemma_3_3_violations",
    "LossBound",
    "theorem_3_4_bound",
    "item_loss_coefficients",
    "loss_bound",
    "uniform_item_loss_coefficient",
]

#: An allocation entry above this counts as "holds a share" (Lemma 3.1, 3.3).
SHARE_TOL = 1e-7


# ---------------------------------------------------------------------------
# Two agents: Lemma 3.1 and Theorem 3.2
# ---------------------------------------------------------------------------


def two_agent_threshold(alpha, beta) -> tuple[np.ndarray, np.ndarray]:
    """Two-agent thresholds ``r_i`` and coefficients ``c_i`` (Paper A, Theorem 3.2).

    ``r_i = (1 - beta_i - alpha_{-i}) / (1 + beta_i + alpha_{-i})`` and
    ``c_i = 1 - r_i = 2 (beta_i + alpha_{-i}) / (1 + beta_i + alpha_{-i})``
    (Eq. 14–15).  If agent ``i`` is better off, an item she values more moves
    to the other agent only if ``a_{-i j} >= r_i a_ij``.

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
        If any ``alpha_i`` or ``beta_i`` is outside ``[0, 1/2)``.
    """
    alpha = V.per_agent(alpha, 2, "alpha")
    beta = V.per_agent(beta, 2, "beta")
    require_below_half(alpha, beta, "Theorem 3.2")
    s = beta + alpha[::-1]
    return (1.0 - s) / (1.0 + s), 2.0 * s / (1.0 + s)


class FeasibleDeltas(NamedTuple):
    """The ``Delta_1`` an allocation admits and Lemma 3.1 requires (Paper A, Eq. 13).

    Attributes
    ----------
    case : str
        ``"u_1 > u_2"``, ``"u_1 < u_2"`` or ``"u_1 = u_2"`` (within ``tol``).
    lo, hi : float
        Every ``Delta_1`` in ``[lo, hi]`` (clipped to ``[-(alpha_1 + beta_2),
        beta_1 + alpha_2]``) puts each item agent 1 holds at ratio
        ``>= Delta_1`` and each item agent 2 holds at ratio ``<= Delta_1``.
    required_lo, required_hi : float
        Lemma 3.1's range for ``Delta_1`` in this case: ``beta_1 + alpha_2``
        if ``u_1 > u_2``, ``-(alpha_1 + beta_2)`` if ``u_1 < u_2``, the whole
        range at a tie.
    tol : float
        The tolerance used.
    """

    case: str
    lo: float
    hi: float
    required_lo: float
    required_hi: float
    tol: float

    @property
    def holds(self) -> bool:
        """Whether some admitted ``Delta_1`` is one Lemma 3.1 allows."""
        return (
            max(self.lo, self.required_lo) <= min(self.hi, self.required_hi) + self.tol
        )


def feasible_deltas(a, x, alpha, beta, *, tol: float = SHARE_TOL) -> FeasibleDeltas:
    """Thresholds ``Delta_1`` for which ``x`` obeys Eq. (13) (Paper A, Lemma 3.1).

    With ``rho_j = (a_1j - a_2j)/(a_1j + a_2j)`` over the items someone values,
    ``lo = max(max{rho_j : x_2j > tol}, -(alpha_1 + beta_2))`` and
    ``hi = min(min{rho_j : x_1j > tol}, beta_1 + alpha_2)``.

    Parameters
    ----------
    a : array_like, shape (2, m)
        Utility coefficients.
    x : array_like, shape (2, m)
        A feasible allocation (typically the LP optimum).
    alpha, beta : float or array_like, shape (2,)
        Inequality aversion (>= 0).
    tol : float, default 1e-7
        A share above ``tol`` counts as held; utilities within ``tol`` tie.

    Returns
    -------
    FeasibleDeltas
    """
    a, alpha, beta, _ = validate_instance(a, alpha, beta)
    if a.shape[0] != 2:
        raise ValueError(f"a must have exactly 2 agent rows, got n = {a.shape[0]}")
    x = V.allocation_matrix(x, a.shape, "x")
    tol = _tolerance(tol, "tol")
    w1, w2 = beta[0] + alpha[1], alpha[0] + beta[1]
    live = a.sum(axis=0) > 0
    rat = (a[0, live] - a[1, live]) / a[:, live].sum(axis=0)
    lo = max(rat[x[1, live] > tol].max(initial=-np.inf), -w2)
    hi = min(rat[x[0, live] > tol].min(initial=np.inf), w1)
    u = np.einsum("ij,ij->i", a, x)
    if u[0] > u[1] + tol:
        case, req = "u_1 > u_2", (w1, w1)
    elif u[1] > u[0] + tol:
        case, req = "u_1 < u_2", (-w2, -w2)
    else:
        case, req = "u_1 = u_2", (-w2, w1)
    return FeasibleDeltas(case, float(lo), float(hi), float(req[0]), float(req[1]), tol)


class TwoAgentLossBounds(NamedTuple):
    """Theorem 3.2's loss bounds for two agents (Paper A, Eq. 14–15).

    Attributes
    ----------
    agent : int
        ``i``, the agent better off under ``x*`` (0 or 1; ties give 0).
    eq14 : float
        ``sum_{j: a_ij > a_-ij} (a_ij - a_-ij) 1{a_-ij >= r_i a_ij}`` (Eq. 14).
    eq15 : float
        ``c_i sum_{j: a_ij > a_-ij} a_ij`` (Eq. 15).
    sharp : float
        ``(beta_i + alpha_-i) sum_{j: a_ij > a_-ij} a_ij``, the sharp form of
        Eq. (15) (the companion's erratum to Theorem 3.2).
    """

    agent: int
    eq14: float
    eq15: float
    sharp: float


def two_agent_loss_bounds(a, alpha, beta) -> TwoAgentLossBounds:
    """Two-agent loss bounds: Eq. (14), (15), sharp constant (Paper A, Theorem 3.2).

    Parameters
    ----------
    a : array_like, shape (2, m)
        Utility coefficients (finite, >= 0).
    alpha, beta : float or array_like, shape (2,)
        Inequality aversion in ``[0, 1/2)``.

    Returns
    -------
    TwoAgentLossBounds
    """
    a, alpha, beta, b = validate_instance(a, alpha, beta)
    if a.shape[0] != 2:
        raise ValueError(f"a must have exactly 2 agent rows, got n = {a.shape[0]}")
    r, c = two_agent_threshold(alpha, beta)
    us = np.einsum("ij,ij->i", a, _utilitarian_allocation(a, b))
    i = 0 if us[0] >= us[1] else 1
    J1 = a[i] > a[1 - i]
    eq14 = np.where(J1 & (a[1 - i] >= r[i] * a[i]), a[i] - a[1 - i], 0.0).sum()
    eq15 = c[i] * a[i, J1].sum()
    sharp = (beta[i] + alpha[1 - i]) * a[i, J1].sum()
    return TwoAgentLossBounds(i, float(eq14), float(eq15), float(sharp))


def item_loss_eq14(a2j, a1j: float, r1: float) -> np.ndarray:
    """Per-item loss ``(a_1j - a_2j) 1{r_1 a_1j <= a_2j < a_1j}`` (Paper A, Eq. 14).

    The curve of Paper A's Figure 1 against ``a_2j``.

    Parameters
    ----------
    a2j : array_like
        Agent 2's values of the item.
    a1j : float
        Agent 1's value (> 0).
    r1 : float
        The threshold ``r_1`` of Theorem 3.2, in ``(0, 1]``.
    """
    a2j = _values(a2j, "a2j")
    a1j, r1 = _positive(a1j, "a1j"), _unit(r1, "r1")
    return np.where((a2j >= r1 * a1j) & (a2j < a1j), a1j - a2j, 0.0)


def item_gain_eq23(a2j, a1j: float, delta: float, s: float) -> np.ndarray:
    """Per-item gain of Proposition 4.1 (Paper A, Eq. 23), the curve of Figure 2.

    ``gain_j = [(1 + s) a_2j - (1 - s) a_1j] 1{r_1(Delta_1) a_1j < a_2j < a_1j}``
    with ``s = beta_1 + alpha_2`` and ``r_1(Delta_1) = (1 - Delta_1)/(1 + Delta_1)``.

    Parameters
    ----------
    a2j : array_like
        Agent 2's values of the item.
    a1j : float
        Agent 1's value (> 0).
    delta : float
        ``Delta_1`` in ``[0, s]``.
    s : float
        ``beta_1 + alpha_2`` in ``[0, 1)``.
    """
    a2j = _values(a2j, "a2j")
    a1j = _positive(a1j, "a1j")
    s = _unit(s, "s", high=1.0, closed=False)
    delta = _unit(delta, "delta", high=s)
    r_delta = (1 - delta) / (1 + delta)
    inside = (a2j > r_delta * a1j) & (a2j < a1j)
    return np.where(inside, (1 + s) * a2j - (1 - s) * a1j, 0.0)


# ---------------------------------------------------------------------------
# Many agents: Lemma 3.3 and Theorem 3.4
# ---------------------------------------------------------------------------


def pairwise_threshold(alpha, beta, n: int | None = None) -> np.ndarray:
    """Reallocation thresholds ``r_ik`` of Lemma 3.3 (Paper A, Eq. 17).

    ``r_ik = (1 - beta_i - (||alpha||_1 - alpha_i)/(n-1))
    / (1 + alpha_k + (||beta||_1 - beta_k)/(n-1))``.  At every participatory
    optimum, if ``x_ij < b_j`` and ``x_kj > 0`` then ``a_kj >= r_ik a_ij``.

    Parameters
    ----------
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``.
    n : int, optional
        Number of agents; required when both ``alpha`` and ``beta`` are scalars.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        ``r[i, k]``.  The diagonal has no meaning in the lemma.

    Raises
    ------
    ValueError
        If ``n < 2``, shapes disagree, or any ``alpha_i, beta_i`` is outside
        ``[0, 1/2)``.
    """
    n = _agent_count(alpha, beta, n)
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    require_below_half(alpha, beta, "Lemma 3.3")
    return _pairwise_threshold(alpha, beta)


def _pairwise_threshold(alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    n = alpha.size
    num = 1.0 - beta - (alpha.sum() - alpha) / (n - 1)
    den = 1.0 + alpha + (beta.sum() - beta) / (n - 1)
    return num[:, None] / den[None, :]


def _agent_count(alpha, beta, n) -> int:
    sizes = {np.size(v) for v in (alpha, beta) if np.ndim(v) > 0}
    if n is None:
        if not sizes:
            raise ValueError("n must be given when alpha and beta are both scalars")
        n = max(sizes)
    return V.positive_int(n, "n", minimum=2)


@dataclass(frozen=True)
class Lemma33Check:
    """Lemma 3.3's necessary condition checked on an allocation (Paper A, Eq. 17).

    Attributes
    ----------
    premise : numpy.ndarray of bool, shape (n, n, m)
        ``[i, k, j]``: ``i != k``, ``x_ij < b_j - share_tol`` and
        ``x_kj > share_tol``, so the lemma applies.
    violated : numpy.ndarray of bool, shape (n, n, m)
        Premise holds but ``a_kj < r_ik a_ij - value_tol``.
    """

    premise: np.ndarray
    violated: np.ndarray

    @property
    def checked(self) -> int:
        """Number of triples ``(i, k, j)`` the lemma applies to."""
        return int(self.premise.sum())

    @property
    def holds(self) -> bool:
        """True when no triple violates the lemma."""
        return not bool(self.violated.any())


def lemma_3_3_violations(
    a, x, alpha, beta, b=1.0, *, share_tol: float = SHARE_TOL, value_tol: float = 1e-7
) -> Lemma33Check:
    """Triples ``(i, k, j)`` where ``x`` breaks Lemma 3.3 (Paper A, Lemma 3.3, Eq. 17).

    The lemma: if ``x_ij < b_j`` and ``x_kj > 0`` then ``a_kj >= r_ik a_ij``.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients, ``n >= 2``.
    x : array_like, shape (n, m)
        A feasible allocation (typically the LP optimum).
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``.
    b : float or array_like, shape (m,), default 1.0
        Share caps.
    share_tol, value_tol : float
        Slack on the shares (premise) and on ``a_kj - r_ik a_ij`` (conclusion).

    Returns
    -------
    Lemma33Check
    """
    a, alpha, beta, b = validate_instance(a, alpha, beta, b)
    x = V.allocation_matrix(x, a.shape, "x")
    share_tol = _tolerance(share_tol, "share_tol")
    value_tol = _tolerance(value_tol, "value_tol")
    require_below_half(alpha, beta, "Lemma 3.3")
    r = _pairwise_threshold(alpha, beta)
    off = ~np.eye(a.shape[0], dtype=bool)[:, :, None]
    below, gets = x < b - share_tol, x > share_tol
    premise = below[:, None, :] & gets[None, :, :] & off  # [i, k, j]
    short = a[None, :, :] < r[:, :, None] * a[:, None, :] - value_tol
    return Lemma33Check(premise, premise & short)


@dataclass(frozen=True)
class LossBound:
    """Theorem 3.4's bound ``sum_j c_j a_top_j`` on the loss (Paper A, Eq. 18–19).

    Attributes
    ----------
    coefficients : numpy.ndarray, shape (m,)
        ``c_j(alpha, beta)`` of Eq. (18).
    a_top : numpy.ndarray, shape (m,)
        ``a_top_j = b_j sum_{i in top_j} a_ij``.
    """

    coefficients: np.ndarray
    a_top: np.ndarray

    @property
    def value(self) -> float:
        """The bound of Eq. (19)."""
        return float(np.dot(self.coefficients, self.a_top))


def theorem_3_4_bound(a, alpha, beta, b=1.0) -> LossBound:
    """Per-item coefficients and the loss bound of Theorem 3.4 (Paper A, Eq. 18–19).

    ``c_j = (beta_{m,top_j} + alpha_m + (||alpha||_1 + ||beta||_1)/(n-1))
    / (1 + alpha_m + ||beta||_1/(n-1))`` with ``alpha_m = max_i alpha_i`` and
    ``beta_{m,top_j}`` the largest ``beta_i`` over ``top_j``, the ``1/b_j``
    agents with the largest ``a_ij``; ``a_top_j = b_j sum_{i in top_j} a_ij``.

    ``top_j`` is the set ``utilitarian_allocation`` fills (ties to the lower
    index; the proof holds for any utilitarian optimum).  If ``1/b_j > n``,
    ``top_j`` is everyone: ``x*`` and ``x^{alpha,beta}`` both give each agent
    ``b_j`` (marginal welfare is positive when ``alpha_i, beta_i < 1/2``), the
    loss on item ``j`` is 0 and the bound holds trivially.

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
    LossBound

    Raises
    ------
    ValueError
        If any ``alpha_i`` or ``beta_i >= 1/2`` ("Theorem 3.4 assumes
        alpha_i, beta_i < 1/2"), if ``1/b_j`` is not an integer, or on invalid
        input.
    """
    a, alpha, beta, b = validate_instance(a, alpha, beta, b)
    return _loss_bound_terms(alpha, beta, b, a, _utilitarian_allocation(a, b))


def _loss_bound_terms(alpha, beta, b, a, x_star) -> LossBound:
    """:func:`theorem_3_4_bound` from a checked instance and its ``x*``.

    Checks Theorem 3.4's assumptions (``alpha_i, beta_i < 1/2``, ``1/b_j``
    integer) before anything else.
    """
    require_below_half(alpha, beta, "Theorem 3.4")
    integer_inverse_share(b)
    top = x_star > 0  # (n, m) membership of top_j
    n = alpha.size
    beta_top = np.max(np.where(top, beta[:, None], -np.inf), axis=0)
    alpha_m = alpha.max()
    num = beta_top + alpha_m + (alpha.sum() + beta.sum()) / (n - 1)
    den = 1.0 + alpha_m + beta.sum() / (n - 1)
    a_top = b * np.sum(np.where(top, a, 0.0), axis=0)
    return LossBound(num / den, a_top)


def item_loss_coefficients(a, alpha, beta, b=1.0) -> np.ndarray:
    """Per-item loss coefficients ``c_j(alpha, beta)`` (Paper A, Theorem 3.4, Eq. 18).

    ``theorem_3_4_bound(a, alpha, beta, b).coefficients``.

    Parameters
    ----------
    a, alpha, beta, b
        As in :func:`theorem_3_4_bound` (same errors).

    Returns
    -------
    numpy.ndarray, shape (m,)
    """
    return theorem_3_4_bound(a, alpha, beta, b).coefficients


def loss_bound(a, alpha, beta, b=1.0) -> float:
    """Loss bound ``sum_j c_j(alpha, beta) a_top_j`` (Paper A, Theorem 3.4, Eq. 19).

    ``theorem_3_4_bound(a, alpha, beta, b).value``.

    Parameters
    ----------
    a, alpha, beta, b
        As in :func:`theorem_3_4_bound` (same errors).

    Returns
    -------
    float
    """
    return theorem_3_4_bound(a, alpha, beta, b).value


def uniform_item_loss_coefficient(level, n):
    """``c_j`` of Eq. (18) when every ``alpha_i = beta_i = l`` (Paper A, Theorem 3.4).

    ``c = (2 l + 2 n l / (n - 1)) / (1 + l + n l / (n - 1))``, the same for every
    item.  Vectorized over NumPy arrays; SymPy expressions pass through
    unchecked, so a derivation can use the very same formula.

    Parameters
    ----------
    level : float, array_like or sympy.Expr
        The common aversion level ``l`` in ``[0, 1/2)``.
    n : int, array_like or sympy.Expr
        Number of agents (> 1).
    """
    if _is_numeric(level) and _is_numeric(n):
        lv, nv = np.asarray(level, dtype=float), np.asarray(n, dtype=float)
        if not np.all(np.isfinite(lv)) or np.any(lv < 0) or np.any(lv >= 0.5):
            raise ValueError("level must lie in [0, 1/2)")
        if not np.all(np.isfinite(nv)) or np.any(nv <= 1):
            raise ValueError("n must be > 1")
    return (2 * level + 2 * n * level / (n - 1)) / (1 + level + n * level / (n - 1))


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------


def _is_numeric(value) -> bool:
    try:
        arr = np.asarray(value)
    except Exception:  # pragma: no cover - exotic inputs
        return False
    return arr.dtype != object and np.issubdtype(arr.dtype, np.number)


def _tolerance(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _values(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0")
    return arr


def _positive(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _unit(value, name: str, high: float = 1.0, closed: bool = True) -> float:
    ok = np.isscalar(value) and np.isfinite(value) and value >= 0
    ok = ok and (value <= high if closed else value < high)
    if not ok:
        bracket = "]" if closed else ")"
        raise ValueError(f"{name} must lie in [0, {high:g}{bracket}, got {value!r}")
    return float(value)
