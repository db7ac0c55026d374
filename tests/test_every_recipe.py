"""Every file under dags/ is one recipe: it parses cleanly and runs to its expected outcome."""

from __future__ import annotations

import os

import pytest

from tests.recipe_harness import DAGS_FOLDER, REPO_ROOT, STORED_ROWS_FOLDER, stored_rows_markdown

# Files named `_*.py` are support modules (shared types), not recipes.
RECIPE_FILES = sorted(
    str(p.relative_to(REPO_ROOT)) for p in DAGS_FOLDER.rglob("*.py") if not p.name.startswith("_")
)

# Recipes whose lesson is a failure list the state each of their task instances must end in.
EXPECTED_TASK_STATES: dict[str, dict[str, str]] = {
    "pulling_missing_key": {
        "find_new_files": "success",
        "pull_with_a_typo": "success",
        "require_the_count": "failed",
        "receive_missing_return_value": "success",
    },
    "mapping_max_map_length_exceeded": {
        "list_customer_ids": "failed",
        "email_customer": "upstream_failed",
        "list_customer_id_ranges": "success",
        "email_batch[0]": "success",
        "email_batch[1]": "success",
        "email_batch[2]": "success",
    },
    "custom_types_class_not_in_allow_list": {"request_quote": "success", "book_carrier": "failed"},
    "custom_types_unserializable_values": {
        "return_bytes": "failed",
        "return_nan": "failed",
        "return_ndarray": "failed",
        "return_converted": "success",
    },
    "contracts_denied_pull": {
        "export_orders": "success",
        "load_orders": "success",
        "notify_channel": "failed",
    },
    "contracts_size_refusal": {"find_new_orders": "failed", "load_orders": "upstream_failed"},
    "control_flow_branch_on_value": {
        "count_new_rows": "success",
        "choose_path": "success",
        "load_rows": "skipped",
        "report_nothing_new": "success",
    },
    "control_flow_short_circuit": {
        "count_new_files": "success",
        "has_new_files": "success",
        "ingest_files": "skipped",
    },
}


def test_recipes_parse_without_import_errors_or_warnings(recipes):
    assert recipes.dagbag.import_errors == {}
    assert recipes.dagbag.captured_warnings == {}


@pytest.mark.parametrize("recipe_file", RECIPE_FILES)
def test_recipe_runs_to_its_expected_outcome(recipes, recipe_file):
    dag_ids = recipes.dag_ids_in(REPO_ROOT / recipe_file)
    assert len(dag_ids) == 1, f"{recipe_file} must define exactly one DAG, found {dag_ids}"
    run = recipes.run(dag_ids[0])

    expected = EXPECTED_TASK_STATES.get(run.dag_id)
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
