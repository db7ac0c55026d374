"""Every file under dags/ is one recipe: it parses cleanly and runs to its expected outcome."""

from __future__ import annotations

import os
import re

import pytest

from tests.harness.environment import DAGS_FOLDER, REPO_ROOT
from tests.harness.recipe_specs import dag_id_of, spec_of
from tests.harness.stored_rows import STORED_ROWS_FOLDER, stored_rows_markdown

# Files named `_*.py` are support modules (shared types), not recipes.
RECIPE_FILES = sorted(
    str(p.relative_to(REPO_ROOT)) for p in DAGS_FOLDER.rglob("*.py") if not p.name.startswith("_")
)
# The production lane alone runs the others (tests/production/test_deployment_only_recipes.py).
IN_PROCESS_RECIPE_FILES = [f for f in RECIPE_FILES if not spec_of(dag_id_of(f)).deployment_only]
DEPLOYMENT_ONLY_RECIPE_FILES = [f for f in RECIPE_FILES if f not in IN_PROCESS_RECIPE_FILES]


def test_recipes_parse_without_import_errors_or_warnings(recipes):
    assert recipes.dagbag.import_errors == {}
    assert recipes.dagbag.captured_warnings == {}


@pytest.mark.parametrize("recipe_file", RECIPE_FILES)
def test_recipe_defines_one_dag_named_after_its_file(recipes, recipe_file):
    assert recipes.dag_ids_in(REPO_ROOT / recipe_file) == [dag_id_of(recipe_file)]


@pytest.mark.parametrize("recipe_file", IN_PROCESS_RECIPE_FILES)
def test_recipe_runs_to_its_expected_outcome(recipes, recipe_file):
    run = recipes.run(dag_id_of(recipe_file))

    expected = spec_of(run.dag_id).task_states
    if expected is None:
        assert run.state == "success", run.task_states
        assert set(run.task_states.values()) == {"success"}, run.task_states
    else:
        assert run.task_states == expected


@pytest.mark.parametrize("recipe_file", IN_PROCESS_RECIPE_FILES)
def test_site_shows_the_rows_the_recipe_really_stored(recipes, stored_form, recipe_file):
    check_stored_rows_page(recipes.run(dag_id_of(recipe_file)), recipe_file)


def check_stored_rows_page(run, recipe_file: str) -> None:
    """The recipe's stored-rows page equals the table of ``run`` (rewritten when asked)."""
    generated = stored_rows_markdown(run)
    shown = STORED_ROWS_FOLDER / f"{run.dag_id}.md"
    if os.environ.get("UPDATE_STORED_ROWS") == "1":
        shown.parent.mkdir(exist_ok=True)
        shown.write_text(generated)
    assert shown.is_file() and shown.read_text() == generated, (
        f"{shown.relative_to(REPO_ROOT)} differs from what {recipe_file} stores now. "
        "Regenerate it with `UPDATE_STORED_ROWS=1 ./dev check` and review the diff."
    )


# Context keys that runs without a logical date (asset-triggered, API-triggered with none) lack.
NEEDS_A_LOGICAL_DATE = re.compile(
    r"""\[\s*["'](ds|ds_nodash|logical_date)["']\s*\]|\{\{\s*(ds|ds_nodash|logical_date)\b"""
)


@pytest.mark.parametrize("recipe_file", RECIPE_FILES)
def test_recipe_reads_only_context_keys_every_run_has(recipe_file):
    source = (REPO_ROOT / recipe_file).read_text()
    found = [m.group(0) for m in NEEDS_A_LOGICAL_DATE.finditer(source)]
    assert not found, (
        f"{recipe_file} reads {found}: a run without a logical date has no such key (KeyError). "
        "Use context['dag_run'].run_after or context['run_id'] (basics/run_without_logical_date.py)"
    )
