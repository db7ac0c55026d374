"""Drift guards: the site shows only code from tested files; every recipe is shown and tested."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.harness.docs_blocks import fenced_blocks
from tests.harness.environment import DAGS_FOLDER, REPO_ROOT

DOCS = REPO_ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
# `--8<-- "path"` or `--8<-- "path:section"` alone on a line; a leading `;` escapes it.
INCLUDE = re.compile(r'^\s*--8<-- "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$', re.MULTILINE)


def includes() -> list[tuple[str, str, str | None]]:
    """(page, path, section) for every snippet include on the site."""
    return [
        (str(page.relative_to(REPO_ROOT)), m["path"], m["section"])
        for page in PAGES
        for m in INCLUDE.finditer(page.read_text())
    ]


def chapter_page(chapter: str) -> str:
    """The page of a dags/ chapter folder: ``cross_dag`` -> ``docs/cross-dag.md``."""
    return f"docs/{chapter.replace('_', '-')}.md"


def test_the_site_has_pages_and_includes():
    assert PAGES and includes()


def test_every_recipe_and_template_file_is_included_by_some_page():
    included = {path for _, path, _ in includes()}
    shown_files = {
        str(p.relative_to(REPO_ROOT))
        for folder in (DAGS_FOLDER, REPO_ROOT / "templates")
        for p in folder.rglob("*.py")
    }
    assert shown_files - included == set(), "recipes and templates no page shows"


def test_every_include_names_an_existing_file_and_section():
    for page, path, section in includes():
        source = REPO_ROOT / path
        assert source.is_file(), f"{page} includes {path}, which does not exist"
        if section:
            text = source.read_text()
            for marker in (f"# --8<-- [start:{section}]", f"# --8<-- [end:{section}]"):
                assert marker in text, f"{page} includes {path}:{section}; {marker!r} is missing"


def test_every_python_block_is_an_include_titled_with_its_source():
    for page in PAGES:
        for block in fenced_blocks(str(page.relative_to(DOCS))):
            if block["language"] not in ("python", "py"):
                continue
            body_lines = [line for line in block["body"].splitlines() if line.strip()]
            sources = [INCLUDE.match(line) for line in body_lines]
            assert body_lines and all(sources), (
                f"{page.name} has a Python block that is not included from a tested file:\n"
                f"{block['body']}"
            )
            title = re.search(r'title="([^"]+)"', block["info"])
            assert title and {s["path"] for s in sources} == {title[1]}, (
                f"{page.name}: a Python block including {[s['path'] for s in sources]} must have "
                f'title="<that file>" so readers see where the code comes from'
            )


def test_every_code_block_says_where_it_comes_from():
    untitled = [
        (str(page.relative_to(DOCS)), block["body"].splitlines()[0])
        for page in PAGES
        for block in fenced_blocks(str(page.relative_to(DOCS)))
        if 'title="' not in block["info"]
    ]
    assert untitled == [], "blocks need a title: the source file, or where a command runs"


def dev_commands(dev_script: Path) -> set[str]:
    """The subcommands of a ``dev`` script: its ``case`` branches."""
    return set(re.findall(r"^  (\w[\w-]*)\)$", dev_script.read_text(), re.MULTILINE))


def test_every_dev_command_a_page_shows_exists():
    ours = dev_commands(REPO_ROOT / "dev")
    generated = dev_commands(REPO_ROOT / "{{cookiecutter.project_slug}}" / "dev")
    unknown = {
        (page.name, name)
        for page in PAGES
        for name in re.findall(r"\./dev ([a-z][\w-]*)", page.read_text())
        if name not in (generated if page.name == "generator.md" else ours)
    }
    assert ours and generated and unknown == set()


def test_every_recipe_shows_its_stored_rows(recipes):
    included = {path for _, path, _ in includes()}
    missing = [d for d in recipes.dagbag.dag_ids if f"docs/stored_rows/{d}.md" not in included]
    assert missing == [], "recipes whose page does not include docs/stored_rows/<dag_id>.md"


def test_every_chapter_has_its_test_module_and_its_page(recipes):
    """dags/<chapter>/<recipe>.py is tested in tests/recipes/test_<chapter>.py, which runs it, and
    shown on docs/<chapter>.md (underscores as dashes)."""
    untested = []
    for dag in recipes.dagbag.dags.values():
        recipe = Path(dag.fileloc).relative_to(DAGS_FOLDER)
        chapter_tests = REPO_ROOT / "tests" / "recipes" / f"test_{recipe.parts[0]}.py"
        if not chapter_tests.is_file() or f'"{dag.dag_id}"' not in chapter_tests.read_text():
            untested.append(
                f"{recipe} (dag {dag.dag_id}) -> {chapter_tests.relative_to(REPO_ROOT)}"
            )
    assert untested == [], "recipes without a test in their chapter's test module"
    pages = {(path, page) for page, path, _ in includes()}
    off_page = [
        str(recipe.relative_to(REPO_ROOT))
        for recipe in DAGS_FOLDER.glob("*/[!_]*.py")
        if (str(recipe.relative_to(REPO_ROOT)), chapter_page(recipe.parent.name)) not in pages
    ]
    assert off_page == [], "recipes not on their chapter's page docs/<chapter with dashes>.md"
    modules = {p.stem for p in (REPO_ROOT / "tests" / "recipes").glob("test_*.py")}
    chapters = {
        f"test_{p.name}"
        for p in DAGS_FOLDER.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_"))
    }
    assert modules == chapters, "one test module per chapter, named after its dags/ folder"


def test_site_builds_in_strict_mode(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"} | {"COOKBOOK_SITE_URL": ""},
        check=False,
    )
    assert build.returncode == 0, build.stderr
    assert "WARNING" not in build.stderr, build.stderr
    assert (tmp_path / "basics" / "index.html").is_file()
    assert_stored_rows_render_as_stored(tmp_path)
    # No page names a local address as its home (site_url comes from COOKBOOK_SITE_URL, if set).
    canonical = re.compile(r'<link rel="canonical" href="([^"]*)"')
    for page in tmp_path.rglob("*.html"):
        for url in canonical.findall(page.read_text()):
            assert "127.0.0.1" not in url and "localhost" not in url, f"{page}: {url}"


CODE = re.compile(r"<code>(.*?)</code>")


class CodeCells(HTMLParser):
    """The text of every ``<td><code>`` cell of a page, and any markup found inside one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.markup: list[str] = []
        self._in_cell = self._in_code = False

    def handle_starttag(self, tag, attrs) -> None:
        if self._in_code:
            self.markup.append(tag)
        self._in_cell |= tag == "td"
        if self._in_cell and tag == "code":
            self._in_code = True
            self.cells.append("")

    def handle_endtag(self, tag) -> None:
        if tag == "code":
            self._in_code = False
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data) -> None:
        if self._in_code:
            self.cells[-1] += data


