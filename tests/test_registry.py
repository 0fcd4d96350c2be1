"""The results registry (data/results_registry.yaml) against the papers, the table of
contents and the pages: every numbered result has a row, every row points at what is
really there, every erratum has its box."""

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import results_registry as rr  # noqa: E402

PAPERS = ROOT.parent / "shared" / "papers"
PAPER_FILES = {"A": "000_e0f3bd8b678a3d9b.txt", "B": "001_d8ce5c8f8e2cfd1b.txt"}
ROWS = rr.load(ROOT)
ON_PAGES = [r for r in ROWS if r["page"]]
ERRATA = [r for r in ROWS if r["verdict"] == "erratum"]
# a sphinx-proof box: ```{prf:kind} Title\n:label: name
PRF_BOX = re.compile(r"```\{prf:(\w+)\}\s*([^\n]*)\n((?::[\w-]+:[^\n]*\n)*)")
# "Theorem 3.4 (Paper A)" or "Welfare (Paper B, Definition 1)"
PAPER_TITLE = re.compile(
    r"^(?P<kind>[A-Z][a-z]+) (?P<num>[A-Z]?\d+(?:\.\d+)?) \(Paper (?P<paper>[AB])\)"
    r"|\(Paper (?P<paper2>[AB]), (?P<kind2>[A-Z][a-z]+) (?P<num2>[A-Z]?\d+(?:\.\d+)?)\)"
)
ADMONITION = re.compile(r"^(?::::|```)\{admonition\}\s*(.+)$", re.M)


def page_text(docname):
    """The MyST source of a page: a notebook's markdown cells, or the .md file."""
    nb = ROOT / f"{docname}.ipynb"
    if nb.exists():
        cells = json.loads(nb.read_text())["cells"]
        return "\n\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    return (ROOT / f"{docname}.md").read_text()


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {toc["root"]} | {c["file"] for p in toc["parts"] for c in p["chapters"]}


def boxes(text):
    """``(kind, title, label)`` of every sphinx-proof box in ``text``."""
    out = []
    for kind, title, options in PRF_BOX.findall(text):
        label = re.search(r":label:\s*(\S+)", options)
        out.append((kind, title.strip(), label.group(1) if label else ""))
    return out


def all_pages():
    return sorted(
        [f"book/{p.stem}" for p in (ROOT / "book").glob("*.md")]
        + [f"notebooks/{p.stem}" for p in (ROOT / "notebooks").glob("*.ipynb")]
    )


def test_rows_are_complete_and_unique():
    names = [(r["paper"], r["result"]) for r in ROWS]
    assert len(names) == len(set(names)), "a result has two rows"
    assert {r["paper"] for r in ROWS} <= set(rr.PAPERS)
    assert len([r for r in ROWS if r["paper"] == "A"]) >= 30
    assert len([r for r in ROWS if r["paper"] == "B"]) >= 21
    for r in ROWS:
        assert r["statement"].strip(), r["result"]
        if r["verdict"] != "not yet reproduced":
            assert r["page"] and r["checked"].strip(), (
                f"{r['result']}: a verdict needs a page and what it checks"
            )
        assert ("erratum" in r) == (r["verdict"] == "erratum"), r["result"]


def test_unknown_verdict_is_rejected(tmp_path):
    (tmp_path / "data").mkdir()
    row = dict.fromkeys(rr.FIELDS, "")
    row.update(paper="A", result="Theorem 9.9", verdict="probably fine")
    (tmp_path / rr.REGISTRY).write_text(yaml.safe_dump({"results": [row]}))
    with pytest.raises(ValueError, match="verdict"):
        rr.load(tmp_path)


@pytest.mark.parametrize("row", ON_PAGES, ids=lambda r: f"{r['paper']}-{r['result']}")
def test_page_exists_is_in_toc_and_has_the_label(row):
    assert row["page"] in toc_files(), f"{row['page']} is not in _toc.yml"
    assert any((ROOT / f"{row['page']}{ext}").exists() for ext in (".md", ".ipynb"))
    if row["label"]:
        labels = [label for _, _, label in boxes(page_text(row["page"]))]
        assert row["label"] in labels, f"no box {row['label']} on {row['page']}"


def test_labels_only_with_pages():
    assert [r["result"] for r in ROWS if r["label"] and not r["page"]] == []


@pytest.mark.parametrize("row", ERRATA, ids=lambda r: f"{r['paper']}-{r['result']}")
def test_every_erratum_has_its_box_and_its_numbers(row):
    text = page_text(row["page"])
    titles = [t.strip() for t in ADMONITION.findall(text) if "Erratum" in t]
    assert titles, f"no Erratum box on {row['page']}"
    assert row["erratum"]["title"] in titles, (
        f"the registry's title is not an erratum box on {row['page']}: {titles}"
    )
    if row["erratum"].get("anchor"):
        assert f"({row['erratum']['anchor']})=" in text
    values = rr.glued_values(ROOT / f"{row['page']}.ipynb")
    filled = rr.fill(row["erratum"]["counterexample"], values)  # KeyError if unglued
    assert rr.GLUE_KEY.search(filled) is None
    assert row["erratum"]["paper_says"], "quote the paper's own words"


