"""Cross-DAG, control-flow and structure chapters."""

from __future__ import annotations

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


def test_branch_follows_the_value_and_records_its_choice(recipes):
    run = recipes.run("control_flow_branch_on_value")

    assert run.value("choose_path", "skipmixin_key") == {"followed": ["report_nothing_new"]}
    assert run.task_states["load_rows"] == "skipped"
    assert run.value("report_nothing_new") == "no new rows today"


def test_short_circuit_skips_downstream_on_a_falsy_value(recipes):
    run = recipes.run("control_flow_short_circuit")

    assert run.value("has_new_files", "skipmixin_key") == {"skipped": ["ingest_files"]}
    assert run.task_states["ingest_files"] == "skipped"


def test_sensor_pushes_what_it_found(recipes):
    run = recipes.run("control_flow_sensor_xcom_value")

    assert run.value("wait_for_orders_file") == "orders_20260101.csv"
    assert run.value("ingest") == "ingested orders_20260101.csv"


def test_task_group_takes_and_returns_values(recipes):
    run = recipes.run("structure_task_group_in_out")

    assert run.value("clean_and_count.clean") == "clean/orders.csv"
    assert run.value("report") == "3 clean rows"


def test_setup_teardown_share_the_resource_id(recipes):
    run = recipes.run("structure_setup_teardown_resource_id")

    assert run.value("create_cluster") == "cluster-20260101"
    assert run.value("run_job") == "job ran on cluster-20260101"
    assert run.value("delete_cluster") == "deleted cluster-20260101"
