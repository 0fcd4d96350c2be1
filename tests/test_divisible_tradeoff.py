"""fairlib.divisible.tradeoff: Paper A §5 (Propositions 5.1–5.2, Lemma G.1)."""

from __future__ import annotations

from fractions import Fraction

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairlib import divisible as D

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("n", [2, 3, 5, 12])
@pytest.mark.parametrize("eps", [0.01, 0.001])
def test_two_good_family_tradeoff_matches_the_closed_form_and_tends_to_n(n, eps):
    a = D.two_good_instance(n, eps, 2 * eps)
    assert np.allclose(a.sum(axis=1), 1.0)  # normalized utilities
    res = D.solve_participatory(a, 0.2, 0.2)
    it = D.two_good_tradeoff(n, eps, 2 * eps)
    assert res.individual_tradeoff == pytest.approx(it, rel=1e-7)
    assert n - it <= (n + 1) * eps + 1e-12


def test_two_agent_case_is_sections_example():
    # §5: IT = a_1 + a_2 with a_1 = 1 - eps1, a_2 = 1 - eps2
    assert D.two_good_tradeoff(2, 0.1, 0.2) == pytest.approx(0.9 + 0.8)


def test_proof_profile_and_allocation_as_printed():
    a = D.proof_5_1_profile(3, 3, 0.01, 0.02)
    assert a.sum(axis=1)[0] == pytest.approx(0.99 + 2 * 0.98)  # not normalized
    x = D.proof_5_1_allocation(3, 3, 0.5)
    assert x.sum(axis=0)[1] == pytest.approx(1.25)  # column sum above 1


@pytest.mark.parametrize("n", [2, 3, 5, 8])
@pytest.mark.parametrize("eps", [0.01, 0.001])
def test_proof_5_1_read_with_rows_as_agents(n, eps):
    # the transposes of the printed matrices, rows = agents (n = m)
    m = n
    a = D.proof_5_1_profile(m, n, eps, 2 * eps).T
    assert a.shape == (n, m) and np.allclose(a.sum(axis=1), 1.0)
    y = D.proof_5_1_share(n, m, eps, 2 * eps)
    x = D.proof_5_1_allocation(m, n, y).T
    assert np.all(x.sum(axis=0) <= 1.0 + 1e-12)  # feasible for n <= m
    u = D.utilities(a, x)
    assert np.allclose(u, (1 - y) * (1 - eps))  # the proof's u_1 = u_2 = ...
    res = D.solve_participatory(a, 0.3, 0.3)
    assert res.u_star[0] == pytest.approx(1 - eps)  # u_1(x*) -> 1
    assert res.welfare >= D.fs_welfare(a, x, 0.3, 0.3) - 1e-9
    assert res.individual_tradeoff == pytest.approx(1 / (1 - y), rel=1e-7)
    assert 1 / (1 - y) == pytest.approx(D.two_good_tradeoff(n, eps, 2 * eps))


def test_equal_utility_allocation_matches_cvxpy_and_bounds():
    rng = np.random.default_rng(0)
    for _ in range(5):
        a = rng.uniform(0, 1, (3, 4))
        x_e, t = D.equal_utility_allocation(a)
        assert np.allclose(D.utilities(a, x_e), t, atol=1e-7)
        x = cp.Variable((3, 4), nonneg=True)
        s = cp.Variable()
        cons = [cp.sum(x, axis=0) <= 1, x <= 1]
        cons += [cp.sum(cp.multiply(a[i], x[i])) == s for i in range(3)]
        cp.Problem(cp.Maximize(s), cons).solve()
        assert t == pytest.approx(s.value, abs=1e-6)
        u_star = D.utilities(a, D.utilitarian_allocation(a))
        assert t >= u_star.min() - 1e-9


@st.composite
def instances(draw):
    n = draw(st.integers(2, 4))
    m = draw(st.integers(1, 4))
    a = np.array([[draw(st.floats(0.0, 1.0)) for _ in range(m)] for _ in range(n)])
    return a, draw(st.floats(0.0, 0.49))


@SETTINGS
@given(inst=instances())
def test_lemma_g1_with_the_proofs_hypothesis_and_proposition_5_2(inst):
    a, aversion = inst
    assume(np.all(a.sum(axis=1) > 0.05))
    c = D.tradeoff_check(a, aversion)
    if c.proof_hypothesis:  # a I(x) >= S: what Eq. (132)-(137) prove
        assert c.conclusion(1e-7)
    if c.proposition_hypothesis and np.isfinite(c.spread):
        assert c.it_bound(1e-7)


def test_lemma_g1_as_stated_fails_for_a_tied_maximizer():
    a = np.array([[1.0, 0.0], [0.5, 0.1]])
    c = D.tradeoff_check(a, 0.01)
    assert not c.unique  # x^{alpha,beta} = x*, every ratio is 1
    # take i = agent 2 (also a maximizer): Lemma G.1's hypothesis holds ...
    u, n = c.u, 2
    excess = float(np.sum(np.clip(u - u[1], 0.0, None)))
    assert c.inequality / n >= excess - 1e-12
    assert Fraction(excess).limit_denominator(100) == Fraction(9, 10)
    # ... but u_2(x^{alpha,beta}) = 1/10 < 2/5 = u_2(x^e)
    assert u[1] == pytest.approx(0.1) and c.t_e == pytest.approx(0.4)


@pytest.mark.parametrize(
    "call",
    [
        lambda: D.two_good_instance(1, 0.1, 0.2),
        lambda: D.two_good_instance(3, 0.2, 0.1),
        lambda: D.two_good_instance(3, 0.1, 0.6),
        lambda: D.two_good_instance(3, "x", 0.2),
        lambda: D.two_good_tradeoff(2, 0.0, 0.1),
        lambda: D.proof_5_1_profile(2, 1, 0.1, 0.2),
        lambda: D.proof_5_1_profile(2, 3, 0.2, 0.1),
        lambda: D.proof_5_1_allocation(2, 3, 1.5),
        lambda: D.proof_5_1_allocation(1, 3, 0.5),
        lambda: D.proof_5_1_share(3, 3, 0.02, 0.01),
        lambda: D.equal_utility_allocation([[1.0, 2.0]], 1.0),
        lambda: D.equal_utility_allocation(np.ones((2, 2)), 0.0),
        lambda: D.tradeoff_check(np.ones((2, 2)), 0.5),
        lambda: D.tradeoff_check(np.ones((2, 2)), float("nan")),
        lambda: D.tradeoff_check(-np.ones((2, 2)), 0.1),
    ],
)
def test_invalid_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