def test_every_box_titled_after_a_paper_result_has_its_row():
    registry = {(r["paper"], r["result"]): r for r in ROWS}
    seen = 0
    for page in all_pages():
        for _kind, title, label in boxes(page_text(page)):
            m = PAPER_TITLE.search(title)
            if not m:
                continue
            paper = m["paper"] or m["paper2"]
            result = f"{m['kind'] or m['kind2']} {m['num'] or m['num2']}"
            assert (paper, result) in registry, f"{title} ({page}) has no registry row"
            row = registry[(paper, result)]
            assert (row["page"], row["label"]) == (page, label), (
                f"{result} (Paper {paper}): the registry points at "
                f"{row['page']}#{row['label']}, the box is {page}#{label}"
            )
            seen += 1
    assert seen >= 8


def test_every_erratum_box_in_the_book_is_in_the_registry():
    for page in all_pages():
        if page in ("book/errata", "book/results"):
            continue
        titles = [t for t in ADMONITION.findall(page_text(page)) if "Erratum" in t]
        listed = {r["erratum"]["title"] for r in ERRATA if r["page"] == page}
        assert {t.strip() for t in titles} <= listed, f"{page}: erratum not in registry"


def test_coverage_counts_add_up():
    cov = rr.coverage(ROWS)
    for key in ("A", "B", "all"):
        c = cov[key]
        assert sum(c[v] for v in rr.VERDICTS) == c["total"]
        assert c["checked"] == c["total"] - c["not yet reproduced"]
    assert cov["all"]["total"] == cov["A"]["total"] + cov["B"]["total"]


# ---- against the papers' text (../shared/papers, present for developers and CI) ----

needs_papers = pytest.mark.skipif(
    not PAPERS.is_dir(), reason="the papers' text is not at ../shared/papers"
)


def paper_lines(paper):
    return (PAPERS / PAPER_FILES[paper]).read_text().splitlines()


def numbered_results(paper):
    """Every "Theorem 3.4", "Lemma 2", "Figure 1", ... opening a line of the paper."""
    found = set()
    kinds = "Definition|Lemma|Theorem|Proposition|Corollary|Claim|Figure|Table"
    if paper == "A":
        pat = re.compile(
            rf"^\W*(?P<kind>{kinds.upper()}|{kinds})\s+(?P<num>[A-G]?\.?\d+(?:\.\d+)?)"
            r"[\s:.(*]"
        )
    else:
        pat = re.compile(rf"^(?P<kind>{kinds}) (?P<num>\d+)[.:]")
    for line in paper_lines(paper):
        m = pat.match(line)
        if m:
            found.add(f"{m['kind'].capitalize()} {m['num']}")
    return found


@needs_papers
@pytest.mark.parametrize("paper", ["A", "B"])
def test_every_numbered_result_of_the_paper_has_a_row(paper):
    found = numbered_results(paper)
    assert len(found) >= {"A": 30, "B": 21}[paper]
    rows = {r["result"] for r in ROWS if r["paper"] == paper}
    assert found - rows == set(), "numbered results of the paper missing from registry"


@needs_papers
@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["paper"] in "AB"], ids=lambda r: r["result"]
)
def test_line_numbers_point_at_the_result(row):
    line = paper_lines(row["paper"])[row["line"] - 1].lower()
    name = row["result"].removeprefix("Eq. ").lower()
    assert name in line, f"line {row['line']} is not {row['result']}"


def _words(text):
    """The quote's prose between its math, whitespace-normalized."""
    prose = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", "\0", text, flags=re.S)
    return [" ".join(p.split()) for p in prose.split("\0") if len(p.strip()) > 3]


@needs_papers
@pytest.mark.parametrize("row", ERRATA, ids=lambda r: f"{r['paper']}-{r['result']}")
def test_quotes_are_the_papers_own_words(row):
    lines = paper_lines(row["paper"])
    for quote in row["erratum"]["paper_says"]:
        where = " ".join(" ".join(lines[quote["line"] - 3 : quote["line"] + 3]).split())
        for words in _words(quote["text"]):
            assert words.strip(" .,") in where, f"not in the paper: {words!r}"
        if row["paper"] == "A":  # Paper A's text keeps the LaTeX as written
            for math in re.findall(r"\$([^$]+)\$", quote["text"]):
                assert " ".join(math.split()) in where.replace("$ ", "$"), math
