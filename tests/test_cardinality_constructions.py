"""fairlib.cardinality.constructions and .bounds: Lemmas 1 and 2, Theorem 1."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairlib import cardinality as C


# ----------------------------------------------------------------------------
# floor(s) and Theorem 1, exactly
# ----------------------------------------------------------------------------
@settings(deadline=None, derandomize=True, max_examples=200)
@given(st.integers(1, 10**6), st.integers(1, 10**4))
def test_floor_s_is_the_floor_of_s(m, k):
    f = C.floor_s(m, k)
    # floor(s) = f  <=>  (f + 1)^2 <= 1 + (m - 1)/k < (f + 2)^2, in integers
    assert f >= 0
    assert k * (f + 1) ** 2 <= k + m - 1 < k * (f + 2) ** 2
    s = -1 + math.sqrt(1 + (m - 1) / k)
    assert abs(f - s) < 1 + 1e-9 and f <= s + 1e-9


def test_floor_s_at_perfect_squares():
    # m = k (c^2 - 1) + 1 makes s = c - 1 an integer (Lemma 1)
    for k in (1, 2, 7):
        for c in (2, 3, 10):
            m = k * (c * c - 1) + 1
            assert C.floor_s(m, k) == c - 1
            assert C.floor_s(m - 1, k) == c - 2  # just below the square
            assert C.lemma1_c(m, k) == c
            assert C.lemma1_c(m + 1, k) is None
    assert C.lemma1_c(1, 1) is None  # c = 1 is excluded (c >= 2)


def test_utilitarian_poc_bound_values():
    assert C.utilitarian_poc_bound(3, 5) == 1.0
    assert C.utilitarian_poc_bound(5, 5) == 1.0
    assert C.utilitarian_poc_bound(4, 1) == pytest.approx(1.5)  # m = k(c^2-1)+1, c = 2
    assert C.utilitarian_poc_bound(17, 2) == pytest.approx(2.0)  # c = 3
    assert C.utilitarian_poc_bound(np.int64(9), 1) == pytest.approx(
        0.5 * (1 + math.sqrt(9))
    )


def test_compare_with_theorem1_is_exact():
    tiny = Fraction(1, 10**30)
    assert C.compare_with_theorem1(Fraction(3, 2), 4, 1) == 0  # (1 + sqrt(4))/2
    assert C.compare_with_theorem1(Fraction(3, 2) - tiny, 4, 1) == -1
    assert C.compare_with_theorem1(Fraction(3, 2) + tiny, 4, 1) == 1
    assert C.compare_with_theorem1(Fraction(1), 3, 5) == 0  # m <= k: the price is 1
    assert C.compare_with_theorem1(Fraction(1, 3), 4, 1) == -1  # 2q - 1 < 0


@settings(deadline=None, derandomize=True, max_examples=200)
@given(st.fractions(0, 5, max_denominator=50), st.integers(1, 60), st.integers(1, 8))
def test_within_theorem1_agrees_with_the_float_bound(q, m, k):
    bound = C.utilitarian_poc_bound(m, k)
    if abs(float(q) - bound) > 1e-9:  # away from the boundary floats decide it
        assert C.within_theorem1(q, m, k) == (float(q) < bound)
    assert C.within_theorem1(q, m, k) == (C.compare_with_theorem1(q, m, k) <= 0)


def test_within_theorem1_on_the_boundary():
    for k, c in [(1, 2), (2, 3), (5, 4)]:
        m = k * (c * c - 1) + 1
        edge = Fraction(c + 1, 2)  # Theorem 1's bound, rational here
        assert C.within_theorem1(edge, m, k)
        assert not C.within_theorem1(edge + Fraction(1, 10**40), m, k)
    assert C.within_theorem1(1, 2, 1) and C.within_theorem1(0, 2, 1)
    with pytest.raises(ValueError, match="^ratio must"):
        C.within_theorem1(1.5, 4, 1)


def test_theorem1_is_rational():
    rational = [
        (m, k)
        for m in range(3, 13)
        for k in range(1, m - 1)
        if C.theorem1_is_rational(m, k)
    ]
    # 1 + (m - 1)/k a rational square: 4, 9/4 (twice), 4 (twice), 16/9
    assert rational == [(4, 1), (6, 4), (7, 2), (9, 1), (10, 3), (11, 8)]
    for m, k in rational:  # then Theorem 1's bound is an exact Fraction
        q = Fraction(k + m - 1, k)
        root = Fraction(math.isqrt(q.numerator), math.isqrt(q.denominator))
        assert C.compare_with_theorem1((1 + root) / 2, m, k) == 0
    assert C.theorem1_is_rational(2, 5)  # m <= k: the bound is 1
    assert not C.theorem1_is_rational(5, 1)  # sqrt(5)


# ----------------------------------------------------------------------------
# block instances
# ----------------------------------------------------------------------------
def test_block_sizes():
    assert C.block_sizes(8, 3) == [3, 2, 2]  # m - 1 = 7 = 2*3 + 1
    assert C.block_sizes(7, 3) == [2, 2, 2]
    assert C.block_sizes(2, 1) == [1]
    with pytest.raises(ValueError, match="^t must"):
        C.block_sizes(5, 5)


@pytest.mark.parametrize("m, k", [(7, 1), (8, 1), (12, 2), (12, 5), (20, 3)])
def test_block_instances(m, k):
    t_paper = max(C.floor_s(m, k), 1)
    assert C.block_ratio(m, k, t_paper) == C.lemma2_lower_bound(m, k, "main")
    value, t = C.best_block_ratio(m, k)
    assert value == max(C.block_ratio(m, k, s) for s in range(1, m))
    assert value == C.block_ratio(m, k, t)
    assert all(C.block_ratio(m, k, s) < value for s in range(1, t))  # smallest t
    u = C.block_instance(m, k, t)
    assert u.shape == (max(t + 1, -(-m // k)), m)
    assert C.poc(u, k) == value  # the ratio is attained
    with pytest.raises(ValueError, match="^t must"):
        C.block_ratio(m, k, m)


def test_best_block_ratio_single_item():
    assert C.best_block_ratio(1, 3) == (1, 0)


def test_lemma_instances_are_block_instances():
    for k, c in [(1, 2), (2, 3)]:
        m = k * (c * c - 1) + 1
        assert np.array_equal(C.lemma1_instance(k, c), C.block_instance(m, k, c - 1))
    for m, k in [(9, 2), (13, 1), (30, 4)]:
        t = max(C.floor_s(m, k), 1)
        assert np.array_equal(
            C.lemma2_instance(m, k, variant="main"), C.block_instance(m, k, t)
        )


# ----------------------------------------------------------------------------
# the paper's constructions
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("k, c", [(1, 2), (1, 3), (2, 2), (3, 2), (2, 3), (1, 5)])
def test_lemma1_ratio_is_exactly_the_bound(k, c):
    u = C.lemma1_instance(k, c)
    m = k * (c * c - 1) + 1
    assert u.shape == (c * c, m)
    assert all(sum(row) == 1 for row in u)
    ratio = C.poc(u, k)
    assert ratio == Fraction(c + 1, 2)
    assert float(ratio) == pytest.approx(C.utilitarian_poc_bound(m, k), abs=1e-12)
    assert C.utilitarian_optimum(u)[0] == c
    assert C.cardinal_optimum(u, k)[0] == Fraction(2 * c, c + 1)
    assert C.poc(C.lemma1_instance(k, c, n=c * c + 2), k) == Fraction(c + 1, 2)


LEMMA2_GRID = [(m, k) for k in range(1, 5) for m in range(k + 2, 8 * k + 12)]


@pytest.mark.parametrize("variant", ["appendix", "main"])
def test_lemma2_closed_form_equals_solved_ratio(variant):
    for m, k in LEMMA2_GRID:
        u = C.lemma2_instance(m, k, variant=variant)
        assert u.shape[1] == m and u.shape[0] * k >= m
        assert all(sum(row) == 1 for row in u)
        solved = C.poc(u, k)
        assert solved == C.lemma2_lower_bound(m, k, variant=variant), (m, k)
        bound = C.utilitarian_poc_bound(m, k)
        # Lemma 2: within an additive 1 of Theorem 1's bound; never above it
        assert bound - 1 - 1e-12 <= float(solved) <= bound + 1e-12, (m, k)


def test_lemma2_main_variant_at_least_appendix_and_lemma1_case():
    for m, k in LEMMA2_GRID:
        assert C.lemma2_lower_bound(m, k, "main") >= C.lemma2_lower_bound(m, k)
    for k, c in [(1, 2), (2, 3), (3, 2)]:
        m = k * (c * c - 1) + 1
        assert C.lemma2_lower_bound(m, k) == Fraction(c + 1, 2)
        assert np.array_equal(C.lemma2_instance(m, k), C.lemma1_instance(k, c))


def test_lemma2_bound_gap_large_grid():
    """Lemma 2 (closed form >= bound - 1, never above the bound), decided exactly."""
    gaps = []
    for k in range(1, 30):
        for m in range(k + 2, 600, 7):
            low = C.lemma2_lower_bound(m, k)
            assert C.within_theorem1(low, m, k), (m, k)
            assert C.compare_with_theorem1(low + 1, m, k) >= 0, (m, k)
            gaps.append(C.utilitarian_poc_bound(m, k) - float(low))
    # the gap is positive somewhere (the construction is not always tight) and < 1
    assert 0 < max(gaps) < 1


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: C.utilitarian_poc_bound(0, 1), "m"),
        (lambda: C.utilitarian_poc_bound(3, 0), "k"),
        (lambda: C.floor_s(0, 1), "m"),
        (lambda: C.floor_s(3, True), "k"),
        (lambda: C.compare_with_theorem1(0.5, 3, 1), "q"),
        (lambda: C.within_theorem1(Fraction(1), 3, 0), "k"),
        (lambda: C.block_ratio(1, 1, 1), "m"),
        (lambda: C.block_instance(5, 1, 2, n=2), "n"),
        (lambda: C.lemma1_instance(1, 1), "c"),
        (lambda: C.lemma1_instance(0, 2), "k"),
        (lambda: C.lemma1_instance(1, 2, n=3), "n"),
        (lambda: C.lemma2_instance(3, 2), "m"),
        (lambda: C.lemma2_instance(10, 2, n=2), "n"),
        (lambda: C.lemma2_instance(10, 2, variant="body"), "variant"),
        (lambda: C.lemma2_lower_bound(10, 0), "k"),
    ],
)
def test_bad_input_raises_value_error_naming_argument(call, match):
    with pytest.raises(ValueError, match=f"^{match}"):
        call()
