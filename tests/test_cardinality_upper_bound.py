"""Paper B, Lemmas 3–5: the reassignment procedure and the proof's chain."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fairlib.cardinality import (
    cardinal_optimum,
    lemma1_instance,
    lemma2_instance,
    lemma4_reassign,
    lemma5_preprocess,
    paper_optimum,
    upper_bound_chain,
    utilitarian_optimum,
)

KNOWN_STRICT = {"lemma5-F<=I'"}  # the paper's equality F(v) = ratio(I') is strict


def _exact(rows):
    return np.array([[Fraction(x, sum(r)) for x in r] for r in rows], dtype=object)


def test_reassignment_small_example():
    # agent 0 wins items 0-3; k = 2: two of them move to agent 1 (loss 1/10 each)
    u = _exact([[3, 3, 2, 2, 0], [1, 1, 1, 1, 6], [0, 0, 0, 0, 1]])
    start = utilitarian_optimum(u).owner
    assert list(start) == [0, 0, 0, 0, 2]
    re = lemma4_reassign(u, start, 2)
    assert np.bincount(re.owner, minlength=3).max() <= 2
    assert [mv[:3] for mv in re.moves] == [(2, 0, 1), (3, 0, 1)]
    assert [mv[3] for mv in re.moves] == [Fraction(1, 10)] * 2
    assert re.dagger == 1
    assert re.welfare == sum(u[re.owner, np.arange(5)])
    assert re.welfare <= cardinal_optimum(u, 2).value


def test_paper_optimum_breaks_ties_towards_agents_under_the_cap():
    u = _exact([[1, 1, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1]])
    owner = paper_optimum(u, 2)
    assert np.bincount(owner, minlength=3).max() <= 2
    assert sum(u[owner, np.arange(4)]) == utilitarian_optimum(u).value


@pytest.mark.parametrize("k, c", [(1, 2), (2, 2), (1, 3), (3, 2)])
def test_lemma1_instances_are_tight_through_the_chain(k, c):
    u = lemma1_instance(k, c)
    chain = upper_bound_chain(u, k)
    assert chain.case == "lemma3"
    assert all(step.holds for step in chain.steps)
    last = chain.steps[-1]
    assert last.name == "lemma3-theorem1" and last.tight


@pytest.mark.parametrize("m, k", [(6, 1), (9, 2), (13, 3), (11, 1)])
def test_lemma2_instances_satisfy_every_step(m, k):
    chain = upper_bound_chain(lemma2_instance(m, k), k)
    assert all(s.holds for s in chain.steps if s.name not in KNOWN_STRICT)


@st.composite
def instances(draw):
    n = draw(st.integers(2, 4))
    m = draw(st.integers(2, 7))
    k = draw(st.integers(max(1, -(-m // n)), m))
    rows = [draw(st.lists(st.integers(0, 8), min_size=m, max_size=m)) for _ in range(n)]
    return rows, k


@settings(max_examples=120, deadline=None)
@given(instances())
def test_chain_holds_on_random_instances(case):
    rows, k = case
    assume(all(sum(r) > 0 for r in rows))
    u = _exact(rows)
    chain = upper_bound_chain(u, k)
    assert chain.ratio >= 1
    for step in chain.steps:
        assert step.holds or step.name in KNOWN_STRICT, step
    if chain.reassignment is not None:
        assert np.bincount(chain.reassignment.owner).max() <= k


def test_the_equality_of_lemma5_is_strict_on_an_example():
    u = _exact([[0, 4, 0, 3, 4], [0, 0, 4, 0, 2], [0, 0, 4, 0, 2]])
    chain = upper_bound_chain(u, 2)
    steps = {s.name: s for s in chain.steps}
    assert chain.case == "lemma5-1"
    assert steps["lemma5-I'<=F"].holds and not steps["lemma5-F<=I'"].holds
    assert steps["lemma5-theorem1"].holds


def test_float_input_runs_the_same_chain():
    rng = np.random.default_rng(3)
    raw = rng.random((3, 6)) ** 4
    u = raw / raw.sum(axis=1, keepdims=True)
    chain = upper_bound_chain(u, 2)
    assert all(s.holds for s in chain.steps if s.name not in KNOWN_STRICT)


# the smallest instance where Lemma 5's third equality is strict (n = m = 3, k = 1)
CASE1 = np.array(
    [
        [Fraction(3, 5), Fraction(0), Fraction(2, 5)],
        [Fraction(7, 30), Fraction(13, 30), Fraction(1, 3)],
        [Fraction(0), Fraction(13, 29), Fraction(16, 29)],
    ],
    dtype=object,
)


def _split(v3):
    """Agent 2 keeps 2/5 on goods 2 and 3 (indices 1, 2), v3 of it on good 3."""
    t = CASE1.copy()
    t[1, 1], t[1, 2] = Fraction(2, 5) - v3, v3
    return t


@pytest.mark.parametrize(
    "v3, ratio_prime",
    [
        (None, Fraction(5336, 4595)),  # uniform scale
        (Fraction(1, 3), Fraction(696, 601)),  # all the reduction on good 2
        (Fraction(0), Fraction(232, 225)),  # good 3 down to 0
        (Fraction(73, 290), Fraction(16, 13)),  # u' equal on both goods
    ],
)
def test_lemma5_case1_ratio_of_i_prime_depends_on_the_split(v3, ratio_prime):
    target = None if v3 is None else _split(v3)
    pre = lemma5_preprocess(CASE1, [0, 2, 2], 1, target=target)
    assert sum(pre[1, 1:]) == Fraction(2, 5)
    chain = upper_bound_chain(CASE1, 1, target=target)
    assert chain.case == "lemma5-1" and chain.ratio == Fraction(1392, 1379)
    step = {st.name: st for st in chain.steps}["lemma5-F<=I'"]
    assert step.lhs == Fraction(16, 13)  # the left side ignores the split
    assert step.rhs == ratio_prime and step.holds == (ratio_prime == step.lhs)
    assert all(st.holds for st in chain.steps if st.name not in KNOWN_STRICT)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: lemma4_reassign(np.eye(2), [0, 0, 0], 1), "owner"),
        (lambda: lemma4_reassign(np.eye(2), [0, 2], 1), "owner"),
        (lambda: lemma4_reassign(np.ones((1, 3)) / 3, [0, 0, 0], 2), "n\\*k >= m"),
        (lambda: upper_bound_chain(np.ones((2, 1)), 1), "at least 2 items"),
        (lambda: upper_bound_chain(np.ones((2, 2)), 1), "normalized"),
        (lambda: lemma5_preprocess(np.eye(2), [0, 1], 1), "Lemma 5"),
        (lambda: lemma5_preprocess(CASE1, [0, 2, 2], 1, target=np.eye(2)), "shape"),
        (
            lambda: lemma5_preprocess(
                CASE1, [0, 2, 2], 1, target=_split(Fraction(2, 5))
            ),
            "reduce",
        ),
        (lambda: lemma5_preprocess(CASE1, [0, 2, 2], 1, target=CASE1), "sum"),
        (lambda: paper_optimum(np.eye(2), 0), "k"),
    ],
)
def test_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
