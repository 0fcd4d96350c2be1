"""Tests of fairlib.divisible (Paper A: Shirali, Finocchiaro, Abebe, FAccT 2024).

Invariants, as the house style asks: fast LP = cvxpy formulation = Lemma 3.1
closed form = brute force on tiny instances; loss >= 0, gain >= 0,
loss <= Theorem 3.4's bound; Lemma 3.1 / 3.3 structure of LP optima;
feasibility of every returned allocation; every bad input raises.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import scipy.optimize
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairlib import divisible as D
from fairlib.divisible import solve as S

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEAS_TOL = 1e-9  # returned allocations are cleaned onto X_b, so this can be tight
LP_TOL = 1e-7  # relative agreement of two LP formulations / solvers


# ---------------------------------------------------------------------------
# helpers and strategies
# ---------------------------------------------------------------------------


def assert_feasible(x, n, m, b=1.0):
    b = np.broadcast_to(np.asarray(b, dtype=float), (m,))
    x = np.asarray(x)
    assert x.shape == (n, m)
    assert np.all(np.isfinite(x))
    assert x.min() >= -FEAS_TOL
    assert np.all(x <= b[None, :] + FEAS_TOL)
    assert np.all(x.sum(axis=0) <= 1 + FEAS_TOL)


def rel_close(f, g, tol):
    return abs(f - g) <= tol * max(1.0, abs(f), abs(g))


# Utility coefficients mix small integers (ties and zeros) with continuous values.
coef = st.one_of(st.integers(0, 4).map(float), st.floats(0.01, 10.0))
aversion = st.one_of(st.sampled_from([0.0, 0.125, 0.25, 0.49]), st.floats(0.0, 0.49))


@st.composite
def instances(draw, n=None, m=None, min_n=2, max_n=5, max_m=5):
    n = draw(st.integers(min_n, max_n)) if n is None else n
    m = draw(st.integers(1, max_m)) if m is None else m
    a = np.array(
        draw(st.lists(coef, min_size=n * m, max_size=n * m)), dtype=float
    ).reshape(n, m)
    alpha = np.array(draw(st.lists(aversion, min_size=n, max_size=n)))
    beta = np.array(draw(st.lists(aversion, min_size=n, max_size=n)))
    return a, alpha, beta


# ---------------------------------------------------------------------------
# the model (Eq. 9-12)
# ---------------------------------------------------------------------------


def test_fs_values_match_eq_12_for_two_agents():
    # Dyadic numbers: every value below is exact in binary floating point.
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    alpha, beta = np.array([0.25, 0.5]), np.array([0.125, 0.25])
    x = np.eye(2)  # u = (3, 2): agent 1 better off by 1
    v = D.fs_values(a, x, alpha, beta)
    assert v.tolist() == [3.0 - 0.125 * 1.0, 2.0 - 0.5 * 1.0]
    # Eq. (12): u1 + u2 - (beta1 + alpha2) max(u1 - u2, 0) - (alpha1 + beta2) max(u2 -
    # u1, 0)
    assert D.fs_welfare(a, x, alpha, beta) == 5.0 - (0.125 + 0.5) * 1.0
    x2 = np.array([[0.0, 0.0], [1.0, 1.0]])  # u = (0, 3): agent 2 better off by 3
    assert D.fs_welfare(a, x2, alpha, beta) == 3.0 - (0.25 + 0.25) * 3.0


def test_fs_welfare_equals_pair_form():
    # Eq. (9)-(11) summed = sum_i u_i - sum_{i<k} max(w1 (u_i-u_k), w2 (u_k-u_i))
    # (Appendix G.1, Eq. 89)
    rng = np.random.default_rng(0)
    n, m = 5, 4
    a = rng.random((n, m))
    x = rng.dirichlet(np.ones(n), size=m).T
    alpha, beta = rng.uniform(0, 0.5, n), rng.uniform(0, 0.5, n)
    u = D.utilities(a, x)
    i, k = np.triu_indices(n, 1)
    w1, w2 = (beta[i] + alpha[k]) / (n - 1), (alpha[i] + beta[k]) / (n - 1)
    pair = u.sum() - np.maximum(w1 * (u[i] - u[k]), w2 * (u[k] - u[i])).sum()
    assert D.fs_welfare(a, x, alpha, beta) == pytest.approx(pair, rel=1e-12)


# ---------------------------------------------------------------------------
# utilitarian optimum x* (Eq. 2)
# ---------------------------------------------------------------------------


def test_utilitarian_allocation_hand_examples():
    a = np.array([[3.0, 1.0, 2.0], [3.0, 2.0, 0.0], [1.0, 5.0, 2.0]])
    # b = 1: ties go to the lower index
    assert D.utilitarian_allocation(a).tolist() == [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
    # b = 1/2: the top two agents get half each
    assert D.utilitarian_allocation(a, 0.5).tolist() == [
        [0.5, 0, 0.5],
        [0.5, 0.5, 0],
        [0, 0.5, 0.5],
    ]
    # b = 0.4: two agents get 0.4, the third the remaining 0.2
    x = D.utilitarian_allocation(a, 0.4)
    np.testing.assert_allclose(x[:, 0], [0.4, 0.4, 0.2])
    # b = 1/4 with n = 3: everyone gets 1/4, a quarter of each item is left
    np.testing.assert_allclose(D.utilitarian_allocation(a, 0.25), np.full((3, 3), 0.25))
    # per-item caps
    x = D.utilitarian_allocation(a, [1.0, 0.5, 1 / 3])
    np.testing.assert_allclose(x[:, 2], [1 / 3, 1 / 3, 1 / 3])


@SETTINGS
@given(inst=instances(), b=st.sampled_from([1.0, 0.5, 0.4, 0.25]))
def test_utilitarian_matches_lp(inst, b):
    a, _, _ = inst
    n, m = a.shape
    x = D.utilitarian_allocation(a, b)
    assert_feasible(x, n, m, b)
    res = scipy.optimize.linprog(
        -a.ravel(),
        A_ub=np.kron(np.ones((1, n)), np.eye(m)),
        b_ub=np.ones(m),
        bounds=[(0, b)] * (n * m),
        method="highs",
    )
    assert res.status == 0
    assert rel_close(np.sum(a * x), -res.fun, 1e-9)


# ---------------------------------------------------------------------------
# participatory optimum: three formulations and brute force
# ---------------------------------------------------------------------------


@SETTINGS
@given(inst=instances(n=2, max_m=6))
def test_two_agent_closed_form_equals_lp_and_cvxpy(inst):
    a, alpha, beta = inst
    x_lp = D.participatory_allocation(a, alpha, beta)
    x_cf = D.two_agent_allocation(a, alpha, beta)
    x_cp = D.participatory_allocation_cvxpy(a, alpha, beta)
    for x in (x_lp, x_cf, x_cp):
        assert_feasible(x, 2, a.shape[1])
    f_lp, f_cf, f_cp = (D.fs_welfare(a, x, alpha, beta) for x in (x_lp, x_cf, x_cp))
    assert rel_close(f_cf, f_lp, 1e-9)
    assert rel_close(f_cp, f_lp, LP_TOL)
    assert np.allclose(
        x_cf.sum(axis=0)[a.sum(axis=0) > 0], 1.0
    )  # every valued item allocated


@SETTINGS
@given(inst=instances(max_n=6), b=st.sampled_from([1.0, 0.5, 0.4, 0.25]))
def test_fast_lp_equals_cvxpy(inst, b):
    a, alpha, beta = inst
    n, m = a.shape
    res = D.solve_participatory(a, alpha, beta, b)
    x_cp = D.participatory_allocation_cvxpy(a, alpha, beta, b)
    assert_feasible(res.x, n, m, b)
    assert_feasible(x_cp, n, m, b)
    f_lp = D.fs_welfare(a, res.x, alpha, beta)
    assert f_lp == res.welfare
    objective = -S.solve_lp(S.build_participatory_lp(a, alpha, beta, b)).fun
    assert rel_close(f_lp, objective, LP_TOL)  # the read-back x attains the LP optimum
    assert rel_close(D.fs_welfare(a, x_cp, alpha, beta), f_lp, LP_TOL)


def _grid_welfare(a, alpha, beta, shares):
    """f(v(x)) for every allocation in ``shares`` (K, n, m), vectorized Eq. (9)-(11)."""
    u = np.einsum("ij,kij->ki", a, shares)
    diff = u[:, None, :] - u[:, :, None]  # diff[., i, k] = u_k - u_i
    n = a.shape[0]
    i_plus = np.clip(diff, 0, None).sum(axis=2) / (n - 1)
    i_minus = np.clip(-diff, 0, None).sum(axis=2) / (n - 1)
    return (u - alpha * i_plus - beta * i_minus).sum(axis=1)


def _grid(n, m, b, steps):
    """All allocations with entries in {0, 1/steps, ..., b}, column sums <= 1."""
    col = [
        c
        for c in itertools.product(np.arange(steps + 1) / steps, repeat=n)
        if sum(c) <= 1 + 1e-12 and max(c) <= b + 1e-12
    ]
    cols = np.array(col)  # (C, n)
    idx = np.array(list(itertools.product(range(len(cols)), repeat=m)))  # (K, m)
    return np.transpose(cols[idx], (0, 2, 1))  # (K, n, m)


@SETTINGS
@given(inst=instances(n=2, max_m=2))
def test_lp_beats_grid_two_agents(inst):
    a, alpha, beta = inst
    x = D.participatory_allocation(a, alpha, beta)
    assert_feasible(x, 2, a.shape[1])
    f = D.fs_welfare(a, x, alpha, beta)
    best = _grid_welfare(a, alpha, beta, _grid(2, a.shape[1], 1.0, 20)).max()
    assert best <= f + 1e-9 * max(1.0, abs(f))


@SETTINGS
@given(inst=instances(n=3, m=1), b=st.sampled_from([1.0, 0.5]))
def test_lp_beats_grid_three_agents_capped(inst, b):
    a, alpha, beta = inst
    x = D.participatory_allocation(a, alpha, beta, b)
    assert_feasible(x, 3, 1, b)
    f = D.fs_welfare(a, x, alpha, beta)
    best = _grid_welfare(a, alpha, beta, _grid(3, 1, b, 20)).max()
    assert best <= f + 1e-9 * max(1.0, abs(f))


def test_no_aversion_is_utilitarian_and_caps_only_hurt():
    rng = np.random.default_rng(3)
    a = rng.random((6, 5))
    alpha, beta = rng.uniform(0, 0.4, 6), rng.uniform(0, 0.4, 6)
    x0 = D.participatory_allocation(a, 0.0, 0.0, 0.5)
    assert rel_close(np.sum(a * x0), np.sum(a * D.utilitarian_allocation(a, 0.5)), 1e-9)
    # adding a constraint (tighter cap) cannot improve the objective
    f1 = D.fs_welfare(a, D.participatory_allocation(a, alpha, beta, 1.0), alpha, beta)
    f_half = D.fs_welfare(
        a, D.participatory_allocation(a, alpha, beta, 0.5), alpha, beta
    )
    assert f_half <= f1 + 1e-9


def test_two_agent_closed_form_cases():
    # u1 > u2 at the optimum: Delta_1 = beta_1 + alpha_2, nothing moves (rho = 1 > w1)
    a = np.array([[4.0, 1.0], [0.0, 1.0]])
    np.testing.assert_array_equal(D.two_agent_allocation(a, 0.1, 0.1), [[1, 0], [0, 1]])
    # u1 = u2 optimal with a split item: a1 = (1, 1), a2 = (1, 0) -> rho = (0, 1)
    a = np.array([[1.0, 1.0], [1.0, 0.0]])
    x = D.two_agent_allocation(a, 0.2, 0.2)
    np.testing.assert_allclose(
        x, [[0.0, 1.0], [1.0, 0.0]]
    )  # u = (1, 1): already equal at a breakpoint
    a = np.array(
        [[2.0, 3.0], [1.0, 3.0]]
    )  # rho = (1/3, 0) < w = 0.4: Delta_1 inside, split item 0
    x = D.two_agent_allocation(a, 0.2, 0.2)
    np.testing.assert_allclose(x, [[1.0, 1 / 6], [0.0, 5 / 6]])  # u = (2.5, 2.5)
    # items nobody values
    x = D.two_agent_allocation(np.array([[0.0, 1.0], [0.0, 2.0]]), 0.1, 0.1)
    assert_feasible(x, 2, 2)
    # item 0 (worthless) goes to agent 1; item 1 (ratio -1/3 < -w2) to agent 2
    np.testing.assert_array_equal(x, [[1.0, 0.0], [0.0, 1.0]])


# ---------------------------------------------------------------------------
# loss, gain, individual tradeoffs, Theorem 3.4
# ---------------------------------------------------------------------------


@st.composite
def capped_instances(draw):
    b = draw(st.sampled_from([1.0, 0.5, 0.25]))
    n = draw(st.integers(max(2, int(round(1 / b))), 6))
    return (*draw(instances(n=n, max_m=4)), b)


@SETTINGS
@given(inst=capped_instances())
def test_loss_gain_and_theorem_3_4(inst):
    a, alpha, beta, b = inst
    lo, ga, bound = (
        D.loss(a, alpha, beta, b),
        D.gain(a, alpha, beta, b),
        D.loss_bound(a, alpha, beta, b),
    )
    scale = max(1.0, a.sum())
    assert lo >= -1e-9 * scale
    assert ga >= -1e-9 * scale
    assert lo <= bound + 1e-9 * scale
    it = D.individual_tradeoff(a, alpha, beta, b)
    assert it >= 1.0 - 1e-9  # sum_i u_i(x*) >= sum_i u_i(x^{ab}), so some ratio is >= 1


def test_loss_bound_when_cap_exceeds_agents():
    # 1/b_j = 4 > n = 3: top_j is everyone, x* = x^{alpha,beta} = b_j each, loss 0
    rng = np.random.default_rng(7)
    a = rng.random((3, 4))
    alpha, beta = rng.uniform(0, 0.45, 3), rng.uniform(0, 0.45, 3)
    assert abs(D.loss(a, alpha, beta, 0.25)) <= 1e-9
    c = D.item_loss_coefficients(a, alpha, beta, 0.25)
    expected = D.loss_bound(a, alpha, beta, 0.25)
    assert expected == pytest.approx(float(np.dot(c, 0.25 * a.sum(axis=0))))


def test_item_loss_coefficients_eq_18():
    a = np.array([[3.0, 1.0], [2.0, 5.0], [1.0, 4.0]])
    alpha, beta = np.array([0.1, 0.2, 0.3]), np.array([0.05, 0.15, 0.25])
    c = D.item_loss_coefficients(a, alpha, beta, 1.0)
    # item 0: top = {0}, beta_top = 0.05; item 1: top = {1}, beta_top = 0.15
    den = 1 + 0.3 + 0.45 / 2
    np.testing.assert_allclose(
        c, [(0.05 + 0.3 + 1.05 / 2) / den, (0.15 + 0.3 + 1.05 / 2) / den]
    )
    c_half = D.item_loss_coefficients(a, alpha, beta, 0.5)  # top = {0, 1} and {1, 2}
    np.testing.assert_allclose(
        c_half, [(0.15 + 0.3 + 1.05 / 2) / den, (0.25 + 0.3 + 1.05 / 2) / den]
    )
    assert D.loss_bound(a, alpha, beta, 0.5) == pytest.approx(
        c_half[0] * 2.5 + c_half[1] * 4.5
    )


@SETTINGS
@given(inst=instances(n=2, max_m=5))
def test_theorem_3_2_two_agent_loss_bound(inst):
    # loss <= sum_{j: a_ij > a_-ij} (a_ij - a_-ij) 1{a_-ij >= r_i a_ij}, i the agent
    # better off under x* (Eq. 14)
    a, alpha, beta = inst
    bounds = D.two_agent_loss_bounds(a, alpha, beta)
    # independent recomputation of Eq. (14)-(15), item by item
    us = (a * D.utilitarian_allocation(a)).sum(axis=1)
    i = 0 if us[0] >= us[1] else 1
    s = beta[i] + alpha[1 - i]
    r_i = (1 - s) / (1 + s)
    bound_14 = sum(
        a[i, j] - a[1 - i, j]
        for j in range(a.shape[1])
        if a[i, j] > a[1 - i, j] and a[1 - i, j] >= r_i * a[i, j]
    )
    top = sum(a[i, j] for j in range(a.shape[1]) if a[i, j] > a[1 - i, j])
    assert bounds.agent == i
    assert bounds.eq14 == pytest.approx(bound_14, abs=1e-12)
    assert bounds.eq15 == pytest.approx(2 * s / (1 + s) * top, abs=1e-12)
    assert bounds.sharp == pytest.approx(s * top, abs=1e-12)
    lo = D.loss(a, alpha, beta)
    scale = 1e-9 * max(1.0, a.sum())
    assert lo <= bounds.eq14 + scale
    assert lo <= bounds.sharp + scale  # the companion's sharper constant
    assert bounds.eq14 <= bounds.eq15 + 1e-12
    assert bounds.sharp <= bounds.eq15 + 1e-12


def test_two_agent_threshold_values():
    r, c = D.two_agent_threshold([0.1, 0.2], [0.3, 0.0])
    # r_1 uses beta_1 + alpha_2 = 0.5, r_2 uses beta_2 + alpha_1 = 0.1
    np.testing.assert_allclose(r, [0.5 / 1.5, 0.9 / 1.1])
    np.testing.assert_allclose(c, [1.0 / 1.5, 0.2 / 1.1])
    np.testing.assert_allclose(r + c, 1.0)


def test_pairwise_threshold_eq_17_and_two_agent_case():
    alpha, beta = np.array([0.1, 0.2, 0.3]), np.array([0.05, 0.15, 0.25])
    r = D.pairwise_threshold(alpha, beta)
    i, k = 0, 2
    expected = (1 - beta[i] - (alpha.sum() - alpha[i]) / 2) / (
        1 + alpha[k] + (beta.sum() - beta[k]) / 2
    )
    assert r[i, k] == pytest.approx(expected)
    # n = 2: r_12 of Eq. (17) is r_1 of Theorem 3.2
    r2 = D.pairwise_threshold([0.1, 0.2], [0.3, 0.0])
    r_two, _ = D.two_agent_threshold([0.1, 0.2], [0.3, 0.0])
    assert r2[0, 1] == pytest.approx(r_two[0]) and r2[1, 0] == pytest.approx(r_two[1])
    assert D.pairwise_threshold(0.1, 0.1, n=4).shape == (4, 4)


def test_individual_tradeoff_two_goods_section_5():
    # a = [[a1, 1-a1], [a2, 1-a2]], a1 > a2, a1 > 1 - a2, aversion strong enough: Eq.
    # (30) equalizes,
    # so u_1(x^{ab}) = a1 (1 - t) with t = (a1 + a2 - 1)/(a1 + a2), i.e. IT = a1 + a2.
    a1, a2 = 0.9, 0.8
    a = np.array([[a1, 1 - a1], [a2, 1 - a2]])
    t = (a1 - (1 - a2)) / (a1 + a2)
    x = D.participatory_allocation(a, 0.4, 0.4)
    np.testing.assert_allclose(x, [[1 - t, 0], [t, 1]], atol=1e-9)
    assert D.individual_tradeoff(a, 0.4, 0.4) == pytest.approx(a1 + a2)


def test_individual_tradeoff_zero_denominator_rule():
    ratio = D.tradeoff_ratios
    np.testing.assert_array_equal(
        ratio(np.array([2.0, 0.0, 0.0]), np.array([1.0, 0.0, 3.0]), 1e-12),
        [2.0, 1.0, 0.0],
    )
    assert np.isinf(
        ratio(np.array([1.0, 1.0]), np.array([0.0, 2.0]), 1e-12)
    ).tolist() == [True, False]


# ---------------------------------------------------------------------------
# structure of LP optima: Lemma 3.1 and Lemma 3.3
# ---------------------------------------------------------------------------


@SETTINGS
@given(inst=instances(n=2, max_m=6))
def test_lemma_3_1_threshold_structure(inst):
    a, alpha, beta = inst
    x = D.participatory_allocation(a, alpha, beta)
    tol = 1e-7
    deltas = D.feasible_deltas(a, x, alpha, beta, tol=tol)
    assert deltas.holds, deltas
    live = a.sum(axis=0) > 0
    assert np.allclose(x.sum(axis=0)[live], 1.0, atol=1e-7)  # valued items allocated
    # independent check of Eq. (13), item by item, at one admitted Delta_1
    delta = min(max(deltas.lo, deltas.required_lo), min(deltas.hi, deltas.required_hi))
    w1, w2 = beta[0] + alpha[1], alpha[0] + beta[1]
    assert -w2 - tol <= delta <= w1 + tol
    for j in np.flatnonzero(live):
        ratio = (a[0, j] - a[1, j]) / (a[0, j] + a[1, j])
        if x[0, j] > tol:
            assert ratio >= delta - 2 * tol
        if x[1, j] > tol:
            assert ratio <= delta + 2 * tol
    u = (a * x).sum(axis=1)
    if u[0] > u[1] + tol:
        assert deltas.case == "u_1 > u_2" and deltas.required_lo == w1
    elif u[1] > u[0] + tol:
        assert deltas.case == "u_1 < u_2" and deltas.required_hi == -w2


@SETTINGS
@given(inst=instances(max_n=6), b=st.sampled_from([1.0, 0.5, 0.4, 0.25]))
def test_lemma_3_3_necessary_condition(inst, b):
    a, alpha, beta = inst
    x = D.participatory_allocation(a, alpha, beta, b)
    scale = max(1.0, a.max())
    check = D.lemma_3_3_violations(a, x, alpha, beta, b, value_tol=1e-6 * scale)
    assert check.holds, np.argwhere(check.violated)[:3]
    # independent check: loop over the triples the lemma applies to
    r = D.pairwise_threshold(alpha, beta)
    n, m = a.shape
    count = 0
    for i, k, j in itertools.product(range(n), range(n), range(m)):
        if i != k and x[i, j] < b - 1e-7 and x[k, j] > 1e-7:
            count += 1
            assert a[k, j] >= r[i, k] * a[i, j] - 1e-6 * scale
    assert check.checked == count


# ---------------------------------------------------------------------------
# bad input and solver failure
# ---------------------------------------------------------------------------

A_OK = np.array([[1.0, 2.0], [2.0, 1.0], [0.5, 0.5]])
SOLVERS = {
    "participatory_allocation": lambda a=A_OK, al=0.1, be=0.1, b=1.0: (
        D.participatory_allocation(a, al, be, b)
    ),
    "participatory_allocation_cvxpy": lambda a=A_OK, al=0.1, be=0.1, b=1.0: (
        D.participatory_allocation_cvxpy(a, al, be, b)
    ),
    "solve_participatory": lambda a=A_OK, al=0.1, be=0.1, b=1.0: D.solve_participatory(
        a, al, be, b
    ),
    "loss": lambda a=A_OK, al=0.1, be=0.1, b=1.0: D.loss(a, al, be, b),
    "gain": lambda a=A_OK, al=0.1, be=0.1, b=1.0: D.gain(a, al, be, b),
    "individual_tradeoff": lambda a=A_OK, al=0.1, be=0.1, b=1.0: D.individual_tradeoff(
        a, al, be, b
    ),
    "loss_bound": lambda a=A_OK, al=0.1, be=0.1, b=1.0: D.loss_bound(a, al, be, b),
    "item_loss_coefficients": lambda a=A_OK, al=0.1, be=0.1, b=1.0: (
        D.item_loss_coefficients(a, al, be, b)
    ),
}
BAD = [
    ("a", dict(a=np.array([1.0, 2.0]))),
    ("a", dict(a=np.array([[1.0, -2.0], [1.0, 1.0], [0.0, 0.0]]))),
    ("a", dict(a=np.array([[1.0, np.nan], [1.0, 1.0], [0.0, 0.0]]))),
    ("a", dict(a=np.array([[1.0, np.inf], [1.0, 1.0], [0.0, 0.0]]))),
    ("a", dict(a=np.array([[1.0, 2.0]]), al=0.1, be=0.1)),  # n = 1
    ("alpha", dict(al=-0.1)),
    ("alpha", dict(al=[0.1, 0.1])),
    ("beta", dict(be=-0.1)),
    ("beta", dict(be=np.nan)),
    ("b", dict(b=0.0)),
    ("b", dict(b=1.5)),
    ("b", dict(b=[0.5, 0.5, 0.5])),
]


@pytest.mark.parametrize("fname", sorted(SOLVERS))
@pytest.mark.parametrize(
    "arg, kwargs", BAD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)]
)
def test_bad_input_names_argument(fname, arg, kwargs):
    with pytest.raises(ValueError, match=arg):
        SOLVERS[fname](**kwargs)


@pytest.mark.parametrize(
    "arg, kwargs",
    [
        ("a", dict(a=np.array([1.0]))),
        ("a", dict(a=-np.ones((2, 2)))),
        ("b", dict(b=0.0)),
        ("b", dict(b=2.0)),
    ],
)
def test_utilitarian_bad_input(arg, kwargs):
    kwargs = {"a": A_OK, **kwargs}
    with pytest.raises(ValueError, match=arg):
        D.utilitarian_allocation(kwargs["a"], kwargs.get("b", 1.0))


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: D.loss_bound(A_OK, 0.5, 0.1),
            "alpha.*Theorem 3.4 assumes alpha_i, beta_i < 1/2",
        ),
        (lambda: D.loss_bound(A_OK, 0.1, [0.1, 0.6, 0.1]), "beta.*Theorem 3.4 assumes"),
        (lambda: D.item_loss_coefficients(A_OK, 0.7, 0.1), "alpha"),
        (lambda: D.loss_bound(A_OK, 0.1, 0.1, 0.4), "b must have 1/b_j an integer"),
        (lambda: D.pairwise_threshold([0.1, 0.5], [0.1, 0.1]), "alpha.*1/2"),
        (lambda: D.pairwise_threshold(0.1, 0.1), "n must be given"),
        (lambda: D.pairwise_threshold(0.1, 0.1, n=1), "n must be"),
        (lambda: D.pairwise_threshold([0.1, 0.1], [0.1, 0.1, 0.1]), "alpha"),
        (lambda: D.two_agent_threshold([0.1, 0.1], [0.5, 0.1]), "beta.*1/2"),
        (lambda: D.two_agent_threshold([0.1, 0.1, 0.1], 0.1), "alpha"),
        (lambda: D.two_agent_allocation(A_OK, 0.1, 0.1), "a must have exactly 2"),
        (
            lambda: D.two_agent_allocation(A_OK[:2], [0.1, 0.6], [0.5, 0.1]),
            "alpha and beta",
        ),
        (lambda: D.two_agent_allocation(A_OK[:2], -1.0, 0.1), "alpha"),
        (lambda: D.individual_tradeoff(A_OK, 0.1, 0.1, zero_tol=-1.0), "zero_tol"),
    ],
)
def test_range_and_structure_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_large_aversion_still_solves_and_may_discard():
    # beta_1 + alpha_2 = 2 > 1: giving the item to agent 1 lowers f, so the LP keeps it
    # unallocated
    a = np.array([[1.0], [0.0]])
    x = D.participatory_allocation(a, [0.0, 1.0], [1.0, 0.0])
    assert_feasible(x, 2, 1)
    assert D.fs_welfare(a, x, [0.0, 1.0], [1.0, 0.0]) == pytest.approx(0.0, abs=1e-12)


def test_highs_failure_raises(monkeypatch):
    def failing_linprog(*args, **kwargs):
        return scipy.optimize.OptimizeResult(
            status=4, x=None, fun=None, message="HiGHS says: numerical trouble"
        )

    monkeypatch.setattr(S.scipy.optimize, "linprog", failing_linprog)
    with pytest.raises(RuntimeError, match="HiGHS.*numerical trouble"):
        D.participatory_allocation(A_OK, 0.1, 0.1)


def test_highs_infeasible_output_raises(monkeypatch):
    real = scipy.optimize.linprog

    def bad_linprog(*args, **kwargs):
        res = real(*args, **kwargs)
        res.x = res.x.copy()
        res.x[0] = 2.0  # x_11 > b
        return res

    monkeypatch.setattr(S.scipy.optimize, "linprog", bad_linprog)
    with pytest.raises(RuntimeError, match="infeasible"):
        D.participatory_allocation(A_OK, 0.1, 0.1)


def test_cvxpy_named_solver_failure_raises():
    with pytest.raises(RuntimeError, match="NOT_A_SOLVER"):
        D.participatory_allocation_cvxpy(A_OK, 0.1, 0.1, solver="NOT_A_SOLVER")


def test_cvxpy_clarabel_agrees():
    rng = np.random.default_rng(11)
    a = rng.random((4, 3))
    x = D.participatory_allocation_cvxpy(a, 0.2, 0.1, 0.5, solver="CLARABEL")
    assert_feasible(x, 4, 3, 0.5)
    f = D.fs_welfare(a, D.participatory_allocation(a, 0.2, 0.1, 0.5), 0.2, 0.1)
    assert rel_close(D.fs_welfare(a, x, 0.2, 0.1), f, 1e-6)


def test_public_api_documented():
    # every public name: a docstring naming Paper A and the result it implements
    num = r"[A-Z]?\.?\d"  # "3.4", "E.3", "C.1"
    reference = re.compile(
        rf"Eq\.? \(?\d|(Lemma|Theorem|Thm\.|Proposition|Prop\.|Corollary|Cor\.) {num}|"
        rf"Fig(ure|\.) \d|§\d|Def\. |Definition \d|Table \d|App(endix|\.) [A-Z]"
    )
    for name in D.__all__:
        obj = getattr(D, name)
        if not callable(obj):  # constants (e.g. OBJECTIVES) carry no docstring
            continue
        doc = obj.__doc__ or ""
        assert "Paper A" in doc, name
        assert reference.search(doc), name
    assert sorted(D.__all__) == sorted(set(D.__all__))
    for module in (D.model, D.solve, D.metrics, D.bounds, D.instances):
        for name in module.__all__:
            assert getattr(D, name, None) is getattr(module, name) or name in (
                "ParticipatoryLP",
                "build_participatory_lp",
                "solve_lp",
                "read_allocation",
                "default_cvxpy_solver",
            ), name


@settings(max_examples=40, deadline=None)
@given(
    a1=st.fractions(min_value="11/20", max_value="19/20", max_denominator=40),
    gap=st.fractions(min_value="1/40", max_value="2/5", max_denominator=40),
    aversion=st.sampled_from([0.25, 0.3, 0.4, 0.45]),
)
def test_section5_two_good_tradeoff_is_a1_plus_a2(a1, gap, aversion):
    """Paper A §5 (Eq. 29-31): under Eq. (30) IT = a_1 + a_2.

    The paper's printed a_1/(a_1 - t) is an erratum.
    """
    a2 = a1 - gap
    assume(a2 > 0 and a1 + a2 > 1 and 2 * aversion >= float((a1 - a2) / (a1 + a2)))
    a = D.section5_instance(float(a1), float(a2), aversion)
    expected = [[a1, 1 - a1], [a2, 1 - a2]]
    np.testing.assert_allclose(a, np.array(expected, dtype=float), rtol=0, atol=1e-15)
    it = D.individual_tradeoff(a, aversion, aversion)
    assert it == pytest.approx(float(a1 + a2), rel=1e-9)
    t = D.section5_equalizing_share(a1, a2)
    assert t == (a1 - (1 - a2)) / (a1 + a2)
    assert float(a1 / (a1 - t)) > float(
        a1 + a2
    )  # the printed closed form overstates it
