"""Deterministic, citable figures (house style after showyourwork).

A figure is the product of a notebook cell at a commit.  :func:`save_figure`
writes ``figures/<label>.svg`` and ``figures/<label>.pdf`` byte-for-byte
reproducibly (fixed style, fixed SVG hash salt, no date metadata, white face
colour).  :func:`cite_figure` returns the "Cite this figure" block shown under
the figure on its page.
"""
from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from . import _meta  # noqa: E402

__all__ = ["STYLE", "style", "save_figure", "cite_figure", "figures_dir", "format_params"]

#: The fixed rcParams every companion figure is drawn with.
STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "svg.hashsalt": "fairlib-companion",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": False,
}

_LABEL = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@contextmanager
def style():
    """Context manager applying :data:`STYLE` (on top of matplotlib's defaults)."""
    with plt.style.context("default"), matplotlib.rc_context(STYLE):
        yield


def figures_dir() -> Path:
    """Where figures go: ``$FAIRLIB_FIGURES_DIR`` if set (the sweep runner sets it so
    sweep runs never touch the committed files), else the repository's ``figures/``."""
    env = os.environ.get("FAIRLIB_FIGURES_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "figures"


def _check_label(label: str) -> str:
    if not isinstance(label, str) or not _LABEL.match(label):
        raise ValueError(f"label must be lower-case words joined by '-', e.g. 'paper-a-fig-1', got {label!r}")
    return label


def format_params(params: dict) -> str:
    """Render a parameter dict as ``name=value, ...`` in a stable order (for captions and CSVs)."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of notebook parameters, got {type(params).__name__}")
    return ", ".join(f"{k}={params[k]!r}" for k in sorted(params))


def save_figure(fig, label: str, *, directory: str | Path | None = None) -> dict[str, Path]:
    """Write ``fig`` to ``<directory>/<label>.svg`` and ``.pdf`` deterministically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (draw it inside :func:`style` for the house style).
    label : str
        Stable figure label, lower-case words joined by ``-``; it is also the
        page anchor the figure is shown under (``:name: <label>``).
    directory : path, optional
        Defaults to the repository's ``figures/``.

    Returns
    -------
    dict
        ``{"svg": path, "pdf": path}``.
    """
    _check_label(label)
    if not isinstance(fig, matplotlib.figure.Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    out = Path(directory) if directory is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"svg": out / f"{label}.svg", "pdf": out / f"{label}.pdf"}
    with matplotlib.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"], "svg.fonttype": "path", "pdf.fonttype": 42}):
        fig.savefig(paths["svg"], format="svg", facecolor="white", metadata={"Date": None, "Creator": None})
        fig.savefig(paths["pdf"], format="pdf", facecolor="white",
                    metadata={"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None})
    return paths


class _Markdown:
    """Minimal rich-display object: rendered as MyST by myst-nb, plain text elsewhere."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def cite_figure(label: str, notebook: str, params: dict, *, title: str | None = None) -> _Markdown:
    """The "Cite this figure" block for a figure of the companion.

    Parameters
    ----------
    label : str
        The figure label (as passed to :func:`save_figure`).
    notebook : str
        Notebook file name that makes the figure, e.g. ``"paper_a_model.ipynb"``.
    params : dict
        The notebook parameters the figure was made with.
    title : str, optional
        Short description used in the BibTeX title.
    """
    _check_label(label)
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb"):
        raise ValueError(f"notebook must be a .ipynb file name, got {notebook!r}")
    page = Path(notebook).with_suffix(".html").name
    url = f"{_meta.BOOK_URL}notebooks/{page}#{label}"
    key = f"{_meta.CITATION_KEY}:{label}"
    what = title or label
    bib = "\n".join([
        f"@misc{{{key},",
        f"  title        = {{{{Figure {label}}}: {what}}},",
        f"  note         = {{In: {_meta.TITLE}. Made by notebooks/{notebook} with {format_params(params)}}},",
        f"  howpublished = {{\\url{{{url}}}}},",
        f"  crossref     = {{{_meta.CITATION_KEY}}},",
        "}",
    ])
    text = f"````{{admonition}} Cite this figure ({label})\n:class: tip dropdown\n```bibtex\n{bib}\n```\n````\n"
    return _Markdown(text)


def params_json(params: dict) -> str:
    """Stable JSON of notebook parameters (sorted keys), for records and captions."""
    return json.dumps(params, sort_keys=True)
