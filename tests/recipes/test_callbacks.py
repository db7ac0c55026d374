"""Callbacks chapter: what task and DAG callbacks read, checked in the notifications they send."""

from __future__ import annotations

import json
import os

from airflow.sdk import ObjectStoragePath

from tests.harness.running import run_recipe
from tests.harness.version_lane import expect_the_lesson_on_this_airflow


def notification(dag_id: str, name: str, data_root: str | None = None) -> dict | None:
    root = ObjectStoragePath(data_root or os.environ["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"])
    path = root / "notifications" / dag_id / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def test_task_callbacks_read_their_own_and_upstream_xcoms(recipes):
    run = recipes.run("callbacks_task_callbacks_read_xcoms")
    dag_id = run.dag_id

    assert run.errors == {
        "publish_report": "ConnectionError: report server closed the connection after page 3"
    }
    assert notification(dag_id, "load_orders") == {"message": "Loaded 1830 of 1834 orders"}
    assert notification(dag_id, "publish_report") == {
        "error": "report server closed the connection after page 3",
        "orders_in_run": 1834,
        "pages_before_failing": 3,
    }


def test_dag_test_runs_dag_callbacks_where_a_pull_fails(recipes):
    """Why ``callbacks_dag_callback_reads_result`` runs on the production lane only: in
    ``dag.test()`` the DAG callback's pull fails, so it sends nothing; on a deployment the DAG
    processor runs it and the pull works (tests/production)."""
    expect_the_lesson_on_this_airflow("callbacks_dag_callback_reads_result")
    dag = recipes.dagbag.get_dag("callbacks_dag_callback_reads_result")
    run = run_recipe(dag)

    assert run.state == "success"
    assert run.value("summarize_orders") == {"new_orders": 1834, "status": "loaded"}
    assert notification(run.dag_id, "run_report") is None
