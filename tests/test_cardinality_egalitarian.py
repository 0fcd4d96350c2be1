"""fairlib.cardinality egalitarian optima and Theorems 2 and 5 (Paper B)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fairlib import cardinality as C
from fairlib.cardinality import egalitarian as E

SETTINGS = settings(deadline=None, derandomize=True, max_examples=30)


@st.composite
def instances(draw, max_n=3, max_m=6, categories=False):
    """Tiny exact instances (``n**m <= 729``), normalized, with a cap ``k``."""
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    while n**m > 729:
        m -= 1
    w = np.array(
        draw(st.lists(st.integers(0, 4), min_size=n * m, max_size=n * m)), dtype=int
    ).reshape(n, m)
    w[np.arange(n), draw(st.lists(st.integers(0, m - 1), min_size=n, max_size=n))] += 1
    u = np.array(
        [[Fraction(int(x), int(row.sum())) for x in row] for row in w], dtype=object
    )
    if not categories:
        return u, draw(st.integers(-(-m // n), m + 1)), None
    cats = np.array(draw(st.lists(st.integers(0, 1), min_size=m, max_size=m)))
    sizes = [int((cats == j).sum()) for j in range(2)]
    k = [draw(st.integers(max(1, -(-s // n)), max(1, s) + 1)) for s in sizes]
    return u, k, cats


# ----------------------------------------------------------------------------
# the solver against brute force and cvxpy
# ----------------------------------------------------------------------------
@SETTINGS
@given(instances())
def test_exact_optimum_matches_bruteforce(inst):
    u, k, _ = inst
    for kk in (None, k):
        got = C.egalitarian_optimum(u, kk)
        want = C.egalitarian_optimum_bruteforce(u, kk)
        assert isinstance(got.value, Fraction)
        assert got.value == want.value
        assert C.egalitarian_welfare(u, got.owner) == got.value  # recomputed
        if kk is not None:
            assert np.bincount(got.owner, minlength=u.shape[0]).max() <= kk


@SETTINGS
@given(instances(categories=True))
def test_categories_match_bruteforce(inst):
    u, k, cats = inst
    got = C.egalitarian_optimum(u, k, cats)
    assert got.value == C.egalitarian_optimum_bruteforce(u, k, cats).value
    for j in range(2):
        g = np.flatnonzero(cats == j)
        if g.size:
            assert np.bincount(got.owner[g]).max() <= k[j]


@SETTINGS
@given(instances())
def test_float_input_and_cvxpy_agree(inst):
    u, k, _ = inst
    uf = np.array(u, dtype=float)
    for kk in (None, k):
        exact = float(C.egalitarian_optimum(u, kk).value)
        assert abs(C.egalitarian_optimum(uf, kk).value - exact) < 1e-9
        assert abs(C.egalitarian_optimum_cvxpy(uf, kk).value - exact) < 1e-7


@SETTINGS
@given(instances())
def test_cap_only_lowers_the_value(inst):
    u, k, _ = inst
    n, m = u.shape
    free = C.egalitarian_optimum(u).value
    values = [C.egalitarian_optimum(u, kk).value for kk in range(-(-m // n), m + 1)]
    assert all(v <= free for v in values)
    assert all(a <= b for a, b in zip(values, values[1:], strict=False))
    assert values[-1] == free  # k >= m is no constraint


@SETTINGS
@given(instances())
def test_theorem2_bound_and_keep_top_k(inst):
    u, k, _ = inst
    n, m = u.shape
    assume(m >= n and m > k)
    opt = C.egalitarian_optimum(u)
    card = C.egalitarian_optimum(u, k).value
    bound = C.egalitarian_poc_bound(m, k, n)
    kept = C.keep_top_k(u, opt.owner, k)
    esw = C.egalitarian_welfare(u, kept)
    assert np.bincount(kept, minlength=n).max() <= k
    assert esw <= card  # the certified cardinal optimum is optimal
    assert opt.value <= bound * esw  # the paper's guarantee, exactly
    assert opt.value <= bound * card


def _presolve_bug_instance():
    f = Fraction
    return np.array(
        [
            [f(1, 7), f(2, 7), f(1, 7), f(3, 7)],
            [f(3, 11), f(1, 11), f(3, 11), f(4, 11)],
            [f(1, 4), f(1, 4), f(1, 2), f(0)],
        ],
        dtype=object,
    )


def test_highs_presolve_bug_instance():
    # HiGHS's MIP presolve reports 2/7 as optimal here (a known HiGHS bug
    # family); the solver runs with presolve off and certifies exact input
    u = _presolve_bug_instance()
    assert C.egalitarian_optimum(u).value == Fraction(4, 11)
    assert C.egalitarian_optimum(np.array(u, dtype=float)).value == 4 / 11


def test_keep_top_k_keeps_bundles_within_the_cap():
    u = np.array([[0.5, 0.3, 0.2, 0.0], [0.0, 0.0, 0.5, 0.5]])
    owner = np.array([0, 0, 0, 1])
    kept = C.keep_top_k(u, owner, 2)
    assert kept[0] == 0 and kept[1] == 0 and kept[3] == 1
    assert kept[2] == 1  # released, and agent 1 has room and values it


def test_certificate_raises_value_past_a_weak_incumbent():
    # started from HiGHS's wrong presolve answer, the certificate must climb
    u = _presolve_bug_instance()
    groups = [np.arange(4)]
    agent, item, packing = E._constraints(np.array(u, dtype=float), groups, None)
    weak = np.array([1, 0, 2, 1])
    assert C.egalitarian_welfare(u, weak) == Fraction(2, 7)
    got = E._certify(u, weak, E._row_scaling(u), agent, item, packing, groups, None)
    assert got.value == Fraction(4, 11)


def test_zero_optimum_when_fewer_items_than_agents():
    u = np.array([[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]] * 2)
    assert C.egalitarian_optimum(u).value == 0
    assert C.egalitarian_optimum(u, 1).value == 0


# ----------------------------------------------------------------------------
# Theorem 2 and Theorem 5: closed forms and instances
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "m,k,n",
    [
        (m, k, n)
        for m in range(2, 8)
        for n in range(2, m + 1)
        for k in range(1, m)
        if n * k >= m
    ],
)
def test_theorem2_instance_attains_the_bound(m, k, n):
    u = C.egalitarian_lower_bound_instance(m, k, n)
    assert all(sum(row) == 1 for row in u)
    opt = C.egalitarian_optimum(u).value
    card = C.egalitarian_optimum(u, k).value
    assert opt == 1 and card == min(Fraction(k, m - n + 1), Fraction(1))
    assert opt / card == C.egalitarian_poc_bound(m, k, n)


def test_theorem5_closed_forms():
    # case 1 (n <= m_2 + 1): m_1/k_1 with the smaller k/m first
    assert C.theorem5_order([4, 3], [2, 1]) == [1, 0]
    assert C.categories_egalitarian_poc_bound([4, 3], [2, 1], 3) == 3
    # case 2 reduces to Theorem 2's (m - n + 1)/k for one category
    assert C.categories_egalitarian_poc_bound([7], [3], 3) == Fraction(5, 3)
    # the smallest two-category cell where the paper's expression is < 1
    assert C.categories_egalitarian_poc_bound([3, 3], [2, 2], 6) == Fraction(1, 2)
    assert C.categories_egalitarian_poc([3, 3], [2, 2], 6) == 1


@pytest.mark.parametrize(
    "m,k,n",
    [
        ([3, 4], [1, 2], 3),
        ([2, 5], [1, 2], 6),
        ([4, 2], [2, 1], 4),
        ([3, 3], [2, 2], 6),
        ([2, 2, 1], [1, 1, 1], 4),
    ],
)
def test_theorem5_instance_attains_the_corrected_value(m, k, n):
    u, cats = C.categories_egalitarian_lower_bound_instance(m, k, n)
    assert all(sum(row) == 1 for row in u)
    opt = C.egalitarian_optimum(u).value
    card = C.egalitarian_optimum(u, k, cats).value
    assert opt == 1
    assert opt / card == C.categories_egalitarian_poc(m, k, n)


# ----------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------
def test_solver_errors():
    u = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    with pytest.raises(ValueError, match="n\\*k >= m"):
        C.egalitarian_optimum(u, 1)
    with pytest.raises(ValueError, match="normalized"):
        C.egalitarian_optimum(u * 2)
    with pytest.raises(ValueError, match="non-negative"):
        C.egalitarian_optimum(-u, normalized=False)
    with pytest.raises(ValueError, match="finite"):
        C.egalitarian_optimum(np.array([[np.nan, 1.0]]), normalized=False)
    with pytest.raises(ValueError, match="2-D"):
        C.egalitarian_optimum(np.ones(3))
    with pytest.raises(ValueError, match="k must be an integer"):
        C.egalitarian_optimum(u, 0)
    with pytest.raises(ValueError, match="categories"):
        C.egalitarian_optimum(u, 2, categories=[0, 1])
    with pytest.raises(ValueError, match="too large for brute force"):
        C.egalitarian_optimum_bruteforce(np.full((5, 8), 1 / 8))
    big = np.array([[Fraction(1, 1_000_003), 1 - Fraction(1, 1_000_003)]] * 2)
    with pytest.raises(ValueError, match="too large to certify"):
        C.egalitarian_optimum(big)
    with pytest.raises(ValueError, match="owner"):
        C.egalitarian_welfare(u, [0, 1])
    with pytest.raises(ValueError, match="owner entries"):
        C.keep_top_k(u, [0, 1, 2], 2)


def test_bound_errors():
    with pytest.raises(ValueError, match="m must be >= n"):
        C.egalitarian_poc_bound(3, 2, 4)
    with pytest.raises(ValueError, match="m must be > k"):
        C.egalitarian_poc_bound(3, 3, 2)
    with pytest.raises(ValueError, match="n\\*k must be >= m"):
        C.egalitarian_lower_bound_instance(7, 2, 3 - 1)
    with pytest.raises(ValueError, match="one cap per category"):
        C.categories_egalitarian_poc_bound([3, 3], [1], 3)
    with pytest.raises(ValueError, match="n\\*k_j >= m_j"):
        C.categories_egalitarian_poc_bound([3, 3], [1, 1], 2)
    with pytest.raises(ValueError, match="at least one"):
        C.categories_egalitarian_poc_bound([], [], 2)
    with pytest.raises(ValueError, match="sum\\(m\\) >= n"):
        C.categories_egalitarian_lower_bound_instance([1, 1], [1, 1], 3)
    with pytest.raises(ValueError, match="one cap per category"):
        C.theorem5_order([3, 3], [1])
