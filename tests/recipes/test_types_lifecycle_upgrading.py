"""Custom types, lifecycle and Airflow 3 behaviour-change chapters."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd

from tests.recipe_harness import UnreadableValue


def test_dataclass_is_stored_as_fields_and_rebuilt(recipes):
    run = recipes.run("custom_types_dataclass_round_trip")
    from custom_types._shipping_models import Shipment  # importable once dags/ is a bundle root

    assert run.value("plan_shipment") == Shipment("SHP-1001", 3, 12.5)
    assert run.value("label_shipment") == "SHP-1001: 3 parcels, 12.5 kg"


def test_class_off_the_allow_list_is_stored_but_cannot_be_pulled(recipes):
    run = recipes.run("custom_types_class_not_in_allow_list")

    expected = (
        "ImportError: custom_types._shipping_models.CarrierQuote was not found in allow list for "
        "deserialization imports. To allow it, add it to allowed_deserialization_classes in the "
        "configuration"
    )
    assert run.errors == {"book_carrier": expected}
    assert run.value("request_quote") == UnreadableValue(expected)


def test_pydantic_model_round_trips(recipes):
    run = recipes.run("custom_types_pydantic_model")
    from custom_types._shipping_models import Invoice

    assert run.value("issue_invoice") == Invoice(invoice_id="INV-2026-0001", amount_cents=4999)
    assert run.value("book_invoice") == "INV-2026-0001: 49.99 EUR"


def test_small_dataframe_round_trips_as_hex_parquet(recipes):
    run = recipes.run("custom_types_dataframe_round_trip")

    pd.testing.assert_frame_equal(
        run.value("revenue_by_region"),
        pd.DataFrame({"region": ["emea", "apac"], "revenue_cents": [125000, 98000]}),
    )
    assert run.value("top_region") == "emea"


def test_builtin_values_round_trip_with_their_lossy_cases(recipes):
    run = recipes.run("custom_types_builtin_round_trips")

    def pushed(key):
        return run.value("produce_values", key)

    assert pushed("loaded_at_v1") == datetime(2026, 1, 1, 6, 30, tzinfo=UTC)
    assert pushed("bounding_box_v1") == (0, 0, 10, 10)
    assert pushed("regions_v1") == {"emea"}
    # The lossy cases:
    assert pushed("price_v1") == Decimal("1.1")
    assert str(pushed("price_v1")) == "1.1"  # pushed as Decimal("1.10")
    assert pushed("counts_by_hour_v1") == {"6": 120, "7": 95}  # int keys became strings
    assert type(pushed("origin_v1")) is tuple  # the namedtuple's type is gone
    assert run.value("describe_received")["origin_v1"] == "tuple: (0, 0)"


def test_bytes_nan_and_ndarray_fail_on_push_and_store_nothing(recipes):
    run = recipes.run("custom_types_unserializable_values")

    # A custom backend may add the key, the task and a fix; Airflow's own words must be there.
    assert "Cannot serialize object of type <class 'bytes'>." in run.errors["return_bytes"]
    assert "Out of range float values are not JSON compliant" in run.errors["return_nan"]
    assert "<class 'numpy.ndarray'>. Give it a `serialize()` method" in run.errors["return_ndarray"]
    assert {x.task_id for x in run.xcoms} == {"return_converted"}
    assert run.value("return_converted") == {"image_size": 4, "score": None, "values": [1, 2]}


def test_retry_clears_what_the_failed_try_pushed(recipes):
    run = recipes.run("lifecycle_retry_clears_old_xcoms")

    assert run.errors == {
        "export_orders": "ConnectionError: object store timed out after writing part 1; retrying"
    }
    assert run.task_states["export_orders"] == "success"
    assert run.keys("export_orders") == ["export_path_v1"]  # partial_export_path_v1 is gone


def test_dag_result_flags_the_returned_tasks_row(recipes):
    run = recipes.run("lifecycle_dag_result")

    flagged = [(x.task_id, x.key, x.value) for x in run.xcoms if x.dag_result]
    assert flagged == [("format_answer", "return_value", {"active_customers": 1834})]


def test_pull_without_task_ids_reads_only_the_current_task(recipes):
    run = recipes.run("upgrading_pull_without_task_ids")

    assert run.value("resume_from_checkpoint") == {
        "no_task_ids_before_own_push": None,  # Airflow 2 would have found the upstream's value
        "no_task_ids_after_own_push": "from this task",
        "named_producer": "from upstream",
    }


def test_default_is_ignored_without_map_indexes(recipes):
    run = recipes.run("upgrading_default_needs_map_indexes")

    # Pins apache/airflow#64295: when `default_only` becomes 0, update the recipe and its page.
    assert run.value("read_error_count") == {
        "default_only": None,
        "default_with_map_indexes": 0,
        "fallback_in_code": 0,
    }


def test_stored_forms_of_custom_types(recipes, stored_form):
    dataclass_row = recipes.run("custom_types_dataclass_round_trip").row("plan_shipment").stored
    assert dataclass_row == {
        "__classname__": "custom_types._shipping_models.Shipment",
        "__version__": 0,
        "__data__": {"shipment_id": "SHP-1001", "parcel_count": 3, "weight_kg": 12.5},
    }
    unlisted = recipes.run("custom_types_class_not_in_allow_list").row("request_quote").stored
    assert unlisted["__data__"] == {"carrier": "parcel-express", "price_cents": 1299}
    frame = recipes.run("custom_types_dataframe_round_trip").row("revenue_by_region").stored
    assert frame["__classname__"] == "pandas.DataFrame"
    assert len(frame["__data__"]) > 2000  # two rows cost kilobytes in the metadata DB
