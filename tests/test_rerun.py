"""A reader's rerun: the README's papermill one-liner leaves the repository clean,
and a bad parameter stops the run with one line naming it."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAPERMILL = Path(sys.executable).parent / "papermill"


def _readme_one_liner() -> list[str]:
    """The papermill line of the README's "Rerun" section, as argv."""
    text = (ROOT / "README.md").read_text()
    section = re.search(r"^## Rerun[^\n]*\n(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README.md has no '## Rerun ...' section"
    lines = [
        ln.strip()
        for ln in section.group(1).splitlines()
        if ln.strip().startswith(".venv/bin/papermill")
    ]
    assert len(lines) == 1, f"expected one papermill line, found {lines}"
    argv = shlex.split(lines[0])
    return [str(PAPERMILL), *argv[1:]]


def _git_status() -> str:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def _clean_env() -> dict:
    # a reader's shell: no figures directory set (make nbval sets one)
    env = {k: v for k, v in os.environ.items() if k != "FAIRLIB_FIGURES_DIR"}
    env.setdefault("MPLBACKEND", "Agg")
    return env


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_readme_one_liner_leaves_the_repository_clean():
    argv = _readme_one_liner()
    assert any(a.startswith("_build/") for a in argv), "the output must go to _build/"
    before = _git_status()
    run = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, env=_clean_env(), timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = next(a for a in argv if a.endswith(".ipynb") and a.startswith("_build/"))
    assert (ROOT / out).is_file()
    assert _git_status() == before, "the rerun changed the repository"


def test_a_bad_parameter_ends_with_one_line_naming_it(tmp_path):
    run = subprocess.run(
        [
            str(PAPERMILL),
            "notebooks/paper_a_model.ipynb",
            str(tmp_path / "out.ipynb"),
            "-p",
            "m",
            "-3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=600,
    )
    assert run.returncode != 0
    last = [ln for ln in run.stderr.splitlines() if ln.strip()][-1]
    assert last == "ValueError: parameter m: expected an integer in [1, 50], got -3"


def test_help_notebook_lists_types_not_unknown():
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        run = subprocess.run(
            [str(PAPERMILL), "--help-notebook", str(nb)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert "Parameters inferred" in run.stdout, f"{nb.name}: {run.stdout}"
        assert "Unknown type" not in run.stdout, f"{nb.name}: untyped parameters"
