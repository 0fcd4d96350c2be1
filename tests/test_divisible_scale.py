"""Set generation for Paper A's participatory LP: equal to the pair LP, certified."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairlib import divisible as D
from fairlib.divisible import lp_sets
from fairlib.divisible.model import _fs_welfare, _pair_weights, validate_instance
from fairlib.divisible.solve import (
    FULL_LP_MAX_AGENTS,
    _build_lp,
    read_allocation,
    solve_lp,
)


def full_lp_value(a, alpha, beta, b=1.0):
    """f(v(x)) of the pair LP's allocation, evaluated exactly (Eq. 9-11).

    (HiGHS' own objective value can be off by its feasibility tolerance.)
    """
    a, alpha, beta, b = validate_instance(a, alpha, beta, b)
    lp = _build_lp(a, alpha, beta, b)
    return _fs_welfare(a, read_allocation(lp, solve_lp(lp)), alpha, beta)


def rel(x, y):
    return abs(x - y) / max(1.0, abs(y))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 9),
    m=st.integers(1, 6),
    level=st.floats(0.0, 0.49),
    cap=st.sampled_from([1.0, 0.5, 0.3]),
    seed=st.integers(0, 2**32 - 1),
)
def test_set_generation_equals_pair_lp(n, m, level, cap, seed):
    rng = np.random.default_rng(seed)
    a = rng.random((n, m)) * (rng.random((n, m)) < 0.8)
    assume(a.sum() > 0)
    alpha, beta = rng.uniform(0, level, n), rng.uniform(0, level, n)
    res = D.participatory_allocation_sets(a, alpha, beta, cap)
    assert rel(res.welfare, full_lp_value(a, alpha, beta, cap)) <= 1e-9
    assert res.gap <= 1e-9 and res.upper_bound >= res.welfare - 1e-12
    assert rel(_fs_welfare(a, res.x, alpha, beta), res.welfare) <= 1e-12


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.9])
def test_adversarial_family_equals_pair_lp(rho):
    rng = np.random.default_rng(7)
    a = D.adversarial_family(3, 17, 6, rho)
    alpha, beta = rng.uniform(0, 0.49, 20), rng.uniform(0, 0.49, 20)
    res = D.participatory_allocation_sets(a, alpha, beta)
    assert rel(res.welfare, full_lp_value(a, alpha, beta)) <= 1e-9


def test_random_aversion_instance_equals_pair_lp():
    rng = np.random.default_rng(11)
    a, alpha, beta = D.random_aversion_instance(rng, 60, 15, 0.02)
    res = D.participatory_allocation_sets(a, alpha, beta)
    assert rel(res.welfare, full_lp_value(a, alpha, beta)) <= 1e-9
    assert res.sets > 0  # the optimum is not "everyone equal" here


def brute_kappa(S, alpha, beta):
    """Directed cut of the pair weights, summed over ordered pairs."""
    n = alpha.size
    return sum(
        (beta[i] + alpha[k]) / (n - 1) for i in S for k in range(n) if k not in S
    )


@given(n=st.integers(2, 7), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_pricing_is_exact_over_all_sets(n, seed):
    rng = np.random.default_rng(seed)
    alpha, beta, y = rng.random(n) * 0.5, rng.random(n) * 0.5, rng.normal(size=n)
    best, order = lp_sets._price(y, alpha, beta)
    for s in range(1, n):
        values = [
            brute_kappa(S, alpha, beta) - y[list(S)].sum()
            for S in itertools.combinations(range(n), s)
        ]
        assert best[s - 1] == pytest.approx(min(values), abs=1e-12)
        S = order[s - 1, :s]
        assert lp_sets._kappa(S, alpha, beta) == pytest.approx(
            brute_kappa(set(S.tolist()), alpha, beta), abs=1e-12
        )


@given(n=st.integers(2, 7), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_lovasz_extension_is_the_pair_penalty(n, seed):
    """h(u) along the level-set chain equals the pair sum of Eq. (12)/(89)."""
    rng = np.random.default_rng(seed)
    alpha, beta = rng.random(n) * 0.5, rng.random(n) * 0.5
    u = rng.integers(0, 3, n).astype(float)  # ties on purpose
    i, k, w1, w2 = _pair_weights(alpha, beta)
    d = u[i] - u[k]
    pairs = np.maximum(w1 * d, -w2 * d).sum()
    top = np.argsort(-u, kind="stable")
    chain = sum(
        (u[top[r]] - u[top[r + 1]]) * lp_sets._kappa(top[: r + 1], alpha, beta)
        for r in range(n - 1)
    )
    assert chain == pytest.approx(pairs, abs=1e-12)


def test_certificate_rejects_a_suboptimal_allocation():
    rng = np.random.default_rng(3)
    a, alpha, beta, b = validate_instance(
        rng.random((8, 4)), rng.uniform(0, 0.4, 8), rng.uniform(0, 0.4, 8), 1.0
    )
    res = D.participatory_allocation_sets(a, alpha, beta)
    y = np.zeros(8)  # y = 0 is in the base polytope: bound = utilitarian max
    with pytest.raises(RuntimeError, match="not certified"):
        lp_sets._certify(a, alpha, beta, b, np.zeros_like(a), (y,), 1e-9, 0, 1)
    # the dual bound of y = 0 is valid, hence at least the optimum
    assert lp_sets._phi(a, b, y) >= res.welfare - 1e-12


def test_dispatch_above_the_pair_lp_limit_keeps_the_value():
    rng = np.random.default_rng(5)
    n = FULL_LP_MAX_AGENTS + 5
    a = rng.random((n, 8))
    alpha, beta = rng.uniform(0, 0.05, n), rng.uniform(0, 0.05, n)
    x = D.participatory_allocation(a, alpha, beta)
    assert rel(D.fs_welfare(a, x, alpha, beta), full_lp_value(a, alpha, beta)) <= 1e-9
    res = D.solve_participatory(a, alpha, beta)
    assert rel(res.welfare, full_lp_value(a, alpha, beta)) <= 1e-9


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rtol": 0.0}, "rtol"),
        ({"rtol": float("nan")}, "rtol"),
        ({"max_rounds": 0}, "max_rounds"),
        ({"max_rounds": 2.5}, "max_rounds"),
    ],
)
def test_set_generation_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        D.participatory_allocation_sets(np.ones((2, 2)), 0.1, 0.1, **kwargs)


def test_set_generation_validates_the_instance():
    with pytest.raises(ValueError, match="a"):
        D.participatory_allocation_sets(-np.ones((3, 2)), 0.1, 0.1)
    with pytest.raises(ValueError, match="alpha"):
        D.participatory_allocation_sets(np.ones((3, 2)), -0.1, 0.1)


def test_max_rounds_exhausted_raises():
    rng = np.random.default_rng(2)
    a = rng.random((30, 5))
    alpha, beta = rng.uniform(0, 0.02, 30), rng.uniform(0, 0.02, 30)
    with pytest.raises(RuntimeError, match="did not converge"):
        D.participatory_allocation_sets(a, alpha, beta, max_rounds=1)
