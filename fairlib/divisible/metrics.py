"""Paper A's metrics from one solve: loss, gain, individual tradeoff (Eq. 4, 5, 8).

``solve_participatory`` validates an instance once, solves the participatory
LP and the utilitarian problem once each, and returns a frozen
:class:`ParticipatoryResult`; ``loss``, ``gain`` and ``individual_tradeoff``
are properties of that result (no new solve), and the functions of the same
names are one-line wrappers.

Tie-breaking: ``x*`` and ``x^{alpha,beta}`` need not be unique.  ``loss`` is the
same for every choice of ``x*``, but ``gain`` and ``individual_tradeoff`` depend
on which optima are returned; here ``x*`` is ``utilitarian_allocation``'s (ties
to the lower agent index) and ``x^{alpha,beta}`` whichever optimal vertex HiGHS
returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bounds import LossBound, _loss_bound_terms
from .model import _fs_welfare, validate_instance
from .solve import _participatory_allocation, _utilitarian_allocation

__all__ = [
    "ParticipatoryResult",
    "solve_participatory",
    "loss",
    "gain",
    "individual_tradeoff",
    "tradeoff_ratios",
]

#: Default relative tolerance below which a utility counts as 0 in ``IT``.
ZERO_TOL = 1e-12


@dataclass(frozen=True)
class ParticipatoryResult:
    """Participatory and utilitarian optima of one instance (Paper A, Eq. 2–5, 8).

    Built by :func:`solve_participatory`; every array is read-only.

    Attributes
    ----------
    a : numpy.ndarray, shape (n, m)
        The validated utility coefficients.
    alpha, beta : numpy.ndarray, shape (n,)
        The validated inequality aversion levels.
    b : numpy.ndarray, shape (m,)
        The validated per-agent share caps.
    x : numpy.ndarray, shape (n, m)
        The participatory optimum ``x^{alpha,beta}`` (Eq. 3), on ``X_b``.
    x_star : numpy.ndarray, shape (n, m)
        The utilitarian optimum ``x*`` (Eq. 2), ties to the lower index.
    welfare : float
        ``f(v(x^{alpha,beta}))``, Eq. (9)–(11) evaluated on ``x``.

    Properties ``u``, ``u_star``, ``utilitarian_welfare``, ``loss``, ``gain``
    and ``individual_tradeoff`` are read off these fields.
    """

    a: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    b: np.ndarray
    x: np.ndarray
    x_star: np.ndarray
    welfare: float

    @property
    def u(self) -> np.ndarray:
        """Utilities ``u_i(x^{alpha,beta})`` (Eq. 1), shape (n,)."""
        return np.einsum("ij,ij->i", self.a, self.x)

    @property
    def u_star(self) -> np.ndarray:
        """Utilities ``u_i(x*)`` (Eq. 1), shape (n,)."""
        return np.einsum("ij,ij->i", self.a, self.x_star)

    @property
    def utilitarian_welfare(self) -> float:
        """``f(u(x*)) = sum_ij a_ij x*_ij``, the standard designer's optimum (Eq. 2)."""
        return float(np.sum(self.a * self.x_star))

    @property
    def loss(self) -> float:
        """``f(u(x*)) - f(u(x^{alpha,beta}))`` (Eq. 4); >= 0 up to round-off."""
        return float(np.sum(self.a * self.x_star) - np.sum(self.a * self.x))

    @property
    def gain(self) -> float:
        """``f(v(x^{alpha,beta})) - f(v(x*))`` (Eq. 5); >= 0 up to round-off."""
        return self.welfare - _fs_welfare(self.a, self.x_star, self.alpha, self.beta)

    def tradeoff_ratios(self, zero_tol: float = ZERO_TOL) -> np.ndarray:
        """Per-agent ``u_i(x*) / u_i(x^{alpha,beta})`` (the terms of Eq. 8).

        A utility ``<= zero_tol * max(1, max_i sum_j a_ij)`` counts as 0;
        ``0/0 -> 1`` (nothing lost), ``positive/0 -> inf``.
        """
        zero_tol = _check_zero_tol(zero_tol)
        tol = zero_tol * max(1.0, float(self.a.sum(axis=1).max()))
        return tradeoff_ratios(self.u_star, self.u, tol)

    @property
    def individual_tradeoff(self) -> float:
        """``IT = max_i u_i(x*) / u_i(x^{alpha,beta})`` (Eq. 8), zero tol 1e-12."""
        return float(self.tradeoff_ratios().max())

    def theorem_3_4_bound(self) -> LossBound:
        """Theorem 3.4's bound on :attr:`loss` (Eq. 18–19), from this ``x*``.

        Raises ``ValueError`` unless every ``alpha_i, beta_i < 1/2`` and every
        ``1/b_j`` is an integer.
        """
        return _loss_bound_terms(self.alpha, self.beta, self.b, self.a, self.x_star)


