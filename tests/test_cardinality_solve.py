"""fairlib.cardinality.solve: utilitarian and cardinal optima (Paper B, Props. 1–2)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fairlib import cardinality as C
from fairlib.cardinality._assignment import certify
from fairlib.cardinality._instance import scaled_integers

SETTINGS = settings(deadline=None, derandomize=True, max_examples=60)
METHODS = ["flow", "assignment"]


# ----------------------------------------------------------------------------
# strategies: tiny instances (n**m <= 729) with normalized rows
# ----------------------------------------------------------------------------
@st.composite
def instances(draw, exact=False, max_n=3, max_m=6, with_categories=False):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    while n**m > 729:
        m -= 1
    # small integer weights make ties frequent; every row gets a positive entry
    w = np.array(
        draw(st.lists(st.integers(0, 4), min_size=n * m, max_size=n * m)), dtype=int
    ).reshape(n, m)
    w[np.arange(n), draw(st.lists(st.integers(0, m - 1), min_size=n, max_size=n))] += 1
    if exact:
        u = np.array(
            [[Fraction(int(x), int(row.sum())) for x in row] for row in w], dtype=object
        )
    else:
        u = w / w.sum(axis=1, keepdims=True)
    if with_categories:
        c = draw(st.integers(1, 3))
        cats = np.array(
            draw(st.lists(st.integers(0, c - 1), min_size=m, max_size=m)), dtype=int
        )
        sizes = np.bincount(cats, minlength=c)
        k = [
            draw(st.integers(max(1, -(-int(s) // n)), max(1, int(s)) + 1))
            for s in sizes
        ]
        return u, k, cats
    k = draw(st.integers(-(-m // n), m + 1))
    return u, k, None


def welfare(u, owner):
    return sum((u[i, g] for g, i in enumerate(owner)), 0 * u[0, 0])


def assert_cardinal(owner, n, k, cats=None):
    owner = np.asarray(owner)
    assert owner.min() >= 0 and owner.max() < n
    if cats is None:
        assert np.bincount(owner, minlength=n).max() <= k
    else:
        for j, kj in enumerate(k):
            sel = owner[cats == j]
            assert sel.size == 0 or np.bincount(sel, minlength=n).max() <= kj


# ----------------------------------------------------------------------------
# invariants (hypothesis)
# ----------------------------------------------------------------------------
@SETTINGS
@given(instances())
def test_cardinal_at_most_utilitarian(inst):
    u, k, _ = inst
    top, top_owner = C.utilitarian_optimum(u)
    for method in METHODS:
        value, owner = C.cardinal_optimum(u, k, method=method)
        assert_cardinal(owner, u.shape[0], k)
        assert value == pytest.approx(welfare(u, owner), abs=1e-12)
        assert value <= top + 1e-12


@SETTINGS
@given(instances())
def test_fast_paths_equal_lp_and_bruteforce(inst):
    u, k, _ = inst
    brute, _ = C.cardinal_optimum_bruteforce(u, k)
    lp, lp_owner = C.cardinal_optimum_lp(u, k)
    assert_cardinal(lp_owner, u.shape[0], k)
    assert lp == pytest.approx(brute, abs=1e-9)
    for method in METHODS:
        assert C.cardinal_optimum(u, k, method=method)[0] == pytest.approx(
            brute, abs=1e-9
        )


@SETTINGS
@given(instances(exact=True))
def test_exact_equals_exact_bruteforce(inst):
    u, k, _ = inst
    brute, _ = C.cardinal_optimum_bruteforce(u, k)
    assert isinstance(brute, Fraction)
    for method in METHODS:
        value, owner = C.cardinal_optimum(u, k, method=method)
        assert isinstance(value, Fraction) and value == brute
        assert welfare(u, owner) == value
        assert_cardinal(owner, u.shape[0], k)
    top, _ = C.utilitarian_optimum(u)
    assert isinstance(top, Fraction) and top == sum(max(col) for col in u.T)
    assert C.poc(u, k) == top / brute


@SETTINGS
@given(instances())
def test_poc_within_theorem_1(inst):
    u, k, _ = inst
    assert 1 - 1e-12 <= C.poc(u, k) <= C.utilitarian_poc_bound(u.shape[1], k) + 1e-12


@SETTINGS
@given(instances(exact=True))
def test_price_is_one_when_m_is_k_plus_1(inst):
    """At m = k + 1 some optimum is cardinal (Appendix A.1), below Theorem 1's bound."""
    u, _, _ = inst
    n, m = u.shape
    assume(n >= 2 and m >= 2)
    assert C.poc(u, m - 1) == 1


