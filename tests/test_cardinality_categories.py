"""Paper B §4.1: Theorems 3 and 4, Lemma 6 and Proposition 2 (categories.py)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fairlib.cardinality import (
    cardinal_optimum,
    cardinal_optimum_bruteforce,
    cardinal_optimum_lp,
    categories_poc_bound,
    category_order,
    lemma6_reduce,
    poc,
    proposition2_factor,
    theorem3_instance,
    theorem4_instance,
    utilitarian_optimum,
)


def test_order_and_bounds_closed_forms():
    assert category_order([4, 2, 6], [2, 1, 2]) == [2, 1, 0]  # 1/3; 1/2 tie: fewer
    assert categories_poc_bound([4, 3], [2, 2], 2) == 2 / (
        Fraction(1, 2) + Fraction(2, 3)
    )
    assert categories_poc_bound([4, 3, 5], [2, 2, 2], 3) == Fraction(5, 2)
    assert proposition2_factor([4, 3, 5], [2, 2, 2]) == Fraction(2, 5)


def test_clip_changes_only_caps_above_category_size():
    assert categories_poc_bound([2, 1], [1, 2], 2, clip=False) == Fraction(4, 5)
    assert categories_poc_bound([2, 1], [1, 2], 2) == Fraction(4, 3)
    u, ids = theorem3_instance([2, 1], [1, 2])
    assert poc(u, [1, 2], ids) == Fraction(4, 3)  # the literal formula is below 1


@pytest.mark.parametrize(
    "m, k",
    [
        ([2, 2], [1, 1]),
        ([4, 3], [2, 2]),
        ([6, 5, 3], [3, 3, 2]),
        ([5, 2, 4], [3, 1, 4]),
    ],
)
def test_theorem3_instance_attains_bound(m, k):
    u, ids = theorem3_instance(m, k)
    exact = poc(u, k, ids)
    assert exact == categories_poc_bound(m, k, 2)
    assert isinstance(exact, Fraction)
    assert (
        cardinal_optimum_bruteforce(u, k, ids).value
        == cardinal_optimum(u, k, ids).value
    )


@pytest.mark.parametrize(
    "q, k, n", [(4, 2, 2), (6, 2, 3), (5, 2, 3), (3, 3, 3), (8, 2, 4)]
)
def test_theorem4_instance_attains_bound(q, k, n):
    u, ids = theorem4_instance(q, k, n)
    expected = max(Fraction(q, k), Fraction(1))
    assert poc(u, [k] * n, ids) == expected
    assert categories_poc_bound([q] * n, [k] * n, n) == expected


def _random_instance(rng, n, ms):
    ids = np.repeat(np.arange(len(ms)), ms)
    raw = rng.random((n, ids.size)) ** 3
    return raw / raw.sum(axis=1, keepdims=True), ids


def test_random_instances_within_bounds_and_proposition2():
    rng = np.random.default_rng(0)
    for _ in range(150):
        n = int(rng.integers(2, 5))
        ms = [int(x) for x in rng.integers(1, 6, int(rng.integers(2, 4)))]
        ks = [int(rng.integers(-(-mj // n), mj + 1)) for mj in ms]
        u, ids = _random_instance(rng, n, ms)
        opt = utilitarian_optimum(u).value
        card = cardinal_optimum(u, ks, ids).value
        assert card == pytest.approx(cardinal_optimum_lp(u, ks, ids).value, abs=1e-9)
        assert card >= float(proposition2_factor(ms, ks)) * opt - 1e-12
        assert opt / card <= float(categories_poc_bound(ms, ks, n)) + 1e-12


@st.composite
def two_agent_instances(draw):
    h = draw(st.integers(2, 3))
    ms = [draw(st.integers(1, 4)) for _ in range(h)]
    ks = [draw(st.integers((mj + 1) // 2, mj)) for mj in ms]
    m = sum(ms)
    rows = [draw(st.lists(st.integers(0, 6), min_size=m, max_size=m)) for _ in range(2)]
    return ms, ks, rows


@settings(max_examples=150, deadline=None)
@given(two_agent_instances())
def test_lemma6_never_decreases_the_ratio(case):
    ms, ks, rows = case
    assume(all(sum(r) > 0 for r in rows))
    u = np.array([[Fraction(x, sum(r)) for x in r] for r in rows], dtype=object)
    ids = np.repeat(np.arange(len(ms)), ms)
    before = poc(u, ks, ids)
    red = lemma6_reduce(u, ks, ids)
    assume(sum(red.u.ravel(), Fraction(0)) > 0)
    after = poc(red.u, ks, ids, normalized=False)
    assert after >= before
    # the tracked allocation is optimal for the reduced utilities
    assert (
        sum(red.u[red.owner, np.arange(ids.size)])
        == utilitarian_optimum(red.u, normalized=False).value
    )
    if red.complete:
        assert all(len(x) == 1 for x in red.exceeded)


def test_lemma6_reaches_the_paper_form():
    # agent 1 exceeds in categories 0 and 1 and values category 2; agent 2 only C_2
    u = np.array(
        [[Fraction(1, 8)] * 6 + [Fraction(1, 8)] * 2, [0] * 6 + [Fraction(1, 2)] * 2],
        dtype=object,
    )
    ids = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    red = lemma6_reduce(u, [2, 2, 1], ids)
    assert red.complete and red.exceeded == ((0,), (2,))
    assert "lemma7" in red.steps
    assert poc(red.u, [2, 2, 1], ids, normalized=False) >= poc(u, [2, 2, 1], ids)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: categories_poc_bound(3, 2, 2), "sequences"),
        (lambda: categories_poc_bound([3, 2], [2], 2), "equal length"),
        (lambda: categories_poc_bound([5, 2], [2, 1], 2), "n\\*k_j >= m_j"),
        (lambda: categories_poc_bound([4], [2], 2), "at least 2 categories"),
        (lambda: categories_poc_bound([4, 2], [2, 1], 1), "n"),
        (lambda: categories_poc_bound([0, 2], [2, 1], 2), "m"),
        (lambda: theorem3_instance([4], [2]), "at least 2"),
        (lambda: theorem4_instance(5, 2, 2), "n\\*k_j >= m_j"),
        (lambda: lemma6_reduce(np.ones((3, 2)) / 2, [1, 1], [0, 1]), "2 agents"),
    ],
)
def test_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
