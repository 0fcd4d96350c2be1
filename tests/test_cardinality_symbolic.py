"""Tests for fairlib.cardinality.symbolic (Paper B, Appendix A.1: exact signs)."""

from __future__ import annotations

import pytest
import sympy as sp

from fairlib import cardinality as C
from fairlib.cardinality import symbolic as Y
from fairlib.cardinality.symbolic import compile_sign, k, m, q, s, t

GRID = [(mm, kk) for mm in range(3, 23) for kk in range(1, mm - 1)]

# the reductions and chain steps of Appendix A.1, and a few others
A_, B_ = k * s**2 / (m - 1), k * t / q
EXPRESSIONS = {
    "(A)": 1 - (1 + s) / (1 + A_) + (1 + t) / (1 + B_),
    "(D)": (2 * s / t + s) * q + k * s - (m - 1),
    "step (1)": (2 * s / t + s) * q - (2 + s) * q,
    "step (3)": s * ((m - 1) / t - 1) + k * s - (s / t * m - 1 + (k - 1) * s),
    "s - t": s - t,
    "rational coefficients": s / 2 - sp.Rational(1, 3) * t + m / 7 - 2,
    "high degree": s**4 - 3 * s**3 * k + q * s - t**2,
}


def _sympy_sign(expr, mm, kk):
    """The sign of expr at (mm, kk), decided by SymPy itself."""
    tt = max(C.floor_s(mm, kk), 1)
    subs = {s: -1 + sp.sqrt(1 + sp.Rational(mm - 1, kk)), m: mm, k: kk, t: tt}
    subs[q] = (mm - 1) // tt
    value = expr.subs(subs)
    approx = sp.N(value, 60)
    if abs(approx) > sp.Float("1e-40"):
        return 1 if approx > 0 else -1
    assert sp.simplify(value) == 0, (expr, mm, kk, approx)
    return 0


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_compile_sign_agrees_with_sympy_on_grid(name):
    expr = EXPRESSIONS[name]
    sign = compile_sign(expr)
    for mm, kk in GRID:
        assert sign(mm, kk) == _sympy_sign(expr, mm, kk), (name, mm, kk)


def test_defining_relation_of_s_has_sign_zero():
    sign = compile_sign(k * s**2 + 2 * k * s - (m - 1))
    assert all(sign(mm, kk) == 0 for mm, kk in GRID)


def test_s_minus_t_vanishes_exactly_on_lemma1_set():
    sign = compile_sign(s - t)
    lemma1 = {(kk * (c * c - 1) + 1, kk) for kk in range(1, 10) for c in range(2, 6)}
    for mm, kk in GRID:
        expected = 0 if (mm, kk) in lemma1 else (1 if C.floor_s(mm, kk) >= 1 else -1)
        assert sign(mm, kk) == expected, (mm, kk)


def test_symbols_equal_fresh_positive_symbols():
    fresh = sp.symbols("s m k t q", positive=True)
    assert fresh == (Y.s, Y.m, Y.k, Y.t, Y.q)
    x = fresh[0] - fresh[3]
    assert compile_sign(x)(9, 1) == 0 and compile_sign(x)(10, 1) == 1


@pytest.mark.parametrize(
    "expr, match",
    [
        (s + sp.Symbol("x", positive=True), "expr must be a function"),
        (s + sp.Symbol("m"), "expr must be a function"),  # m without positive=True
        (1 / (s - t), "expr has a denominator"),
        (1 / (1 - m), "expr has a denominator"),
        (sp.sqrt(m) * s, "expr must be a rational function"),
        (sp.exp(s), "expr must be a rational function"),
    ],
)
def test_compile_sign_validation_names_expr(expr, match):
    with pytest.raises(ValueError, match=match):
        compile_sign(expr)


def test_compile_sign_is_reexported():
    assert C.compile_sign is compile_sign