def solve_participatory(a, alpha, beta, b=1.0) -> ParticipatoryResult:
    """Solve one instance once: ``x^{alpha,beta}`` and ``x*`` (Paper A, Eq. 2–3, 9–11).

    Validates the input once, solves the participatory LP (HiGHS, see
    ``participatory_allocation``) and the utilitarian problem (greedy, see
    ``utilitarian_allocation``) once each.

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion (>= 0).  Values >= 1/2 are allowed (the LP is
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
        If HiGHS does not report an optimum, or returns an infeasible one.
    """
    a, alpha, beta, b = validate_instance(a, alpha, beta, b)
    x = _participatory_allocation(a, alpha, beta, b)
    x_star = _utilitarian_allocation(a, b)
    welfare = _fs_welfare(a, x, alpha, beta)
    frozen = [_read_only(arr) for arr in (a, alpha, beta, b, x, x_star)]
    return ParticipatoryResult(*frozen, welfare)


def _read_only(arr: np.ndarray) -> np.ndarray:
    arr = arr.copy()  # never freeze an array the caller passed in
    arr.setflags(write=False)
    return arr


def loss(a, alpha, beta, b=1.0) -> float:
    """Loss in utilitarian welfare ``f(u(x*)) - f(u(x^{alpha,beta}))`` (Paper A, Eq. 4).

    ``solve_participatory(a, alpha, beta, b).loss``.

    Parameters
    ----------
    a, alpha, beta, b
        As in :func:`solve_participatory`.

    Returns
    -------
    float
        Non-negative up to solver round-off (not clamped), and the same for
        every utilitarian optimum.
    """
    return solve_participatory(a, alpha, beta, b).loss


def gain(a, alpha, beta, b=1.0) -> float:
    """Gain in welfare ``f(v(x^{alpha,beta})) - f(v(x*))`` (Paper A, Eq. 5).

    ``solve_participatory(a, alpha, beta, b).gain``.

    Parameters
    ----------
    a, alpha, beta, b
        As in :func:`solve_participatory`.

    Returns
    -------
    float
        Non-negative up to solver round-off; when ``x*`` is not unique it
        depends on the ``x*`` returned by ``utilitarian_allocation`` (ties to
        the lower index).
    """
    return solve_participatory(a, alpha, beta, b).gain


def individual_tradeoff(a, alpha, beta, b=1.0, *, zero_tol: float = ZERO_TOL) -> float:
    """Individual tradeoff ``max_i u_i(x*) / u_i(x^{alpha,beta})`` (Paper A, Eq. 8).

    ``max(solve_participatory(a, alpha, beta, b).tradeoff_ratios(zero_tol))``.

    Parameters
    ----------
    a, alpha, beta, b
        As in :func:`solve_participatory`.
    zero_tol : float, default 1e-12
        A utility ``<= zero_tol * max(1, max_i sum_j a_ij)`` counts as 0.

    Returns
    -------
    float
        An agent with ``u_i(x^{alpha,beta}) = 0`` contributes ``inf`` if
        ``u_i(x*) > 0`` and ``1`` if both are 0.
    """
    zero_tol = _check_zero_tol(zero_tol)
    return float(solve_participatory(a, alpha, beta, b).tradeoff_ratios(zero_tol).max())


def _check_zero_tol(zero_tol) -> float:
    if not (np.isscalar(zero_tol) and np.isfinite(zero_tol) and zero_tol >= 0):
        raise ValueError(f"zero_tol must be a finite number >= 0, got {zero_tol!r}")
    return float(zero_tol)


def tradeoff_ratios(u_star, u, tol: float = 0.0) -> np.ndarray:
    """Per-agent ``u_i(x*) / u_i(x^{alpha,beta})``, the terms of Paper A's Eq. (8).

    Utilities ``<= tol`` are read as 0.

    ``0/0 -> 1`` (nothing lost), ``positive/0 -> inf``, ``0/positive -> 0``.

    Parameters
    ----------
    u_star, u : array_like, shape (n,)
        Utilities under ``x*`` and under ``x^{alpha,beta}``.
    tol : float, default 0.0
        Absolute threshold for "zero utility".
    """
    us = np.asarray(u_star, dtype=float)
    uab = np.asarray(u, dtype=float)
    if us.shape != uab.shape or us.ndim != 1:
        raise ValueError(
            f"u_star and u must be 1-D of the same length, got {us.shape}, {uab.shape}"
        )
    num_zero = us <= tol
    den_zero = uab <= tol
    safe = np.where(den_zero, 1.0, uab)
    ratio = np.where(num_zero, 0.0, us / safe)
    return np.where(den_zero, np.where(num_zero, 1.0, np.inf), ratio)
