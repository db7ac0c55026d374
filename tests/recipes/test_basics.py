"""The basics chapter: each test asserts what its recipe promises, read back through the backend."""

from __future__ import annotations

import json

from airflow.sdk import ObjectStoragePath

from tests.harness.environment import DEMO_WAREHOUSE_CONNECTION


def test_classic_push_pull_consumer_receives_both_keys(recipes):
    run = recipes.run("basics_classic_push_pull")

    assert run.keys("announce_batch") == ["batch_status_v1", "return_value"]
    assert run.value("announce_batch", "batch_status_v1") == "ready_for_processing"
    assert run.value("announce_batch") == "batch_99482"
    assert run.value("process_batch") == "processed batch_99482"


def test_taskflow_return_value_flows_to_the_argument(recipes):
    run = recipes.run("basics_taskflow_return_value")

    assert run.keys("announce_batch") == ["return_value"]
    assert run.value("process_batch") == "processed batch_99482"


def test_explicit_keys_publish_v1_and_v2_and_no_return_value(recipes):
    run = recipes.run("basics_explicit_keys")

    # What the UI's XCom tab lists for the producer: the two named keys, no `return_value`.
    assert run.keys("clean_customers") == [
        "processed_customer_count_v1",
        "processed_customer_count_v2",
    ]
    assert run.value("clean_customers", "processed_customer_count_v1") == 3
    assert run.value("clean_customers", "processed_customer_count_v2") == {"billable": 2, "test": 1}
    assert run.value("report_legacy") == "3 customers processed"
    assert run.value("bill_customers") == 2


def test_token_returned_from_a_task_is_stored_in_plain_text(recipes, stored_form):
    run = recipes.run("basics_secret_in_xcom_leaks")
    token = DEMO_WAREHOUSE_CONNECTION["password"]

    # The metadata DB (and so the UI and REST API) holds the secret verbatim.
    assert run.row("fetch_api_token").stored == token


def test_secret_by_reference_keeps_the_token_out_of_every_row(recipes):
    run = recipes.run("basics_secret_by_reference")
    token = DEMO_WAREHOUSE_CONNECTION["password"]

    assert run.value("choose_warehouse") == "warehouse_api"
    assert run.keys("call_warehouse") == ["return_value"]
    assert run.value("call_warehouse") == {
        "host": DEMO_WAREHOUSE_CONNECTION["host"],
        "authenticated": True,
    }
    every_stored_value = json.dumps([row.stored for row in run.xcoms])
    assert token not in every_stored_value


def test_reference_not_data_pushes_a_small_reference_to_the_full_data(recipes):
    run = recipes.run("basics_reference_not_data")
    export = run.value("export_orders")

    assert run.keys("export_orders") == ["return_value"]
    assert set(export) == {"uri", "row_count", "size_bytes"}
    path = ObjectStoragePath(export["uri"])
    orders = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(orders) == export["row_count"] == 1000
    assert path.stat().st_size == export["size_bytes"]
    assert run.value("total_revenue") == sum(order["amount_cents"] for order in orders)


def test_reference_not_data_stores_under_200_bytes(recipes, stored_form):
    run = recipes.run("basics_reference_not_data")

    assert len(json.dumps(run.row("export_orders").stored)) < 200  # a reference, not the data


def test_a_run_without_a_logical_date_names_things_from_run_after_and_run_id(recipes):
    run = recipes.run("basics_run_without_logical_date")

    assert run.run_id.startswith("manual__2026-01-01T00:00:00+00:00_")  # plus a random suffix
    assert run.value("export_orders") == {
        "partition": "orders/2026-01-01",
        "exported_by_run": run.run_id,
        "run_has_ds": False,
    }
