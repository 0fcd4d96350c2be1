"""Real-browser check of the built book (a stage of `make test`).

Serves the built HTML on 127.0.0.1, loads every page in headless Chromium
(Debian's package, driven by playwright-python through ``executable_path``: no
browser download) and fails unless, on every page:

- the browser console shows no error and no uncaught exception;
- no same-origin request fails (scripts, styles, fonts, images);
- MathJax rendered every math element, none with a MathJax error
  (`mjx-merror`), and no raw ``$$`` is left in the text;
- no figure or table shows a book-wide counter ("Fig. 9") beside its one name;
- no display formula or code block is clipped: each lies inside the content
  column or in a scroll box that does, and nothing starts left of what can be
  scrolled to (``page_info.js``);
- every image loaded (``naturalWidth > 0``);
- every internal link resolves: the target file exists and, with a fragment,
  the target page has an element with that id.

It also saves a screenshot of a theorem page under the screenshot directory.

Usage: python tests/browser/check_site.py _build/html [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import functools
import html.parser
import http.server
import re
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

PAGE_INFO_JS = (Path(__file__).parent / "page_info.js").read_text()

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
SCREENSHOT_PAGES = [
    "notebooks/paper_a_lemma_3_1.html",
    "notebooks/paper_b_theorem_1.html",
    "notebooks/paper_a_model.html",
]
REDIRECT = re.compile(
    r'<meta[^>]+http-equiv="refresh"[^>]+url=([^"\s>]+)', re.IGNORECASE
)
SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static"}


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def _ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def _serve(root: Path):
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test log readable
        pass


def pages(root: Path) -> list[Path]:
    out = []
    for p in sorted(root.rglob("*.html")):
        rel = p.relative_to(root)
        if rel.parts[0] in SKIP_DIRS:
            continue
        out.append(rel)
    return out


def check_link(root: Path, page: Path, href: str) -> str | None:
    """Return a problem description for an internal link, or None if it resolves."""
    parts = urlsplit(href)
    if (
        parts.scheme
        or parts.netloc
        or href.startswith(("mailto:", "javascript:", "data:"))
    ):
        return None  # external: not checked (no network here)
    base = "/" + page.as_posix()
    target = urlsplit(urljoin(base, href))
    path = root / unquote(target.path).lstrip("/")
    if target.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return f"{href!r}: no file {path.relative_to(root)}"
    frag = unquote(target.fragment)
    if frag and path.suffix == ".html" and frag not in _ids_of(path):
        return f"{href!r}: no element with id {frag!r} in {path.relative_to(root)}"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--screenshot-dir", type=Path, default=Path("_build/screenshots"))
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per page")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    root = args.site.resolve()
    all_pages = pages(root)
    if not all_pages:
        print(f"browser check: no HTML pages under {root}", file=sys.stderr)
        return 1
    shot = args.screenshot_dir / "theorem.png"
    shot.unlink(missing_ok=True)  # never leave a stale screenshot from an earlier run
    server = _serve(root)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    problems: dict[str, list[str]] = {}
    checked_links = 0
    external: set[str] = set()
    n_math = 0
    n_img = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for rel in all_pages:
            refresh = REDIRECT.search(
                (root / rel).read_text(encoding="utf-8", errors="replace")
            )
            if refresh:  # a redirect stub (index.html -> root page): check its target
                checked_links += 1
                problem = check_link(root, rel, refresh.group(1))
                if problem:
                    problems[rel.as_posix()] = [f"broken redirect {problem}"]
                continue
            page = context.new_page()
            errs: list[str] = []
            page.on(
                "console",
                lambda m, errs=errs: (
                    errs.append(f"console {m.type}: {m.text}")
                    if m.type == "error"
                    else None
                ),
            )
            page.on(
                "pageerror",
                lambda e, errs=errs: errs.append(f"uncaught exception: {e}"),
            )
            page.on(
                "response",
                lambda r, errs=errs: (
                    errs.append(f"HTTP {r.status}: {r.url}")
                    if r.status >= 400 and r.url.startswith(origin)
                    else None
                ),
            )
            page.on(
                "request",
                lambda r: (
                    external.add(r.url.split("?")[0])
                    if not r.url.startswith((origin, "data:"))
                    else None
                ),
            )
            page.on(
                "requestfailed",
                lambda r, errs=errs: (
                    errs.append(f"request failed: {r.url} ({r.failure})")
                    if r.url.startswith(origin)
                    else None
                ),
            )
            page.goto(
                f"{origin}/{rel.as_posix()}",
                wait_until="load",
                timeout=args.timeout * 1000,
            )
            has_math = page.evaluate("() => document.querySelectorAll('.math').length")
            mathjax_loaded = page.evaluate(
                "() => !!document.querySelector('script[src*=\"mathjax\"]')"
            )
            if has_math and not mathjax_loaded:
                errs.append(
                    f"{has_math} math element(s) but the page does not load MathJax "
                    "(math in a title shown in the navigation of a page without "
                    "math of its own?)"
                )
            elif has_math:
                page.wait_for_function(
                    "() => window.MathJax && MathJax.startup "
                    "&& MathJax.startup.promise",
                    timeout=args.timeout * 1000,
                )
                page.evaluate("() => MathJax.startup.promise")
            page.wait_for_function(
                "() => document.readyState === 'complete' "
                "&& [...document.images].every(i => i.complete)",
                timeout=args.timeout * 1000,
            )
            info = page.evaluate(PAGE_INFO_JS)
            n_math += info["nmath"]
            n_img += info["nimg"]
            if info["unrendered"]:
                errs.append(
                    f"{len(info['unrendered'])} math element(s) not rendered by "
                    f"MathJax, e.g. {info['unrendered'][0]!r}"
                )
            for msg in info["counters"]:
                errs.append(f"a figure or table shows the counter {msg!r}")
            for msg in info["clipped"]:
                errs.append(f"clipped: {msg}")
            for msg in info["merrors"]:
                errs.append(f"MathJax error in a formula: {msg}")
            if info["rawdollar"]:
                errs.append("raw '$$' left in the page text")
            for src in info["broken"]:
                errs.append(f"image did not load: {src}")
            for href in sorted(set(info["hrefs"])):
                checked_links += 1
                problem = check_link(root, rel, href)
                if problem:
                    errs.append(f"broken internal link {problem}")
            if rel.as_posix() in SCREENSHOT_PAGES and not shot.exists():
                args.screenshot_dir.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot), full_page=False)
            if errs:
                problems[rel.as_posix()] = errs
            page.close()
        browser.close()
    server.shutdown()

    if not shot.is_file():
        problems.setdefault("(screenshot)", []).append(
            f"no theorem page among {SCREENSHOT_PAGES} was found"
        )
    print(
        f"browser check: {len(all_pages)} pages, {n_math} math elements, "
        f"{n_img} images, "
        f"{checked_links} links checked; screenshot {shot}"
    )
    for url in sorted(external):
        print(f"  note: a page requested the external resource {url}")
    for rel, errs in problems.items():
        for e in errs:
            print(f"  {rel}: {e}")
    if problems:
        print(f"browser check FAILED on {len(problems)} page(s)")
        return 1
    print("browser check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
