"""fairlib.cardinality.exact and .certificate: the exact price of small cells."""

import dataclasses
import itertools
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from fairlib import cardinality as card
from fairlib.cardinality import (
    CertificateCheck,
    CertificateError,
    ExactPoC,
    best_block_ratio,
    check_certificate,
    compare_with_theorem1,
    exact_poc,
    orbit_label,
    partitions,
)


@pytest.fixture(scope="module")
def cell():
    return exact_poc(5, 2, 3)


# ----------------------------------------------------------------------------
# Lemma 1 cells: the exact value is Theorem 1's formula, (c + 1)/2
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("k, c", [(1, 2), (2, 2), (3, 2), (1, 3)])
def test_lemma1_cells_equal_theorem1_exactly(k, c):
    m = k * (c * c - 1) + 1
    n = -(-m // k)
    res = exact_poc(m, k, n)
    assert res.lower == res.upper == Fraction(c + 1, 2)
    assert compare_with_theorem1(res.upper, m, k) == 0
    check_certificate(res)


def test_result_fields_and_is_exact(cell):
    assert isinstance(cell, ExactPoC) and (cell.m, cell.k, cell.n) == (5, 2, 3)
    assert cell.exact and cell.lower == cell.upper == Fraction(4, 3)
    assert cell.value == float(cell.upper)
    w = cell.witness
    assert w.shape == (3, 5) and all(isinstance(v, Fraction) for v in w.flat)
    assert sum(cell.pattern) == 5
    assert len(cell.certificate) == len(list(partitions(5, 3)))
    assert card.poc(w, 2) == cell.lower  # the witness attains the value
    assert cell.n_solves >= len(cell.certificate) and cell.n_separated >= 0


def test_result_is_a_frozen_dataclass_not_a_tuple(cell):
    with pytest.raises(TypeError):
        iter(cell)
    with pytest.raises(TypeError):
        value, witness, *_ = cell
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.value = 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.certificate[0].bound = Fraction(0)
    names = [f.name for f in dataclasses.fields(ExactPoC)]
    assert names[:4] == ["m", "k", "n", "value"] and "n_solves" in names
    for name in names:  # documented field by field
        assert f"{name} :" in ExactPoC.__doc__ or f", {name}" in ExactPoC.__doc__


def test_public_name_in_cardinality():
    res = card.exact_poc(5, 2, 3)  # the public name
    assert card.exact_poc is exact_poc and res.upper == Fraction(4, 3)
    with pytest.raises(ValueError, match="n"):
        card.exact_poc(7, 2, 3)


@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (3, 3, 1), (6, 5, 2), (2, 1, 2)])
def test_void_or_nearly_void_cap_gives_one(m, k, n):
    # m <= k: the cap is void; m = k + 1: every optimum can be made cardinal
    # (Paper B, Appendix A.1 remark)
    res = exact_poc(m, k, n)
    assert res.lower == res.upper == 1
    check_certificate(res)


# ----------------------------------------------------------------------------
# certificates: accepted when genuine, rejected when tampered with
# ----------------------------------------------------------------------------
def test_certificate_checks_pass(cell):
    summary = check_certificate(cell)
    assert isinstance(summary, CertificateCheck)
    assert summary.gap == 0 and summary.patterns == len(cell.certificate)
    assert (summary.lower, summary.upper) == (cell.lower, cell.upper)
    n_cuts = sum(len(c.cuts) for c in cell.certificate)
    assert summary.cuts == n_cuts > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.gap = Fraction(1)


def _tamper_pattern(res, index, **changes):
    certs = list(res.certificate)
    certs[index] = dataclasses.replace(certs[index], **changes)
    return dataclasses.replace(res, certificate=tuple(certs))


def _best_index(res):
    return next(i for i, c in enumerate(res.certificate) if c.pattern == res.pattern)


def test_tampered_multiplier_is_rejected(cell):
    i = _best_index(cell)
    cert = cell.certificate[i]
    ys = list(cert.multipliers)
    ys[0] = ys[0] / 2  # weaker dual: infeasible
    bad = _tamper_pattern(cell, i, multipliers=tuple(ys), bound=sum(ys, Fraction(0)))
    with pytest.raises(CertificateError, match="dual constraint"):
        check_certificate(bad)


def test_tampered_bound_is_rejected(cell):
    i = _best_index(cell)
    bad = _tamper_pattern(cell, i, bound=cell.certificate[i].bound - Fraction(1, 10**6))
    with pytest.raises(CertificateError, match="sum of multipliers"):
        check_certificate(bad)


