"""fairlib.divisible.framework: Paper A §2 (Definitions 2.1–2.6, Eq. 6–7)."""

from __future__ import annotations

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


@st.composite
def instances(draw):
    n = draw(st.integers(2, 4))
    m = draw(st.integers(1, 4))
    a = np.array([[draw(st.floats(0.0, 1.0)) for _ in range(m)] for _ in range(n)])
    alpha = np.array([draw(st.floats(0.0, 0.49)) for _ in range(n)])
    beta = np.array([draw(st.floats(0.0, 0.49)) for _ in range(n)])
    return a, alpha, beta


@SETTINGS
@given(inst=instances(), b=st.sampled_from([1.0, 0.5]))
def test_fehr_schmidt_case_matches_the_participatory_lp(inst, b):
    a, alpha, beta = inst
    assume(a.shape[0] * b >= 1)
    theta = D.fehr_schmidt_preferences(alpha, beta)
    x, welfare = D.participatory_optimum(a, theta, b)
    res = D.solve_participatory(a, alpha, beta, b)
    assert welfare == pytest.approx(res.welfare, abs=1e-7)
    assert np.allclose(D.aggregated_values(a, x, theta), D.fs_values(a, x, alpha, beta))


def test_general_preferences_agree_with_a_cvxpy_formulation():
    rng = np.random.default_rng(1)
    for _ in range(4):
        n, m = 3, 4
        a = rng.uniform(0, 1, (n, m))
        theta = np.column_stack(
            [
                rng.uniform(0.5, 1, n),
                -rng.uniform(0, 0.4, n),
                -rng.uniform(0, 0.4, n),
                rng.uniform(0, 0.5, n),
                rng.uniform(0, 1, n),
            ]
        )
        _, welfare = D.participatory_optimum(a, theta)
        x = cp.Variable((n, m), nonneg=True)
        u = cp.sum(cp.multiply(a, x), axis=1)
        terms = []
        for i in range(n):
            diffs = [u[k] - u[i] for k in range(n) if k != i]
            envy = sum(cp.pos(d) for d in diffs) / (n - 1)
            guilt = sum(cp.pos(-d) for d in diffs) / (n - 1)
            others = sum(u[k] for k in range(n) if k != i) / (n - 1)
            terms.append(
                theta[i, 0] * u[i]
                + theta[i, 1] * envy
                + theta[i, 2] * guilt
                + theta[i, 3] * others
                + theta[i, 4] * cp.min(u)
            )
        prob = cp.Problem(cp.Maximize(sum(terms)), [cp.sum(x, axis=0) <= 1, x <= 1])
        prob.solve()
        assert welfare == pytest.approx(prob.value, abs=1e-5)


def test_optimum_beats_random_feasible_allocations():
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 1, (3, 3))
    theta = np.array([1.0, -0.3, -0.1, 0.2, 0.5])
    x, welfare = D.participatory_optimum(a, theta)
    assert D.aggregated_values(a, x, theta).sum() == pytest.approx(welfare)
    for _ in range(200):
        y = rng.dirichlet(np.ones(4), size=3).T[:3]  # columns sum to <= 1
        assert D.aggregated_values(a, y, theta).sum() <= welfare + 1e-9


def test_profile_columns():
    a = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    x = np.array([[1.0, 0.0], [0.0, 0.5], [0.0, 0.5]])  # u = (1, 1, 0.5)
    prof = D.objective_profile(a, x)
    assert prof[:, 0] == pytest.approx([1.0, 1.0, 0.5])
    assert prof[:, 1] == pytest.approx([0.0, 0.0, 0.5])  # envy
    assert prof[:, 2] == pytest.approx([0.25, 0.25, 0.0])  # guilt
    assert prof[:, 3] == pytest.approx([0.75, 0.75, 1.0])  # others
    assert prof[:, 4] == pytest.approx([0.5, 0.5, 0.5])  # minimum


def test_price_of_fairness_relations_eq_6_7():
    rng = np.random.default_rng(3)
    a = rng.uniform(0, 1, (4, 5))
    al, be = rng.uniform(0, 0.45, 4), rng.uniform(0, 0.45, 4)
    pof = D.price_of_fairness(a, D.fehr_schmidt_preferences(al, be))
    res = D.solve_participatory(a, al, be)
    assert pof.bertsimas == pytest.approx(res.loss / res.utilitarian_welfare, abs=1e-9)
    welfare_theta = res.utilitarian_welfare - res.loss
    assert pof.caragiannis == pytest.approx(1 + res.loss / welfare_theta, abs=1e-9)
    assert pof.caragiannis == pytest.approx(1 / (1 - pof.bertsimas))


@pytest.mark.parametrize(
    "call",
    [
        lambda: D.objective_profile(np.ones((2, 2)), np.ones((2, 2)) / 2, ["nope"]),
        lambda: D.objective_profile(np.ones((2, 2)), np.ones((2, 2)) / 2, "utility"),
        lambda: D.objective_profile(np.ones((2, 2)), np.ones((2, 2)) / 2, []),
        lambda: D.objective_profile(np.ones((1, 2)), np.ones((1, 2)) / 2),
        lambda: D.aggregated_values(np.ones((2, 2)), np.ones((2, 2)) / 2, [1.0, 2.0]),
        lambda: D.fehr_schmidt_preferences(0.1, 0.1),
        lambda: D.fehr_schmidt_preferences([0.1, -0.1], 0.1),
        lambda: D.participatory_optimum(np.ones((2, 2)), [1.0, 0.2, 0.0, 0.0, 0.0]),
        lambda: D.participatory_optimum(np.ones((2, 2)), [-1.0, 0.0, 0.0, 0.0, 0.0]),
        lambda: D.price_of_fairness(np.zeros((2, 2)), [1.0, 0.0, 0.0, 0.0, 0.0]),
    ],
)
def test_invalid_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
