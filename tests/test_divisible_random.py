"""Paper A's random and structured settings: generators, kappa_j, closed forms,
the dissimilar adversary and the Monte Carlo helpers (fairlib.divisible)."""

from functools import partial

import numpy as np
import pytest
import scipy.stats
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fairlib import divisible as D

# ---------------------------------------------------------------------------
# generators satisfy their setting's definition
# ---------------------------------------------------------------------------


@given(st.integers(1, 30), st.floats(0, 3), st.integers(0, 10**6))
@settings(max_examples=60, deadline=None)
def test_random_similar_pair_is_delta_similar(m, delta, seed):
    a = D.random_similar_pair(m, delta, seed)
    assert a.shape == (2, m) and np.all((a >= 0) & (a <= 1))
    assert np.abs(a[0] - a[1]).sum() <= delta + 1e-12


@given(
    st.integers(1, 4),
    st.integers(0, 3),
    st.floats(0, 0.5),
    st.floats(0.05, 1.0),
    st.integers(0, 10**6),
)
@settings(max_examples=40, deadline=None)
def test_clustered_instance_has_its_radius_and_dissimilarity(K, extra, delta, gm, seed):
    n, m = 2 * K + extra, 3 * K + extra
    inst = D.clustered_instance(n, m, K, delta, gm / m, seed)
    a, lab = inst.a, inst.labels
    assert a.shape == (n, m) and np.all((a >= 0) & (a <= 1))
    assert set(lab.tolist()) == set(range(K))
    for q in range(K):
        rows = a[lab == q]
        assert (rows.max(0) - rows.min(0)).sum() <= delta + 1e-12
        upper = rows.max(0)
        for i in np.flatnonzero(lab != q):
            lhs = upper @ a[i]
            assert lhs <= gm / m * upper.sum() * a[i].sum() + 1e-12
    assert inst.radius <= delta + 1e-12 and inst.gamma <= gm / m + 1e-15


def test_independent_instance_draws_each_column_from_its_distribution():
    a = D.independent_instance(4000, 2, ["uniform", ("beta", 3)], 0)
    assert scipy.stats.kstest(a[:, 0], "uniform").pvalue > 1e-3
    assert scipy.stats.kstest(a[:, 1], scipy.stats.beta(3, 1).cdf).pvalue > 1e-3
    same = D.independent_instance(5, 2, "uniform", 7)
    assert np.array_equal(same, D.independent_instance(5, 2, "uniform", 7))


def test_worst_case_a1_and_the_adversary_are_gamma_dissimilar():
    m, gm, r1 = 30, 0.3, 0.8
    a1 = D.worst_case_dissimilar_a1(m, gm / m, r1)
    adv = D.dissimilar_adversary(a1, gm / m, r1)
    assert adv.a2 @ a1 <= gm / m * a1.sum() * adv.a2.sum() + 1e-9
    eq14 = np.where(adv.items, a1 - adv.a2, 0.0).sum()
    assert eq14 == pytest.approx(adv.loss, abs=1e-7)


def test_f1_and_f2_constructions():
    f1 = D.proposition_f1_instance(6, 0.6, 0.01)
    assert np.abs(f1.a[0] - f1.a[1]).sum() <= 0.6
    r, c = D.two_agent_threshold(f1.aversion, f1.aversion)
    assert abs(r[0] - (1 - 0.6 / 6)) < 0.01
    assert D.loss(f1.a, f1.aversion, f1.aversion) == pytest.approx(0.3 - 3 * 0.01)
    a = D.proposition_f2_instance(1000, 0.7, 1)
    assert set(np.unique(a).tolist()) == {0.7, 1.0}
    assert abs((a == 1.0).mean() - 0.5) < 0.05


# ---------------------------------------------------------------------------
# kappa_j: closed form against the numeric supremum
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "exact"),
    [("uniform", 1.0), (("beta", 0.5), 0.5), (("beta", 2.0), 2.0), (("beta", 3, 1), 3)],
)
def test_kappa_closed_form_matches_numeric(spec, exact):
    k = D.kappa(spec)
    assert k.closed_form == exact
    assert k.numeric == pytest.approx(exact, rel=1e-5)


