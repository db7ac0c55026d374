"""Recipes only a deployment can show (``deployment_only`` in harness/recipe_specs.py), and the
callbacks chapter where its callbacks really run: a Celery worker and the DAG processor.

Each deployment-only recipe ends with its declared task states, and the site's stored-rows table
is its run on the deployment (the deployment's own URL, data folder and object prefix shown as
the in-process lane's). Then what each one promises, read through the session's backend.
"""

from __future__ import annotations

import json

import pytest

from tests.harness.recipe_specs import dag_id_of, spec_of
from tests.production.conftest import LANE
from tests.recipes.test_callbacks import notification
from tests.test_every_recipe import DEPLOYMENT_ONLY_RECIPE_FILES, check_stored_rows_page


def shown_as_in_process(deployment) -> dict[str, str]:
    return LANE.to_in_process | {deployment.url: "<api-server>"}


@pytest.mark.parametrize("recipe_file", DEPLOYMENT_ONLY_RECIPE_FILES)
def test_recipe_runs_to_its_expected_outcome_on_the_deployment(deployed_runs, recipe_file):
    run = deployed_runs[dag_id_of(recipe_file)]

    expected = spec_of(run.dag_id).task_states
    if expected is None:
        assert run.state == "success", (run.task_states, run.errors)
        assert set(run.task_states.values()) == {"success"}, (run.task_states, run.errors)
    else:
        assert run.task_states == expected, run.errors


@pytest.mark.parametrize("recipe_file", DEPLOYMENT_ONLY_RECIPE_FILES)
def test_site_shows_the_rows_the_recipe_stored_on_the_deployment(
    deployed_runs, deployment, stored_form, recipe_file
):
    run = deployed_runs[dag_id_of(recipe_file)]
    check_stored_rows_page(run.as_recipe_run(shown_as_in_process(deployment)), recipe_file)


def test_a_trigger_that_ends_its_task_stores_json_text_past_the_backend(deployed_runs):
    run = deployed_runs["operators_end_from_trigger"]
    stored = {x.key: x.stored for x in run.xcoms if x.task_id == "wait_for_export"}

    # Airflow 3.3.2: the API server stores each value of the event as JSON text, whatever the
    # XCom backend (an offloading backend would have stored a reference).
    assert stored == {
        "return_value": '{"export_id": "exp-2026-01-01", "row_count": 1834}',
        "export_uri_v1": '"s3://exports/exp-2026-01-01/part-0.parquet"',
    }
    load = next(x for x in run.xcoms if x.task_id == "load_export")
    assert load.value == {"rows": 1834, "uri": "s3://exports/exp-2026-01-01/part-0.parquet"}


def test_the_parent_sends_an_xcom_as_conf_and_reads_the_childs_result(deployed_runs):
    run = deployed_runs["cross_dag_trigger_child_with_conf"]
    values = {(x.task_id, x.key): x.value for x in run.xcoms}

    assert values[("start_child", "trigger_run_id")] == f"{run.run_id}__child"
    assert values[("read_child_result", "return_value")] == {
        "batch_id": "batch-0042",
        "row_count": 1834,
    }


def test_a_worker_refuses_a_tasks_orm_query(deployed_runs):
    run = deployed_runs["upgrading_orm_query_in_a_task"]

    assert run.errors == {
        "count_export_files": (
            "RuntimeError: Direct database access via the ORM is not allowed in Airflow 3.0"
        )
    }


def test_the_dag_processor_runs_the_dag_callback_and_its_pull_works(deployed_runs, deployment):
    run = deployed_runs["callbacks_dag_callback_reads_result"]
    data_root = deployment.airflow_env()["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"]

    assert notification(run.dag_id, "run_report", data_root) == {
        "run_id": run.run_id,
        "summary": {"new_orders": 1834, "status": "loaded"},
    }


def test_task_callbacks_on_a_celery_worker_send_what_they_send_in_process(
    deployed_runs, deployment, recipes
):
    dag_id = "callbacks_task_callbacks_read_xcoms"
    run = deployed_runs[dag_id]
    recipes.run(dag_id)  # the in-process run, for its notifications
    data_root = deployment.airflow_env()["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"]

    assert run.errors == {
        "publish_report": "ConnectionError: report server closed the connection after page 3"
    }
    for name in ("load_orders", "publish_report"):
        sent = notification(dag_id, name, data_root)
        assert sent is not None
        assert sent == notification(dag_id, name)
    assert json.dumps(notification(dag_id, "load_orders", data_root)) == (
        '{"message": "Loaded 1830 of 1834 orders"}'
    )
