"""The built site in headless Chromium (Debian's ``chromium``, driven by Playwright), as readers
see it. Every page, loaded once: on a 390-pixel phone screen no console error, no request that
leaves the machine, no element wider than the screen, no task id or key broken across lines,
every code block titled with its source file or where it runs, stored rows read as stored; at
1280 pixels no recipe code block scrolls sideways. Then search finds a recipe by an API name,
and dark mode toggles.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.harness.airflow_ui import ChromiumMissing, open_browser
from tests.harness.environment import REPO_ROOT
from tests.test_site import CODE, includes

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    """The site built from this checkout, served on 127.0.0.1; yields its base URL."""
    folder = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(folder)],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=True,
    )
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    try:
        with open_browser() as chromium:
            yield chromium
    except ChromiumMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(str(missing))
        pytest.skip(str(missing))


def page_urls() -> dict[str, str]:
    """Every page of the site: its path under the base URL -> its Markdown source."""
    pages = {}
    for page in sorted((REPO_ROOT / "docs").rglob("*.md")):
        relative = page.relative_to(REPO_ROOT / "docs")
        if relative.parts[0] in ("stored_rows", "measured"):
            continue
        folder = relative.parent if relative.stem == "index" else relative.with_suffix("")
        pages["/" if str(folder) == "." else f"/{folder}/"] = f"docs/{relative}"
    return pages


PAGES = page_urls()


def stored_cells(source: str) -> list[str]:
    """The text of every stored-rows cell that the page ``source`` includes, as generated."""
    cells = []
    for page, path, _ in includes():
        if page == source and path.startswith("docs/stored_rows/"):
            rows = (REPO_ROOT / path).read_text().splitlines()
            cells += [
                html.unescape(c)
                for row in rows
                if row.startswith("| <code>")
                for c in CODE.findall(row)
            ]
    return cells


@pytest.fixture(scope="module")
def tab(browser, site):
    """One tab; ``problems`` collects console errors, page errors and requests to other hosts
    (a web font, a CDN script) while the tests use it."""
    page = browser.new_page(viewport=PHONE)
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "request",
        lambda r: None if r.url.startswith(site) else page.problems.append(f"request to {r.url}"),
    )
    yield page
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_well_on_a_phone_and_a_laptop(tab, site, path):
    tab.set_viewport_size(PHONE)
    tab.problems.clear()
    tab.goto(site + path)
    tab.wait_for_load_state("networkidle")

    assert tab.problems == []
    overflowing = tab.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.closest('pre, .md-typeset__scrollwrap, .tabbed-labels'))
            .map(e => `${e.tagName} ${e.textContent.slice(0, 60)}`)"""
    )
    assert overflowing == [], f"{path}: elements wider than a 390 px screen"
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    untitled = tab.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content div.highlight'))
            .filter(h => !h.querySelector('.filename'))
            .map(h => h.textContent.slice(0, 80))"""
    )
    assert untitled == [], f"{path}: code blocks without a title saying where they come from"
    broken = tab.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content td:nth-child(-n + 2) code'))
            .filter(code => code.getClientRects().length > 1)
            .map(code => code.textContent)"""
    )
    assert broken == [], f"{path}: task ids or keys broken across lines in a table"
    seen = set(tab.locator(".md-content td code").all_text_contents())
    missing = [cell for cell in stored_cells(PAGES[path]) if cell not in seen]
    assert missing == [], f"{path}: stored-rows cells not shown as stored"

    tab.set_viewport_size(LAPTOP)
    cut = tab.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content .highlight'))
            .filter(h => (h.querySelector('.filename') || {}).textContent?.startsWith('dags/'))
            .map(h => h.querySelector('pre > code'))
            .filter(code => code.scrollWidth > code.clientWidth + 1)
            .map(code => code.closest('.highlight').querySelector('.filename').textContent)"""
    )
    assert cut == [], f"{path}: recipe code wider than a laptop's column (dags/ruff.toml)"


def test_search_finds_a_recipe_by_an_api_name(browser, site):
    page = browser.new_page(viewport=LAPTOP)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")  # the search index is loaded by a web worker
    page.locator(".md-search__input").first.click()
    page.keyboard.type("multiple_outputs")  # typed: search runs on key events
    # Results are redrawn after each key until the whole word is searched: wait for the one
    # wanted, then read every link at once (reading them one by one raced a redraw).
    found = "[...document.querySelectorAll('.md-search-result__link')].map(a => a.href)"
    try:
        page.wait_for_function(f"() => {found}.some(href => href.includes('taskflow/'))")
    except PlaywrightTimeoutError:
        pytest.fail(f"no TaskFlow page among the results: {page.evaluate(f'() => {found}')}")
    page.close()


def test_dark_mode_toggles(browser, site):
    page = browser.new_page(viewport=LAPTOP, color_scheme="light")
    page.goto(site + "/")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.get_by_title("Switch to dark mode").first.click()
    assert page.evaluate(scheme) == "slate"
    page.get_by_title("Switch to light mode").first.click()
    assert page.evaluate(scheme) == "default"
    page.close()
