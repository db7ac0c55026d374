"""Between DAGs chapter: what each recipe promises, read back through the backend."""

from __future__ import annotations

from tests.harness.version_lane import expect_the_lesson_on_this_airflow

MANIFEST = {"prefix": "exports/2026-01-01/", "file_count": 3}


def test_producer_publishes_its_manifest_under_a_named_key(recipes):
    run = recipes.run("cross_dag_export_producer")

    assert run.keys("publish_manifest") == ["export_manifest_v1"]
    assert run.value("publish_manifest", "export_manifest_v1") == MANIFEST


def test_cross_dag_pull_works_by_run_id_and_include_prior_dates_returns_none(recipes):
    run = recipes.run("cross_dag_pull_by_run_id")

    assert run.run_id != recipes.run("cross_dag_export_producer").run_id
    # Pins apache/airflow#70173: when this fails, Airflow fixed it; update the recipe and page.
    assert run.value("read_manifest") == {"by_run_id": MANIFEST, "by_prior_dates": None}


def test_asset_event_metadata_reaches_the_consumer_without_any_xcom(recipes):
    producer = recipes.run("cross_dag_asset_producer")
    consumer = recipes.run("cross_dag_asset_consumer")

    assert producer.xcoms == []
    assert consumer.value("read_export_metadata") == {"partition": "2026-01-01", "row_count": 1000}


def test_triggered_child_reads_its_conf_as_params_with_a_default(recipes):
    run = recipes.run("cross_dag_triggered_child")

    assert run.value("summarize_batch") == {"batch_id": "batch-manual", "row_count": 1834}
    assert [x.task_id for x in run.xcoms if x.dag_result] == ["summarize_batch"]


def test_the_parent_triggers_this_chapters_child_with_a_conf_from_an_xcom(recipes):
    """``cross_dag_trigger_child_with_conf`` runs on the production lane (its values are checked
    in tests/production/test_deployment_only_recipes.py); here, the wiring its page describes."""
    expect_the_lesson_on_this_airflow("cross_dag_trigger_child_with_conf")
    parent = recipes.dagbag.get_dag("cross_dag_trigger_child_with_conf")
    start_child = parent.get_task("start_child")

    assert recipes.dagbag.get_dag(start_child.trigger_dag_id) is not None
    assert start_child.upstream_task_ids == {"pick_batch"}  # the XComArg in conf wired it
    assert (start_child.wait_for_completion, start_child.deferrable) == (True, True)
    assert start_child.trigger_run_id == "{{ run_id }}__child"
