"""Custom types chapter: what each recipe promises, read back through the backend."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd

from tests.harness.running import UnreadableValue


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
