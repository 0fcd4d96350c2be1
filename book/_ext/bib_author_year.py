"""Author-year labels for the bibliography list.

The citations are author-year (``bibtex_reference_style: author_year``), but
pybtex's ``plain`` style labels the list itself ``[1]``, ``[2]``, ... This
extension registers a pybtex formatting style ``authoryear``: ``plain`` (sorted
by author, year, title) with labels such as ``Shirali et al., 2024``, so the
list reads like the citations that point to it. Select it with
``bibtex_default_style: authoryear``.
"""

from __future__ import annotations

import re
from collections import Counter
from string import ascii_lowercase

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _last_name(person) -> str:
    name = " ".join(person.last_names)
    return re.sub(r"[{}]", "", name)


def _authors(entry) -> str:
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(p) for p in persons]
    if not names:
        return entry.fields.get("organization", entry.key)
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and names[1] != "others":
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


class AuthorYearLabelStyle(BaseLabelStyle):
    """``Author, 2024``, ``Author and Other, 2024``, ``Author et al., 2024``."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [f"{_authors(e)}, {e.fields.get('year', 'n.d.')}" for e in entries]
        counts = Counter(labels)
        seen: Counter = Counter()
        for label in labels:
            if counts[label] > 1:  # same authors, same year: 2024a, 2024b, ...
                suffix = ascii_lowercase[seen[label]]
                seen[label] += 1
                yield label + suffix
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    default_label_style = "companion_author_year"


register_plugin("pybtex.style.labels", "companion_author_year", AuthorYearLabelStyle)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