def assert_stored_rows_render_as_stored(site) -> None:
    """Each stored-rows cell on the built site reads exactly as in its generated table."""
    for table in sorted((REPO_ROOT / "docs" / "stored_rows").glob("*.md")):
        rows = [line for line in table.read_text().splitlines() if line.startswith("| <code>")]
        expected = [html.unescape(cell) for row in rows for cell in CODE.findall(row)]
        for page, path, _ in includes():
            if path != f"docs/stored_rows/{table.name}":
                continue
            source = Path(page).relative_to("docs")
            folder = source.parent if source.stem == "index" else source.with_suffix("")
            built = site / folder / "index.html"
            rendered = CodeCells()
            rendered.feed(built.read_text())
            assert rendered.markup == [], f"{built}: markup inside stored-rows cells"
            missing = [cell for cell in expected if cell not in rendered.cells]
            assert missing == [], f"{page} does not show these cells of {table.name} as stored"


def test_the_backends_page_names_each_profiles_layers():
    from tests.harness.backend_profiles import PROFILES

    rows = (REPO_ROOT / "docs" / "backends" / "index.md").read_text().splitlines()
    for profile in PROFILES.values():
        layers = profile.options.get("AIRFLOW__XCOM_LAYERS__LAYERS")
        if layers:  # object-storage-s3 and its siblings share the row of `object-storage-local`
            family = profile.name.removesuffix(f"-{profile.store}")
            row = next(line for line in rows if line.startswith(f"| `{family}"))
            assert f"`layers = {layers}`" in row, profile.name


def test_every_test_the_threat_model_cites_exists():
    page = (REPO_ROOT / "docs" / "threat-model.md").read_text()
    cited = re.findall(r"`([\w/]+\.py)::(\w+)", page)
    assert cited, "the threat-model page names the test behind each route"
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if f"def {name}(" not in (REPO_ROOT / "tests" / path).read_text()
    ]
    assert missing == [], "tests named on the threat-model page that do not exist"


