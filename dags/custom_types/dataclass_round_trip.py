"""A dataclass through XCom: stored as its fields, rebuilt as the same class downstream.

Airflow serializes a dataclass without any code of yours. The consumer gets a real ``Shipment``
back, provided the class lives in an importable module that is on
``[core] allowed_deserialization_classes`` (see ``_shipping_models.py``).

- Use: for small structured values whose readers want attributes, not dict keys.
- Avoid: for large collections of them: write them to storage and push the path.
- Gotcha: the class must be importable where the value is pulled, at the same module path.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task

from custom_types._shipping_models import Shipment


@dag(schedule=None, tags=["custom_types"])
def custom_types_dataclass_round_trip():
    @task
    def plan_shipment() -> Shipment:
        return Shipment(shipment_id="SHP-1001", parcel_count=3, weight_kg=12.5)

    @task
    def label_shipment(shipment: Shipment) -> str:
        assert isinstance(shipment, Shipment)
        return (
            f"{shipment.shipment_id}: {shipment.parcel_count} parcels, "
            f"{shipment.weight_kg} kg"
        )

    label_shipment(plan_shipment())


dag = custom_types_dataclass_round_trip()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
