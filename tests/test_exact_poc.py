"""fairlib.exact_poc: exact price of cardinality of small cells, its certificates and the shipped atlas."""
import csv
import dataclasses
import itertools
from fractions import Fraction
from math import isqrt
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from fairlib import cardinality as card
from fairlib.exact_poc import (
    CertificateError,
    best_block_ratio,
    block_instance,
    block_ratio,
    check_certificate,
    compare_with_theorem1,
    exact_poc,
    orbit_label,
    partitions,
)

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "data" / "exact_poc_atlas.csv"


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


def test_result_unpacks_and_is_exact(cell):
    value, witness, lower, upper, pattern, certificate = cell
    assert (value, lower, upper) == (cell.value, cell.lower, cell.upper)
    assert cell.exact and lower == upper == Fraction(4, 3)
    assert witness.shape == (3, 5) and all(isinstance(v, Fraction) for v in witness.flat)
    assert sum(pattern) == 5 and len(certificate) == len(list(partitions(5, 3)))
    assert card.poc(witness, 2) == lower            # the witness attains the value


def test_public_name_in_cardinality():
    res = card.exact_poc(5, 2, 3)                   # the public name: fairlib.cardinality.exact_poc
    assert (res.lower, res.upper, res.pattern) == (exact_poc(5, 2, 3).lower, Fraction(4, 3), exact_poc(5, 2, 3).pattern)
    with pytest.raises(ValueError, match="n"):
        card.exact_poc(7, 2, 3)


@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (3, 3, 1), (6, 5, 2), (2, 1, 2)])
def test_void_or_nearly_void_cap_gives_one(m, k, n):
    # m <= k: the cap is void; m = k + 1: every optimum can be made cardinal (Paper B, Appendix A.1 remark)
    res = exact_poc(m, k, n)
    assert res.lower == res.upper == 1
    check_certificate(res)


# ----------------------------------------------------------------------------
# certificates: accepted when genuine, rejected when tampered with
# ----------------------------------------------------------------------------
def test_certificate_checks_pass(cell):
    summary = check_certificate(cell)
    assert summary["gap"] == 0 and summary["patterns"] == len(cell.certificate)


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
    ys[0] = ys[0] / 2                                   # weaker dual: infeasible
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
    cuts[0] = (0,) * cell.m                             # one agent takes every item: |B_0| = m > k
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
    w[0, 0], w[0, 1] = w[0, 1], w[0, 0]
    if card.poc(w, cell.k) != cell.lower:
        with pytest.raises(CertificateError, match="witness ratio"):
            check_certificate(dataclasses.replace(cell, witness=w))
    w = cell.witness.copy()
    w[0, 0] += Fraction(1, 7)
    with pytest.raises(CertificateError, match="sum to exactly 1"):
        check_certificate(dataclasses.replace(cell, witness=w))
    with pytest.raises(CertificateError, match="stated upper bound"):
        check_certificate(dataclasses.replace(cell, upper=cell.upper + 1))
    with pytest.raises(CertificateError, match="stated lower bound"):
        check_certificate(dataclasses.replace(cell, lower=cell.lower + Fraction(1, 10**9)))
    with pytest.raises(ValueError, match="ExactPoC"):
        check_certificate((cell.value, cell.witness))