@SETTINGS
@given(instances(exact=True))
def test_exact_repair_from_any_start(inst):
    """The exact certificate repairs a deliberately poor cardinal start."""
    u, k, _ = inst
    n, m = u.shape
    w, _ = scaled_integers(u)
    start = np.resize(np.arange(n), m)[::-1].copy()  # round-robin, ignores utilities
    fixed, _ = certify(w, start, k)
    assert_cardinal(fixed, n, k)
    assert welfare(u, fixed) == C.cardinal_optimum_bruteforce(u, k)[0]


@settings(deadline=None, derandomize=True, max_examples=40)
@given(instances(exact=True, with_categories=True))
def test_categories_decouple(inst):
    """Paper B, Proposition 2: one independent problem per category."""
    u, k, cats = inst
    n = u.shape[0]
    value, owner = C.cardinal_optimum(u, k, categories=cats)
    assert_cardinal(owner, n, k, cats)
    parts = sum(
        (
            C.cardinal_optimum(u[:, cats == j], k[j], normalized=False)[0]
            for j in range(len(k))
            if (cats == j).any()
        ),
        Fraction(0),
    )
    assert value == parts == C.cardinal_optimum_bruteforce(u, k, categories=cats)[0]
    lists = [list(np.flatnonzero(cats == j)) for j in range(len(k))]
    assert C.cardinal_optimum(u, k, categories=lists)[0] == value
    assert (
        C.cardinal_optimum_lp(u, k, categories=cats)[0] == value
    )  # exact evaluation of a TU vertex


