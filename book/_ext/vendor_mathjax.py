"""Serve MathJax from the book itself instead of a CDN.

The site then renders its mathematics offline (the browser check runs with no
network) and does not depend on a third-party host.  MathJax 3.2.2 comes from
the pinned PyPI package ``django-static-mathjax`` (static files only, no
dependencies); this extension copies its ``es5`` build into
``_build/html/_static/mathjax`` and points Sphinx's ``mathjax_path`` at it.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

ENTRY = "tex-mml-chtml.js"


def _source() -> Path:
    root = Path(str(files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (root / ENTRY).is_file():
        raise RuntimeError(
            f"MathJax not found at {root}; install the pinned 'django-static-mathjax'"
        )
    return root


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    src, dest = _source(), Path(app.outdir) / "_static" / "mathjax"
    if dest.exists():
        shutil.rmtree(dest)
    # the single combined component we load, plus what it loads on demand
    # (fonts, input/ui/a11y/sre extensions)
    shutil.copytree(
        src,
        dest,
        ignore=lambda d, names: [
            n for n in names if Path(d) == src and n.endswith(".js") and n != ENTRY
        ],
    )


def _point_at_local(app, config):
    config.mathjax_path = f"mathjax/{ENTRY}"


def setup(app):
    _source()
    app.connect("config-inited", _point_at_local)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
