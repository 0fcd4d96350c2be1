"""fairlib.cardinality.atlas, data/make_atlas.py and the shipped atlas."""

import csv
import gzip
import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import pytest

from fairlib import cardinality as card
from fairlib.cardinality import (
    ATLAS_COLUMNS,
    CertificateError,
    atlas_cell,
    atlas_grid,
    atlas_row,
    atlas_task,
    certificate_record,
    check_certificate,
    compare_with_theorem1,
    exact_poc,
    n_range_grid,
    result_from_record,
)

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "data" / "exact_poc_atlas.csv"
ATLAS_N = ROOT / "data" / "exact_poc_atlas_n.csv"
ATLAS_BIG = ROOT / "data" / "exact_poc_atlas_big.csv"
BIG_CERTIFICATES = ROOT / "data" / "exact_poc_atlas_big.certificates"


def _atlas_rows(path=ATLAS):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def _make_atlas():
    spec = importlib.util.spec_from_file_location(
        "make_atlas", ROOT / "data" / "make_atlas.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------
# the grid and one row
# ----------------------------------------------------------------------------
def test_atlas_grid():
    grid = atlas_grid()
    small = sum(3 * (m - 1) for m in range(3, 13))  # n .. n + 2 for m <= 12
    large = sum(m - 1 for m in range(13, 31))
    assert len(grid) == small + large == 564
    assert grid == sorted(grid) and len(set(grid)) == len(grid)
    assert grid[:3] == [(3, 1, 3), (3, 1, 4), (3, 1, 5)] and grid[-1] == (30, 29, 2)
    for m, k, n in grid:
        assert 3 <= m <= 30 and 1 <= k <= m - 1 and n * k >= m
        assert (n - (3 if m <= 12 else 1)) * k < m  # n <= ceil(m/k) (+ 2)
    assert atlas_grid(4) == [
        (m, k, n)
        for m in (3, 4)
        for k in range(1, m)
        for n in range(-(-m // k), -(-m // k) + 3)
    ]
    assert atlas_grid(40, 31) == [
        (m, k, -(-m // k)) for m in range(31, 41) for k in range(1, m)
    ]
    with pytest.raises(ValueError, match="^m_max"):
        atlas_grid(2)
    with pytest.raises(ValueError, match="^m_min"):
        atlas_grid(10, 11)
    with pytest.raises(ValueError, match="^m_min"):
        atlas_grid(10, 2)


def test_n_range_grid():
    grid = n_range_grid(6)
    assert grid == sorted(grid) and (3, 1, 3) in grid and (6, 5, 6) in grid
    assert all(-(-m // k) <= n <= m for m, k, n in grid)
    assert len(grid) == sum(
        m - -(-m // k) + 1 for m in range(3, 7) for k in range(1, m)
    )
    with pytest.raises(ValueError, match="^m_max"):
        n_range_grid(1)


def test_atlas_row_of_a_lemma1_cell():
    res = exact_poc(4, 1, 4)  # m = k(c^2 - 1) + 1 with c = 2: Theorem 1 is attained
    row = atlas_row(res, check_certificate(res))
    assert list(row) == ["m", "k", "n", *ATLAS_COLUMNS]
    assert (row["m"], row["k"], row["n"]) == (4, 1, 4)
    assert row["upper"] == row["lower"] == "3/2" and row["exact"] == "True"
    assert row["value"] == row["formula"] == "1.500000000000"
    assert (
        row["formula_cmp"] == "equals"
        and row["formula_minus_value"] == "0.0" + "0" * 11
    )
    assert row["lemma1_c"] == "2" and row["lemma2_main"] == "3/2"
    assert row["pattern"] == "+".join(map(str, res.pattern))
    assert all(isinstance(row[c], str) for c in ATLAS_COLUMNS)


def test_atlas_row_checks_its_arguments():
    res = exact_poc(5, 2, 3)
    other = exact_poc(4, 1, 4)
    with pytest.raises(ValueError, match="^result"):
        atlas_row((res.value,), check_certificate(res))
    with pytest.raises(ValueError, match="^check"):
        atlas_row(res, {"gap": 0})
    with pytest.raises(ValueError, match="^check"):
        atlas_row(res, check_certificate(other))


def test_atlas_row_without_lemma2():
    row = atlas_cell(3, 2, 2)  # m = k + 1: Lemma 2 needs m >= k + 2
    assert row["lemma2_main"] == row["lemma2_appendix"] == "n/a"
    assert row["upper"] == "1" and row["formula_cmp"] == "is below"


# ----------------------------------------------------------------------------
# the shipped atlas
# ----------------------------------------------------------------------------
def test_atlas_covers_the_grid_and_is_exact():
    rows = _atlas_rows()
    assert list(rows[0]) == ["m", "k", "n", *ATLAS_COLUMNS]
    keys = [(int(r["m"]), int(r["k"]), int(r["n"])) for r in rows]
    assert keys == atlas_grid()  # tidy, sorted, one row per cell
    for r in rows:
        lo, up = Fraction(r["lower"]), Fraction(r["upper"])
        assert lo == up and r["exact"] == "True"
        assert compare_with_theorem1(up, int(r["m"]), int(r["k"])) <= 0


def test_atlas_quick_subset_recomputes():
    rows = [r for r in _atlas_rows() if int(r["m"]) <= 7]
    assert len(rows) == len(atlas_grid(7)) == 60
    for r in rows:
        assert atlas_cell(int(r["m"]), int(r["k"]), int(r["n"])) == {
            **r,
            "m": int(r["m"]),
            "k": int(r["k"]),
            "n": int(r["n"]),
        }


def test_atlas_provenance_matches_the_code_that_ships():
    """The shipped atlas was made by this checkout's code (else rerun make_atlas.py)."""
    make_atlas = _make_atlas()
    prov = json.loads((ROOT / "data" / "exact_poc_atlas.provenance.json").read_text())
    assert prov["code_sha256_16"] == make_atlas.code_hash()
    assert prov["code_files"] == [str(p.relative_to(ROOT)) for p in make_atlas.CODE]
    assert prov["cells"] == len(_atlas_rows())
    assert prov["command"].startswith("python data/make_atlas.py")


def test_make_atlas_computes_a_slice_in_worker_processes():
    make_atlas = _make_atlas()
    cells = atlas_grid(4)
    rows, errors = make_atlas.compute(cells, jobs=2)
    assert errors == [] and [(r["m"], r["k"], r["n"]) for r in rows] == cells
    shipped = {(int(r["m"]), int(r["k"]), int(r["n"])): r for r in _atlas_rows()}
    for r in rows:
        assert {c: r[c] for c in ATLAS_COLUMNS} == {
            c: shipped[r["m"], r["k"], r["n"]][c] for c in ATLAS_COLUMNS
        }
    rows, errors = make_atlas.compute([(5, 2, 2)], jobs=1)  # n k < m: no cell
    assert rows == [] and len(errors) == 1 and "(5, 2, 2)" in errors[0]


def test_make_atlas_code_list_covers_the_atlas_modules():
    make_atlas = _make_atlas()
    hashed = {p.name for p in make_atlas.CODE}
    for mod in ("solve", "constructions", "bounds", "exact", "certificate", "atlas"):
        assert f"{mod}.py" in hashed
    assert card.atlas_cell.__module__ in {"fairlib.cardinality.atlas"}


# ----------------------------------------------------------------------------
# the n-range part, the cells 31 <= m <= 40 and their certificates
# ----------------------------------------------------------------------------
def test_n_range_atlas_covers_its_grid_and_agrees_with_the_atlas():
    rows = _atlas_rows(ATLAS_N)
    keys = [(int(r["m"]), int(r["k"]), int(r["n"])) for r in rows]
    assert keys == n_range_grid(16)
    assert all(r["lower"] == r["upper"] and r["exact"] == "True" for r in rows)
    main = {(int(r["m"]), int(r["k"]), int(r["n"])): r for r in _atlas_rows()}
    both = [r for r, key in zip(rows, keys, strict=True) if key in main]
    assert len(both) > 200
    for r in both:
        assert r["upper"] == main[int(r["m"]), int(r["k"]), int(r["n"])]["upper"]
    # more agents never lower the price: the patterns of n are patterns of n + 1
    value = dict(zip(keys, (Fraction(r["upper"]) for r in rows), strict=True))
    for (m, k, n), q in value.items():
        if (m, k, n + 1) in value:
            assert value[m, k, n + 1] >= q


def _big_rows():
    rows = _atlas_rows(ATLAS_BIG)
    prov = json.loads(ATLAS_BIG.with_suffix(".provenance.json").read_text())
    return rows, prov


def test_big_atlas_rows_are_certified():
    """The cells 31 <= m <= M computed so far: every m up to M, k, n = ceil(m/k)."""
    rows, prov = _big_rows()
    top = max(int(r["m"]) for r in rows)
    assert prov["m_done"] == list(range(31, top + 1)) and top <= 40
    keys = [(int(r["m"]), int(r["k"]), int(r["n"])) for r in rows]
    assert keys == atlas_grid(top, 31)
    for r in rows:
        assert r["lower"] == r["upper"] and r["exact"] == "True"
        assert (
            compare_with_theorem1(Fraction(r["upper"]), int(r["m"]), int(r["k"])) <= 0
        )
    assert prov["cells"] == len(rows)
    assert ROOT / prov["certificates"] == BIG_CERTIFICATES
    files = sorted(p.name for p in BIG_CERTIFICATES.iterdir())
    assert files == sorted(f"m{m}.jsonl.gz" for m in range(31, top + 1))
    # one run of one code: every m made by the code the provenance names
    assert {v["code_sha256_16"] for v in prov["per_m"].values()} == {
        prov["code_sha256_16"]
    }


def test_big_atlas_recertified_from_the_committed_certificates():
    """A sample of the cells with m > 30, re-checked exactly from the shipped files."""
    rows, prov = _big_rows()
    rows = {(int(r["m"]), int(r["k"]), int(r["n"])): r for r in rows}
    top = max(m for m, _, _ in rows)
    sample = {(m, k, -(-m // k)) for m in {31, top} for k in (m - 1, m // 3, m // 8)}
    seen = set()
    for m in sorted({m for m, _, _ in sample}):
        with gzip.open(BIG_CERTIFICATES / f"m{m}.jsonl.gz", "rt") as fh:
            for line in fh:
                head = json.loads(line[: line.index(',"lower"')] + "}")
                cell = (head["m"], head["k"], head["n"])
                if cell not in sample:
                    continue
                check = check_certificate(result_from_record(json.loads(line)))
                assert check.gap == 0 and str(check.upper) == rows[cell]["upper"]
                assert check.patterns == int(rows[cell]["n_patterns"])
                seen.add(cell)
    assert seen == sample


def test_certificate_record_round_trip_and_tampering():
    res = exact_poc(7, 2, 4)
    record = json.loads(json.dumps(certificate_record(res)))
    back = result_from_record(record)
    assert check_certificate(back) == check_certificate(res)
    assert (back.lower, back.upper, back.pattern) == (res.lower, res.upper, res.pattern)
    record["patterns"][0][2][0] = "1/1000000"  # a weaker multiplier
    with pytest.raises(CertificateError):
        check_certificate(result_from_record(record))
    with pytest.raises(ValueError, match="^record"):
        result_from_record({"m": 7})
    with pytest.raises(ValueError, match="^result"):
        certificate_record((res.value,))


def test_atlas_task_returns_row_record_and_time():
    out = atlas_task(5, 2, 3, certificate=True)
    assert out["row"] == atlas_cell(5, 2, 3) and out["cpu_seconds"] >= 0
    assert result_from_record(out["record"]).upper == Fraction(out["row"]["upper"])
    assert atlas_task(5, 2, 3)["record"] is None