# ----------------------------------------------------------------------------
# larger float instances and the cvxpy formulation
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flow_equals_assignment_and_lp_medium(seed):
    rng = np.random.default_rng(seed)
    n, m = 25, 120
    u = rng.random((n, m)) ** 3
    u /= u.sum(axis=1, keepdims=True)
    k = int(rng.integers(-(-m // n), 2 * m // n + 1))
    v_flow, o_flow = C.cardinal_optimum(u, k)
    v_lsa, _ = C.cardinal_optimum(u, k, method="assignment")
    v_lp, _ = C.cardinal_optimum_lp(u, k)
    assert_cardinal(o_flow, n, k)
    assert v_flow == pytest.approx(v_lsa, abs=1e-9)
    assert v_flow == pytest.approx(v_lp, abs=1e-7)
    assert v_flow <= C.utilitarian_optimum(u)[0] + 1e-12


def test_cvxpy_formulation_agrees():
    rng = np.random.default_rng(7)
    for n, m, k in [(3, 7, 3), (4, 12, 3), (6, 30, 5)]:
        u = rng.random((n, m))
        u /= u.sum(axis=1, keepdims=True)
        v_cvx, owner = C.cardinal_optimum_cvxpy(u, k)
        assert_cardinal(owner, n, k)
        assert v_cvx == pytest.approx(C.cardinal_optimum(u, k)[0], abs=1e-6)


# ----------------------------------------------------------------------------
# exact certification on inputs that fool floating point
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_exact_path_resolves_float_ties(method):
    eps = Fraction(
        1, 10**30
    )  # invisible in float64: the float solve sees three-way ties
    third = Fraction(1, 3)
    u = np.array(
        [[third + eps, third - eps, third], [third, third, third]], dtype=object
    )
    value, owner = C.cardinal_optimum(u, 2, method=method)
    assert value == 1 + eps  # agent 0 must get item 0 and not item 1
    assert owner[0] == 0 and owner[1] == 1
    assert C.poc(u, 2) == Fraction(1 + eps) / (1 + eps)
    assert C.cardinal_optimum_bruteforce(u, 2)[0] == 1 + eps


def test_exact_path_many_near_ties():
    rng = np.random.default_rng(3)
    n, m, k = 4, 8, 2
    eps = Fraction(1, 10**25)
    base = Fraction(1, m)
    u = np.empty((n, m), dtype=object)
    for i in range(n):
        d = rng.integers(-3, 4, size=m)
        d[-1] -= d.sum()  # rows still sum to exactly 1
        u[i] = [base + int(x) * eps for x in d]
    value, owner = C.cardinal_optimum(u, k)
    assert value == C.cardinal_optimum_bruteforce(u, k)[0]
    assert value > 1  # only the eps-perturbations separate allocations


def test_utilitarian_optimum_tie_break_and_exact():
    u = np.array(
        [[Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 2), Fraction(1, 2)]],
        dtype=object,
    )
    value, owner = C.utilitarian_optimum(u)
    assert value == 1 and isinstance(value, Fraction)
    assert list(owner) == [0, 0]
    value, owner = C.utilitarian_optimum(np.array([[0.25, 0.75], [0.5, 0.5]]))
    assert value == 1.25 and list(owner) == [1, 0]


def test_single_agent_and_void_constraint():
    u = np.array([[0.2, 0.3, 0.5]])
    assert C.cardinal_optimum(u, 3)[0] == pytest.approx(1.0)
    u = np.array([[0.2, 0.3, 0.5], [0.5, 0.3, 0.2]])
    assert C.cardinal_optimum(u, 3)[0] == C.utilitarian_optimum(u)[0]


# ----------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------
U2 = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: C.cardinal_optimum(np.array([[0.5, 0.6, 0.0]]), 3), "u"),
        (lambda: C.cardinal_optimum(np.array([[1.2, -0.2]]), 2, normalized=False), "u"),
        (
            lambda: C.cardinal_optimum(np.array([[np.nan, 1.0]]), 2, normalized=False),
            "u",
        ),
        (lambda: C.cardinal_optimum(np.array([0.5, 0.5]), 2), "u"),
        (lambda: C.cardinal_optimum(U2, 0), "k"),
        (lambda: C.cardinal_optimum(U2, 1.5), "k"),
        (lambda: C.cardinal_optimum(U2, True), "k"),
        (lambda: C.cardinal_optimum(U2, 1), "k"),  # n k = 2 < m = 3
        (
            lambda: C.cardinal_optimum(U2, [1, 2], categories=[0, 0, 0]),
            "k",
        ),  # one cap per category
        (lambda: C.cardinal_optimum(U2, 2, categories=[0, 1]), "categories"),
        (lambda: C.cardinal_optimum(U2, 2, categories=[[0, 1], [1, 2]]), "categories"),
        (lambda: C.cardinal_optimum(U2, 2, categories=[0.0, 1.0, 1.0]), "categories"),
        (lambda: C.cardinal_optimum(U2, [2, 2, 2], categories=[[0], [1, 2]]), "k"),
        (lambda: C.cardinal_optimum(U2, [2, 2], categories=[0, 1, 2]), "categories"),
        (
            lambda: C.cardinal_optimum(
                np.ones((2, 3)) / 3, [1, 1], categories=[[0, 1, 2], []]
            ),
            "k",
        ),
        (lambda: C.cardinal_optimum(U2, 2, method="hungarian"), "method"),
        (lambda: C.cardinal_optimum_bruteforce(np.full((4, 10), 0.1), 3), "u"),
        (lambda: C.cardinal_optimum_lp(U2, 1), "k"),
        (lambda: C.poc(np.array([[0.5, 0.6]]), 2), "u"),
        (lambda: C.utilitarian_optimum(np.array([[0.5, 0.6]])), "u"),
    ],
)
def test_bad_input_raises_value_error_naming_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_fraction_normalization_checked_exactly():
    u = np.array([[Fraction(1, 3), Fraction(1, 3), Fraction(1, 4)]], dtype=object)
    with pytest.raises(ValueError, match="u"):
        C.cardinal_optimum(u, 3)
    assert C.cardinal_optimum(u, 3, normalized=False)[0] == Fraction(11, 12)


# ----------------------------------------------------------------------------
# the result convention: CardinalOptimum(value, owner), a NamedTuple
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "solve",
    [
        lambda u, k: C.utilitarian_optimum(u),
        lambda u, k: C.cardinal_optimum(u, k),
        lambda u, k: C.cardinal_optimum(u, k, method="assignment"),
        C.cardinal_optimum_lp,
        C.cardinal_optimum_cvxpy,
        C.cardinal_optimum_bruteforce,
    ],
)
def test_every_optimum_is_a_cardinal_optimum_named_tuple(solve):
    u = np.array([[0.5, 0.25, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4]])
    res = solve(u, 2)
    assert isinstance(res, C.CardinalOptimum) and isinstance(res, tuple)
    value, owner = res  # tuple unpacking keeps working
    assert res[0] == res.value == value and res[1] is res.owner is owner
    assert res._fields == ("value", "owner") and len(res) == 2
    assert owner.dtype.kind == "i" and owner.shape == (4,)
    assert value == pytest.approx(u[owner, np.arange(4)].sum(), abs=1e-12)


