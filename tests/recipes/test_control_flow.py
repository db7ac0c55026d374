"""Control flow chapter: what each recipe promises, read back through the backend."""

from __future__ import annotations


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
