"""Deterministic, citable figures (house style after showyourwork).

A figure is the product of a notebook cell at a commit.  :func:`save_figure`
writes ``<label>.svg`` and ``<label>.pdf`` byte-for-byte reproducibly (fixed
style, fixed SVG hash salt, no date metadata, white face colour) and, with its
metadata, ``<label>.json``: its one name ("Figure B2"), title, the paper figure
it redraws, the notebook and the parameters.  The book's ``figure_cite``
extension and figure index read that file; :func:`figure_bibtex` is the BibTeX
entry they show, with the version and the commit the book was built from.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt

from . import _meta
from .paths import REPO_ROOT

__all__ = [
    "STYLE",
    "style",
    "save_figure",
    "figures_dir",
    "format_params",
    "figure_name",
    "figure_bibtex",
    "load_metadata",
]

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
#: The one name of a figure: ``figure-b2`` is "Figure B2" (A/B: a paper's figure
#: redrawn or one of its results drawn; X: one of the companion's own).
_NAMED = re.compile(r"^figure-([abx])([1-9][0-9]*)$")


@contextmanager
def style():
    """Context manager applying :data:`STYLE` (on top of matplotlib's defaults)."""
    with plt.style.context("default"), matplotlib.rc_context(STYLE):
        yield


def figures_dir() -> Path:
    """Where :func:`save_figure` writes: ``$FAIRLIB_FIGURES_DIR`` or ``_build/figures``.

    Only ``make nbval`` (hence ``make test``) sets ``FAIRLIB_FIGURES_DIR`` to the
    committed ``figures/``; a reader's rerun (papermill, Jupyter, the sweep
    runner) writes under ``_build/`` and leaves the repository clean.
    """
    env = os.environ.get("FAIRLIB_FIGURES_DIR")
    return Path(env) if env else REPO_ROOT / "_build" / "figures"


def _check_label(label: str) -> str:
    if not isinstance(label, str) or not _LABEL.match(label):
        raise ValueError(
            "label must be lower-case words joined by '-', e.g. 'paper-a-fig-1', "
            f"got {label!r}"
        )
    return label


def format_params(params: dict) -> str:
    """Render a parameter dict as ``name=value, ...`` in a stable order.

    Used in figure captions and sweep CSVs.
    """
    if not isinstance(params, dict):
        raise ValueError(
            f"params must be a dict of notebook parameters, got {type(params).__name__}"
        )
    return ", ".join(f"{k}={params[k]!r}" for k in sorted(params))


def figure_name(label: str) -> str:
    """The display name of a figure label: ``"figure-b2"`` -> ``"Figure B2"``.

    Parameters
    ----------
    label : str
        A label of the form ``figure-<a|b|x><number>``.
    """
    match = _NAMED.match(label) if isinstance(label, str) else None
    if not match:
        raise ValueError(
            "label must look like 'figure-a1', 'figure-b2' or 'figure-x3', "
            f"got {label!r}"
        )
    return f"Figure {match.group(1).upper()}{match.group(2)}"


def _metadata(label, title, notebook, params, redraws) -> dict:
    name = figure_name(label)
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title must be a non-empty one-line description")
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb"):
        raise ValueError(f"notebook must be a .ipynb file name, got {notebook!r}")
    if not isinstance(params, dict):
        raise ValueError("params must be the dict of notebook parameters used")
    if redraws is not None and not re.fullmatch(r"Paper [AB], Fig\. [1-9]", redraws):
        raise ValueError(f"redraws must look like 'Paper B, Fig. 2', got {redraws!r}")
    return {
        "label": label,
        "name": name,
        "title": title.strip(),
        "redraws": redraws,
        "notebook": f"notebooks/{Path(notebook).name}",
        "params": json.loads(json.dumps(params)),
    }


def save_figure(
    fig,
    label: str,
    *,
    directory: str | Path | None = None,
    title: str | None = None,
    notebook: str | None = None,
    params: dict | None = None,
    redraws: str | None = None,
) -> dict[str, Path]:
    """Write ``fig`` to ``<directory>/<label>.svg`` and ``.pdf`` deterministically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (draw it inside :func:`style` for the house style).
    label : str
        Stable figure label, lower-case words joined by ``-``; it is also the
        page anchor the figure is shown under (``:name: <label>``).
    directory : path, optional
        Defaults to :func:`figures_dir`.
    title, notebook, params, redraws : optional
        The figure's metadata (short title, the notebook file that draws it,
        the parameters it was drawn with, and e.g. ``"Paper B, Fig. 2"`` when
        it redraws a paper's figure).  Given a title, the label must be a
        figure name (``figure-b2``) and ``<label>.json`` is written beside the
        images: the figure index and the "Cite this figure" blocks read it.

    Returns
    -------
    dict
        ``{"svg": path, "pdf": path}`` (and ``"json"`` with metadata).
    """
    _check_label(label)
    meta = None
    if title is not None or notebook is not None or params is not None:
        meta = _metadata(label, title, notebook, params, redraws)
    if not isinstance(fig, matplotlib.figure.Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    out = Path(directory) if directory is not None else figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = {"svg": out / f"{label}.svg", "pdf": out / f"{label}.pdf"}
    with matplotlib.rc_context(
        {
            "svg.hashsalt": STYLE["svg.hashsalt"],
            "svg.fonttype": "path",
            "pdf.fonttype": 42,
        }
    ):
        fig.savefig(
            paths["svg"],
            format="svg",
            facecolor="white",
            metadata={"Date": None, "Creator": None},
        )
        fig.savefig(
            paths["pdf"],
            format="pdf",
            facecolor="white",
            metadata={
                "CreationDate": None,
                "ModDate": None,
                "Creator": None,
                "Producer": None,
            },
        )
    if meta is not None:
        paths["json"] = out / f"{label}.json"
        text = json.dumps(meta, indent=1, sort_keys=True, ensure_ascii=False)
        paths["json"].write_text(text + "\n", encoding="utf-8")
    return paths


def load_metadata(directory: str | Path | None = None) -> list[dict]:
    """Every figure's metadata (``<label>.json``), in name order (A, B, X)."""
    out = Path(directory) if directory is not None else figures_dir()
    metas = [json.loads(p.read_text("utf-8")) for p in out.glob("figure-*.json")]
    return sorted(metas, key=lambda m: (m["name"][7], int(m["name"][8:])))


def figure_bibtex(meta: dict, *, version: str, commit: str) -> str:
    """BibTeX entry of one figure: its name, title, version, commit and URL.

    Parameters
    ----------
    meta : dict
        The figure's metadata as written by :func:`save_figure`.
    version, commit : str
        The companion's version (``CITATION.cff``) and the commit it was built at.
    """
    page = Path(meta["notebook"]).with_suffix(".html").as_posix()
    url = f"{_meta.BOOK_URL}{page}#{meta['label']}"
    made = f"Made by {meta['notebook']} with {format_params(meta['params'])}"
    redraws = f" ({meta['redraws']} redrawn)" if meta.get("redraws") else ""
    return "\n".join(
        [
            f"@misc{{{_meta.CITATION_KEY}:{meta['label']},",
            f"  title        = {{{{{meta['name']}}}: {meta['title']}{redraws}}},",
            f"  note         = {{In: {_meta.TITLE}, version {version}, "
            f"commit {commit}. {made}}},",
            f"  version      = {{{version}}},",
            f"  howpublished = {{\\url{{{url}}}}},",
            f"  crossref     = {{{_meta.CITATION_KEY}}},",
            "}",
        ]
    )