def test_non_cardinal_cut_is_rejected(cell):
    i = _best_index(cell)
    cuts = list(cell.certificate[i].cuts)
    cuts[0] = (0,) * cell.m  # one agent takes every item: |B_0| = m > k
    with pytest.raises(CertificateError, match="more than k"):
        check_certificate(_tamper_pattern(cell, i, cuts=tuple(cuts)))


def test_incomplete_cut_is_rejected(cell):
    i = _best_index(cell)
    cuts = list(cell.certificate[i].cuts)
    cuts[0] = cuts[0][:-1]
    with pytest.raises(CertificateError, match="complete allocation"):
        check_certificate(_tamper_pattern(cell, i, cuts=tuple(cuts)))


def test_missing_pattern_is_rejected(cell):
    bad = dataclasses.replace(cell, certificate=cell.certificate[1:])
    with pytest.raises(CertificateError, match="every partition"):
        check_certificate(bad)


def test_tampered_witness_and_bounds_are_rejected(cell):
    w = cell.witness.copy()
    w[0] = Fraction(1, cell.m)  # agent 0 now values every item equally
    assert card.poc(w, cell.k) != cell.lower  # so the tampering changes the ratio
    with pytest.raises(CertificateError, match="witness ratio"):
        check_certificate(dataclasses.replace(cell, witness=w))
    w = cell.witness.copy()
    w[0, 0] += Fraction(1, 7)
    with pytest.raises(CertificateError, match="sum to exactly 1"):
        check_certificate(dataclasses.replace(cell, witness=w))
    with pytest.raises(CertificateError, match="stated upper bound"):
        check_certificate(dataclasses.replace(cell, upper=cell.upper + 1))
    with pytest.raises(CertificateError, match="stated lower bound"):
        check_certificate(
            dataclasses.replace(cell, lower=cell.lower + Fraction(1, 10**9))
        )
    with pytest.raises(ValueError, match="ExactPoC"):
        check_certificate((cell.value, cell.witness))


# ----------------------------------------------------------------------------
# invariants against the paper
# ----------------------------------------------------------------------------
CELLS = [
    (m, k, n)
    for m in range(3, 9)
    for k in range(1, m - 1)
    for n in (-(-m // k), -(-m // k) + 1)
]


@pytest.mark.parametrize("m, k, n", CELLS)
def test_between_lemma2_and_theorem1(m, k, n):
    res = exact_poc(m, k, n)
    assert res.lower == res.upper
    assert compare_with_theorem1(res.upper, m, k) <= 0  # Theorem 1 (upper bound)
    for variant in ("main", "appendix"):
        assert res.upper >= card.lemma2_lower_bound(
            m, k, variant
        )  # the paper's closed form
        inst = card.lemma2_instance(m, k, n, variant=variant)
        assert res.upper >= card.poc(inst, k)  # and the instance itself
    assert res.upper == best_block_ratio(m, k)[0]  # the page's conjecture, on this cell


# ----------------------------------------------------------------------------
# a second, unreduced formulation on tiny cells (cvxpy): all allocations as rows,
# full v, every pattern
# ----------------------------------------------------------------------------
def _full_lp_value(m, k, n):
    """Max over patterns of the unreduced LP, every cardinal allocation a row.

    cvxpy + HiGHS, ``v`` of shape ``(n, m)``.
    """
    import cvxpy as cp

    owners = np.array(
        [
            b
            for b in itertools.product(range(n), repeat=m)
            if max(b.count(i) for i in range(n)) <= k
        ]
    )
    # row r selects v[owners[r, j], j] for every item j; cp.vec stacks columns
    # (order "F"): index j*n + i
    cuts = sp.csr_matrix(
        (
            np.ones(owners.size),
            (np.repeat(np.arange(len(owners)), m), (np.arange(m) * n + owners).ravel()),
        ),
        shape=(len(owners), n * m),
    )
    best = 0.0
    for sizes in partitions(m, n):
        own = np.zeros((n, m))
        own[np.repeat(np.arange(len(sizes)), sizes), np.arange(m)] = 1.0
        v, t = cp.Variable((n, m), nonneg=True), cp.Variable(nonneg=True)
        prob = cp.Problem(
            cp.Maximize(cp.sum(cp.multiply(own, v))),
            [cp.sum(v, axis=1) == t, cuts @ cp.vec(v, order="F") <= 1],
        )
        prob.solve(solver=cp.HIGHS)
        assert prob.status == cp.OPTIMAL
        best = max(best, prob.value)
    return best


@pytest.mark.parametrize(
    "m, k, n", [(3, 1, 3), (4, 1, 4), (4, 2, 3), (5, 2, 3), (5, 3, 2), (6, 4, 2)]
)
def test_reduced_lp_equals_unreduced_lp(m, k, n):
    assert abs(exact_poc(m, k, n).value - _full_lp_value(m, k, n)) < 1e-8


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=15, max_size=15))
def test_random_instances_never_beat_the_value(entries):
    # cell (5, 2, 3): no normalized instance has a larger price than the certified
    # upper bound
    w = np.array(entries, dtype=object).reshape(3, 5) + np.eye(3, 5, dtype=int).astype(
        object
    )
    u = np.array(
        [[Fraction(int(v), int(sum(row))) for v in row] for row in w], dtype=object
    )
    assert card.poc(u, 2) <= exact_poc(5, 2, 3).upper


