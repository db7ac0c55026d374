"""Types that the custom-types recipes pass through XCom (a support module, not a recipe).

Shared types live in an importable module, not in a DAG file: Airflow loads DAG files under a
generated module name, which a worker could not import back when it deserializes the value.
Deserialization imports only allowed classes, so this module is on the allow list:

    [core]
    allowed_deserialization_classes = airflow.* custom_types._shipping_models.*

    AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES="airflow.* custom_types._shipping_models.*"
"""

from __future__ import annotations

# --8<-- [start:recipe]
from dataclasses import dataclass

from pydantic import BaseModel


@dataclass
class Shipment:
    shipment_id: str
    parcel_count: int
    weight_kg: float


class Invoice(BaseModel):
    invoice_id: str
    amount_cents: int
    currency: str = "EUR"


@dataclass
class CarrierQuote:
    """Left off the allow list on purpose by ``class_not_in_allow_list.py``."""

    carrier: str
    price_cents: int


# --8<-- [end:recipe]
