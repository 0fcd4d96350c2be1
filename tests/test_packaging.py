"""The repository's own contracts: pinned environment, citation metadata, table of
contents, notebooks, figures, publishing."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import nbformat
import pytest
import yaml

import fairlib
from fairlib import _meta
from fairlib.sweep import notebook_parameters

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))


def test_lock_pins_every_package_exactly():
    lines = [
        ln
        for ln in (ROOT / "requirements-lock.txt").read_text().splitlines()
        if ln and not ln.startswith("#")
    ]
    assert len(lines) > 50
    bad = [
        ln
        for ln in lines
        if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-!]+", ln)
    ]
    assert bad == []
    names = {ln.split("==")[0].lower().replace("_", "-") for ln in lines}
    direct = [
        re.split(r"[=<>\s#]", ln.strip())[0].lower().replace("_", "-")
        for ln in (ROOT / "requirements.in").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert [d for d in direct if d not in names] == []
    assert "jupyter-book==1.0.4.post1" in lines


def test_environment_yml_is_equivalent_to_the_lock():
    import write_environment_yml

    assert (ROOT / "environment.yml").read_text() == write_environment_yml.render()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_citation_cff_is_valid_and_consistent():
    schema = json.loads(
        (ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text()
    )
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    # YAML reads it as a date; the schema wants the string
    cff["date-released"] = str(cff["date-released"])
    jsonschema.validate(cff, schema, format_checker=jsonschema.FormatChecker())
    assert cff["url"] == _meta.BOOK_URL
    assert cff["repository-code"] == _meta.REPOSITORY_URL
    assert cff["title"] == _meta.TITLE


def test_citation_cff_schema_check_can_fail():
    schema = json.loads(
        (ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text()
    )
    with pytest.raises(jsonschema.ValidationError):  # no authors, no message
        jsonschema.validate({"cff-version": "1.2.0", "title": "x"}, schema)


def test_one_version_everywhere():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    version = str(cff["version"])
    assert fairlib.__version__ == version
    assert pyproject["project"]["version"] == version
    assert _meta.VERSION == version
    assert json.loads((ROOT / ".zenodo.json").read_text())["version"] == version


def test_zenodo_json_agrees_with_citation_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    zenodo = json.loads((ROOT / ".zenodo.json").read_text())
    assert zenodo["title"] == cff["title"]
    assert zenodo["license"] == cff["license"]
    assert zenodo["keywords"] == cff["keywords"]
    assert zenodo["publication_date"] == str(cff["date-released"])
    assert [c["name"] for c in zenodo["creators"]] == list(_meta.AUTHORS)
    assert zenodo["upload_type"] == "software"
    urls = [
        r["identifier"] for r in zenodo["related_identifiers"] if r["scheme"] == "url"
    ]
    assert urls == [_meta.REPOSITORY_URL]


def test_meta_reads_the_urls_from_the_book_config():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert _meta.REPOSITORY_URL == cfg["repository"]["url"] == cff["repository-code"]
    assert _meta.BOOK_URL == cfg["html"]["baseurl"] == cff["url"]
    assert _meta.TITLE == cff["title"]
    assert re.fullmatch(r"[0-9a-f]{7,40}|unknown", _meta.commit())


def test_repository_url_is_written_once():
    """Only _config.yml (read by fairlib._meta) and the two metadata files that cannot
    read YAML (checked above) spell out the repository's or the book's URL."""
    repo_host, owner = _meta.REPOSITORY_URL.split("://")[1].split("/")[:2]
    needles = (f"{repo_host}/{owner}", _meta.BOOK_URL.split("://")[1].split("/")[0])
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    allowed = {"_config.yml", "CITATION.cff", ".zenodo.json"}
    offenders = []
    for name in files:
        path = ROOT / name
        if name in allowed or path.suffix not in {".py", ".md", ".yml", ".toml", ""}:
            continue
        if path.is_file() and any(
            n in path.read_text(errors="ignore") for n in needles
        ):
            offenders.append(name)
    for nb in NOTEBOOKS:  # the sources; outputs are written by fairlib.figures
        sources = nbformat.read(nb, as_version=4).cells
        # the Colab set-up cell is generated from _meta (checked below), not typed
        sources = [
            c for c in sources if _meta.COLAB_TAG not in c.metadata.get("tags", [])
        ]
        if any(n in c.source for c in sources for n in needles):
            offenders.append(nb.name)
    assert offenders == []


def test_book_config_points_at_the_same_place():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["repository"]["url"] == _meta.REPOSITORY_URL
    assert cfg["html"]["baseurl"] == _meta.BOOK_URL
    # notebooks render their committed outputs (strict nbval re-executes them)
    assert cfg["execute"]["execute_notebooks"] == "off"
    assert cfg["execute"]["allow_errors"] is False
    assert cfg["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert cfg["launch_buttons"]["binderhub_url"] and cfg["launch_buttons"]["colab_url"]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return toc, files


def test_toc_has_the_five_parts_and_lists_every_page():
    toc, files = _toc_files()
    captions = [p["caption"] for p in toc["parts"]]
    assert captions[0] == "Results at a glance"
    assert captions[1].startswith("Paper A") and captions[2].startswith("Paper B")
    assert captions[3:] == ["Beyond the papers", "Reproducibility"]
    assert toc["parts"][0]["chapters"] == [
        {"file": "book/results"},
        {"file": "book/errata"},
    ]
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
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code" and _meta.COLAB_TAG not in c.metadata.get("tags", [])
    ]
    assert "parameters" in code[0].metadata.get("tags", []), (
        "the first code cell after the Colab set-up must be tagged 'parameters'"
    )
    assert notebook_parameters(nb_path)  # parseable by Python and papermill alike
    assert all(c.execution_count for c in code), (
        "committed without outputs (nbval needs them)"
    )
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "$" not in first.source.splitlines()[0], (
        "no math in titles: the navigation shows them on pages without MathJax"
    )
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    typed = re.findall(r"(?<![\w.{`$\\])\d+\.\d{3,}(?![\w}])", text)
    assert typed == [], f"numbers typed into prose instead of glued: {typed}"


def test_figure_index_lists_exactly_the_committed_figures():
    from fairlib.figures import figure_name, load_metadata

    stems_svg = {p.stem for p in (ROOT / "figures").glob("*.svg")}
    stems_pdf = {p.stem for p in (ROOT / "figures").glob("*.pdf")}
    stems_json = {p.stem for p in (ROOT / "figures").glob("*.json")}
    assert stems_svg == stems_pdf, "every figure needs both .svg and .pdf"
    assert stems_svg == stems_json, "every figure needs its metadata (save_figure)"
    # the index (book/figures.md) is rendered from this metadata, one entry each
    index = (ROOT / "book" / "figures.md").read_text()
    assert 'load_metadata(repo_path("figures"))' in index
    metas = load_metadata(ROOT / "figures")
    assert {m["label"] for m in metas} == stems_svg
    for meta in metas:  # one name, and shown under it on the notebook that draws it
        label = meta["label"]
        assert meta["name"] == figure_name(label)
        source = (ROOT / meta["notebook"]).read_text()
        assert f":name: {label}" in source, f"{label} is not shown on its notebook"
        assert f"**{meta['name']}** —" in source, f"{label}: caption without its name"


def test_ci_runs_make_test_and_nothing_narrower():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [
        ln.strip()
        for ln in script.splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    assert "make test" in commands
    assert not any(c.startswith(("pytest", "python -m pytest")) for c in commands)
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme


def test_browser_link_checker_detects_broken_links(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from check_site import check_link

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text(
        '<html><body><div id="here"></div></body></html>'
    )
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
    nbval_recipe = [
        ln for ln in mk.splitlines() if "pytest" in ln and "notebooks" in ln
    ]
    assert (
        len(nbval_recipe) == 1
        and "--nbval " in nbval_recipe[0]
        and "--nbval-lax" not in nbval_recipe[0]
    )
    assert "-n -W --keep-going" in mk
    lint_recipe = mk.split("\nlint:")[1].split("\n\n")[0]
    assert "$(MAKE) lint" in test_recipe
    assert (
        "check-jsonschema --builtin-schema vendor.github-workflows "
        ".github/workflows/book.yml" in lint_recipe
    )


def test_workflow_tests_then_deploys_the_book():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    on = wf[True]  # YAML 1.1 reads the key "on" as True
    assert on["push"]["branches"] == ["main"]
    test, deploy = wf["jobs"]["test"], wf["jobs"]["deploy"]
    uses = [s.get("uses", "") for s in test["steps"]]
    assert uses[0].startswith("actions/checkout@")
    setup = test["steps"][1]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["python-version"] == "3.11"
    runs = [s["run"] for s in test["steps"] if "run" in s]
    assert len(runs) == 1 and runs[0].startswith("make test")
    upload = [s for s in test["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload[0]["with"]["path"] == "_build/html"
    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"]["cancel-in-progress"] is False


def test_make_dist_packs_the_release(tmp_path):
    """`make dist` on a miniature tree: the archive holds the site, figures/, data/,
    CITATION.cff, .zenodo.json and LICENSE, is named after the version, and is
    reproducible."""
    import shutil
    import tarfile

    for name in ("CITATION.cff", ".zenodo.json", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("figures", "data", "_build/html"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "figures" / "f.svg").write_text("<svg/>")
    (tmp_path / "data" / "d.csv").write_text("a\n")
    (tmp_path / "_build" / "html" / "index.html").write_text("<html></html>")

    def make_dist():
        subprocess.run(
            ["make", "-s", "-f", str(ROOT / "Makefile"), "dist"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        name = f"fair-division-companion-{_meta.VERSION}"
        return tmp_path / "_build" / "dist" / f"{name}.tar.gz", name

    archive, name = make_dist()
    with tarfile.open(archive) as tar:
        members = set(tar.getnames())
    parts = ("html/index.html", "figures/f.svg", "data/d.csv", "CITATION.cff")
    parts += ("LICENSE",)
    for part in parts:
        assert f"{name}/{part}" in members
    assert f"{name}/.zenodo.json" in members
    first = archive.read_bytes()
    assert make_dist()[0].read_bytes() == first  # same tree, same archive
    shutil.rmtree(tmp_path / "_build" / "html")
    with pytest.raises(subprocess.CalledProcessError):  # no built book: refuse
        make_dist()


def test_footer_shows_version_and_commit(monkeypatch, tmp_path):
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from companion_site import footer_html

    full = "0123456789abcdef0123456789abcdef01234567"
    text = footer_html("1.2.3", full, "0123456", False, _meta.REPOSITORY_URL)
    assert "Version 1.2.3" in text and "<code>0123456</code>" in text
    assert f'href="{_meta.REPOSITORY_URL}/commit/{full}"' in text
    assert "local changes" in footer_html("1", full, "0123456", True, "https://x")
    assert "commit unknown" in footer_html("1", "unknown", "unknown", False, "")
    monkeypatch.setattr(_meta, "ROOT", tmp_path)  # an unpacked archive: no git
    assert _meta.commit() == "unknown" and _meta.has_local_changes() is False


def test_book_config_for_publishing():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = cfg["sphinx"]["config"]
    assert cfg["html"]["baseurl"].endswith(
        "/"
    )  # jupyter-book passes it as html_baseurl
    assert sphinx["html_use_index"] is False  # the general index would be empty
    assert sphinx["html_domain_indices"] == ["prf-results"]  # "All results"
    assert sphinx["bibtex_reference_style"] == "author_year"
    assert sphinx["bibtex_default_style"] == "authoryear"  # list labels match
    ext = cfg["sphinx"]["local_extensions"]
    assert ext["companion_site"] == ext["bib_author_year"] == "book/_ext"
    bib = (ROOT / "book" / "references.bib").read_text()
    lam = bib.split("@inproceedings{lam2025price,")[1].split("\n}")[0]
    assert re.search(r"eprint\s*=\s*\{2501\.01660\}", lam)


def test_bibliography_labels_are_author_year():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import bib_author_year  # noqa: F401  (registers the pybtex style)
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "authoryear")()
    entries = style.format_bibliography(parse_file(ROOT / "book" / "references.bib"))
    labels = {e.key: e.label for e in entries}
    assert labels["shirali2024participatory"] == "Shirali et al., 2024"
    assert labels["diamond2016cvxpy"] == "Diamond and Boyd, 2016"
    assert labels["meurer2017sympy"] == "Meurer et al., 2017"  # "and others"
    assert len(set(labels.values())) == len(labels)


def test_every_notebook_starts_with_the_colab_setup_cell():
    for nb in NOTEBOOKS:
        cells = nbformat.read(nb, as_version=4).cells
        setup = [c for c in cells if _meta.COLAB_TAG in c.metadata.get("tags", [])]
        assert len(setup) == 1, nb.name
        assert setup[0].source == _meta.colab_setup_source(), nb.name
        assert "remove-cell" in setup[0].metadata["tags"], nb.name
        code = [c for c in cells if c.cell_type == "code"]
        assert code[0] is setup[0], f"{nb.name}: the set-up cell comes first"


def test_the_colab_setup_cell_does_nothing_outside_colab():
    ns: dict = {}
    exec(_meta.colab_setup_source(), ns)  # noqa: S102 - our own generated source
    assert "url" not in ns and "subprocess" not in ns


def test_license_file_matches_the_metadata():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    text = (ROOT / "LICENSE").read_text()
    assert cff["license"] == pyproject["project"]["license"]["text"] == "MIT"
    assert text.startswith("MIT License\n")
    holder = ", ".join(_meta.AUTHORS)
    assert f"Copyright (c) {_meta.YEAR} {holder}" in text
