"""Individual tradeoffs (Paper A, §5: Propositions 5.1–5.2, Lemma G.1).

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §5 and Appendix G.3.  ``IT = max_i u_i(x*) /
u_i(x^{alpha,beta})`` (Eq. 8, 28).  This module

* builds the ``n``-agent version of §5's two-good example (Eq. 29 with the
  rows ``(1 - eps_1, eps_1)`` and ``(1 - eps_2, eps_2)``), whose tradeoff
  tends to ``n`` (Proposition 5.1), and the profile and allocation printed in
  the proof of Proposition 5.1 (Appendix G.3), to check them;
* solves the LP for the best inequality-free allocation ``x^e`` (every
  ``I_i^+ = I_i^- = 0``: all utilities equal) and evaluates Lemma G.1 and
  Proposition 5.2 on a participatory optimum (``tradeoff_check``).

With ``alpha = beta = a 1`` Eq. (9)–(11) give
``f(v(x)) = sum_i u_i(x) - a I(x)`` with
``I(x) = sum_i I_i^+(x) + I_i^-(x)``, the quantity of Lemma G.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from .. import _validate as V
from .metrics import solve_participatory
from .model import _inequality_terms, validate_instance

__all__ = [
    "two_good_instance",
    "two_good_tradeoff",
    "proof_5_1_profile",
    "proof_5_1_allocation",
    "proof_5_1_share",
    "equal_utility_allocation",
    "TradeoffCheck",
    "tradeoff_check",
]


def two_good_instance(n: int, eps1: float, eps2: float) -> np.ndarray:
    """``n`` agents, two goods: §5's example (Eq. 29) for ``n`` agents (Paper A, §5).

    Row 1 is ``(1 - eps1, eps1)`` and rows ``2..n`` are ``(1 - eps2, eps2)``,
    ``0 < eps1 < eps2 < 1/2``: normalized utilities, ``x*`` gives good 1 to
    agent 1 and good 2 to agent 2.  For ``n = 2`` it is the instance after
    Eq. (31).

    Parameters
    ----------
    n : int
        Agents, ``>= 2``.
    eps1, eps2 : float
        ``0 < eps1 < eps2 < 1/2``.
    """
    n = V.positive_int(n, "n", minimum=2)
    eps1, eps2 = _real(eps1, "eps1"), _real(eps2, "eps2")
    if not 0.0 < eps1 < eps2 < 0.5:
        raise ValueError(f"eps1, eps2: need 0 < eps1 < eps2 < 1/2, got {eps1}, {eps2}")
    a = np.tile([1.0 - eps2, eps2], (n, 1))
    a[0] = [1.0 - eps1, eps1]
    return a


def two_good_tradeoff(n: int, eps1: float, eps2: float) -> float:
    """``IT = n - (n - 1) eps1 - eps2`` of :func:`two_good_instance` (Paper A, §5).

    When the participatory optimum equalizes all utilities (strong enough
    aversion), agent 1 keeps a share ``t`` of good 1 with
    ``(n - 1)(1 - eps1) t = (1 - eps2)(1 - t) + eps2``; her tradeoff is
    ``1/t``, which tends to ``n`` (Proposition 5.1).  For ``n = 2`` it is
    ``a_1 + a_2`` with §5's ``a_1 = 1 - eps1``, ``a_2 = 1 - eps2``.

    Parameters
    ----------
    n, eps1, eps2
        As in :func:`two_good_instance`.
    """
    two_good_instance(n, eps1, eps2)  # validates
    return n - (n - 1) * eps1 - eps2


def proof_5_1_profile(n: int, m: int, eps1: float, eps2: float) -> np.ndarray:
    """The utility profile printed in the proof of Proposition 5.1 (Paper A, G.3).

    Row 1 is ``(1 - eps1, 1 - eps2, ..., 1 - eps2)``; rows ``2..n`` are
    ``(eps1/(m-1), eps2/(m-1), ..., eps2/(m-1))``.

    Parameters
    ----------
    n, m : int
        Agents and items, both ``>= 2``.
    eps1, eps2 : float
        ``0 < eps1 < eps2 <= (m - 1)(1 - eps1)``.
    """
    n = V.positive_int(n, "n", minimum=2)
    m = V.positive_int(m, "m", minimum=2)
    eps1, eps2 = _real(eps1, "eps1"), _real(eps2, "eps2")
    if not (0.0 < eps1 < eps2 <= (m - 1) * (1.0 - eps1) and eps2 <= 1.0):
        raise ValueError(
            "eps1, eps2: need 0 < eps1 < eps2 <= min(1, (m - 1)(1 - eps1)), "
            f"got {eps1}, {eps2}"
        )
    a = np.tile(np.r_[eps1, np.full(m - 1, eps2)] / (m - 1), (n, 1))
    a[0] = np.r_[1.0 - eps1, np.full(m - 1, 1.0 - eps2)]
    return a


def proof_5_1_allocation(n: int, m: int, y: float) -> np.ndarray:
    """The allocation ``x^{alpha,beta}`` printed in Prop. 5.1's proof (Paper A, G.3).

    Row 1 is ``(1 - y, y/(n-1), ..., y/(n-1))``, rows ``2..n`` are
    ``(0, 1/(m-1), ..., 1/(m-1))``.  Returned as printed, without a
    feasibility check (column sums may exceed 1).

    Parameters
    ----------
    n, m : int
        Agents and items, both ``>= 2``.
    y : float
        In ``[0, 1]``.
    """
    n = V.positive_int(n, "n", minimum=2)
    m = V.positive_int(m, "m", minimum=2)
    y = _real(y, "y")
    if not 0.0 <= y <= 1.0:
        raise ValueError(f"y must be in [0, 1], got {y}")
    x = np.tile(np.r_[0.0, np.full(m - 1, 1.0 / (m - 1))], (n, 1))
    x[0] = np.r_[1.0 - y, np.full(m - 1, y / (n - 1))]
    return x


def proof_5_1_share(n: int, m: int, eps1: float, eps2: float) -> float:
    """The share ``y`` solving ``u_1 = u_2`` in Prop. 5.1's proof (Paper A, G.3).

    ``y = (n - 1)(1 - eps1 - eps2/(m - 1)) / (n - eps2 - n eps1 + eps1)``,
    the last line of the proof's chain ``(1 - y)(1 - eps1) = y (1 - eps2) /
    (n - 1) + eps2 / (m - 1)``; that chain reads the printed profile and
    allocation with rows as agents (the transposes of the printed matrices).

    Parameters
    ----------
    n, m : int
        Agents and items, both ``>= 2``.
    eps1, eps2 : float
        ``0 < eps1 < eps2 <= min(1, (m - 1)(1 - eps1))``.

    Returns
    -------
    float
        ``y``, in ``[0, 1]``.
    """
    proof_5_1_profile(n, m, eps1, eps2)  # validates
    return (n - 1) * (1 - eps1 - eps2 / (m - 1)) / (n - eps2 - n * eps1 + eps1)


def equal_utility_allocation(a, b=1.0) -> tuple[np.ndarray, float]:
    """Best inequality-free allocation ``x^e`` (Paper A, Lemma G.1, Prop. 5.2).

    The LP ``max t  s.t.  u_i(x) = t for all i,  x in X_b`` (HiGHS); every
    allocation with ``sum_i I_i^+ + I_i^- = 0`` has equal utilities, so its
    common utility is at most ``t``, and ``t >= min_i u_i(x*)`` (scale the
    richer agents' shares of ``x*`` down).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    b : float or array_like, shape (m,), default 1.0
        Per-agent share caps in ``(0, 1]``.

    Returns
    -------
    x_e : numpy.ndarray, shape (n, m)
    t : float
        The common utility ``u_i(x^e)``.

    Raises
    ------
    RuntimeError
        If HiGHS does not report an optimum.
    """
    a, _, _, b = validate_instance(a, 0.0, 0.0, b)
    n, m = a.shape
    nx = n * m
    # variables (x_11 .. x_nm, t); rows u_i(x) - t = 0 and sum_i x_ij <= 1
    rows = np.repeat(np.arange(n), m)
    eq = sp.hstack(
        [
            sp.csr_array((a.ravel(), (rows, np.arange(nx))), shape=(n, nx)),
            sp.csr_array(-np.ones((n, 1))),
        ]
    ).tocsc()
    ub = sp.hstack([sp.kron(np.ones((1, n)), sp.eye(m)), sp.csr_array((m, 1))]).tocsc()
    bounds = np.zeros((nx + 1, 2))
    bounds[:nx, 1] = np.tile(b, n)
    bounds[nx, 1] = np.inf
    c = np.zeros(nx + 1)
    c[nx] = -1.0
    res = scipy.optimize.linprog(
        c,
        A_ub=ub,
        b_ub=np.ones(m),
        A_eq=eq,
        b_eq=np.zeros(n),
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the x^e LP: {res.message}")
    x = np.clip(res.x[:nx].reshape(n, m), 0.0, b[None, :])
    return x, float(res.x[nx])


@dataclass(frozen=True)
class TradeoffCheck:
    """Lemma G.1 and Proposition 5.2 on one participatory optimum (Paper A, §5, G.3).

    Attributes
    ----------
    aversion : float
        The common ``alpha_i = beta_i``.
    u, u_star : numpy.ndarray, shape (n,)
        ``u(x^{alpha,beta})`` and ``u(x*)``.
    it : float
        ``IT`` (Eq. 8) of the solve (``inf`` if some agent drops to 0).
    i : int
        The agent attaining ``IT`` (the lowest index among ties).
    unique : bool
        Whether ``i`` is the only maximizer (ratios within 1e-9 tie).
    inequality : float
        ``I(x^{alpha,beta}) = sum_k I_k^+ + I_k^-``.
    excess : float
        ``S = sum_{k in J} (u_k - u_i)`` over ``J = {k : u_k >= u_i}``.
    t_e : float
        ``u_i(x^e)`` for the best inequality-free ``x^e``.
    spread : float
        ``max_k u_k(x*) / min_k u_k(x*)`` (``inf`` if the minimum is 0).
    """

    aversion: float
    u: np.ndarray
    u_star: np.ndarray
    it: float
    i: int
    unique: bool
    inequality: float
    excess: float
    t_e: float
    spread: float

    @property
    def lemma_hypothesis(self) -> bool:
        """Lemma G.1 as stated: ``I(x^{alpha,beta})/n >= S``."""
        return self.inequality / self.u.size >= self.excess

    @property
    def proposition_hypothesis(self) -> bool:
        """Proposition 5.2 as stated: ``I(x^{alpha,beta}) >= S``."""
        return self.inequality >= self.excess

    @property
    def proof_hypothesis(self) -> bool:
        """What the proof's chain (Eq. 132–137) needs: ``a I(x^{alpha,beta}) >= S``."""
        return self.aversion * self.inequality >= self.excess

    def conclusion(self, tol: float = 1e-9) -> bool:
        """Lemma G.1's conclusion ``u_i(x^{alpha,beta}) >= u_i(x^e)`` (within tol)."""
        return self.u[self.i] >= self.t_e - tol * max(1.0, self.t_e)

    def it_bound(self, tol: float = 1e-9) -> bool:
        """Eq. (32) end to end: ``IT <= max u(x*) / min u(x*)`` (within tol)."""
        return self.it <= self.spread * (1.0 + tol)


def tradeoff_check(a, aversion: float, b=1.0) -> TradeoffCheck:
    """Solve once and evaluate Lemma G.1 / Proposition 5.2 (Paper A, §5, G.3).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    aversion : float
        The common ``alpha_i = beta_i`` in ``[0, 1/2)``.
    b : float or array_like, shape (m,), default 1.0
        Per-agent share caps in ``(0, 1]``.

    Returns
    -------
    TradeoffCheck
    """
    aversion = _real(aversion, "aversion")
    if not 0.0 <= aversion < 0.5:
        raise ValueError(f"aversion must be in [0, 1/2), got {aversion}")
    res = solve_participatory(a, aversion, aversion, b)
    ratios = res.tradeoff_ratios()
    it = float(ratios.max())
    close = np.isclose(ratios, it, rtol=1e-9, atol=0.0) | (ratios == it)
    i = int(np.flatnonzero(close)[0])
    u, u_star = res.u, res.u_star
    i_plus, i_minus = _inequality_terms(u)
    excess = float(np.sum(np.clip(u - u[i], 0.0, None)))
    _, t_e = equal_utility_allocation(res.a, res.b)
    low = float(u_star.min())
    spread = float(u_star.max()) / low if low > 0 else float("inf")
    return TradeoffCheck(
        aversion=aversion,
        u=u,
        u_star=u_star,
        it=it,
        i=i,
        unique=bool(close.sum() == 1),
        inequality=float(np.sum(i_plus + i_minus)),
        excess=excess,
        t_e=t_e,
        spread=spread,
    )


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)
