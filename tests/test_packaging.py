"""The repository's own contracts: pinned environment, citation metadata, table of contents, notebooks, figures."""
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest
import yaml

from fairlib import _meta
from fairlib.sweep import notebook_parameters

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))


def test_lock_pins_every_package_exactly():
    lines = [ln for ln in (ROOT / "requirements-lock.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert len(lines) > 50
    bad = [ln for ln in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-!]+", ln)]
    assert bad == []
    names = {ln.split("==")[0].lower().replace("_", "-") for ln in lines}
    direct = [re.split(r"[=<>\s#]", ln.strip())[0].lower().replace("_", "-")
              for ln in (ROOT / "requirements.in").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert [d for d in direct if d not in names] == []
    assert "jupyter-book==1.0.4.post1" in lines


def test_environment_yml_is_equivalent_to_the_lock():
    import write_environment_yml

    assert (ROOT / "environment.yml").read_text() == write_environment_yml.render()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_citation_cff_is_valid_and_consistent():
    schema = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text())
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(), )
    cff["date-released"] = str(cff["date-released"])  # YAML reads it as a date; the schema wants the string
    jsonschema.validate(cff, schema, format_checker=jsonschema.FormatChecker())
    assert cff["url"] == _meta.BOOK_URL
    assert cff["repository-code"] == _meta.REPOSITORY_URL
    assert cff["title"] == _meta.TITLE


def test_citation_cff_schema_check_can_fail():
    schema = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cff-version": "1.2.0", "title": "x"}, schema)  # no authors, no message


def test_book_config_points_at_the_same_place():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["repository"]["url"] == _meta.REPOSITORY_URL
    assert cfg["html"]["baseurl"] == _meta.BOOK_URL
    assert cfg["execute"]["execute_notebooks"] == "force"
    assert cfg["execute"]["allow_errors"] is False
    assert cfg["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert cfg["launch_buttons"]["binderhub_url"] and cfg["launch_buttons"]["colab_url"]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return toc, files


def test_toc_has_the_four_parts_and_lists_every_page():
    toc, files = _toc_files()
    captions = [p["caption"] for p in toc["parts"]]
    assert captions[0].startswith("Paper A") and captions[1].startswith("Paper B")
    assert captions[2:] == ["Beyond the papers", "Reproducibility"]
    for f in files:
        assert (ROOT / f"{f}.md").exists() or (ROOT / f"{f}.ipynb").exists(), f
    for nb in NOTEBOOKS:
        assert f"notebooks/{nb.stem}" in files, f"{nb.name} is not in _toc.yml"
    pages = {f"book/{p.stem}" for p in (ROOT / "book").glob("*.md")}
    assert pages - set(files) == set(), "book pages missing from _toc.yml"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_contract(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be tagged 'parameters'"
    assert notebook_parameters(nb_path)  # parseable by Python and papermill alike
    assert all(c.execution_count for c in code), "committed without outputs (nbval needs them)"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "$" not in first.source.splitlines()[0], "no math in titles: the navigation shows them on pages without MathJax"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    typed = re.findall(r"(?<![\w.{`$\\])\d+\.\d{3,}(?![\w}])", text)
    assert typed == [], f"numbers typed into prose instead of glued: {typed}"


def test_figure_index_lists_exactly_the_committed_figures():
    stems_svg = {p.stem for p in (ROOT / "figures").glob("*.svg")}
    stems_pdf = {p.stem for p in (ROOT / "figures").glob("*.pdf")}
    assert stems_svg == stems_pdf, "every figure needs both .svg and .pdf"
    index = (ROOT / "book" / "figures.md").read_text()
    listed = set(re.findall(r"\{ref\}`([a-z0-9-]+)`", index))
    assert listed == stems_svg
    for label in stems_svg:  # each figure is shown under its own label somewhere
        shown = [nb for nb in NOTEBOOKS if f":name: {label}" in nb.read_text()]
        assert shown, f"figure {label} is not shown with :name: {label} in any notebook"


def test_ci_runs_make_test_and_nothing_narrower():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [ln.strip() for ln in script.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert "make test" in commands
    assert not any(c.startswith(("pytest", "python -m pytest")) for c in commands)
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme


def test_browser_link_checker_detects_broken_links(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from check_site import check_link

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text('<html><body><div id="here"></div></body></html>')
    page = Path("a/page.html")
    assert check_link(tmp_path, page, "page.html#here") is None
    assert check_link(tmp_path, page, "#here") is None
    assert check_link(tmp_path, page, "https://example.org/x") is None
    assert "no element with id" in check_link(tmp_path, page, "page.html#nowhere")
    assert "no file" in check_link(tmp_path, page, "../b/missing.html")


def test_makefile_stages_are_all_in_make_test():
    mk = (ROOT / "Makefile").read_text()
    test_recipe = mk.split("\ntest:")[1].split("\n\n")[0]
    for stage in ("unit", "nbval", "figures-check", "book-strict", "browser"):
        assert f"$(MAKE) {stage}" in test_recipe
    nbval_recipe = [ln for ln in mk.splitlines() if "pytest" in ln and "notebooks" in ln]
    assert len(nbval_recipe) == 1 and "--nbval " in nbval_recipe[0] and "--nbval-lax" not in nbval_recipe[0]
    assert "-n -W --keep-going" in mk
