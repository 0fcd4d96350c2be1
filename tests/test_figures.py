"""fairlib.figures: deterministic files, validated labels, citable blocks."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from fairlib import _meta
from fairlib.figures import (
    STYLE,
    cite_figure,
    figures_dir,
    format_params,
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


def test_cite_block_names_label_notebook_parameters_and_anchor():
    block = cite_figure(
        "paper-a-fig-1",
        "paper_a_lemma_3_1.ipynb",
        {"seed": 0, "m": 5},
        title="Loss per item",
    )
    text = block._repr_markdown_()
    assert text.startswith("````{admonition} Cite this figure (paper-a-fig-1)")
    assert f"@misc{{{_meta.CITATION_KEY}:paper-a-fig-1," in text
    assert f"{_meta.BOOK_URL}notebooks/paper_a_lemma_3_1.html#paper-a-fig-1" in text
    assert "notebooks/paper_a_lemma_3_1.ipynb with m=5, seed=0" in text
    assert re.search(r"crossref\s*=\s*\{" + _meta.CITATION_KEY + r"\}", text)


def test_cite_block_validates_arguments():
    with pytest.raises(ValueError, match="notebook"):
        cite_figure("paper-a-fig-1", "paper_a.py", {})
    with pytest.raises(ValueError, match="params"):
        cite_figure("paper-a-fig-1", "paper_a.ipynb", [("m", 1)])


def test_format_params_is_sorted_and_stable():
    assert format_params({"b": 0.5, "a": [1, 2], "c": "x"}) == "a=[1, 2], b=0.5, c='x'"
