"""fairlib.cardinality.atlas, data/make_atlas.py and the shipped atlas."""

import csv
import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import pytest

from fairlib import cardinality as card
from fairlib.cardinality import (
    ATLAS_COLUMNS,
    atlas_cell,
    atlas_grid,
    atlas_row,
    check_certificate,
    compare_with_theorem1,
    exact_poc,
)

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "data" / "exact_poc_atlas.csv"


def _atlas_rows():
    with open(ATLAS) as fh:
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
    assert len(grid) == 165 and grid == sorted(grid) and len(set(grid)) == len(grid)
    assert grid[:3] == [(3, 1, 3), (3, 1, 4), (3, 1, 5)] and grid[-1] == (12, 10, 4)
    for m, k, n in grid:
        assert 3 <= m <= 12 and 1 <= k <= m - 2
        assert n * k >= m and (n - 3) * k < m  # ceil(m/k) <= n <= ceil(m/k) + 2
    assert atlas_grid(4) == [(3, 1, 3), (3, 1, 4), (3, 1, 5)] + [
        (4, k, n) for k in (1, 2) for n in range(-(-4 // k), -(-4 // k) + 3)
    ]
    with pytest.raises(ValueError, match="^m_max"):
        atlas_grid(2)


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
    assert len(rows) == len(atlas_grid(7)) == 45
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
