"""Tests for fairlib.cardinality.search (Paper B, Theorem 1: the hill climb)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from fairlib import cardinality as C
from fairlib.cardinality import search as S


def _climb(n=4, m=7, k=2, budget=120, restarts=4, seed=0):
    return S.hill_climb(
        n, m, k, budget=budget, restarts=restarts, rng=np.random.default_rng(seed)
    )


# ----------------------------------------------------------------------------
# hill_climb
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", [(4, 4, 1), (3, 6, 2), (4, 7, 2), (3, 3, 2)])
def test_climb_never_exceeds_theorem1(case):
    n, m, k = case
    res = _climb(n, m, k, budget=150, restarts=3, seed=1)
    assert res.bound == C.utilitarian_poc_bound(m, k)
    assert np.all(res.trace <= res.bound * (1 + S.BOUND_RTOL))
    assert np.all(res.trace >= 1 - 1e-12)  # a price of cardinality is >= 1
    # the best instance, solved again in exact arithmetic, is within the bound
    assert C.within_theorem1(C.poc(S.rationalize_rows(res.best_u), k), m, k)


def test_trace_is_best_so_far_and_matches_best_u():
    res = _climb(budget=123, restarts=5)
    assert res.trace.shape == (5 * (123 // 5),) and res.evaluations == 120
    assert np.all(np.diff(res.trace) >= 0)
    assert res.best_ratio == res.trace[-1]
    assert res.best_ratio == pytest.approx(C.poc(res.best_u, 2), abs=1e-12)
    assert (res.n, res.m, res.k) == (4, 7, 2) and res.best_u.shape == (4, 7)
    assert np.all(res.best_u >= 0)
    np.testing.assert_allclose(res.best_u.sum(axis=1), 1.0, atol=1e-12)


def test_result_is_frozen_and_read_only():
    res = _climb(budget=20, restarts=2)
    with pytest.raises(AttributeError):
        res.bound = 0.0
    with pytest.raises(ValueError):
        res.trace[0] = 0.0
    with pytest.raises(ValueError):
        res.best_u[0, 0] = 0.0


def test_climb_is_seeded_and_consumes_rng_deterministically():
    rng1, rng2 = np.random.default_rng(5), np.random.default_rng(5)
    a = S.hill_climb(3, 6, 2, budget=60, restarts=3, rng=rng1)
    b = S.hill_climb(3, 6, 2, budget=60, restarts=3, rng=rng2)
    np.testing.assert_array_equal(a.trace, b.trace)
    np.testing.assert_array_equal(a.best_u, b.best_u)
    assert rng1.bit_generator.state == rng2.bit_generator.state
    c = S.hill_climb(3, 6, 2, budget=60, restarts=3, rng=np.random.default_rng(6))
    assert not np.array_equal(a.best_u, c.best_u)


def test_climb_reaches_the_bound_on_lemma1_case():
    # m = k(c^2 - 1) + 1 with k = 1, c = 2: Lemma 1 says the bound 3/2 is attained
    res = _climb(4, 4, 1, budget=400, restarts=4, seed=0)
    assert res.best_ratio == pytest.approx(1.5, abs=1e-9)


def test_climb_raises_if_an_instance_beats_the_bound(monkeypatch):
    monkeypatch.setattr(S, "poc", lambda u, k: 10.0)
    with pytest.raises(ArithmeticError, match="exceeds Theorem 1"):
        _climb(budget=4, restarts=1)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=2, m=7, k=2), "n"),  # n k < m
        (dict(n=0), "n"),
        (dict(m=1), "m"),
        (dict(k=0), "k"),
        (dict(restarts=0), "restarts"),
        (dict(budget=3, restarts=4), "budget"),
        (dict(budget=2.5), "budget"),
    ],
)
def test_climb_validation_names_the_argument(kwargs, name):
    args = dict(n=4, m=7, k=2, budget=8, restarts=2) | kwargs
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        S.hill_climb(
            args["n"],
            args["m"],
            args["k"],
            budget=args["budget"],
            restarts=args["restarts"],
            rng=np.random.default_rng(0),
        )


def test_climb_rejects_a_seed_instead_of_a_generator():
    with pytest.raises(ValueError, match="^rng"):
        S.hill_climb(4, 7, 2, budget=8, restarts=2, rng=0)


# ----------------------------------------------------------------------------
# the moves
# ----------------------------------------------------------------------------
def test_random_start_is_uniform_on_a_nonempty_subset():
    u = S._random_start(6, 5, np.random.default_rng(3))
    np.testing.assert_allclose(u.sum(axis=1), 1.0)
    for row in u:
        support = row > 0
        assert support.any()
        np.testing.assert_allclose(row[support], 1 / support.sum())


def test_perturb_changes_one_row_and_keeps_it_normalized():
    rng = np.random.default_rng(4)
    u = S._random_start(4, 6, rng)
    seen_none = 0
    for _ in range(300):
        v = S._perturb(u, rng)
        if v is None:
            seen_none += 1
            continue
        changed = np.flatnonzero(np.any(v != u, axis=1))
        assert changed.size <= 1
        assert np.all(v >= 0)
        np.testing.assert_allclose(v.sum(axis=1), 1.0, atol=1e-12)
        u = v
    assert seen_none < 300


def test_each_move_touches_only_row_i():
    rng = np.random.default_rng(0)
    for move in S._MOVES:
        v = np.full((3, 4), 0.25)
        v[2] = [0.7, 0.1, 0.1, 0.1]
        before = v.copy()
        move(v, 1, rng)
        np.testing.assert_array_equal(np.delete(v, 1, axis=0), np.delete(before, 1, 0))
        assert np.all(v[1] >= 0)


def test_move_mass_keeps_the_row_total():
    v = np.array([[0.5, 0.5, 0.0]])
    S._move_mass(v, 0, np.random.default_rng(2))
    assert v.sum() == pytest.approx(1.0, abs=1e-15) and np.all(v >= 0)


def test_perturb_returns_none_when_the_row_vanishes():
    class Rng:  # agent 0, move 3 (drop an item), item 0: the only valued item
        def integers(self, high):
            return {1: 0, 5: 3, 2: 0}[high]

    assert S._perturb(np.array([[1.0, 0.0]]), Rng()) is None


# ----------------------------------------------------------------------------
# rationalize_rows
# ----------------------------------------------------------------------------
def test_rationalize_rows_sums_to_exactly_one():
    rng = np.random.default_rng(7)
    u = rng.dirichlet(np.ones(6), size=5)
    q = S.rationalize_rows(u)
    assert q.dtype == object and q.shape == u.shape
    assert all(isinstance(x, Fraction) for x in q.flat)
    assert all(sum(row, Fraction(0)) == 1 for row in q)
    np.testing.assert_allclose(q.astype(float), u, rtol=1e-14)


def test_rationalize_rows_renormalizes_unnormalized_rows_exactly():
    q = S.rationalize_rows([[1.0, 3.0], [0.1, 0.2]])
    assert list(q[0]) == [Fraction(1, 4), Fraction(3, 4)]
    assert sum(q[1], Fraction(0)) == 1
    assert q[1][1] == Fraction(0.2) / (Fraction(0.1) + Fraction(0.2))


@pytest.mark.parametrize("u", [[[0.5, -0.1]], [[0.0, 0.0], [1.0, 0.0]], [1.0, 2.0]])
def test_rationalize_rows_validation_names_u(u):
    with pytest.raises(ValueError, match="^u"):
        S.rationalize_rows(u)


# ----------------------------------------------------------------------------
# best_construction_ratio
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("m, k", [(6, 2), (7, 2), (10, 2), (9, 1), (13, 3)])
def test_best_construction_is_the_better_lemma2_variant(m, k):
    n = -(-m // k) + 1
    expected = max(C.lemma2_lower_bound(m, k, variant=v) for v in ("appendix", "main"))
    got = S.best_construction_ratio(n, m, k)
    assert isinstance(got, Fraction) and got == expected


@pytest.mark.parametrize("k, c", [(1, 2), (2, 2), (1, 3)])
def test_best_construction_attains_theorem1_on_lemma1_set(k, c):
    m = k * (c * c - 1) + 1
    assert S.best_construction_ratio(c * c, m, k) == Fraction(c + 1, 2)


def test_best_construction_is_none_when_it_does_not_exist():
    assert S.best_construction_ratio(2, 7, 2) is None  # needs ceil(7/2) = 4 agents
    assert S.best_construction_ratio(5, 4, 3) is None  # needs m >= k + 2


@pytest.mark.parametrize(
    "args, name", [((0, 7, 2), "n"), ((4, 0, 2), "m"), ((4, 7, 0), "k")]
)
def test_best_construction_validation_names_the_argument(args, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        S.best_construction_ratio(*args)


def test_public_names_reexported_from_the_package():
    for name in (
        "SearchResult",
        "hill_climb",
        "rationalize_rows",
        "best_construction_ratio",
    ):
        assert getattr(C, name) is getattr(S, name)