def test_kappa_diverges_for_beta_with_second_shape_below_one():
    k = D.kappa(("beta", 2.0, 0.5))
    assert k.closed_form == np.inf and k.numeric > 100
    free = D.kappa(scipy.stats.beta(2, 2))  # a frozen distribution, no closed form
    assert free.closed_form is None and free.value == pytest.approx(2.0, rel=1e-4)


# ---------------------------------------------------------------------------
# Appendix E: quadrature, closed form, SymPy, Monte Carlo
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("s", [0.5, 1.0, 2.0, 4.0])
@pytest.mark.parametrize("c", [0.02, 0.1, 0.3])
def test_lemma_e1_quadrature_equals_corollary_e2_closed_form(s, c):
    quad = D.lemma_e1_expected_item_loss(("beta", s), c)
    assert quad == pytest.approx(D.corollary_e2_expected_item_loss(s, c), rel=1e-8)


def test_corollary_e2_closed_form_symbolically():
    s, c, l_ = sp.symbols("s c l", positive=True)
    inner = sp.integrate((1 - l_) ** s - (1 - c) ** s, (l_, 0, c))
    mean = 2 * s / (2 * s + 1)  # E[abar], abar ~ Beta(2s, 1)
    expr = D.corollary_e2_expected_item_loss(s, c)
    for sv in (1, 2, 3, sp.Rational(5, 2)):
        diff = (mean * inner - expr).subs(s, sv)
        assert sp.simplify(diff) == 0


def test_lemma_e1_against_monte_carlo():
    rng = np.random.default_rng(3)
    a = rng.beta(2.0, 1.0, (2, 400_000))
    mc = D.estimate(D.lemma_e1_item_loss(a[0], a[1], 0.2))
    quad = D.lemma_e1_expected_item_loss(("beta", 2.0), 0.2)
    assert mc.lo <= quad <= mc.hi


@given(st.floats(1.0, 6.0), st.floats(0.001, 0.9))
@settings(max_examples=80, deadline=None)
def test_corollary_e2_bound_holds_for_s_at_least_one(s, c):
    exact = D.corollary_e2_expected_item_loss(s, c)
    assert exact <= D.corollary_e2_item_bound(s, c) + 1e-15
    assert exact <= s * c**2 + 1e-15


def test_corollary_e2_bound_fails_below_one_and_is_tight_at_one():
    assert D.corollary_e2_expected_item_loss(0.5, 0.2) > D.corollary_e2_item_bound(
        0.5, 0.2
    )
    c = 0.3
    assert D.corollary_e2_expected_item_loss(1.0, c) == pytest.approx(c**2 / 3)
    assert D.corollary_e2_item_bound(1.0, c) == pytest.approx(c**2 / 3)


# ---------------------------------------------------------------------------
# Appendix D: Eq. (40), Theorem D.1, Corollary D.2, the adversary
# ---------------------------------------------------------------------------


@given(st.floats(0.05, 1.0), st.floats(0.5, 0.99))
@settings(max_examples=60, deadline=None)
def test_quadratic_bound_dominates_loss_j(a1j, r1):
    x = np.linspace(0, 1, 1001)
    bar = D.quadratic_item_bound(x, a1j, r1)
    assert np.all(bar >= D.item_loss_eq14(x, a1j, r1) - 1e-12)
    assert bar[0] == pytest.approx(0) and bar[-1] == pytest.approx(0)
    assert D.quadratic_item_bound(r1 * a1j, a1j, r1) == pytest.approx((1 - r1) * a1j)


@given(
    st.integers(3, 12), st.floats(0.05, 1.0), st.floats(0.6, 0.95), st.integers(0, 99)
)
@settings(max_examples=30, deadline=None)
def test_adversary_beats_brute_force_and_stays_below_theorem_d1(m, gm, r1, seed):
    rng = np.random.default_rng(seed)
    a1 = rng.uniform(size=m)
    assume(np.ptp(a1) > 0.05)  # not all items alike
    adv = D.dissimilar_adversary(a1, gm / m, r1)
    # random feasible replies never beat the MILP
    for _ in range(200):
        a2 = rng.uniform(size=m) * (rng.uniform(size=m) < 0.5)
        if a2.sum() > 0 and a1 @ a2 <= gm / m * a1.sum() * a2.sum():
            val = np.where((a2 >= r1 * a1) & (a2 <= a1), a1 - a2, 0).sum()
            assert val <= adv.loss + 1e-7
    for tau in (0.0, 0.5, 2 / 3, 1.0):
        assert adv.loss <= D.theorem_d1_item_bounds(a1, gm / m, tau, r1).sum() + 1e-9