# ----------------------------------------------------------------------------
# invariants against the paper
# ----------------------------------------------------------------------------
CELLS = [(m, k, n) for m in range(3, 9) for k in range(1, m - 1) for n in (-(-m // k), -(-m // k) + 1)]


@pytest.mark.parametrize("m, k, n", CELLS)
def test_between_lemma2_and_theorem1(m, k, n):
    res = exact_poc(m, k, n)
    assert res.lower == res.upper
    assert compare_with_theorem1(res.upper, m, k) <= 0                     # Theorem 1 (upper bound)
    for variant in ("main", "appendix"):
        assert res.upper >= card.lemma2_lower_bound(m, k, variant)          # the paper's closed form
        inst = card.lemma2_instance(m, k, n, variant=variant)
        assert res.upper >= card.poc(inst, k)                               # and the instance itself
    assert res.upper == best_block_ratio(m, k)[0]                           # the page's conjecture, on this cell


@pytest.mark.parametrize("m, k", [(7, 1), (8, 1), (12, 2), (12, 5), (20, 3)])
def test_block_instances(m, k):
    s_floor = max(isqrt((k + m - 1) // k) - 1, 1)                              # floor(s), exactly
    assert block_ratio(m, k, s_floor) == card.lemma2_lower_bound(m, k, "main")   # Paper B's choice of t
    value, t = best_block_ratio(m, k)
    assert value == max(block_ratio(m, k, t) for t in range(1, m)) == block_ratio(m, k, t)
    u = block_instance(m, k, t)
    assert u.shape == (max(t + 1, -(-m // k)), m) and card.poc(u, k) == value   # the ratio is attained
    with pytest.raises(ValueError, match="^t must"):
        block_ratio(m, k, m)


def test_compare_with_theorem1_is_exact():
    assert compare_with_theorem1(Fraction(3, 2), 4, 1) == 0                 # (1 + sqrt(4))/2
    assert compare_with_theorem1(Fraction(3, 2) - Fraction(1, 10**30), 4, 1) == -1
    assert compare_with_theorem1(Fraction(3, 2) + Fraction(1, 10**30), 4, 1) == 1
    assert compare_with_theorem1(Fraction(1), 3, 5) == 0                    # m <= k: the price is 1


# ----------------------------------------------------------------------------
# a second, unreduced formulation on tiny cells (cvxpy): all allocations as rows, full v, every pattern
# ----------------------------------------------------------------------------
def _full_lp_value(m, k, n):
    """max over patterns of the unreduced LP, every cardinal allocation a row (cvxpy + HiGHS, v of shape (n, m))."""
    import cvxpy as cp

    owners = np.array([b for b in itertools.product(range(n), repeat=m)
                       if max(b.count(i) for i in range(n)) <= k])
    # row r selects v[owners[r, j], j] for every item j; cp.vec stacks columns (order "F"): index j*n + i
    cuts = sp.csr_matrix((np.ones(owners.size), (np.repeat(np.arange(len(owners)), m),
                                                  (np.arange(m) * n + owners).ravel())), shape=(len(owners), n * m))
    best = 0.0
    for sizes in partitions(m, n):
        own = np.zeros((n, m))
        own[np.repeat(np.arange(len(sizes)), sizes), np.arange(m)] = 1.0
        v, t = cp.Variable((n, m), nonneg=True), cp.Variable(nonneg=True)
        prob = cp.Problem(cp.Maximize(cp.sum(cp.multiply(own, v))),
                          [cp.sum(v, axis=1) == t, cuts @ cp.vec(v, order="F") <= 1])
        prob.solve(solver=cp.HIGHS)
        assert prob.status == cp.OPTIMAL
        best = max(best, prob.value)
    return best


@pytest.mark.parametrize("m, k, n", [(3, 1, 3), (4, 1, 4), (4, 2, 3), (5, 2, 3), (5, 3, 2), (6, 4, 2)])
def test_reduced_lp_equals_unreduced_lp(m, k, n):
    assert abs(exact_poc(m, k, n).value - _full_lp_value(m, k, n)) < 1e-8


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=15, max_size=15))
def test_random_instances_never_beat_the_value(entries):
    # cell (5, 2, 3): no normalized instance has a larger price than the certified upper bound
    w = np.array(entries, dtype=object).reshape(3, 5) + np.eye(3, 5, dtype=int).astype(object)
    u = np.array([[Fraction(int(v), int(sum(row))) for v in row] for row in w], dtype=object)
    assert card.poc(u, 2) <= exact_poc(5, 2, 3).upper


def test_orbits_and_partitions():
    assert len(list(partitions(12, 12))) == 77 and len(list(partitions(12, 3))) == 19
    assert all(sum(p) == 9 and list(p) == sorted(p, reverse=True) for p in partitions(9, 4))
    # pattern (2, 1) on 3 agents: agent 0 owns items 0, 1; agent 2 owns nothing
    assert orbit_label((2, 1), 3, 0, 1) == (2, 2, True)
    assert orbit_label((2, 1), 3, 1, 0) == (1, 2, False)
    assert orbit_label((2, 1), 3, 2, 2) == (0, 1, False)


# ----------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("args, name", [((0, 1, 1), "m"), ((3, 0, 3), "k"), ((3, 1, 0), "n"), ((2.5, 1, 3), "m"),
                                        ((3, True, 3), "k"), ((3, 1, "3"), "n"), ((5, 2, 2), "n")])
def test_bad_inputs(args, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        exact_poc(*args)


# ----------------------------------------------------------------------------
# the shipped atlas
# ----------------------------------------------------------------------------
def _atlas_rows():
    with open(ATLAS) as fh:
        return list(csv.DictReader(fh))


def test_atlas_covers_the_grid_and_is_exact():
    rows = _atlas_rows()
    keys = [(int(r["m"]), int(r["k"]), int(r["n"])) for r in rows]
    grid = [(m, k, n) for m in range(3, 13) for k in range(1, m - 1) for n in range(-(-m // k), -(-m // k) + 3)]
    assert keys == grid                                      # tidy, sorted, one row per cell
    for r in rows:
        lo, up = Fraction(r["lower"]), Fraction(r["upper"])
        assert lo == up and r["exact"] == "True"
        assert compare_with_theorem1(up, int(r["m"]), int(r["k"])) <= 0


def test_atlas_quick_subset_recomputes():
    for r in _atlas_rows():
        m, k, n = int(r["m"]), int(r["k"]), int(r["n"])
        if m > 7:
            continue
        res = exact_poc(m, k, n)
        assert (str(res.lower), str(res.upper)) == (r["lower"], r["upper"])
        assert r["value"] == f"{res.value:.12f}"
        assert r["pattern"] == "+".join(map(str, res.pattern))


def test_atlas_provenance_matches_the_code_that_ships():
    """The shipped atlas was made by the code in this checkout (else rerun ``python data/make_atlas.py``)."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("make_atlas", ROOT / "data" / "make_atlas.py")
    make_atlas = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_atlas)
    prov = json.loads((ROOT / "data" / "exact_poc_atlas.provenance.json").read_text())
    assert prov["code_sha256_16"] == make_atlas.code_hash()
    assert prov["cells"] == len(_atlas_rows())
    assert prov["command"].startswith("python data/make_atlas.py")


@pytest.mark.parametrize("k", [1, 2, 4])
def test_price_is_one_at_m_equal_k_plus_one(k):
    """Erratum to Paper B's Theorem 1: at m = k + 1 the price is exactly 1, not (1 + sqrt 2)/2."""
    res = exact_poc(k + 1, k, 2)
    check_certificate(res)
    assert res.lower == res.upper == 1
    assert card.utilitarian_poc_bound(k + 1, k) > 1.2
