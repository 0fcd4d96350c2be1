"""fairlib.divisible: the one-solve result object and the functions moved out of
the Paper A notebooks (generators, Lemma 3.1 / 3.3 checks, Eq. 14 / 23 curves).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from fairlib import divisible as D
from fairlib.divisible import metrics as M

A = np.array([[3.0, 1.0, 2.0], [1.0, 2.0, 0.5], [0.5, 1.0, 2.5]])
ALPHA, BETA = np.array([0.3, 0.1, 0.2]), np.array([0.1, 0.05, 0.2])


# ---------------------------------------------------------------------------
# ParticipatoryResult: one solve, read many
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("b", [1.0, 0.5])
def test_result_metrics_equal_the_wrappers_and_a_direct_recomputation(b):
    res = D.solve_participatory(A, ALPHA, BETA, b)
    x, xs = (
        D.participatory_allocation(A, ALPHA, BETA, b),
        D.utilitarian_allocation(A, b),
    )
    np.testing.assert_array_equal(res.x, x)
    np.testing.assert_array_equal(res.x_star, xs)
    assert res.loss == D.loss(A, ALPHA, BETA, b)
    assert res.gain == D.gain(A, ALPHA, BETA, b)
    assert res.individual_tradeoff == D.individual_tradeoff(A, ALPHA, BETA, b)
    # direct recomputation from the two allocations and Eq. (4), (5), (8)
    assert res.welfare == D.fs_welfare(A, x, ALPHA, BETA)
    assert res.loss == pytest.approx(np.sum(A * xs) - np.sum(A * x), abs=1e-12)
    f_star = D.fs_welfare(A, xs, ALPHA, BETA)
    assert res.gain == pytest.approx(res.welfare - f_star, abs=1e-12)
    ratios = D.utilities(A, xs) / D.utilities(A, x)
    assert res.individual_tradeoff == pytest.approx(ratios.max(), rel=1e-12)
    assert res.utilitarian_welfare == pytest.approx(np.sum(A * xs))
    np.testing.assert_allclose(res.u, D.utilities(A, x))
    np.testing.assert_allclose(res.u_star, D.utilities(A, xs))


def test_result_is_frozen_and_read_only_and_leaves_inputs_alone():
    alpha = ALPHA.copy()
    res = D.solve_participatory(A, alpha, BETA)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.x = np.zeros_like(res.x)
    for arr in (res.a, res.alpha, res.beta, res.b, res.x, res.x_star):
        with pytest.raises(ValueError):
            arr[...] = 0
    alpha[0] = 0.4  # the caller's array stays writable and is not the stored one
    assert res.alpha[0] == ALPHA[0]
    fields = {f.name for f in dataclasses.fields(D.ParticipatoryResult)}
    assert fields == {"a", "alpha", "beta", "b", "x", "x_star", "welfare"}


def test_result_solves_once(monkeypatch):
    calls = []
    real = M._participatory_allocation

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(M, "_participatory_allocation", counting)
    res = D.solve_participatory(A, ALPHA, BETA)
    _ = (res.loss, res.gain, res.individual_tradeoff, res.theorem_3_4_bound())
    assert len(calls) == 1


def test_result_bound_equals_the_public_bound():
    for b in (1.0, 0.5):
        res = D.solve_participatory(A, ALPHA, BETA, b)
        bound = res.theorem_3_4_bound()
        assert bound.value == D.loss_bound(A, ALPHA, BETA, b)
        np.testing.assert_array_equal(
            bound.coefficients, D.item_loss_coefficients(A, ALPHA, BETA, b)
        )
        assert res.loss <= bound.value + 1e-9
    with pytest.raises(ValueError, match="alpha.*Theorem 3.4"):
        D.solve_participatory(A, 0.6, 0.1).theorem_3_4_bound()


def test_tradeoff_ratios_zero_tol_is_validated():
    res = D.solve_participatory(A, ALPHA, BETA)
    with pytest.raises(ValueError, match="zero_tol"):
        res.tradeoff_ratios(-1.0)
    with pytest.raises(ValueError, match="u_star"):
        D.tradeoff_ratios([1.0, 2.0], [1.0])


# ---------------------------------------------------------------------------
# generators
# ---------------------------------------------------------------------------


def test_two_agent_instances_are_seeded_and_alternate():
    first = D.two_agent_instances(4, 5, seed=3)
    again = D.two_agent_instances(4, 5, seed=3)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(3)  # the documented draw order
    a_1 = rng.uniform(0.0, 1.0, 5)
    np.testing.assert_array_equal(first[0], np.vstack([a_1, rng.uniform(0, 1, 5)]))
    a_1 = rng.uniform(0.0, 1.0, 5)
    np.testing.assert_array_equal(first[1][1], a_1 * rng.uniform(0.3, 1.1, 5))
    ratio = first[1][1] / first[1][0]
    assert np.all((ratio >= 0.3) & (ratio <= 1.1))
    with pytest.raises(ValueError, match="count"):
        D.two_agent_instances(0, 5, seed=0)


def test_figure_instances_have_the_stated_ratios():
    np.testing.assert_array_equal(D.figure_1_instance(0.5), [[3.0, 1.0], [0.0, 0.5]])
    a = D.balancing_instance(0.7, delta=0.2)
    k = 1
    assert (a[0, k] - a[1, k]) / (a[0, k] + a[1, k]) == pytest.approx(0.2)
    assert a[0, k] + a[1, k] == pytest.approx(10.0)
    assert a[:, 2].tolist() == [1.0, 0.7]
    with pytest.raises(ValueError, match="delta"):
        D.balancing_instance(0.7, delta=1.5)
    with pytest.raises(ValueError, match="a2j"):
        D.figure_1_instance(-1.0)


def test_random_aversion_instance_ranges_and_seed():
    a, al, be = D.random_aversion_instance(np.random.default_rng(1), 6, 3, 0.4)
    assert a.shape == (6, 3) and al.shape == be.shape == (6,)
    assert np.all((al >= 0.2) & (al <= 0.4)) and np.all((be >= 0) & (be <= al))
    a2, _, _ = D.random_aversion_instance(np.random.default_rng(1), 6, 3, 0.4)
    np.testing.assert_array_equal(a, a2)
    with pytest.raises(ValueError, match="level"):
        D.random_aversion_instance(np.random.default_rng(1), 6, 3, 0.5)
    with pytest.raises(ValueError, match="rng"):
        D.random_aversion_instance(1, 6, 3, 0.1)


def test_adversarial_family_rows():
    a = D.adversarial_family(2, 3, 4, 0.75)
    assert a.shape == (5, 4)
    assert np.all(a[:2] == 1.0) and np.all(a[2:] == 0.75)
    with pytest.raises(ValueError, match="copies"):
        D.adversarial_family(1, 0, 4, 0.5)
    with pytest.raises(ValueError, match="rho"):
        D.adversarial_family(1, 1, 4, -0.5)


def test_section5_instance_and_share():
    a = D.section5_instance(0.9, 0.8, 0.4)
    np.testing.assert_allclose(a, [[0.9, 0.1], [0.8, 0.2]])
    t = D.section5_equalizing_share(Fraction(9, 10), Fraction(8, 10))
    assert t == Fraction(7, 17)
    # Eq. (30) equalizes the utilities: a_1 (1 - t) = (1 - a_2) + a_2 t
    assert Fraction(9, 10) * (1 - t) == Fraction(2, 10) + Fraction(8, 10) * t
    with pytest.raises(ValueError, match="a1, a2"):
        D.section5_instance(0.8, 0.9, 0.4)
    with pytest.raises(ValueError, match="aversion"):
        D.section5_instance(0.9, 0.2, 0.01)


# ---------------------------------------------------------------------------
# Lemma 3.1, Theorem 3.2, Figures 1 and 2
# ---------------------------------------------------------------------------


def test_feasible_deltas_hand_example():
    # items with ratios 1, 0 and -1/3; agent 1 gets the first two
    a = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])
    x = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    d = D.feasible_deltas(a, x, 0.25, 0.25)
    assert (d.lo, d.hi) == (-1 / 3, 0.0)  # between the ratios of the two sides
    assert d.case == "u_1 = u_2" and (d.required_lo, d.required_hi) == (-0.5, 0.5)
    assert d.holds
    # an allocation against Eq. (13): agent 1 holds the lower-ratio item
    x_bad = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    bad = D.feasible_deltas(a, x_bad, 0.25, 0.25)
    assert (bad.lo, bad.hi) == (1.0, -1 / 3)
    assert not bad.holds
    with pytest.raises(ValueError, match="2 agent rows"):
        D.feasible_deltas(np.ones((3, 2)), np.full((3, 2), 0.3), 0.1, 0.1)


def test_item_curves_match_eq_14_and_eq_23():
    r1 = 0.5
    a2 = np.array([0.2, 0.5, 0.8, 1.0, 1.2])
    np.testing.assert_allclose(D.item_loss_eq14(a2, 1.0, r1), [0, 0.5, 0.2, 0, 0])
    s = 0.4
    r = (1 - s) / (1 + s)
    assert r < 0.5  # so items 1 and 2 are inside the indicator of Eq. (23)
    expected = [0, 1.4 * 0.5 - 0.6, 1.4 * 0.8 - 0.6, 0, 0]
    np.testing.assert_allclose(D.item_gain_eq23(a2, 1.0, s, s), expected, atol=1e-15)
    # at the threshold with Delta_1 = s the gain starts from 0 (Eq. 23)
    assert D.item_gain_eq23(np.array([r + 1e-12]), 1.0, s, s)[0] == pytest.approx(
        0, abs=1e-11
    )
    with pytest.raises(ValueError, match="delta"):
        D.item_gain_eq23(a2, 1.0, 0.5, s)
    with pytest.raises(ValueError, match="r1"):
        D.item_loss_eq14(a2, 1.0, 1.5)


def test_figure_1_lp_points_lie_on_eq_14():
    alpha, beta = [0.2, 0.3], [0.1, 0.2]
    r, _ = D.two_agent_threshold(alpha, beta)
    for a2j in (0.2, r[0] + 0.05, 0.9, 1.2):
        res = D.solve_participatory(D.figure_1_instance(a2j), alpha, beta)
        assert res.loss == pytest.approx(D.item_loss_eq14(a2j, 1.0, r[0]), abs=1e-9)


# ---------------------------------------------------------------------------
# Lemma 3.3, Theorem 3.4
# ---------------------------------------------------------------------------


def test_lemma_3_3_violations_flags_a_bad_allocation():
    a = np.array([[1.0], [0.1]])  # r_12 > 0.1 for small aversion
    x_bad = np.array([[0.0], [1.0]])  # agent 1 short, agent 2 holds the item
    check = D.lemma_3_3_violations(a, x_bad, 0.1, 0.1)
    assert check.checked == 1 and not check.holds
    assert check.violated[0, 1, 0]
    good = D.lemma_3_3_violations(a, np.array([[1.0], [0.0]]), 0.1, 0.1)
    assert good.checked == 1 and good.holds  # (2, 1, item): a_11 >= r_21 a_21
    with pytest.raises(ValueError, match="share_tol"):
        D.lemma_3_3_violations(a, x_bad, 0.1, 0.1, share_tol=-1)


def test_uniform_coefficient_is_eq_18_and_works_symbolically():
    for n in (2, 5, 50):
        c = D.item_loss_coefficients(np.eye(n), 0.2, 0.2)
        assert D.uniform_item_loss_coefficient(0.2, n) == pytest.approx(c[0])
    lev, nn = sp.symbols("ell n", positive=True)
    expr = D.uniform_item_loss_coefficient(lev, nn)
    assert sp.limit(expr, nn, sp.oo) == sp.simplify(4 * lev / (1 + 2 * lev))
    with pytest.raises(ValueError, match="level"):
        D.uniform_item_loss_coefficient(0.5, 3)


# ---------------------------------------------------------------------------
# symbolic model
# ---------------------------------------------------------------------------


def test_fs_welfare_symbolic_matches_numbers_and_eq_12():
    u1, u2 = sp.symbols("u_1 u_2", real=True)
    a1, a2, b1, b2 = sp.symbols("alpha_1 alpha_2 beta_1 beta_2", nonnegative=True)
    f = D.fs_welfare_symbolic([u1, u2], [a1, a2], [b1, b2])
    eq12 = u1 + u2 - (b1 + a2) * sp.Max(u1 - u2, 0) - (a1 + b2) * sp.Max(u2 - u1, 0)
    d = sp.symbols("d", positive=True)
    for sub in ({u1: u2 + d}, {u2: u1 + d}, {u2: u1}):
        assert sp.simplify(sp.piecewise_fold((f - eq12).subs(sub))) == 0
    # three agents: the symbolic sum at numbers equals fs_welfare
    u = [sp.Rational(7, 2), sp.Integer(1), sp.Rational(5, 2)]
    al, be = [sp.Rational(3, 10)] * 3, [sp.Rational(1, 5)] * 3
    value = float(D.fs_welfare_symbolic(u, al, be))
    expected = D.fs_welfare(np.diag([3.5, 1.0, 2.5]), np.eye(3), 0.3, 0.2)
    assert value == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="same length"):
        D.fs_welfare_symbolic([u1], [a1], [b1])


def test_metrics_validate_the_input_once(monkeypatch):
    from fairlib import _validate

    calls = []
    real = _validate.utility_matrix

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_validate, "utility_matrix", counting)
    for metric in (D.loss, D.gain, D.individual_tradeoff):
        calls.clear()
        metric(A, ALPHA, BETA)
        assert len(calls) == 1, metric.__name__


def test_pair_weights_are_eq_89():
    i, k, w1, w2 = D.pair_weights(ALPHA, BETA)
    assert list(zip(i.tolist(), k.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]
    np.testing.assert_allclose(w1, (BETA[i] + ALPHA[k]) / 2)
    np.testing.assert_allclose(w2, (ALPHA[i] + BETA[k]) / 2)
    # f = sum u - sum_pairs max(w1 (u_i - u_k), w2 (u_k - u_i)) on an allocation
    x = np.full((3, 3), 1 / 3)
    u = D.utilities(A, x)
    pair = u.sum() - np.maximum(w1 * (u[i] - u[k]), w2 * (u[k] - u[i])).sum()
    assert D.fs_welfare(A, x, ALPHA, BETA) == pytest.approx(pair, rel=1e-12)
    with pytest.raises(ValueError, match="alpha"):
        D.pair_weights([0.1], [0.1])
