"""Site-wide additions: version and commit in the footer, an "All results" link.

* **Footer.** Every page's footer shows the companion's version, read from
  ``CITATION.cff`` (the single source of the version), and the commit the site
  was built from (``git rev-parse HEAD``; "unknown" outside a git checkout, and
  "with local changes" when tracked files differ from that commit), both from
  :mod:`fairlib._meta`. They go into sphinx-book-theme's ``extra_footer`` and
  into the template context as ``companion_version`` and ``companion_commit``.
* **All results.** sphinx-proof's own index (``prf-prf.html``) lists the boxes
  by label only. This extension adds a second index of the same domain,
  ``prf-results.html``: every result box by its title, grouped by paper, in the
  order of the table of contents, with its page. It is linked from the
  navigation sidebar as "All results", and ``{ref}`prf-results``` links to it
  from a page (as ``genindex`` does).
* **Launch buttons.** Binder/Colab buttons are kept on ``.ipynb`` pages only:
  the executable Markdown pages (MyST text notebooks) cannot be opened in Colab.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from sphinx.domains import Index, IndexEntry

from fairlib import _meta

PROOF_INDEX = "prf-results"
GROUPS = ("Paper A", "Paper B", "Beyond the papers")
PROOF_INDEX_TITLE = "All results"
SIDEBAR = [
    "navbar-logo.html",
    "icon-links.html",
    "search-button-field.html",
    "sbt-sidebar-nav.html",
    "all-results.html",
]


def footer_html(version: str, full: str, short: str, dirty: bool, repo: str) -> str:
    """The footer line: version, and the commit linked to the repository."""
    if full == "unknown":
        commit = "commit unknown"
    else:
        url = html.escape(f"{repo.rstrip('/')}/commit/{full}", quote=True)
        commit = f'commit <a href="{url}"><code>{html.escape(short)}</code></a>'
        if dirty:
            commit += " with local changes"
    return (
        f'<p class="companion-version">Version {html.escape(version)}, '
        f"built from {commit}.</p>"
    )


def _config_inited(app, config):
    version, full, short = _meta.VERSION, _meta.commit(short=False), _meta.commit()
    footer = footer_html(
        version, full, short, _meta.has_local_changes(), _meta.REPOSITORY_URL
    )
    config.html_theme_options = {**config.html_theme_options, "extra_footer": footer}
    config.html_context = {
        **config.html_context,
        "companion_version": version,
        "companion_commit": short,
    }
    config.templates_path = [
        *config.templates_path,
        str(Path(__file__).parent / "templates"),
    ]
    config.html_sidebars = {"**": SIDEBAR}
    config.html_static_path = [
        *config.html_static_path,
        str(Path(__file__).parent / "static"),
    ]


class ResultIndex(Index):
    """Every sphinx-proof box by title, grouped by paper, in reading order."""

    name = "results"
    localname = PROOF_INDEX_TITLE
    shortname = "results"

    def generate(self, docnames=None):
        env = self.domain.env
        titles = getattr(env, "companion_proof_titles", {})
        order = {doc: i for i, doc in enumerate(_reading_order(env))}
        groups: dict[str, list] = {g: [] for g in GROUPS}
        for label, (docname, position, kind, title) in titles.items():
            if docnames and docname not in docnames:
                continue
            group = "Beyond the papers" if "beyond" in title.lower() else None
            for paper in ("Paper A", "Paper B"):
                group = group or (paper if f"({paper}" in title else None)
            page = env.titles[docname].astext() if docname in env.titles else ""
            entry = IndexEntry(title, 0, docname, label, kind, "", page)
            key = (order.get(docname, len(order)), position)
            groups[group or "Beyond the papers"].append((key, entry))
        content = [
            (g, [e for _, e in sorted(entries, key=lambda x: x[0])])
            for g, entries in groups.items()
            if entries
        ]
        return content, False


def _reading_order(env):
    """Docnames in the order of the table of contents, depth first."""
    seen, out = set(), []

    def walk(doc):
        if doc in seen:
            return
        seen.add(doc)
        out.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return out


def _collect_proof_titles(app, doctree):
    env = app.env
    if not hasattr(env, "companion_proof_titles"):
        env.companion_proof_titles = {}
    for position, node in enumerate(
        n for n in doctree.findall() if "realtype" in getattr(n, "attributes", {})
    ):
        if node.get("label"):
            # sphinx-proof stores the title formatted by proof_title_format (" (%t)")
            prefix, _, suffix = app.config.proof_title_format.partition("%t")
            title = node.get("title", "").removeprefix(prefix).removesuffix(suffix)
            title = re.sub(r"\$([^$]*)\$", r"\1", title).strip()
            env.companion_proof_titles[node["label"]] = (
                env.docname,
                position,
                node["realtype"],
                title or node["label"],
            )


def _purge_proof_titles(app, env, docname):
    titles = getattr(env, "companion_proof_titles", {})
    for label in [k for k, v in titles.items() if v[0] == docname]:
        del titles[label]


def _merge_proof_titles(app, env, docnames, other):
    if not hasattr(env, "companion_proof_titles"):
        env.companion_proof_titles = {}
    for label, value in getattr(other, "companion_proof_titles", {}).items():
        if value[0] in docnames:
            env.companion_proof_titles[label] = value


def _register_proof_index_label(app):
    std = app.env.get_domain("std")
    std.data["labels"][PROOF_INDEX] = (PROOF_INDEX, "", PROOF_INDEX_TITLE)
    std.data["anonlabels"][PROOF_INDEX] = (PROOF_INDEX, "")


def _drop_launch_buttons_on_text_pages(app, pagename, templatename, context, doctree):
    if doctree is None or Path(app.env.doc2path(pagename)).suffix == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        context["header_buttons"] = [
            b
            for b in buttons
            if b.get("label") not in ("launch-buttons", "launch-thebe")
        ]


def setup(app):
    app.setup_extension("sphinx_proof")
    app.add_index_to_domain("prf", ResultIndex)
    app.connect("doctree-read", _collect_proof_titles)
    app.connect("env-purge-doc", _purge_proof_titles)
    app.connect("env-merge-info", _merge_proof_titles)
    app.connect("config-inited", _config_inited)
    app.add_css_file("companion_site.css")
    app.connect("builder-inited", _register_proof_index_label)
    # after sphinx-book-theme's add_launch_buttons (priority 501)
    app.connect("html-page-context", _drop_launch_buttons_on_text_pages, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
