"""fairlib.cardinality.egalitarian_exact: the exact egalitarian price of a cell."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from fairlib import cardinality as C
from fairlib.cardinality import egalitarian_exact as X


def test_patterns_of_one_category_are_partitions_into_n_parts():
    for m in range(1, 9):
        for n in range(1, m + 1):
            got = {tuple(r[0] for r in p) for p in X.bundle_patterns([m], n)}
            want = {p for p in C.partitions(m, n) if len(p) == n}
            assert got == want


def test_patterns_of_two_categories():
    pats = list(X.bundle_patterns([2, 1], 2))
    assert pats == [((2, 0), (0, 1)), ((1, 1), (1, 0))]
    for p in X.bundle_patterns([3, 2], 3):
        assert len(p) == 3 and all(any(r) for r in p)
        assert tuple(map(sum, zip(*p, strict=True))) == (3, 2)


@pytest.mark.parametrize(
    "row,k,value",
    [((5,), (2,), Fraction(2, 5)), ((2,), (3,), 1), ((3, 1), (1, 1), Fraction(1, 3))],
)
def test_agent_value_certificate(row, k, value):
    assert X.agent_value_certificate(row, k) == value


@pytest.mark.parametrize(
    "m,k,n",
    [
        (m, k, n)
        for m in range(2, 7)
        for n in range(2, m + 1)
        for k in range(1, m)
        if n * k >= m
    ],
)
def test_single_category_matches_theorem2(m, k, n):
    got = X.exact_egalitarian_poc(m, k, n)
    assert got.value == C.egalitarian_poc_bound(m, k, n) == got.witness_ratio


def test_two_categories_match_corrected_theorem5():
    for ms, ks, n in [([3, 4], [1, 2], 3), ([2, 2], [1, 1], 3), ([4, 2], [2, 1], 4)]:
        got = X.exact_egalitarian_poc(ms, ks, n)
        assert got.value == C.categories_egalitarian_poc(ms, ks, n)
    got = X.exact_egalitarian_poc([3, 3], [2, 2], 6)
    assert got.value == 1 and C.categories_egalitarian_poc_bound([3, 3], [2, 2], 6) < 1


def test_fewer_items_than_agents_gives_one():
    got = X.exact_egalitarian_poc([1, 1], [1, 1], 3)
    assert got.value == 1 and got.worst is None and got.patterns == 0


def test_random_instances_never_exceed_the_exact_value():
    rng = np.random.default_rng(0)
    for _ in range(15):
        n, m = 3, 5
        k = int(rng.integers(2, 5))
        w = rng.integers(0, 5, size=(n, m)) * (rng.random((n, m)) < 0.6)
        w[np.arange(n), rng.integers(0, m, size=n)] += 1
        u = np.array(
            [[Fraction(int(x), int(r.sum())) for x in r] for r in w], dtype=object
        )
        opt = C.egalitarian_optimum_bruteforce(u).value
        card = C.egalitarian_optimum_bruteforce(u, k).value
        assert opt <= X.exact_egalitarian_poc(m, k, n).value * card


def test_errors():
    with pytest.raises(ValueError, match="same positive number"):
        X.exact_egalitarian_poc([3, 3], [1], 3)
    with pytest.raises(ValueError, match="n\\*k_j >= m_j"):
        X.exact_egalitarian_poc(6, 1, 3)
    with pytest.raises(ValueError, match="sum\\(m\\) <= 12"):
        X.exact_egalitarian_poc(13, 5, 3)
    with pytest.raises(ValueError, match="not all 0"):
        X.agent_value_certificate((0, 0), (1, 1))
    with pytest.raises(ValueError, match="m must be an integer"):
        list(X.bundle_patterns([0], 2))
