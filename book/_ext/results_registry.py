"""Read the results registry (``data/results_registry.yaml``) and render it.

Used by the pages ``book/results.md``, ``book/errata.md`` and ``book/intro.md``
(they put ``book/_ext`` on ``sys.path``) and by ``tests/test_registry.py``. Not
a Sphinx extension: it only reads files and returns Markdown (MyST) text.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import yaml

REGISTRY = Path("data") / "results_registry.yaml"
VERDICTS = ("confirmed", "erratum", "new", "not yet reproduced")
PAPERS = {"A": "Paper A", "B": "Paper B", "X": "Beyond the papers"}
FIELDS = ("paper", "result", "line", "statement", "page", "label", "checked", "verdict")
GLUE_KEY = re.compile(r"\{([a-z0-9]+(?:-[a-z0-9]+)+)\}")


def load(root: Path) -> list[dict]:
    """The registry's rows, in file order; ``root`` is the repository root."""
    rows = yaml.safe_load((Path(root) / REGISTRY).read_text())["results"]
    for row in rows:
        missing = [f for f in FIELDS if f not in row]
        if missing:
            raise ValueError(f"registry row {row.get('result')!r}: missing {missing}")
        if row["verdict"] not in VERDICTS:
            raise ValueError(
                f"registry row {row['result']!r}: verdict {row['verdict']!r} "
                f"is not one of {VERDICTS}"
            )
    return rows


def coverage(rows: list[dict]) -> dict[str, Counter]:
    """Per paper (and ``"all"`` for A and B together): counts by verdict, ``total``
    and ``checked`` (every verdict but "not yet reproduced")."""
    out: dict[str, Counter] = {}
    for key in (*PAPERS, "all"):
        sel = [
            r
            for r in rows
            if r["paper"] == key or (key == "all" and r["paper"] in "AB")
        ]
        c = Counter(r["verdict"] for r in sel)
        c["total"] = len(sel)
        c["checked"] = len(sel) - c["not yet reproduced"]
        out[key] = c
    return out


def glued_values(notebook: Path) -> dict[str, str]:
    """Every value a committed notebook glues, as the text the page shows.

    The committed outputs are what strict nbval re-checks on every ``make test``.
    """
    nb = json.loads(Path(notebook).read_text())
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = out["data"].get(meta["mime_prefix"] + "text/plain", "")
            try:  # glued strings and numbers; math and figures are not text
                values[meta["name"]] = str(ast.literal_eval(text))
            except (ValueError, SyntaxError):
                continue
    return values


def fill(text: str, values: dict[str, str]) -> str:
    """Replace every ``{glue-key}`` of ``text`` by its glued value."""

    def one(match):
        key = match.group(1)
        if key not in values:
            raise KeyError(f"glue key {key!r} is not glued by the page")
        return values[key]

    return GLUE_KEY.sub(one, text)


def _link(row: dict) -> str:
    """The result's name, linked to its box (label) or its page."""
    name = row["result"]
    if row["label"]:
        return f"{{prf:ref}}`{name} <{row['label']}>`"
    if row["page"]:
        return f"{{doc}}`{name} </{row['page']}>`"
    return name


def erratum_target(row: dict) -> str:
    """Label of a row's erratum on the errata page (``erratum-a-theorem-3-2``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{row['paper']} {row['result']}".lower())
    return "erratum-" + slug.strip("-")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or "—"


def table(rows: list[dict]) -> str:
    """A MyST table: result (linked), statement, what is checked, verdict."""
    out = ["| Result | Statement | Checked | Verdict |", "|---|---|---|---|"]
    for r in rows:
        verdict = r["verdict"]
        if verdict == "erratum":
            verdict = f"**{{ref}}`erratum <{erratum_target(r)}>`**"
        out.append(
            f"| {_link(r)} | {_cell(r['statement'])} | {_cell(r['checked'])} "
            f"| {verdict} |"
        )
    return "\n".join(out)


def errata(rows: list[dict], root: Path) -> list[str]:
    """One MyST block per erratum: the paper's words, the counterexample, the link."""
    blocks = []
    for r in rows:
        if r["verdict"] != "erratum":
            continue
        e = r["erratum"]
        page = Path(root) / f"{r['page']}.ipynb"
        counterexample = fill(" ".join(e["counterexample"].split()), glued_values(page))
        page_link = f"{{doc}}`/{r['page']}`"
        if e.get("anchor"):
            where = f"in the {{ref}}`{e['anchor']}` section of {page_link}"
        else:
            where = f"on {page_link}"
        quotes = "\n>\n".join(
            f"> {' '.join(q['text'].split())} ({q['where']})" for q in e["paper_says"]
        )
        blocks.append(
            f"({erratum_target(r)})=\n"
            f"**{PAPERS[r['paper']]}, {_link(r)}.** {e['title']}\n\n"
            f"*The paper's own words:*\n\n{quotes}\n\n"
            f"*Smallest counterexample.* {counterexample}\n\n"
            f"The check and the erratum box are {where}."
        )
    return blocks
