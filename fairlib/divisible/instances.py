"""Seeded Paper A instances used by the notebooks and tests.

Every generator here draws from a NumPy ``Generator`` (or a seed) in a fixed
order, so a notebook and a test that ask for the same instances get the same
arrays.  The constructions follow the text of Paper A (Shirali, Finocchiaro,
Abebe, FAccT 2024) where it describes them.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .. import _validate as V

__all__ = [
    "two_agent_instances",
    "figure_1_instance",
    "balancing_instance",
    "random_aversion_instance",
    "adversarial_family",
    "section5_instance",
    "section5_equalizing_share",
]


def two_agent_instances(count: int, m: int, seed) -> list[np.ndarray]:
    """Random two-agent utility matrices for Lemma 3.1 and Theorem 3.2 (Paper A, §3.1).

    Instance ``k`` draws ``a_1 ~ U[0, 1]^m``; for even ``k`` agent 2 is
    independent (``a_2 ~ U[0, 1]^m``), for odd ``k`` she is a noisy down-scaled
    copy, ``a_2j = a_1j U[0.3, 1.1]``, where Theorem 3.2's threshold binds.

    Parameters
    ----------
    count : int
        Number of instances (>= 1).
    m : int
        Items per instance (>= 1).
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    list of numpy.ndarray, shape (2, m)
    """
    count = V.positive_int(count, "count")
    m = V.positive_int(m, "m")
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        a_1 = rng.uniform(0.0, 1.0, m)
        if k % 2 == 0:
            out.append(np.vstack([a_1, rng.uniform(0.0, 1.0, m)]))
        else:
            out.append(np.vstack([a_1, a_1 * rng.uniform(0.3, 1.1, m)]))
    return out


def figure_1_instance(a2j: float, a1j: float = 1.0, anchor: float = 3.0) -> np.ndarray:
    """Item ``j`` plus an anchor only agent 1 values (Paper A, Figure 1).

    ``a = [[anchor, a1j], [0, a2j]]``.  With the anchor agent 1 is better off
    under ``x*`` and ``x^{alpha,beta}``, so ``Delta_1 = beta_1 + alpha_2``
    (Lemma 3.1) and the whole loss (gain) is item ``j``'s.

    Parameters
    ----------
    a2j, a1j, anchor : float
        Finite, >= 0.
    """
    return V.utility_matrix([[anchor, a1j], [0.0, a2j]], "a2j, a1j, anchor")


def balancing_instance(
    a2j: float, delta: float, a1j: float = 1.0, big: float = 10.0
) -> np.ndarray:
    """Figure 1's instance plus a balancing item of ratio ``delta`` (Paper A, Fig. 2).

    ``a = [[1, big (1 + delta)/2, a1j], [0, big (1 - delta)/2, a2j]]``: the
    balancing item has ``(a_1k - a_2k)/(a_1k + a_2k) = delta``; when the optimum
    splits it, Lemma 3.1 pins ``Delta_1 = delta`` (the regime
    ``Delta_1 < beta_1 + alpha_2`` discussed after Figure 2).

    Parameters
    ----------
    a2j : float
        Agent 2's value of item ``j`` (>= 0).
    delta : float
        Ratio of the balancing item, in ``[0, 1]``.
    a1j, big : float
        Agent 1's value of item ``j`` and ``a_1k + a_2k`` (>= 0).
    """
    if not (np.isscalar(delta) and 0.0 <= delta <= 1.0):
        raise ValueError(f"delta must lie in [0, 1], got {delta!r}")
    bal = np.array([big * (1 + delta) / 2, big * (1 - delta) / 2])
    return V.utility_matrix([[1.0, bal[0], a1j], [0.0, bal[1], a2j]], "a2j, a1j, big")


def random_aversion_instance(rng: np.random.Generator, n: int, m: int, level: float):
    """One random instance at aversion level ``l`` (Paper A, §3.2 experiments).

    Draws, in this order, ``a_ij ~ U[0, 1]``, ``alpha_i ~ U[l/2, l]`` and
    ``beta_i ~ U[0, alpha_i]`` (so ``alpha_i >= beta_i``, as the paper assumes).

    Parameters
    ----------
    rng : numpy.random.Generator
        Advanced by the draws.
    n, m : int
        Agents (>= 2) and items (>= 1).
    level : float
        In ``[0, 1/2)``.

    Returns
    -------
    a, alpha, beta : numpy.ndarray
        Shapes ``(n, m)``, ``(n,)``, ``(n,)``.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    n = V.positive_int(n, "n", minimum=2)
    m = V.positive_int(m, "m")
    if not (np.isscalar(level) and 0.0 <= level < 0.5):
        raise ValueError(f"level must lie in [0, 1/2), got {level!r}")
    a = rng.uniform(0.0, 1.0, (n, m))
    alpha = rng.uniform(level / 2, level, n)
    beta = rng.uniform(0.0, alpha)
    return a, alpha, beta


