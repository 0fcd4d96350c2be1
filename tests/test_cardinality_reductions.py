"""Paper B, Appendix B.1: the reductions of Lemmas 7, 8, 9 and Claim 2 (reductions.py).

Seeded random exact two-agent instances that satisfy each lemma's hypothesis:
the structure of ``I'`` is checked, and ``PoC(I) <= PoC(I')`` exactly, with
the best cardinal welfare recomputed by brute force over every allocation on
the smallest instances.  For Lemma 9 each claim of the paper's proof (the
``eps``-step) is checked separately: (a) both agents over a cap, in different
categories, under an optimal ``A'*``; (b) ``OPT-USW(I') = OPT-USW(I) =
USW(A*)``; (c) the best cardinal welfare does not increase; (d) the price does
not decrease.
"""

from fractions import Fraction

import numpy as np
import pytest

from fairlib.cardinality import (
    cardinal_optimum,
    cardinal_optimum_bruteforce,
    claim2_holds,
    lemma7_instance,
    lemma8_instance,
    lemma9_instance,
    over_cap,
    poc,
    theorem3_instance,
    utilitarian_optimum,
)

BRUTE_M = 9  # brute force (2**m allocations) up to this many items


def _draw(rng, favour=False):
    """A random normalized exact two-agent instance, 2-3 categories of 1-4 items."""
    h = int(rng.integers(2, 4))
    ms = [int(x) for x in rng.integers(1 + favour, 5, h)]
    ks = [int(rng.integers((m + 1) // 2, m + 1 - favour)) for m in ms]
    ids = np.repeat(np.arange(h), ms)
    raw = rng.integers(1, 30, (2, ids.size)) * (rng.random((2, ids.size)) < 0.85)
    if favour:  # one agent wins most items of two categories: Lemma 7's hypothesis
        a, chosen = int(rng.integers(2)), rng.choice(h, 2, replace=False)
        mask = np.isin(ids, chosen)
        raw[a, mask] = rng.integers(10, 30, mask.sum())
        raw[1 - a, mask] = rng.integers(0, 3, mask.sum())
    if raw.sum(axis=1).min() == 0:
        return None
    u = np.array(
        [[Fraction(int(x), int(r.sum())) for x in r] for r in raw], dtype=object
    )
    return ms, ks, ids, u


def _instances(seed, count, accept, favour=False):
    rng, out = np.random.default_rng(seed), []
    for _ in range(200 * count):
        inst = _draw(rng, favour)
        if inst is not None and accept(*inst):
            out.append(inst)
            if len(out) == count:
                return out
    raise AssertionError("too few instances satisfy the hypothesis")


def _over(u, ks, ids):
    return over_cap(utilitarian_optimum(u).owner, ks, ids)


def _tie_free(u, ids):
    d = u[0] - u[1]
    return all(x != 0 for x in d) and all(
        len(set(d[ids == j])) == np.count_nonzero(ids == j) for j in set(ids)
    )


def _check_poc(u, v, ks, ids):
    """PoC(I) <= PoC(I'), exactly; brute force agrees on the small instances."""
    before, after = poc(u, ks, ids), poc(v, ks, ids)
    assert before <= after
    if ids.size <= BRUTE_M:
        for w, ratio in ((u, before), (v, after)):
            brute = cardinal_optimum_bruteforce(w, ks, ids).value
            assert brute == cardinal_optimum(w, ks, ids).value
            assert utilitarian_optimum(w).value / brute == ratio


def _check_optimum(r, u):
    """u' normalized; A'* utilitarian-optimal for u' with OPT-USW unchanged."""
    m = u.shape[1]
    assert all(sum(row, Fraction(0)) == 1 for row in r.u)
    value = sum((r.u[r.owner[g], g] for g in range(m)), Fraction(0))
    assert value == utilitarian_optimum(r.u).value == utilitarian_optimum(u).value


def test_lemma7_on_random_instances():
    cases = _instances(
        7, 100, lambda ms, ks, ids, u: max(map(len, _over(u, ks, ids))) >= 2, True
    )
    for _ms, ks, ids, u in cases:
        r = lemma7_instance(u, ks, ids)
        a, p, H = r.agent, r.category, _over(u, ks, ids)[r.agent]
        bundle = {j: np.flatnonzero((ids == j) & (r.source == a)) for j in H}
        ratios = {j: Fraction(ks[j], bundle[j].size) for j in H}
        assert ratios[p] == min(ratios.values())  # p in argmin k_j/|A*_ip|
        _check_optimum(r, u)
        assert r.exceeded[a] == (p,) == over_cap(r.owner, ks, ids)[a]
        assert r.exceeded[1 - a] == _over(u, ks, ids)[1 - a]
        merged = np.concatenate([bundle[j] for j in H if j != p])
        assert all(x == 0 for x in r.u[:, merged].ravel())
        rest = np.setdiff1d(np.arange(ids.size), np.concatenate(list(bundle.values())))
        assert (r.u[:, rest] == u[:, rest]).all()
        for i in range(2):  # u'_i(g) = u_i(g) + sum_{j != p} u_i(A*_ij) / |A*_ip|
            extra = sum(u[i, merged], Fraction(0)) / bundle[p].size
            assert (r.u[i, bundle[p]] == u[i, bundle[p]] + extra).all()
        _check_poc(u, r.u, ks, ids)


def test_claim2_on_tie_free_instances():
    cases = _instances(
        2,
        100,
        lambda ms, ks, ids, u: (
            max(map(len, _over(u, ks, ids))) >= 2 and _tie_free(u, ids)
        ),
        True,
    )
    for _ms, ks, ids, u in cases:
        r = lemma7_instance(u, ks, ids)
        assert claim2_holds(u, ks, ids, r)
        if ids.size <= BRUTE_M:  # the same with brute-force optima
            items = np.flatnonzero((ids == r.category) & (r.source == r.agent))
            ak = cardinal_optimum_bruteforce(u, ks, ids).owner
            bk = cardinal_optimum_bruteforce(r.u, ks, ids).owner
            assert (ak[items] == bk[items]).all()


def _lemma8_case(ms, ks, ids, u):
    over, owner = _over(u, ks, ids), utilitarian_optimum(u).owner
    if max(map(len, over)) > 1:
        return False
    return any(
        over[i] and sum(u[i, (owner == i) & (ids != over[i][0])], Fraction(0)) > 0
        for i in range(2)
    )


def test_lemma8_on_random_instances():
    for _ms, ks, ids, u in _instances(8, 150, _lemma8_case):
        r = lemma8_instance(u, ks, ids)
        assert r.steps and (r.owner == r.source).all()
        _check_optimum(r, u)
        assert r.exceeded == _over(u, ks, ids) == over_cap(r.owner, ks, ids)
        for i in range(2):
            if r.exceeded[i]:  # zero utility from every other category
                elsewhere = (r.owner == i) & (ids != r.exceeded[i][0])
                assert sum(r.u[i, elsewhere], Fraction(0)) == 0
        _check_poc(u, r.u, ks, ids)


def _lemma9_case(ms, ks, ids, u):  # exactly one agent over a cap
    over = _over(u, ks, ids)
    return min(map(len, over)) == 0 < max(map(len, over))


def _lemma9_claims(u, ks, ids, r):
    """Claims (a)-(d) of Lemma 9's proof, for I (after Lemmas 7, 8) and I'."""
    base, opt = over_cap(r.base_owner, ks, ids), utilitarian_optimum(r.u).value
    i, m = (0 if base[0] else 1), ids.size
    value = sum((r.u[r.owner[g], g] for g in range(m)), Fraction(0))
    usw = sum((u[r.source[g], g] for g in range(m)), Fraction(0))
    ka, kb = (cardinal_optimum(w, ks, ids).value for w in (r.base_u, r.u))
    if m <= BRUTE_M:
        assert cardinal_optimum_bruteforce(r.base_u, ks, ids).value == ka
        assert cardinal_optimum_bruteforce(r.u, ks, ids).value == kb
    (p,), (q,) = base[i], r.exceeded[1 - i]
    a = value == opt and r.exceeded == over_cap(r.owner, ks, ids)
    a &= r.exceeded[i] == (p,) and q != p
    b = opt == utilitarian_optimum(r.base_u).value == utilitarian_optimum(u).value
    b &= opt == usw
    d = opt / kb >= max(poc(r.base_u, ks, ids), poc(u, ks, ids))
    return a, b, kb <= ka, d


def test_lemma9_proof_claims_on_random_instances():
    built = 0
    for ms, ks, ids, u in _instances(9, 120, _lemma9_case):
        over = _over(u, ks, ids)
        r = lemma9_instance(u, ks, ids)
        free = sum(k < m for m, k in zip(ms, ks, strict=True))
        assert (r is None) == (free < 2)  # with the default A*, a g* always exists
        if r is None:
            continue
        built += 1
        assert all(sum(row, Fraction(0)) == 1 for row in r.u)
        assert r.eps > 0 and all(x >= 0 for x in r.u.ravel())
        i = 0 if over[0] else 1
        assert r.owner[r.item] == 1 - i and r.u[1 - i, r.item] > r.u[i, r.item]
        assert _lemma9_claims(u, ks, ids, r) == (True, True, True, True)
    assert built >= 40


def test_lemma9_on_lemma7_instances():  # agent over her cap in several categories
    def several(ms, ks, ids, u):
        over = _over(u, ks, ids)
        return max(map(len, over)) >= 2 and min(map(len, over)) == 0

    built = 0
    for _ms, ks, ids, u in _instances(17, 40, several, True):
        r = lemma9_instance(u, ks, ids)
        if r is not None:
            built += 1
            assert "merged" in r.steps[0] and len(r.steps) >= 2
            assert _lemma9_claims(u, ks, ids, r) == (True, True, True, True)
    assert built >= 20


def test_worked_example_of_lemma9():
    u = _normalized([[3, 3, 3, 2, 2, 0, 0], [1, 1, 1, 1, 1, 3, 2]])
    ids, ks = np.array([0, 0, 0, 1, 1, 1, 1]), [2, 2]
    r = lemma9_instance(u, ks, ids, eps=Fraction(1, 100))
    assert r.item == 5 and r.exceeded == ((0,), (1,))
    assert list(r.owner) == [0, 0, 0, 1, 1, 1, 1]
    assert list(r.base_u[0]) == [Fraction(1, 3)] * 3 + [0] * 4
    third, half = Fraction(1, 6), Fraction(1, 200)
    assert list(r.u[1]) == [third] * 3 + [half, half, Fraction(29, 100), Fraction(1, 5)]
    assert poc(u, ks, ids) == Fraction(195, 178) < poc(r.u, ks, ids)
    assert poc(r.u, ks, ids) == Fraction(450, 397)
    assert lemma9_instance(u, ks, ids).eps == Fraction(1, 6000)  # default
    assert _lemma9_claims(u, ks, ids, r) == (True, True, True, True)


def test_lemma9_identical_utilities_have_no_g_star():
    u = _normalized([[1, 1, 0, 0], [1, 1, 0, 0]])
    ids, ks = np.array([0, 0, 1, 1]), [1, 1]
    assert _over(u, ks, ids) == ((0, 1), ())
    assert lemma9_instance(u, ks, ids) is None and poc(u, ks, ids) == 1


def test_lemma9_ignores_instances_without_a_violation():
    u = _normalized([[2, 1, 0, 1], [1, 2, 1, 0]])
    ids, ks = np.array([0, 0, 1, 1]), [1, 1]
    assert _over(u, ks, ids) == ((), ())
    assert lemma9_instance(u, ks, ids) is None and poc(u, ks, ids) == 1


def test_lemma9_fails_with_one_constrained_category():
    ms, ks = [2, 1], [1, 1]
    u, ids = theorem3_instance(ms, ks)
    assert lemma9_instance(u, ks, ids) is None and poc(u, ks, ids) == Fraction(4, 3)
    for code in range(2**3):  # no allocation puts both agents over a cap
        owner = np.array([(code >> g) & 1 for g in range(3)])
        assert min(map(len, over_cap(owner, ks, ids))) == 0


def test_worked_example_of_lemma7():
    # agent 0 wins items 0-2 of C_0 (k=2) and 0-3 of C_1 (k=3): p = C_0 (2/3 < 3/4)
    raw = [[3, 2, 1, 4, 3, 2, 1, 1], [1, 1, 0, 1, 1, 1, 0, 10]]
    u = np.array([[Fraction(x, sum(r)) for x in r] for r in raw], dtype=object)
    ids, ks = np.array([0, 0, 0, 1, 1, 1, 1, 1]), [2, 3]
    r = lemma7_instance(u, ks, ids)
    assert (r.agent, r.category) == (0, 0) and r.exceeded == ((0,), ())
    assert r.u[0, 0] == Fraction(3, 17) + Fraction(10, 17) / 3
    assert list(r.owner) == [0, 0, 0, 0, 0, 0, 1, 1]
    _check_poc(u, r.u, ks, ids)


def _normalized(raw):
    return np.array([[Fraction(x, sum(r)) for x in r] for r in raw], dtype=object)


def test_bad_inputs_raise_value_error():
    u = _normalized([[3, 2, 1, 4, 3, 2, 1, 1], [1, 1, 0, 1, 1, 1, 0, 10]])
    ids, ks = np.array([0, 0, 0, 1, 1, 1, 1, 1]), [2, 3]
    with pytest.raises(ValueError, match="exactly 2 agents"):
        lemma7_instance(np.vstack([u, u[:1]]), ks, ids)
    with pytest.raises(ValueError, match="normalized"):
        lemma8_instance(u * 2, ks, ids)
    with pytest.raises(ValueError, match="exact"):
        lemma9_instance(np.array(u, dtype=float), ks, ids)
    with pytest.raises(ValueError, match="utilitarian-optimal"):
        lemma7_instance(u, ks, ids, owner=np.ones(8, dtype=int))
    with pytest.raises(ValueError, match="owner must be an array"):
        lemma7_instance(u, ks, ids, owner=[0, 1])
    with pytest.raises(ValueError, match="n\\*k"):
        lemma7_instance(u, [1, 3], ids)
    with pytest.raises(ValueError, match="hypothesis of Lemma 8"):
        lemma8_instance(u, ks, ids)
    both = _normalized([[1, 1, 0, 0], [0, 0, 1, 1]])
    with pytest.raises(ValueError, match="hypothesis of Lemma 9"):
        lemma9_instance(both, [1, 1], [0, 0, 1, 1])
    u9 = _normalized([[3, 3, 3, 2, 2, 0, 0], [1, 1, 1, 1, 1, 3, 2]])
    ids9 = [0, 0, 0, 1, 1, 1, 1]
    for eps in (0, Fraction(-1, 10), 0.01, True, Fraction(4, 10)):
        with pytest.raises(ValueError, match="eps must"):
            lemma9_instance(u9, [2, 2], ids9, eps=eps)
    assert lemma9_instance(u9, [2, 2], ids9, eps=Fraction(3, 10)) is not None
    with pytest.raises(ValueError, match="agent must be"):
        lemma7_instance(u, ks, ids, agent=2)
    with pytest.raises(ValueError, match="hypothesis of Lemma 7"):
        lemma7_instance(u, ks, ids, agent=1)
    single = _normalized([[1, 1], [1, 2]])
    with pytest.raises(ValueError, match="hypothesis of Lemma 7"):
        lemma7_instance(single, [1, 1], [0, 1])
    with pytest.raises(ValueError, match="reduced"):
        claim2_holds(single, [1, 1], [0, 1], lemma8_instance(single, [1, 1], [0, 1]))
    with pytest.raises(ValueError, match="owner must be"):
        over_cap([0, 2], [1], [0, 0])
