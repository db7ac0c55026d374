"""Every file under dags/ is one recipe: it parses cleanly and runs to its expected outcome."""

from __future__ import annotations

import os

import pytest

from tests.harness.environment import DAGS_FOLDER, REPO_ROOT
from tests.harness.recipe_specs import spec_of
from tests.harness.stored_rows import STORED_ROWS_FOLDER, stored_rows_markdown

# Files named `_*.py` are support modules (shared types), not recipes.
RECIPE_FILES = sorted(
    str(p.relative_to(REPO_ROOT)) for p in DAGS_FOLDER.rglob("*.py") if not p.name.startswith("_")
)


def test_recipes_parse_without_import_errors_or_warnings(recipes):
    assert recipes.dagbag.import_errors == {}
    assert recipes.dagbag.captured_warnings == {}


@pytest.mark.parametrize("recipe_file", RECIPE_FILES)
def test_recipe_runs_to_its_expected_outcome(recipes, recipe_file):
    dag_ids = recipes.dag_ids_in(REPO_ROOT / recipe_file)
    assert len(dag_ids) == 1, f"{recipe_file} must define exactly one DAG, found {dag_ids}"
    run = recipes.run(dag_ids[0])

    expected = spec_of(run.dag_id).task_states
    if expected is None:
        assert run.state == "success", run.task_states
        assert set(run.task_states.values()) == {"success"}, run.task_states
    else:
        assert run.task_states == expected


@pytest.mark.parametrize("recipe_file", RECIPE_FILES)
def test_site_shows_the_rows_the_recipe_really_stored(recipes, stored_form, recipe_file):
    (dag_id,) = recipes.dag_ids_in(REPO_ROOT / recipe_file)
    generated = stored_rows_markdown(recipes.run(dag_id))
    shown = STORED_ROWS_FOLDER / f"{dag_id}.md"
    if os.environ.get("UPDATE_STORED_ROWS") == "1":
        shown.parent.mkdir(exist_ok=True)
        shown.write_text(generated)
    assert shown.is_file() and shown.read_text() == generated, (
        f"{shown.relative_to(REPO_ROOT)} differs from what {recipe_file} stores now. "
        "Regenerate it with `UPDATE_STORED_ROWS=1 ./dev check` and review the diff."
    )
