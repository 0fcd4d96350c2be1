"""One name per figure, files served by the site, a BibTeX entry under each.

Every figure saved with metadata (``fairlib.figures.save_figure(..., title=...)``
writes ``figures/<label>.json``) gets, right after it on its page, a "Cite this
figure" dropdown: its one name ("Figure B2"), links to the SVG and PDF (copied
to ``_build/html/figures/``) and a BibTeX entry carrying the companion's version
(``CITATION.cff``) and the commit the book was built from.  The version and the
commit are read at build time, so no notebook output depends on them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes

from fairlib import figures
from fairlib._meta import build_identity


def _metadata(app) -> dict[str, dict]:
    if not hasattr(app.env, "_fairlib_figures"):
        folder = Path(app.srcdir) / "figures"
        app.env._fairlib_figures = {
            m["label"]: m for m in figures.load_metadata(folder)
        }
    return app.env._fairlib_figures


def cite_block(meta: dict, docname: str, version: str, commit: str) -> nodes.Node:
    """The dropdown shown under a figure: files and BibTeX."""
    up = "../" * docname.count("/")
    box = nodes.admonition(classes=["tip", "dropdown", "figure-cite"])
    box += nodes.title(text=f"Cite {meta['name']}")
    files = nodes.paragraph()
    files += nodes.Text("Files: ")
    for i, ext in enumerate(("svg", "pdf")):
        if i:
            files += nodes.Text(", ")
        uri = f"{up}figures/{meta['label']}.{ext}"
        files += nodes.reference(text=f"{meta['label']}.{ext}", refuri=uri)
    files += nodes.Text(f" (version {version}, commit {commit}).")
    box += files
    bib = figures.figure_bibtex(meta, version=version, commit=commit)
    block = nodes.literal_block(bib, bib)
    block["language"] = "bibtex"
    box += block
    return box


def add_cite_blocks(app, doctree, docname):
    metas = _metadata(app)
    version, commit = build_identity()
    for fig in list(doctree.findall(nodes.figure)):
        for label in fig["ids"]:
            if label in metas:
                fig.parent.insert(
                    fig.parent.index(fig) + 1,
                    cite_block(metas[label], docname, version, commit),
                )


def copy_figures(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    src = Path(app.srcdir) / "figures"
    dest = Path(app.outdir) / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("figure-*")):
        shutil.copy2(path, dest / path.name)


def setup(app):
    app.connect("doctree-resolved", add_cite_blocks)
    app.connect("build-finished", copy_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