# What a copied recipe needs besides Airflow: a support module or template, or configuration.
NEEDS_MORE = re.compile(
    r"^\s*from (?:callbacks|custom_types|xcom_backends|export_ready_trigger)\b"
    r"|Variable\.get|Connection\.get|var\.value",
    re.MULTILINE,
)


def test_getting_started_lists_every_recipe_that_needs_more_than_airflow():
    from tests.harness.recipe_specs import dag_id_of, spec_of
    from tests.test_every_recipe import RECIPE_FILES

    page = (DOCS / "getting-started.md").read_text()
    unlisted = [
        recipe
        for recipe in RECIPE_FILES
        if (
            NEEDS_MORE.search((REPO_ROOT / recipe).read_text())
            or spec_of(dag_id_of(recipe)).run_first
        )
        and f"`{recipe.removeprefix('dags/')}`" not in page
    ]
    assert unlisted == [], "recipes missing from the 'needs' table of docs/getting-started.md"


MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
ISSUE_NUMBER = re.compile(r"#\d{4,6}\b")


def test_every_issue_number_is_a_link():
    """``apache/airflow#70173`` is a link to the issue, never bare text (a bare ``#70969`` at the
    start of a line even renders as a heading)."""
    bare = [
        f"{page.relative_to(REPO_ROOT)}: {match}"
        for page in PAGES
        if "stored_rows" not in page.parts
        for match in ISSUE_NUMBER.findall(MARKDOWN_LINK.sub("", page.read_text()))
    ]
    assert bare == []


DOCSTRING = re.compile(r"^\s*<!-- docstring: (?P<path>\S+\.py) -->$", re.MULTILINE)


def test_every_recipe_section_shows_the_recipes_docstring():
    """Where a page shows a recipe's code it shows its docstring too (tools/recipe_docstrings.py):
    what the recipe shows, when to use it, when not and the gotcha, written once in the file;
    and the Airflow releases it holds on (tools/airflow_versions_on_pages.py)."""
    missing = []
    for page in PAGES:
        text = page.read_text()
        shown = {m["path"] for m in DOCSTRING.finditer(text)}
        for m in INCLUDE.finditer(text):
            path = m["path"]
            recipe = path.startswith("dags/") and not Path(path).name.startswith("_")
            if recipe and path not in shown:
                missing.append(f"{page.relative_to(REPO_ROOT)}: {path}")
            if recipe and f"<!-- airflow-versions: {path} -->" not in text:
                missing.append(f"{page.relative_to(REPO_ROOT)}: the Airflow versions of {path}")
    assert missing == []


def test_every_recipe_docstring_ends_with_use_avoid_and_gotcha():
    """The three questions a reader brings to a recipe, answered last in its docstring as
    ``- Use: ...``, ``- Avoid: ...``, ``- Gotcha: ...`` (the site shows the labels bold)."""
    import ast

    unanswered = []
    for recipe in sorted(DAGS_FOLDER.rglob("*.py")):
        if recipe.name.startswith("_"):
            continue
        docstring = ast.get_docstring(ast.parse(recipe.read_text())) or ""
        labels = re.findall(r"^- (\w+): \S", docstring, re.MULTILINE)
        if labels[-3:] != ["Use", "Avoid", "Gotcha"]:
            unanswered.append(str(recipe.relative_to(DAGS_FOLDER)))
    assert unanswered == []


def test_no_whole_library_module_comes_before_a_pages_first_recipe():
    """A reader meets the recipes first: before them a page shows a section of a template
    (``file.py:section``), and a whole module only collapsed (``??? note``) or further down."""
    for page in PAGES:
        lines = page.read_text().splitlines()
        first_recipe = next((i for i, line in enumerate(lines) if '--8<-- "dags/' in line), 0)
        collapsed = False
        for line in lines[:first_recipe]:
            if line.startswith("??? "):
                collapsed = True
            elif line.strip() and not line.startswith((" ", "\t")):
                collapsed = False
            match = INCLUDE.match(line)
            if match and match["path"].startswith("templates/") and not match["section"]:
                assert collapsed, f"{page.name} shows all of {match['path']} before its recipes"