def test_corollary_d2_chain_constant():
    r1, m, gm = 0.8, 10, 0.5
    b = D.corollary_d2_bound(m, gm / m, r1)
    c1 = 1 - r1
    assert b.chain == pytest.approx(m * c1 * (3 + 2 / r1) * gm ** (4 / 3))
    assert b.paper == pytest.approx(m * c1 * (2 + 2 / r1) * gm ** (4 / 3))


# ---------------------------------------------------------------------------
# Monte Carlo helpers
# ---------------------------------------------------------------------------


def test_estimate_interval_covers_the_mean():
    hits = 0
    for seed in range(200):
        v = np.random.default_rng(seed).exponential(2.0, 200)
        e = D.estimate(v)
        hits += e.lo <= 2.0 <= e.hi
    assert 180 <= hits <= 199


def test_loglog_slope_recovers_a_power_law():
    rng = np.random.default_rng(0)
    x = np.array([0.05, 0.1, 0.2, 0.4])
    groups = [x_**2 * rng.exponential(1.0, 400) for x_ in x]
    fit = D.loglog_slope(x, groups, boots=300)
    assert fit.covers(2.0) and not fit.covers(1.0)
    summ = D.loglog_slope_summary(
        x, [g.mean() for g in groups], [g.std() / 20 for g in groups], boots=300
    )
    assert summ.covers(2.0)


@given(st.floats(0.0, 4.0), st.floats(0.0, 4.0), st.floats(0.0, 0.6))
@settings(max_examples=40, deadline=None)
def test_single_item_loss_is_the_loss_of_the_solved_lp(a1, a2, c):
    assume(abs(min(a1, a2) - (1 - c) * max(a1, a2)) > 1e-6)  # no tie at r
    level = c / (4 - 2 * c)  # alpha_i = beta_i = level gives c_1 = c_2 = c
    lp = D.solve_participatory([[a1], [a2]], level, level).loss
    assert float(D.single_item_loss(a1, a2, c)) == pytest.approx(lp, abs=1e-7)
    # the loss never exceeds the per-item bound loss_j of Eq. (71)
    assert D.single_item_loss(a1, a2, c) <= D.lemma_e1_item_loss(a1, a2, c) + 1e-12


@pytest.mark.parametrize("w", [1.0, 2.0, 4.0])
@pytest.mark.parametrize("c", [0.02, 0.1, 0.4])
def test_single_item_expected_loss_uniform_closed_form(w, c):
    # U[0, w]: abar ~ G^2 has mean 2w/3 and aunder / abar ~ U[0, 1] independently
    h, cs = sp.symbols("h c", positive=True)
    inner = sp.integrate((1 - h) / (1 + h), (h, 1 - cs, 1))
    exact = float(2 * w / 3 * inner.subs(cs, c))
    quad = D.single_item_expected_loss(scipy.stats.uniform(0.0, w), c)
    assert quad == pytest.approx(exact, rel=1e-9)
    assert sp.limit(inner / cs**2, cs, 0) == sp.Rational(1, 4)  # E[loss] ~ w c^2/6


def test_single_item_expected_loss_against_monte_carlo_and_lemma_e1():
    rng = np.random.default_rng(5)
    a = rng.beta(2.0, 1.0, (2, 400_000))
    mc = D.estimate(D.single_item_loss(a[0], a[1], 0.2), confidence=0.999)
    quad = D.single_item_expected_loss(("beta", 2.0), 0.2)
    assert mc.lo <= quad <= mc.hi
    assert quad < D.lemma_e1_expected_item_loss(("beta", 2.0), 0.2)
    assert D.single_item_expected_loss("uniform", 0.0) == 0.0


def test_sample_losses_two_agent_fast_path_agrees_with_the_lp():
    draw = partial(D.independent_instance, 2, 5, "uniform")
    fast = D.sample_losses(draw, 0.1, 0.2, samples=20, seed=4)
    rng = np.random.default_rng(4)
    lp = [D.solve_participatory(draw(rng), 0.1, 0.2).loss for _ in range(20)]
    assert np.allclose(fast, lp, atol=1e-7)