def adversarial_family(top: int, copies: int, m: int, rho: float) -> np.ndarray:
    """The worst case described after Theorem 3.4 (Paper A, §3.2, after Eq. 20).

    ``top`` agents value every item at 1 and ``copies`` agents value every
    item at ``rho``: a group of worse-off agents with down-scaled interests
    aligned with ``top_j`` (take ``top = 1/b``).

    Parameters
    ----------
    top, copies, m : int
        Top agents (>= 1), down-scaled copies (>= 1), items (>= 1).
    rho : float
        Down-scaling factor, ``>= 0``.

    Returns
    -------
    numpy.ndarray, shape (top + copies, m)
    """
    top = V.positive_int(top, "top")
    copies = V.positive_int(copies, "copies")
    m = V.positive_int(m, "m")
    if not (np.isscalar(rho) and np.isfinite(rho) and rho >= 0):
        raise ValueError(f"rho must be a finite number >= 0, got {rho!r}")
    return np.vstack([np.ones((top, m)), rho * np.ones((copies, m))])


def section5_instance(a1, a2, aversion) -> np.ndarray:
    """§5's two-good, two-agent example (Paper A, Eq. 29), checked for Eq. (30).

    ``a = [[a1, 1 - a1], [a2, 1 - a2]]`` with ``1 > a1 > a2 > 0`` and
    ``a1 + a2 > 1`` (so ``x*`` is the identity and agent 1 is better off),
    and every ``alpha_i = beta_i = aversion`` with
    ``beta_1 + alpha_2 >= (a1 - a2)/(a1 + a2)`` (so Eq. 30's equalizing
    allocation is optimal).  The conditions are checked in exact arithmetic
    on the rationals nearest the inputs (denominator <= 10^6).

    Parameters
    ----------
    a1, a2 : float
        Agent 1's and agent 2's value of good 1 (rows sum to 1).
    aversion : float
        The common ``alpha_i = beta_i``.

    Returns
    -------
    numpy.ndarray, shape (2, 2)
    """
    A1, A2, AV = (Fraction(v).limit_denominator(10**6) for v in (a1, a2, aversion))
    if not (A1 > A2 and A1 + A2 > 1 and A1 < 1 and A2 > 0):
        raise ValueError(
            "a1, a2: the example needs 1 > a1 > a2 > 0 and a1 + a2 > 1 (Paper A, §5)"
        )
    if not 2 * AV >= (A1 - A2) / (A1 + A2):
        raise ValueError(
            "aversion: Eq. (30) needs beta_1 + alpha_2 >= (a_1 - a_2)/(a_1 + a_2)"
        )
    return np.array([[a1, 1 - a1], [a2, 1 - a2]], dtype=float)


def section5_equalizing_share(a1, a2):
    """Share ``t = (a1 - (1 - a2)) / (a1 + a2)`` of good 1 moved (Paper A, Eq. 30).

    Parameters
    ----------
    a1, a2 : float, Fraction or sympy.Expr
        As in :func:`section5_instance`; any type with ``+ - /`` works, so the
        notebook uses the same formula on rationals and on SymPy symbols.
    """
    return (a1 - (1 - a2)) / (a1 + a2)
