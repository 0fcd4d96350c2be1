"""Gain in inequality-averse welfare (Paper A, §4: Propositions 4.1–4.4, Eq. 23–27).

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §4 and Appendix G.2.  For two agents with agent 1
better off under ``x*``, write ``s = beta_1 + alpha_2`` and let ``Delta_1`` be
Lemma 3.1's threshold of the participatory optimum.  This module

* decomposes the gain of one solve per item and evaluates the lower bound of
  Proposition 4.1 (``two_agent_gain``), together with the gain-to-loss bounds
  of Propositions 4.2 (Eq. 25) and 4.3;
* builds the paper's constructions: a ``delta``-similar pair, the one-threshold
  family where Proposition 4.3 is attained, Eq. (26) and Eq. (129) (the proof
  of Proposition 4.4), with the paper's closed forms Eq. (27) and Eq. (130)–(131)
  next to the values Eq. (9)–(11) give on the claimed allocations.

``Delta_1`` is not unique when the optimum equalizes the utilities: every
value in ``[lo, hi]`` of :func:`fairlib.divisible.feasible_deltas`, clipped to
``[0, s]``, is consistent with it.  The bounds are evaluated at the end of that
interval where each is strongest, so a check that passes holds for every
admissible ``Delta_1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import _validate as V
from .bounds import _pairwise_threshold, feasible_deltas, item_gain_eq23
from .metrics import solve_participatory
from .model import require_below_half

__all__ = [
    "TwoAgentGain",
    "two_agent_gain",
    "l1_similarity",
    "dissimilarity",
    "similar_pair_instance",
    "threshold_instance",
    "eq26_instance",
    "eq129_instance",
    "ClosedFormGain",
    "eq27_closed_form",
    "eq130_closed_form",
]

#: A share above this counts as held when reading ``Delta_1`` off an optimum.
SHARE_TOL = 1e-7


@dataclass(frozen=True)
class TwoAgentGain:
    """Gain, loss and the §4 bounds of one two-agent instance (Paper A, §4.1).

    Agents are relabelled so that agent 1 is the one better off under ``x*``
    (Proposition 4.1's "without loss of generality").

    Attributes
    ----------
    swapped : bool
        Whether the input's rows were swapped to make agent 1 better off.
    s : float
        ``beta_1 + alpha_2`` (after relabelling); ``tilde c_1 = 2 s`` (Eq. 24).
    gain, loss : float
        Eq. (5) and Eq. (4) of one :func:`solve_participatory` solve.
    delta_lo, delta_hi : float
        The admissible ``Delta_1`` (Lemma 3.1) of the optimum, within ``[0, s]``.
    item_gain : numpy.ndarray, shape (m,)
        Per-item realized gain ``(1 - s) a_1j dx_1j + (1 + s) a_2j dx_2j`` with
        ``dx = x^{alpha,beta} - x*``: ``f`` is linear while ``u_1 >= u_2``, so
        these sum to ``gain`` whenever ``u_1(x^{alpha,beta}) >= u_2(...)``.
    bound_terms : numpy.ndarray, shape (m,)
        ``gain_j`` of Eq. (23) at ``Delta_1 = delta_hi`` (0 off
        ``{j : a_1j > a_2j}``); Eq. (23)'s indicator is strict, so an item
        whose ratio ``(a_1j - a_2j)/(a_1j + a_2j)`` is within ``tol`` of
        ``delta_hi`` counts as a tie and is left out.
    similarity : float
        ``delta = ||a_1 - a_2||_1`` (Proposition 4.2).
    utilitarian_welfare : float
        ``f(u(x*))``.
    u_gap : float
        ``u_1(x^{alpha,beta}) - u_2(x^{alpha,beta})``.
    """

    swapped: bool
    s: float
    gain: float
    loss: float
    delta_lo: float
    delta_hi: float
    item_gain: np.ndarray
    bound_terms: np.ndarray
    similarity: float
    utilitarian_welfare: float
    u_gap: float

    @property
    def bound_4_1(self) -> float:
        """``sum_j gain_j`` of Eq. (23), the lower bound of Proposition 4.1."""
        return float(self.bound_terms.sum())

    @property
    def ratio(self) -> float:
        """``gain / loss`` (``inf`` when ``loss <= 0``)."""
        return self.gain / self.loss if self.loss > 0 else float("inf")

    @property
    def bound_4_2(self) -> float:
        """Eq. (25) at ``Delta_1 = delta_hi``: ``tc f(u*)/(2 delta) - tc/c_1``.

        ``tc = 2 s`` and ``c_1(Delta) = 1 - r_1(Delta) = 2 Delta/(1 + Delta)``;
        ``-inf`` if ``delta_hi = 0`` or ``delta = 0``.
        """
        if self.delta_hi <= 0 or self.similarity <= 0:
            return float("-inf")
        tc = 2.0 * self.s
        c1 = 2.0 * self.delta_hi / (1.0 + self.delta_hi)
        return tc * self.utilitarian_welfare / (2.0 * self.similarity) - tc / c1

    @property
    def bound_4_3(self) -> float:
        """``s / Delta_1 - 1`` at ``Delta_1 = delta_lo`` (Proposition 4.3)."""
        return self.s / self.delta_lo - 1.0 if self.delta_lo > 0 else float("inf")


def two_agent_gain(a, alpha, beta, *, tol: float = SHARE_TOL) -> TwoAgentGain:
    """Solve a two-agent instance and evaluate §4's bounds (Paper A, Prop. 4.1–4.3).

    Parameters
    ----------
    a : array_like, shape (2, m)
        Utility coefficients (finite, >= 0) with every ``a_1j + a_2j > 0``.
    alpha, beta : float or array_like, shape (2,)
        Inequality aversion in ``[0, 1/2)``.
    tol : float, default 1e-7
        A share above ``tol`` counts as held, utilities within ``tol`` tie.

    Returns
    -------
    TwoAgentGain
    """
    a = V.utility_matrix(a, "a")
    if a.shape[0] != 2:
        raise ValueError(f"a must have exactly 2 agent rows, got n = {a.shape[0]}")
    if np.any(a.sum(axis=0) <= 0):
        raise ValueError("a: every item must be valued by some agent")
    alpha = V.per_agent(alpha, 2, "alpha")
    beta = V.per_agent(beta, 2, "beta")
    require_below_half(alpha, beta, "Proposition 4.1")
    if not (np.isscalar(tol) and np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    res = solve_participatory(a, alpha, beta)
    swapped = bool(res.u_star[1] > res.u_star[0])
    order = [1, 0] if swapped else [0, 1]
    a, alpha, beta = a[order], alpha[order], beta[order]
    x, x_star = res.x[order], res.x_star[order]
    s = float(beta[0] + alpha[1])
    fd = feasible_deltas(a, x, alpha, beta, tol=tol)
    lo = float(np.clip(fd.lo, 0.0, s))
    hi = float(np.clip(fd.hi, 0.0, s))
    dx = x - x_star
    item_gain = (1.0 - s) * a[0] * dx[0] + (1.0 + s) * a[1] * dx[1]
    terms = np.zeros(a.shape[1])
    cut = max(hi - tol, 0.0)  # an item at ratio Delta_1 (within tol) is a tie
    for j in np.flatnonzero(a[0] > a[1]):
        terms[j] = item_gain_eq23(a[1, j], a[0, j], cut, s)
    u = np.einsum("ij,ij->i", a, x)
    return TwoAgentGain(
        swapped=swapped,
        s=s,
        gain=res.gain,
        loss=res.loss,
        delta_lo=lo,
        delta_hi=hi,
        item_gain=item_gain,
        bound_terms=terms,
        similarity=float(np.abs(a[0] - a[1]).sum()),
        utilitarian_welfare=res.utilitarian_welfare,
        u_gap=float(u[0] - u[1]),
    )


def l1_similarity(a) -> float:
    """``||a_1 - a_2||_1``: two agents are ``delta``-similar if it is ``<= delta``.

    Paper A, Proposition 4.2.

    Parameters
    ----------
    a : array_like, shape (2, m)
        Utility coefficients.
    """
    a = V.utility_matrix(a, "a")
    if a.shape[0] != 2:
        raise ValueError(f"a must have exactly 2 agent rows, got n = {a.shape[0]}")
    return float(np.abs(a[0] - a[1]).sum())


def dissimilarity(a) -> float:
    """Smallest ``gamma`` with every pair ``gamma``-dissimilar (Paper A, §3, line 234).

    ``max_{i<k} <a_i, a_k> / (||a_i||_1 ||a_k||_1)``.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients, ``n >= 2``, every row with a positive entry.
    """
    a = V.utility_matrix(a, "a", min_agents=2)
    norms = a.sum(axis=1)
    if np.any(norms <= 0):
        raise ValueError("a: every agent row must have a positive entry")
    gram = (a @ a.T) / np.outer(norms, norms)
    iu = np.triu_indices(a.shape[0], 1)
    return float(gram[iu].max())


def similar_pair_instance(a1, eta: float) -> np.ndarray:
    """A ``delta``-similar pair ``a_2 = (1 - eta) a_1`` (Paper A, Proposition 4.2).

    No item is tied, agent 1 is better off, ``delta = eta ||a_1||_1``.

    Parameters
    ----------
    a1 : array_like, shape (m,)
        Agent 1's values, all > 0.
    eta : float
        Relative gap in ``(0, 1)``.
    """
    a1 = np.asarray(a1, dtype=float)
    if a1.ndim != 1 or a1.size < 1 or not np.all(np.isfinite(a1)) or np.any(a1 <= 0):
        raise ValueError("a1 must be a non-empty 1-D array of finite values > 0")
    eta = _open_unit(eta, "eta")
    return np.vstack([a1, (1.0 - eta) * a1])


def threshold_instance(delta: float, m: int = 1) -> np.ndarray:
    """``m`` items at reallocation ratio ``Delta`` (Paper A, Eq. 127–128).

    ``a_1j = 1`` and ``a_2j = r_1(Delta) = (1 - Delta)/(1 + Delta)``: for
    ``0 < Delta < beta_1 + alpha_2`` the optimum moves a share of the items until
    the utilities tie, and ``gain/loss = (beta_1 + alpha_2)/Delta - 1`` exactly,
    the value of Proposition 4.3.

    Parameters
    ----------
    delta : float
        ``Delta`` in ``(0, 1)``.
    m : int, default 1
        Number of items.
    """
    delta = _open_unit(delta, "delta")
    m = V.positive_int(m, "m")
    r = (1.0 - delta) / (1.0 + delta)
    return np.vstack([np.ones(m), np.full(m, r)])


def eq26_instance(alpha, beta, eps: float) -> np.ndarray:
    """The ``n``-agent, ``n``-item example of Eq. (26) (Paper A, §4.2).

    ``a_1j = 1``, ``a_jj = 1 - eps`` for ``j > 1`` and ``a_ij = r_1i - eps``
    otherwise, with ``r_1i`` of Eq. (17) (clipped at 0).

    Parameters
    ----------
    alpha, beta : array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``, ``n >= 2``.
    eps : float
        In ``(0, 1)``.
    """
    alpha, beta = _aversion_vectors(alpha, beta)
    eps = _open_unit(eps, "eps")
    n = alpha.size
    r1 = _pairwise_threshold(alpha, beta)[0]
    a = np.tile(np.clip(r1 - eps, 0.0, None)[:, None], (1, n))
    a[0] = 1.0
    idx = np.arange(1, n)
    a[idx, idx] = 1.0 - eps
    return a


def eq129_instance(n: int, eps: float) -> np.ndarray:
    """The ``n`` agents and ``2n - 1`` items of Eq. (129) (Paper A, Prop. 4.4 proof).

    Row 1 is ``(1 + eps, 0, ..., 0, eps, ..., eps)``; row ``i > 1`` has 1 in
    column ``i`` and ``eps (1 - eps)`` in column ``n + i - 1``.

    Parameters
    ----------
    n : int
        Agents, ``>= 2``.
    eps : float
        In ``(0, 1)``.
    """
    n = V.positive_int(n, "n", minimum=2)
    eps = _open_unit(eps, "eps")
    a = np.zeros((n, 2 * n - 1))
    a[0, 0] = 1.0 + eps
    a[0, n:] = eps
    idx = np.arange(1, n)
    a[idx, idx] = 1.0
    a[idx, n + idx - 1] = eps * (1.0 - eps)
    return a


class ClosedFormGain(NamedTuple):
    """A construction's loss and gain in closed form (Paper A, Eq. 27 / 130–131).

    Attributes
    ----------
    loss : float
        The paper's loss.
    gain_paper : float
        The paper's printed gain.
    gain_model : float
        Eq. (9)–(11) evaluated on the allocations the paper claims (its
        ``x*`` and ``x^{alpha,beta}``): the inequality terms carry the factor
        ``1/(n - 1)`` of Eq. (10)–(11).
    """

    loss: float
    gain_paper: float
    gain_model: float


def eq27_closed_form(alpha, beta, eps: float) -> ClosedFormGain:
    """Loss and gain of Eq. (26)'s example as printed in Eq. (27) (Paper A, §4.2).

    ``loss = (n-1) eps``, paper: ``gain = -(n-1) eps + (2 - eps) S`` with
    ``S = sum_{i>1} (beta_1 + alpha_i)``; Eq. (9)–(11) on ``x* = 1{i = 1}``,
    ``x^{alpha,beta} = 1{i = j}`` give ``-(n-1) eps + (n - eps) S/(n-1)``.

    Parameters
    ----------
    alpha, beta : array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``, ``n >= 2``.
    eps : float
        In ``(0, 1)``.
    """
    alpha, beta = _aversion_vectors(alpha, beta)
    eps = _open_unit(eps, "eps")
    n = alpha.size
    s_sum = float(np.sum(beta[0] + alpha[1:]))
    loss = (n - 1) * eps
    return ClosedFormGain(
        loss, -loss + (2.0 - eps) * s_sum, -loss + (n - eps) * s_sum / (n - 1)
    )


def eq130_closed_form(alpha, beta, eps: float) -> ClosedFormGain:
    """Loss and gain of Eq. (129)'s construction, Eq. (130)–(131) (Paper A, G.2).

    ``loss = (n-1) eps^2``, paper: ``gain = -(n-1) eps^2 + eps (2 - eps) S``;
    Eq. (9)–(11) on the claimed allocations give
    ``-(n-1) eps^2 + eps (n - eps) S/(n-1)``, ``S = sum_{i>1}(beta_1 + alpha_i)``.

    Parameters
    ----------
    alpha, beta : array_like, shape (n,)
        Inequality aversion in ``[0, 1/2)``, ``n >= 2``.
    eps : float
        In ``(0, 1)``.
    """
    alpha, beta = _aversion_vectors(alpha, beta)
    eps = _open_unit(eps, "eps")
    n = alpha.size
    s_sum = float(np.sum(beta[0] + alpha[1:]))
    loss = (n - 1) * eps**2
    return ClosedFormGain(
        loss,
        -loss + eps * (2.0 - eps) * s_sum,
        -loss + eps * (n - eps) * s_sum / (n - 1),
    )


def _aversion_vectors(alpha, beta) -> tuple[np.ndarray, np.ndarray]:
    alpha = np.asarray(alpha, dtype=float)
    if alpha.ndim != 1 or alpha.size < 2:
        raise ValueError(
            f"alpha must be a 1-D array of at least 2 agents, got shape {alpha.shape}"
        )
    n = alpha.size
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    require_below_half(alpha, beta, "Paper A, §4.2")
    return alpha, beta


def _open_unit(value, name: str) -> float:
    if not (
        isinstance(value, (int, float, np.floating, np.integer))
        and not isinstance(value, bool)
        and 0.0 < float(value) < 1.0
    ):
        raise ValueError(f"{name} must be a number in (0, 1), got {value!r}")
    return float(value)