# ---------------------------------------------------------------------------
# every ValueError
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: D.random_similar_pair(3, -0.1, 0), "delta"),
        (lambda: D.random_similar_pair(0, 0.1, 0), "m"),
        (lambda: D.worst_case_dissimilar_a1(9, 0.5, 0.8), "gamma"),
        (lambda: D.worst_case_dissimilar_a1(9, 0.05, 1.0), "r1"),
        (lambda: D.worst_case_dissimilar_a1(9, 0.05, 0.8, v=2.0), "v"),
        (lambda: D.clustered_instance(4, 6, 2, 0.1, 0.5, 0), "gamma"),
        (lambda: D.clustered_instance(1, 6, 2, 0.1, 0.1, 0), "n"),
        (lambda: D.clustered_instance(4, 6, 2, -1.0, 0.1, 0), "delta"),
        (lambda: D.item_distribution(("beta", 0.0)), "s"),
        (lambda: D.item_distribution("normal"), "spec"),
        (lambda: D.independent_instance(3, 2, ["uniform"], 0), "dists"),
        (lambda: D.kappa("uniform", grid=2), "grid"),
        (lambda: D.proposition_f1_instance(3, 0.1, 0.01), "m"),
        (lambda: D.proposition_f1_instance(4, 5.0, 0.01), "delta"),
        (lambda: D.proposition_f1_instance(4, 0.4, 0.2), "eps"),
        (lambda: D.proposition_f2_instance(4, 1.0, 0), "r"),
        (lambda: D.quadratic_item_bound([0.5], 0.0, 0.8), "a1j"),
        (lambda: D.quadratic_item_bound([1.5], 0.5, 0.8), "x"),
        (lambda: D.theorem_d1_item_bounds([0.5], 0.1, 1.5, 0.8), "tau"),
        (lambda: D.theorem_d1_item_bounds([0.0], 0.1, 0.5, 0.8), "a1"),
        (lambda: D.corollary_d2_bound(10, 0.2, 0.8), "gamma"),
        (lambda: D.corollary_d2_bound(10, 0.05, 0.8, tau=0.2), "tau"),
        (lambda: D.dissimilar_adversary([0.5, 0.2], -1.0, 0.8), "gamma"),
        (lambda: D.lemma_e1_item_loss(0.5, 0.4, 1.0), "c"),
        (lambda: D.lemma_e1_expected_item_loss("uniform", 0.1, nodes=1), "nodes"),
        (lambda: D.corollary_e2_expected_item_loss(-1.0, 0.1), "s"),
        (lambda: D.corollary_e2_item_bound(1.0, 1.2), "c"),
        (lambda: D.corollary_e3_item_bound(-1.0, 0.1), "kappa_j"),
        (lambda: D.single_item_loss(-0.5, 0.4, 0.1), "a1j"),
        (lambda: D.single_item_loss(0.5, 0.4, 1.0), "c"),
        (lambda: D.single_item_expected_loss("uniform", -0.1), "c"),
        (lambda: D.single_item_expected_loss("uniform", 0.1, nodes=1), "nodes"),
        (lambda: D.theorem_3_5_expression(0.1, 1.5, 2, 4, 4, 0.1, [0.1]), "b"),
        (lambda: D.theorem_3_6_expression([0.1], 1.0, 0.5, 1), "n"),
        (lambda: D.estimate([1.0]), "values"),
        (lambda: D.estimate([1.0, 2.0], confidence=1.0), "confidence"),
        (lambda: D.loglog_slope([1.0, 1.0], [[1.0], [2.0]]), "x"),
        (lambda: D.loglog_slope([1.0, 2.0], [[1.0]]), "groups"),
        (lambda: D.loglog_slope_summary([1.0, 2.0], [1.0, 2.0], [-1, 0]), "stderrs"),
        (lambda: D.loglog_slope([1.0, 2.0], [[0.0], [1.0]]), "mean"),
        (lambda: D.sample_losses("no", 0.1, 0.1, samples=2, seed=0), "draw"),
    ],
)
def test_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
