"""Paper B, Theorem 1: the utilitarian price of cardinality, bounded above.

One float function for plots and tables (:func:`utilitarian_poc_bound`) and
one exact comparison for proofs by computation (:func:`compare_with_theorem1`,
with the yes/no form :func:`within_theorem1`).  Both use Theorem 1's bound
``(1 + sqrt(1 + (m - 1)/k)) / 2`` for ``m > k`` and 1 for ``m <= k`` (the
constraint is void, Paper B §3).
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import isqrt

from .. import _validate as V

__all__ = [
    "utilitarian_poc_bound",
    "compare_with_theorem1",
    "within_theorem1",
    "theorem1_is_rational",
]


def utilitarian_poc_bound(m, k) -> float:
    """Theorem 1 of Paper B: ``(1 + sqrt(1 + (m - 1)/k)) / 2`` (1 when ``m <= k``).

    The single-category utilitarian price of cardinality is at most this for
    every instance with ``m`` items and cap ``k`` (Lemmas 3–5), with equality
    attained when ``m = k(c^2 - 1) + 1`` (Lemma 1).  For ``m <= k`` the
    constraint is void and the price is 1 (Paper B §3).  For other ``m`` the
    bound need not be attained (Lemma 2 only gives a lower bound within 1);
    e.g. at ``m = k + 1`` every optimum can be made cardinal (Appendix A.1).

    Parameters
    ----------
    m, k : int
        Number of items ``m >= 1`` and cap ``k >= 1``.

    Returns
    -------
    float
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m <= k:
        return 1.0
    return 0.5 * (1.0 + math.sqrt(1.0 + (m - 1) / k))


def compare_with_theorem1(q, m, k) -> int:
    """Sign of ``q`` minus Theorem 1's bound (Paper B), in exact arithmetic.

    The bound is ``(1 + sqrt(1 + (m - 1)/k))/2`` for ``m > k`` and 1 for
    ``m <= k``, as in :func:`utilitarian_poc_bound`.  With ``D = 1 + (m-1)/k``
    and ``s = 2q - 1``: ``q`` is below the bound if ``s < 0``, else the sign
    of ``s^2 - D`` -- all rational, so no rounding.

    Parameters
    ----------
    q : Fraction or int
        A rational value (e.g. ``ExactPoC.upper``).
    m, k : int

    Returns
    -------
    int
        ``-1``, ``0`` or ``1``.
    """
    return _sign(q, m, k, "q")


def within_theorem1(ratio, m, k) -> bool:
    """Whether ``ratio <= `` Theorem 1's bound (Paper B), decided exactly.

    ``compare_with_theorem1(ratio, m, k) <= 0``; for ``m > k`` and
    ``ratio >= 1/2`` this is ``(2 ratio - 1)^2 <= 1 + (m - 1)/k``; a ratio
    below ``1/2`` is always within.

    Parameters
    ----------
    ratio : Fraction or int
        A rational price (e.g. from :func:`fairlib.cardinality.poc` on exact
        utilities).
    m, k : int

    Returns
    -------
    bool
    """
    return _sign(ratio, m, k, "ratio") <= 0


def _sign(q, m, k, name: str) -> int:
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if not isinstance(q, Fraction | int) or isinstance(q, bool):
        raise ValueError(f"{name} must be a Fraction or int, got {type(q).__name__}")
    if m <= k:
        d = Fraction(q) - 1
        return (d > 0) - (d < 0)
    s = 2 * Fraction(q) - 1  # compare s with sqrt(D), D = 1 + (m - 1)/k
    if s < 0:
        return -1
    d = s * s - Fraction(k + m - 1, k)
    return (d > 0) - (d < 0)


def theorem1_is_rational(m, k) -> bool:
    """Whether Theorem 1's bound (Paper B) is a rational number.

    For ``m > k`` the bound ``(1 + sqrt(q))/2`` with ``q = 1 + (m - 1)/k`` is
    rational exactly when ``q`` (in lowest terms) has a square numerator and a
    square denominator; for ``m <= k`` the bound is 1.  A rational price of
    cardinality can equal the bound only where this holds.

    Parameters
    ----------
    m, k : int
        Items ``m >= 1`` and cap ``k >= 1``.

    Returns
    -------
    bool
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m <= k:
        return True
    q = Fraction(k + m - 1, k)
    return all(isqrt(x) ** 2 == x for x in (q.numerator, q.denominator))
