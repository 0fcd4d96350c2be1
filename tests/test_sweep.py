"""fairlib.sweep: a real sweep of the model notebook: CSV, reruns, failures, errors."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fairlib import sweep

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "notebooks" / "paper_a_model.ipynb"


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def two_point_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    runs = sweep.grid({"n": [2, 4], "seed": [1]})
    csv_path = sweep.run_sweep(MODEL, runs, jobs=2, out_dir=out, progress=False)
    return out, csv_path, runs


def test_two_point_sweep_writes_one_tidy_row_per_run(two_point_sweep):
    out, csv_path, runs = two_point_sweep
    rows = _rows(csv_path)
    assert [(r["n"], r["seed"]) for r in rows] == [("2", "1"), ("4", "1")]
    assert all(r["status"] == "ok" and r["error"] == "" for r in rows)
    # every glued headline value of the page is a column; the two instances differ
    for key in ("model-fv", "model-fv-exact", "model-params"):
        assert key in rows[0]
    assert rows[0]["model-params"] == "alpha=0.3, beta=0.2, m=4, n=2, seed=1"
    assert rows[0]["model-fv"] != rows[1]["model-fv"]


def test_sweep_values_match_a_direct_computation(two_point_sweep):
    # recompute each run's glued f(v) without the notebook: same seed, same instance
    import numpy as np

    from fairlib import divisible

    _, csv_path, runs = two_point_sweep
    for row, params in zip(_rows(csv_path), runs, strict=True):
        n = params["n"]
        rng = np.random.default_rng(params["seed"])
        a = rng.integers(0, 10, size=(n, 4)).astype(float)
        shares = rng.integers(1, 6, size=(n, 4))
        x = shares / shares.sum(axis=0)
        assert row["model-fv"] == f"{divisible.fs_welfare(a, x, 0.3, 0.2):.6f}"


def test_sweep_figures_never_touch_the_committed_figures(two_point_sweep):
    out, _, _ = two_point_sweep
    made = sorted(p.name for p in (out / "runs").glob("*-figures/*"))
    assert "figure-x1.svg" in made


def test_rerun_skips_runs_already_done(two_point_sweep):
    out, csv_path, runs = two_point_sweep
    before = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*.ipynb")}
    sweep.run_sweep(MODEL, runs, jobs=1, out_dir=out, progress=False)
    after = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*.ipynb")}
    assert before == after and len(before) == 2


def test_a_failed_run_is_reported_and_the_others_go_on(tmp_path):
    # n = 1 violates fairlib's validation (the model needs two agents):
    # that run fails, the other succeeds
    csv_path = sweep.run_sweep(
        MODEL, [{"n": 1}, {"n": 2}], jobs=2, out_dir=tmp_path, progress=False
    )
    rows = {r["n"]: r for r in _rows(csv_path)}
    assert rows["1"]["status"] == "failed" and "ValueError" in rows["1"]["error"]
    assert rows["2"]["status"] == "ok"
    # only the successful run is recorded as done, so a rerun retries the failed one
    done = [json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*.json")]
    assert [(r["params"], r["status"]) for r in done] == [({"n": 2}, "ok")]
    assert rows["1"]["run_id"] not in {r["run_id"] for r in done}


def test_unknown_parameter_is_refused_with_the_list_of_parameters(tmp_path):
    with pytest.raises(
        ValueError,
        match=r"unknown parameter\(s\) agents .*"
        r"its parameters are: n, m, alpha, beta, seed",
    ):
        sweep.run_sweep(MODEL, [{"agents": 3}], out_dir=tmp_path, progress=False)


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="runs must be a non-empty list"):
        sweep.run_sweep(MODEL, [], out_dir=tmp_path)
    with pytest.raises(ValueError, match="jobs must be a positive integer"):
        sweep.run_sweep(MODEL, [{"n": 2}], jobs=0, out_dir=tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        sweep.run_sweep(tmp_path / "missing.ipynb", [{"n": 2}], out_dir=tmp_path)
    with pytest.raises(ValueError, match="non-empty list of values"):
        sweep.grid({"n": []})


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="no code cell tagged 'parameters'"):
        sweep.notebook_parameters(path)


def test_cli_refuses_unknown_parameter_with_a_clear_message(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fairlib.sweep",
            str(MODEL),
            "-p",
            "agents",
            "3",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert (
        "unknown parameter(s) agents" in proc.stderr
        and "n, m, alpha, beta, seed" in proc.stderr
    )


def test_cli_parses_literals_and_reports(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fairlib.sweep",
            str(MODEL),
            "-p",
            "alpha",
            "0.25",
            "-p",
            "m",
            "3",
            "--out",
            str(tmp_path),
            "--no-progress",
            "-j",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 of 1 runs ok" in proc.stdout
    row = _rows(tmp_path / "results.csv")[0]
    assert row["alpha"] == "0.25" and row["m"] == "3"
    assert row["model-params"] == "alpha=0.25, beta=0.2, m=3, n=3, seed=0"
