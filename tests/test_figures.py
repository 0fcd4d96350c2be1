"""fairlib.figures: deterministic files, validated labels, citable blocks."""

import hashlib
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from fairlib import _meta
from fairlib.figures import (
    STYLE,
    figure_bibtex,
    figure_name,
    figures_dir,
    format_params,
    load_metadata,
    save_figure,
    style,
)


def _draw():
    with style():
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [2, 0, 1], label="a line")
        ax.set_title("title")
        ax.legend()
    return fig


def _digest(paths):
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in paths.items()}


def test_save_figure_is_byte_identical_across_calls(tmp_path):
    fig = _draw()
    first = _digest(save_figure(fig, "test-fig", directory=tmp_path / "a"))
    second = _digest(save_figure(fig, "test-fig", directory=tmp_path / "b"))
    plt.close(fig)
    assert first == second


def test_save_figure_is_byte_identical_across_processes(tmp_path):
    code = (
        "import sys, matplotlib.pyplot as plt\n"
        "from fairlib.figures import style, save_figure\n"
        "with style():\n"
        "    fig, ax = plt.subplots()\n"
        "    ax.plot([0, 1, 2], [2, 0, 1], label='a line')\n"
        "    ax.set_title('title')\n"
        "    ax.legend()\n"
        "save_figure(fig, 'test-fig', directory=sys.argv[1])\n"
    )
    for d in ("p1", "p2"):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / d)], check=True)
    for ext in ("svg", "pdf"):
        assert (tmp_path / "p1" / f"test-fig.{ext}").read_bytes() == (
            tmp_path / "p2" / f"test-fig.{ext}"
        ).read_bytes()


def test_files_carry_no_date_and_a_white_background(tmp_path):
    fig = _draw()
    paths = save_figure(fig, "test-fig", directory=tmp_path)
    plt.close(fig)
    svg = paths["svg"].read_text()
    pdf = paths["pdf"].read_bytes()
    assert "<dc:date>" not in svg
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    assert 'style="fill: #ffffff' in svg  # the figure patch is white
    assert STYLE["figure.facecolor"] == "white"


def test_figures_dir_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FAIRLIB_FIGURES_DIR", str(tmp_path))
    assert figures_dir() == tmp_path
    monkeypatch.delenv("FAIRLIB_FIGURES_DIR")
    # a reader's rerun never writes the committed figures/
    root = Path(__file__).resolve().parent.parent
    assert figures_dir() == root / "_build" / "figures"


@pytest.mark.parametrize(
    "label", ["Bad Label", "UPPER", "trailing-", "", "a_b", "a--b"]
)
def test_bad_labels_are_refused(tmp_path, label):
    fig = _draw()
    with pytest.raises(ValueError, match="label"):
        save_figure(fig, label, directory=tmp_path)
    plt.close(fig)


def test_non_figure_is_refused(tmp_path):
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        save_figure("not a figure", "test-fig", directory=tmp_path)


def test_metadata_sidecar_and_bibtex_carry_name_version_commit_and_url(tmp_path):
    fig = _draw()
    paths = save_figure(
        fig,
        "figure-b2",
        directory=tmp_path,
        title="gap of Lemma 2",
        notebook="paper_b_lemma_2.ipynb",
        params={"fig_m": 50},
        redraws="Paper B, Fig. 2",
    )
    plt.close(fig)
    assert sorted(paths) == ["json", "pdf", "svg"]
    (meta,) = load_metadata(tmp_path)
    assert meta["name"] == "Figure B2" and meta["notebook"] == (
        "notebooks/paper_b_lemma_2.ipynb"
    )
    bib = figure_bibtex(meta, version="9.9.9", commit="abc1234")
    assert bib.startswith(f"@misc{{{_meta.CITATION_KEY}:figure-b2,")
    assert "{Figure B2}: gap of Lemma 2 (Paper B, Fig. 2 redrawn)" in bib
    assert "version 9.9.9, commit abc1234" in bib and "version      = {9.9.9}" in bib
    assert f"{_meta.BOOK_URL}notebooks/paper_b_lemma_2.html#figure-b2" in bib
    assert "with fig_m=50" in bib


def test_figure_names_and_metadata_are_validated(tmp_path):
    assert figure_name("figure-x12") == "Figure X12"
    for bad in ("paper-b-fig-2", "figure-c1", "figure-b0", "figure-b"):
        with pytest.raises(ValueError, match="label must look like"):
            figure_name(bad)
    fig = _draw()
    with pytest.raises(ValueError, match="title"):
        save_figure(
            fig,
            "figure-x1",
            directory=tmp_path,
            title=" ",
            notebook="a.ipynb",
            params={},
        )
    with pytest.raises(ValueError, match="notebook"):
        save_figure(
            fig, "figure-x1", directory=tmp_path, title="t", notebook="a.py", params={}
        )
    with pytest.raises(ValueError, match="redraws"):
        save_figure(
            fig,
            "figure-x1",
            directory=tmp_path,
            title="t",
            notebook="a.ipynb",
            params={},
            redraws="Fig. 2",
        )
    plt.close(fig)


def test_format_params_is_sorted_and_stable():
    assert format_params({"b": 0.5, "a": [1, 2], "c": "x"}) == "a=[1, 2], b=0.5, c='x'"
