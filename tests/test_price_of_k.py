"""The price-of-k command line tool (fairlib/cardinality/price_of_k.py)."""

import subprocess
import sys

import numpy as np
import pytest

from fairlib.cardinality import cardinal_optimum, utilitarian_optimum
from fairlib.cardinality.egalitarian import egalitarian_optimum
from fairlib.cardinality.price_of_k import (
    ValuationError,
    price_of_k,
    read_categories,
    read_valuations,
)
from fairlib.paths import repo_path

EXAMPLE = repo_path("data/examples/valuations.csv")
CATEGORIES = repo_path("data/examples/categories.csv")


def run(*args):
    cmd = [sys.executable, "-m", "fairlib.cardinality", "price-of-k", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def write(tmp_path, text, name="v.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


GOOD = "who,a,b,c\nx,0.5,0.25,0.25\ny,0,0.5,0.5\n"

MALFORMED = {
    "non-numeric": ("who,a,b,c\nx,0.5,abc,0.5\ny,0,0.5,0.5\n", [], "row 2, column 3"),
    "infinite": ("who,a,b,c\nx,0.5,inf,0.5\ny,0,0.5,0.5\n", [], "row 2, column 3"),
    "negative": ("who,a,b,c\nx,0.5,0.25,0.25\ny,0,-0.5,1.5\n", [], "row 3, column 3"),
    "ragged": ("who,a,b,c\nx,0.5,0.5\ny,0,0.5,0.5\n", [], "row 2, column 4"),
    "empty": ("", [], "row 1, column 1"),
    "header only": ("who,a,b\n", [], "row 1, column 1"),
    "duplicate item": (
        "who,a,a,c\nx,0.5,0.25,0.25\ny,0,0.5,0.5\n",
        [],
        "row 1, column 3",
    ),
    "duplicate agent": (
        "who,a,b,c\nx,0.5,0.25,0.25\nx,0,0.5,0.5\n",
        [],
        "row 3, column 1",
    ),
    "unnormalized": ("who,a,b,c\nx,1,2,1\ny,0,0.5,0.5\n", [], "row 2, column 2-4"),
    "all zero": (
        "who,a,b,c\nx,0,0,0\ny,0,0.5,0.5\n",
        ["--normalize"],
        "row 2, column 2",
    ),
    "n*k < m everywhere": (GOOD, ["--k", "1"], "row 1, column 4"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_files_end_with_one_line(tmp_path, case):
    text, extra, where = MALFORMED[case]
    path = write(tmp_path, text)
    res = run(path, *extra)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and where in lines[0], lines


CATEGORY_CASES = {
    "unknown item": ("item,category\na,s\nb,s\nz,t\n", "row 4, column 1"),
    "missing item": ("item,category\na,s\nb,s\n", "row 4, column 1"),
    "duplicate item": ("item,category\na,s\na,s\nc,t\n", "row 3, column 1"),
    "ragged": ("item,category\na,s\nb\nc,t\n", "row 3, column 2"),
    "empty": ("", "row 1, column 1"),
}


@pytest.mark.parametrize("case", CATEGORY_CASES, ids=list(CATEGORY_CASES))
def test_malformed_category_files(tmp_path, case):
    text, where = CATEGORY_CASES[case]
    vals = write(tmp_path, GOOD)
    cats = write(tmp_path, text, "c.csv")
    res = run(vals, "--categories", cats)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    line = res.stderr.strip()
    assert "\n" not in line and str(cats) in line and where in line, line


def test_missing_file_is_one_line(tmp_path):
    res = run(tmp_path / "nope.csv")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "nope.csv" in res.stderr and "row 1, column 1" in res.stderr


def test_shipped_example_table_and_plot(tmp_path):
    out = tmp_path / "p.svg"
    res = run(EXAMPLE, "--normalize", "--plot", out)
    assert res.returncode == 0, res.stderr
    assert out.read_text().lstrip().startswith("<?xml")
    val = read_valuations(EXAMPLE, normalize=True)
    n, m = val.u.shape
    body = [line.split() for line in res.stdout.splitlines()[2:] if line[:8].strip()]
    body = [row for row in body if row[0].isdigit()]
    assert [int(r[0]) for r in body] == list(range(-(-m // n), m + 1))
    for row in body:
        k = int(row[0])
        assert float(row[2]) == pytest.approx(
            cardinal_optimum(val.u, k).value, abs=1e-4
        )
        esw = egalitarian_optimum(val.u, k).value
        assert float(row[6]) == pytest.approx(esw, abs=1e-4)


def test_library_rows_with_categories():
    val = read_valuations(EXAMPLE, normalize=True)
    ids, names = read_categories(CATEGORIES, val.items)
    assert len(names) == 2
    rows = price_of_k(val.u, ids)
    top = utilitarian_optimum(val.u).value
    for r in rows:
        card = cardinal_optimum(val.u, [r.k, r.k], ids).value
        assert r.usw_cap == pytest.approx(card) and r.usw_price == pytest.approx(
            top / card
        )
        assert r.usw_price <= r.usw_bound + 1e-12
        assert r.esw_price is None or r.esw_price <= r.esw_bound + 1e-12
    assert rows[-1].usw_price == pytest.approx(1.0)


def test_read_valuations_normalizes(tmp_path):
    val = read_valuations(write(tmp_path, "who,a,b\nx,1,3\ny,2,2\n"), normalize=True)
    assert np.allclose(val.u, [[0.25, 0.75], [0.5, 0.5]])
    assert val.agents == ("x", "y") and val.items == ("a", "b")
    with pytest.raises(ValuationError, match="row 2, column 2-3"):
        read_valuations(write(tmp_path, "who,a,b\nx,1,3\ny,2,2\n"))


def test_price_of_k_rejects_infeasible_caps():
    with pytest.raises(ValueError, match="n\\*k >= m_j"):
        price_of_k(np.full((2, 5), 0.2), ks=[2])
