"""Paper B, Appendix A.1: exact signs of SymPy expressions on the (m, k) grid.

The appendix proves Lemma 2 by a chain of inequalities in
``s = -1 + sqrt(1 + (m - 1)/k)``, ``t = max(floor(s), 1)`` and
``q = floor((m - 1)/t)``.  :func:`compile_sign` turns an expression in these
symbols into a function ``(m, k) -> -1 / 0 / 1`` that decides its sign at every
integer pair without rounding: ``s`` satisfies ``k s^2 + 2 k s = m - 1``, so the
numerator reduces to ``a + b s`` with integer ``a, b``, and the sign of
``(a - b) + b sqrt(X)``, ``X = 1 + (m - 1)/k``, is decided in rational
arithmetic.

The symbols are :data:`s`, :data:`m`, :data:`k`, :data:`t` and :data:`q`, all
declared positive; SymPy symbols with the same name and assumptions are equal,
so ``sympy.symbols("s m k t q", positive=True)`` elsewhere gives the same ones.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import sympy as sp

from .constructions import floor_s

__all__ = ["compile_sign"]

s, m, k, t, q = sp.symbols("s m k t q", positive=True)
_d = sp.Symbol("d", positive=True)  # d = m - 1 > 0 (m > k >= 1)
_SYMBOLS = (s, m, k, t, q)


def _sgn(x) -> int:
    return (x > 0) - (x < 0)


def compile_sign(expr) -> Callable[[int, int], int]:
    """An exact sign function ``(m, k) -> -1/0/1`` of ``expr`` (Paper B, App. A.1).

    ``expr`` is evaluated at ``s = -1 + sqrt(1 + (m - 1)/k)``,
    ``t = max(floor(s), 1)`` and ``q = floor((m - 1)/t)`` (the quantities of
    Appendix A.1, with ``floor(s)`` from
    :func:`~fairlib.cardinality.constructions.floor_s`).  The numerator of
    ``expr`` is pseudo-divided by ``k s^2 + 2 k s - (m - 1)`` (which vanishes at
    ``s`` and has leading coefficient ``k > 0``) to a remainder ``a + b s``
    with integer polynomial coefficients ``a, b`` in ``m, k, t, q``; the
    denominator must be a product of factors positive for positive symbols and
    ``m > 1``.

    Parameters
    ----------
    expr : sympy.Expr
        A rational function of the positive symbols ``s, m, k, t, q`` of this
        module (any subset).

    Returns
    -------
    callable
        ``sign(m, k)`` for integers ``m >= 2``, ``k >= 1``: the sign of
        ``expr`` there, decided exactly.

    Raises
    ------
    ValueError
        If ``expr`` has other symbols, is not a rational function of them, or
        its denominator is not provably positive.
    """
    expr = sp.sympify(expr)
    extra = expr.free_symbols - set(_SYMBOLS)
    if extra:
        raise ValueError(
            "expr must be a function of the positive symbols s, m, k, t, q only; "
            f"got also {sorted(map(str, extra))} (declare symbols positive=True)"
        )
    num, den = sp.fraction(sp.together(expr))
    try:
        num_poly = sp.Poly(sp.expand(num), *_SYMBOLS)
        const, factors = sp.factor_list(sp.Poly(den, *_SYMBOLS).as_expr())
    except sp.PolynomialError as exc:
        raise ValueError(f"expr must be a rational function, got {expr}") from exc
    if not (const > 0 and all(f.subs(m, _d + 1).is_positive for f, _ in factors)):
        raise ValueError(f"expr has a denominator not provably positive: {den}")
    _, num_poly = num_poly.clear_denoms()  # times a positive integer: integer coeffs
    red = sp.prem(
        sp.Poly(num_poly.as_expr(), s), sp.Poly(k * s**2 + 2 * k * s - (m - 1), s)
    )  # k^e num = quotient * (k s^2 + 2 k s - (m - 1)) + red, with k^e > 0
    a, b = (
        sp.lambdify((m, k, t, q), sp.expand(red.coeff_monomial(mon)), "math")
        for mon in (1, s)
    )

    def sign(m_: int, k_: int) -> int:
        t_ = max(floor_s(m_, k_), 1)
        args = (m_, k_, t_, (m_ - 1) // t_)
        a_, b_ = a(*args), b(*args)  # integers
        p, X = a_ - b_, Fraction(k_ + m_ - 1, k_)  # a + b s = p + b sqrt(X)
        if b_ == 0 or p == 0 or (p > 0) == (b_ > 0):
            return _sgn(p if b_ == 0 else b_)
        return _sgn(b_ * b_ * X - p * p) * _sgn(b_)

    return sign