def test_poc_is_the_ratio_of_the_two_optima():
    u = C.lemma1_instance(1, 2)  # Paper B, Lemma 1: ratio (c + 1)/2 = 3/2
    top = C.utilitarian_optimum(u).value
    card = C.cardinal_optimum(u, 1).value
    assert C.poc(u, 1) == top / card == Fraction(3, 2)
    with pytest.raises(ValueError, match="undefined"):
        C.poc(np.zeros((2, 2)), 1, normalized=False)


# ----------------------------------------------------------------------------
# the batched flow (price start + successive shortest paths) at moderate scale
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n, m, k, integer", [(60, 600, 10, False), (40, 390, 10, True), (25, 200, 9, True)]
)
def test_flow_with_price_start_equals_the_assignment(n, m, k, integer):
    rng = np.random.default_rng(n + m)
    u = rng.integers(0, 4, (n, m)).astype(float) if integer else rng.random((n, m))
    u += 1e-3  # no all-zero row; integer-like ties stay
    flow = C.cardinal_optimum(u, k, normalized=False)
    lsa = C.cardinal_optimum(u, k, normalized=False, method="assignment")
    assert np.bincount(flow.owner, minlength=n).max() <= k
    assert flow.value == pytest.approx(lsa.value, rel=1e-12, abs=1e-12)


def test_price_start_keeps_the_flow_invariant():
    from fairlib.cardinality._assignment import _price_start

    rng = np.random.default_rng(7)
    u = rng.random((50, 500))
    owner, y = _price_start(u, 10)
    load = np.bincount(owner, minlength=50)
    assert (y >= 0).all() and not ((y > 0) & (load < 10)).any()
    v = u - y[:, None]
    assert np.array_equal(v[owner, np.arange(500)], v.max(axis=0))  # best choices


# ----------------------------------------------------------------------------
# the auction start (n m_j >= AUCTION_MIN_SIZE): dummy-padded, then exact SSP
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n, m, k, integer",
    [(50, 2000, 40, False), (50, 2000, 50, True), (40, 2500, 70, False)],
)
def test_auction_start_at_scale_equals_the_assignment(n, m, k, integer):
    from fairlib.cardinality._auction import AUCTION_MIN_SIZE

    assert n * m >= AUCTION_MIN_SIZE and n * k <= 2 * m  # the auction path runs
    rng = np.random.default_rng(n * m + k)
    u = rng.integers(0, 5, (n, m)).astype(float) if integer else rng.random((n, m))
    u += 1e-3
    flow = C.cardinal_optimum(u, k, normalized=False)
    lsa = C.cardinal_optimum(u, k, normalized=False, method="assignment")
    assert np.bincount(flow.owner, minlength=n).max() <= k
    assert flow.value == pytest.approx(lsa.value, rel=1e-12)


@given(instances(max_n=3, max_m=6))
@SETTINGS
def test_auction_path_on_tiny_instances_matches_the_assignment(inst):
    import fairlib.cardinality._assignment as asg

    u, k = inst[0], inst[1]
    n, m = u.shape
    assume(n * k <= 2 * m)
    old = asg.AUCTION_MIN_SIZE
    asg.AUCTION_MIN_SIZE = 0  # force the auction start on every size
    try:
        flow = C.cardinal_optimum(u, k)
    finally:
        asg.AUCTION_MIN_SIZE = old
    lsa = C.cardinal_optimum(u, k, method="assignment")
    assert flow.value == pytest.approx(lsa.value, rel=1e-12, abs=1e-15)
    assert np.bincount(flow.owner, minlength=n).max() <= k


def test_auction_start_invariant_and_fallback(monkeypatch):
    from fairlib.cardinality import _auction

    rng = np.random.default_rng(3)
    ut = rng.random((60, 6))  # 6 agents, k = 10: tight
    owner, y = _auction.auction_start(ut, 10)
    assert (y >= 0).all() and y.any()
    v = ut - y
    assert np.array_equal(v[np.arange(60), owner], v.max(axis=1))
    with pytest.raises(ValueError, match="^ut"):
        _auction.auction_start(ut[:-1], 10)
    monkeypatch.setattr(_auction, "_MAX_ROUNDS", 1)  # the auction gives up: y = 0
    assert not _auction.auction_prices(ut, 10).any()
    assert not _auction.auction_prices(np.zeros((60, 6)), 10).any()  # no span
