"""The built site in headless Chromium (Debian's ``chromium``, driven by Playwright), as readers
see it: every page loads on a 390-pixel phone screen without a console error, a request that leaves
the machine or an element wider than the screen, every Python block is titled with its source
file, stored rows read as stored, search finds a recipe by an API name, and dark mode toggles.
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
from pathlib import Path

import pytest

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


def page_urls() -> list[str]:
    """Every page of the site, as a path under its base URL."""
    pages = []
    for page in sorted((REPO_ROOT / "docs").rglob("*.md")):
        relative = page.relative_to(REPO_ROOT / "docs")
        if relative.parts[0] in ("stored_rows", "measured"):
            continue
        folder = relative.parent if relative.stem == "index" else relative.with_suffix("")
        pages.append("/" if str(folder) == "." else f"/{folder}/")
    return pages


PAGES = page_urls()


@pytest.fixture(scope="module")
def phone(browser, site):
    """One tab at a phone's width; ``problems`` collects console errors, page errors and
    requests to other hosts (a web font, a CDN script) while the tests use it."""
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
def test_page_loads_on_a_phone_without_errors_or_overflow(phone, site, path):
    phone.problems.clear()
    phone.goto(site + path)
    phone.wait_for_load_state("networkidle")

    assert phone.problems == []
    overflowing = phone.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.closest('pre, .md-typeset__scrollwrap, .tabbed-labels'))
            .map(e => `${e.tagName} ${e.textContent.slice(0, 60)}`)"""
    )
    assert overflowing == [], f"{path}: elements wider than a 390 px screen"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    untitled = phone.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content .language-python.highlight'))
            .filter(h => !h.querySelector('.filename'))
            .map(h => h.textContent.slice(0, 80))"""
    )
    assert untitled == [], f"{path}: Python blocks without their source file as title"
    broken = phone.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content td:nth-child(-n + 2) code'))
            .filter(code => code.getClientRects().length > 1)
            .map(code => code.textContent)"""
    )
    assert broken == [], f"{path}: task ids or keys broken across lines in a table"


@pytest.fixture(scope="module")
def laptop(browser):
    page = browser.new_page(viewport=LAPTOP)
    yield page
    page.close()


RECIPE_PAGES = sorted(
    {
        f"/{Path(page).relative_to('docs').with_suffix('')}/"
        for page, path, _ in includes()
        if path.startswith("dags/")
    }
)


@pytest.mark.parametrize("path", RECIPE_PAGES)
def test_recipe_code_fits_the_column_of_a_laptop_page(laptop, site, path):
    """No line of a recipe is cut off at 1280 pixels: its block does not scroll sideways."""
    laptop.goto(site + path)
    cut = laptop.evaluate(
        """() => Array.from(document.querySelectorAll('.md-content .highlight'))
            .filter(h => (h.querySelector('.filename') || {}).textContent?.startsWith('dags/'))
            .map(h => h.querySelector('pre > code'))
            .filter(code => code.scrollWidth > code.clientWidth + 1)
            .map(code => code.closest('.highlight').querySelector('.filename').textContent)"""
    )
    assert cut == [], f"{path}: recipe code wider than the column (dags/ruff.toml line-length)"


def test_stored_rows_read_as_stored(browser, site):
    page = browser.new_page(viewport=LAPTOP)
    for table in sorted((REPO_ROOT / "docs" / "stored_rows").glob("*.md")):
        rows = [line for line in table.read_text().splitlines() if line.startswith("| <code>")]
        expected = [html.unescape(cell) for row in rows for cell in CODE.findall(row)]
        shown_on = {p for p, path, _ in includes() if path == f"docs/stored_rows/{table.name}"}
        for source in sorted(shown_on):
            relative = Path(source).relative_to("docs")
            folder = relative.parent if relative.stem == "index" else relative.with_suffix("")
            page.goto(f"{site}/{folder}/")
            seen = set(page.locator(".md-content td code").all_text_contents())
            missing = [cell for cell in expected if cell not in seen]
            assert missing == [], f"{source} does not show these cells of {table.name} as stored"
    page.close()


def test_search_finds_a_recipe_by_an_api_name(browser, site):
    page = browser.new_page(viewport=LAPTOP)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")  # the search index is loaded by a web worker
    page.locator(".md-search__input").first.click()
    page.keyboard.type("multiple_outputs")  # typed: search runs on key events
    results = page.locator(".md-search-result__link")
    results.first.wait_for(state="attached")
    targets = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("taskflow/" in (target or "") for target in targets), targets
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
