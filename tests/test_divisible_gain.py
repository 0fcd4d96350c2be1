"""fairlib.divisible.gain_ratio: Paper A §4 (Props 4.1–4.4, Eq. 23–27, 129–131)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairlib import divisible as D

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOL = 1e-8

coef = st.floats(0.0, 5.0)
aversion = st.floats(0.0, 0.49)


@st.composite
def two_agent(draw, max_m=6):
    m = draw(st.integers(1, max_m))
    a = np.array([[draw(coef) for _ in range(m)] for _ in range(2)])
    alpha = np.array([draw(aversion), draw(aversion)])
    beta = np.array([draw(aversion), draw(aversion)])
    return a, alpha, beta


@SETTINGS
@given(inst=two_agent())
def test_proposition_4_1_and_the_per_item_decomposition(inst):
    a, alpha, beta = inst
    assume(np.all(a.sum(axis=0) > 0.05))
    g = D.two_agent_gain(a, alpha, beta)
    assert g.gain >= g.bound_4_1 - TOL * max(1.0, a.sum())
    assert np.all(g.bound_terms >= -TOL)
    if g.u_gap >= -1e-9:  # f is linear on u_1 >= u_2: the gain splits per item
        assert abs(g.item_gain.sum() - g.gain) <= 1e-7 * max(1.0, a.sum())


@SETTINGS
@given(inst=two_agent())
def test_propositions_4_2_and_4_3_on_lp_optima(inst):
    a, alpha, beta = inst
    assume(np.all(a.sum(axis=0) > 0.05))
    g = D.two_agent_gain(a, alpha, beta)
    assume(g.loss > 1e-6)
    assert g.ratio >= g.bound_4_3 - 1e-6 * max(1.0, abs(g.bound_4_3))
    assert g.ratio >= g.bound_4_2 - 1e-6 * max(1.0, abs(g.bound_4_2))
    assert 0.0 <= g.delta_lo <= g.delta_hi <= g.s + 1e-12


def test_gain_agrees_with_the_cvxpy_formulation():
    rng = np.random.default_rng(3)
    for _ in range(5):
        a = rng.uniform(0, 1, (2, 4))
        al, be = rng.uniform(0, 0.45, 2), rng.uniform(0, 0.45, 2)
        g = D.two_agent_gain(a, al, be)
        x = D.participatory_allocation_cvxpy(a, al, be)
        xs = D.utilitarian_allocation(a)
        gain = D.fs_welfare(a, x, al, be) - D.fs_welfare(a, xs, al, be)
        assert abs(gain - g.gain) <= 1e-5


def test_relabelling_makes_agent_1_better_off():
    a = np.array([[0.2, 0.1], [1.0, 0.9]])
    g = D.two_agent_gain(a, [0.1, 0.3], [0.2, 0.0])
    assert g.swapped
    assert g.s == pytest.approx(0.0 + 0.1)  # beta of old agent 2 + alpha of old 1


@pytest.mark.parametrize("delta", [0.05, 0.1, 0.2, 0.29])
def test_proposition_4_3_is_attained_on_the_threshold_family(delta):
    g = D.two_agent_gain(D.threshold_instance(delta, 3), [0.2, 0.2], [0.1, 0.1])
    assert g.s == pytest.approx(0.3)
    assert g.delta_lo == pytest.approx(delta, abs=1e-9)
    assert g.ratio == pytest.approx(0.3 / delta - 1, rel=1e-6)


def test_similar_pair_ratio_grows_like_one_over_delta():
    a1 = np.linspace(0.5, 1.0, 6)
    prev = 0.0
    for eta in [0.2, 0.1, 0.01, 0.001]:
        a = D.similar_pair_instance(a1, eta)
        assert D.l1_similarity(a) == pytest.approx(eta * a1.sum())
        g = D.two_agent_gain(a, [0.2, 0.2], [0.1, 0.1])
        assert g.loss <= g.similarity + TOL  # loss <= delta, used in the proof
        assert g.ratio >= g.bound_4_2 - 1e-6
        assert g.ratio > prev
        prev = g.ratio
        # 2 s / eta - (1 + s), every item moved at the same ratio
        assert g.ratio == pytest.approx(0.6 / eta - 1.3, rel=1e-5)


@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("eps", [0.1, 0.01])
def test_eq26_allocations_and_closed_forms(n, eps):
    rng = np.random.default_rng(n)
    al, be = rng.uniform(0.05, 0.45, n), rng.uniform(0.05, 0.45, n)
    a = D.eq26_instance(al, be, eps)
    res = D.solve_participatory(a, al, be)
    assert np.allclose(res.x_star, (np.arange(n)[:, None] == 0) * np.ones((n, n)))
    assert np.allclose(res.x, np.eye(n), atol=1e-7)
    cf = D.eq27_closed_form(al, be, eps)
    assert res.loss == pytest.approx(cf.loss, abs=1e-9)
    assert res.gain == pytest.approx(cf.gain_model, abs=1e-9)
    assert (cf.gain_paper == pytest.approx(cf.gain_model)) == (n == 2)


@pytest.mark.parametrize("n", [2, 3, 6])
@pytest.mark.parametrize("eps", [0.05, 0.005])
def test_eq129_allocations_and_closed_forms(n, eps):
    al, be = np.full(n, 0.2), np.full(n, 0.1)
    a = D.eq129_instance(n, eps)
    res = D.solve_participatory(a, al, be)
    claimed_star = np.zeros_like(a)
    claimed_star[np.arange(n), np.arange(n)] = 1
    claimed_ab = claimed_star.copy()
    claimed_star[0, n:] = 1
    claimed_ab[np.arange(1, n), n + np.arange(n - 1)] = 1
    assert np.allclose(res.x_star, claimed_star)
    assert np.allclose(res.x, claimed_ab, atol=1e-7)
    cf = D.eq130_closed_form(al, be, eps)
    assert res.loss == pytest.approx(cf.loss, abs=1e-10)
    assert res.gain == pytest.approx(cf.gain_model, abs=1e-10)
    assert D.dissimilarity(a) < 2 * eps**2 + 1e-12


def test_dissimilarity_and_similarity_values():
    assert D.dissimilarity(np.eye(3)) == 0.0
    assert D.dissimilarity([[1.0, 1.0], [1.0, 1.0]]) == pytest.approx(0.5)
    assert D.l1_similarity([[1.0, 2.0], [0.5, 2.5]]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: D.two_agent_gain(np.ones((3, 2)), 0.1, 0.1),
        lambda: D.two_agent_gain([[1.0, 0.0], [1.0, 0.0]], 0.1, 0.1),
        lambda: D.two_agent_gain(np.ones((2, 2)), 0.6, 0.1),
        lambda: D.two_agent_gain(np.ones((2, 2)), 0.1, 0.1, tol=-1.0),
        lambda: D.l1_similarity(np.ones((3, 2))),
        lambda: D.dissimilarity([[1.0, 0.0], [0.0, 0.0]]),
        lambda: D.similar_pair_instance([1.0, 0.0], 0.1),
        lambda: D.similar_pair_instance([1.0, 2.0], 1.0),
        lambda: D.threshold_instance(0.0),
        lambda: D.threshold_instance(0.1, 0),
        lambda: D.eq26_instance([0.1], [0.1], 0.1),
        lambda: D.eq26_instance([0.1, 0.6], [0.1, 0.1], 0.1),
        lambda: D.eq26_instance([0.1, 0.1], [0.1, 0.1], 1.5),
        lambda: D.eq129_instance(1, 0.1),
        lambda: D.eq129_instance(3, True),
        lambda: D.eq27_closed_form([0.1, 0.1], [0.1], 0.1),
        lambda: D.eq130_closed_form([0.1, 0.1], [0.1, 0.1], 0.0),
    ],
)
def test_invalid_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
