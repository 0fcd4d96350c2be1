"""Emit sphinx-thebe's inline configuration script once per page.

sphinx-thebe 0.3.1 adds its inline ``const THEBE_JS_URL = ...`` script from an
``env-before-read-docs`` handler, which runs more than once in a Jupyter Book
build; pages then declare the constant twice and the browser reports
"Identifier 'THEBE_JS_URL' has already been declared".  This extension drops
the repeated copies when each page is rendered.
"""

from __future__ import annotations


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # the same inline script is registered once with filename None and once with ""
        key = (
            getattr(js, "filename", None) or "",
            tuple(sorted(getattr(js, "attributes", {}).items())),
        )
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