def test_orbits_and_partitions():
    assert len(list(partitions(12, 12))) == 77 and len(list(partitions(12, 3))) == 19
    assert all(
        sum(p) == 9 and list(p) == sorted(p, reverse=True) for p in partitions(9, 4)
    )
    # pattern (2, 1) on 3 agents: agent 0 owns items 0, 1; agent 2 owns nothing
    assert orbit_label((2, 1), 3, 0, 1) == (2, 2, True)
    assert orbit_label((2, 1), 3, 1, 0) == (1, 2, False)
    assert orbit_label((2, 1), 3, 2, 2) == (0, 1, False)


# ----------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, name",
    [
        ((0, 1, 1), "m"),
        ((3, 0, 3), "k"),
        ((3, 1, 0), "n"),
        ((2.5, 1, 3), "m"),
        ((3, True, 3), "k"),
        ((3, 1, "3"), "n"),
        ((5, 2, 2), "n"),
    ],
)
def test_bad_inputs(args, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        exact_poc(*args)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_price_is_one_at_m_equal_k_plus_one(k):
    """Paper B's Theorem 1, erratum: at m = k + 1 the price is 1, not (1+sqrt 2)/2."""
    res = exact_poc(k + 1, k, 2)
    check_certificate(res)
    assert res.lower == res.upper == 1
    assert card.utilitarian_poc_bound(k + 1, k) > 1.2


def test_pattern_order_is_a_permutation_with_the_lemma_shapes_first():
    from fairlib.cardinality.patterns import pattern_order

    for m, k, n in [(7, 2, 4), (10, 1, 10), (12, 3, 6), (3, 5, 1)]:
        order = pattern_order(m, k, n)
        assert sorted(order) == sorted(partitions(m, n)) and len(set(order)) == len(
            order
        )
    # (10, 1): floor(s) = 2, so 2 near-equal blocks of g_1..g_9 plus {g_10} lead
    assert pattern_order(10, 1, 10)[0] == (5, 4, 1)


# ----------------------------------------------------------------------------
# internals of the faster exact price
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sizes, n, k", [((4, 3, 1), 5, 2), ((6, 6), 3, 4), ((5,), 5, 1)]
)
def test_initial_cuts_are_complete_cardinal_allocations(sizes, n, k):
    from fairlib.cardinality.patterns import Pattern, initial_cuts

    pat = Pattern(sizes, n)
    cuts = initial_cuts(pat, k)
    m = sum(sizes)
    assert cuts.shape[1] == m and (cuts >= 0).all() and (cuts < n).all()
    assert all(np.bincount(c, minlength=n).max() <= k for c in cuts)
    # every orbit of every representative agent is bounded by some cut
    for a in pat.classes:
        i = pat.rep[a]
        for o in np.unique(pat.orbit[i]):
            need = min(k, int((pat.orbit[i] == o).sum()))
            assert any(((c == i) & (pat.orbit[i] == o)).sum() == need for c in cuts)


def test_exact_basis_solve_rounds_verifies_and_falls_back():
    from fairlib.cardinality._cutlp import _solve_integer

    M = np.array([[3, 1], [1, 2]], dtype=np.int64)
    z, D = _solve_integer(M, np.array([5, 5], dtype=np.int64))
    assert [Fraction(v, D) for v in z] == [1, 2]
    big = np.array([[10**7 + 1, 1], [1, 10**7 - 1]], dtype=np.int64)  # det ~ 1e14
    z, D = _solve_integer(big, np.array([1, 0], dtype=np.int64))
    x = [Fraction(v, D) for v in z]
    assert x[0] * (10**7 + 1) + x[1] == 1 and x[0] + x[1] * (10**7 - 1) == 0
    with pytest.raises(RuntimeError, match="singular"):
        _solve_integer(np.array([[1, 2], [2, 4]], dtype=np.int64), np.array([1, 2]))
