"""Which Python values survive an XCom round trip unchanged, and which come back different.

``datetime``, ``tuple``, ``set`` and ``Decimal`` are serialized with their type; dict keys become
strings; a ``Decimal`` loses trailing zeros; a named tuple comes back as a plain tuple. The
consumer reports each value's type and value as received.

- Use: to check what a consumer will receive before relying on a type.
- Avoid: assuming a round trip is the identity: compare types, not only values.
- Gotcha: dict keys become strings: ``{1: 'a'}`` comes back as ``{'1': 'a'}``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from collections import namedtuple
from datetime import UTC, datetime
from decimal import Decimal

from airflow.sdk import dag, get_current_context, task

Point = namedtuple("Point", ["x", "y"])


@dag(schedule=None, tags=["custom_types"])
def custom_types_builtin_round_trips():
    @task
    def produce_values() -> None:
        ti = get_current_context()["ti"]
        ti.xcom_push(
            key="loaded_at_v1", value=datetime(2026, 1, 1, 6, 30, tzinfo=UTC)
        )
        ti.xcom_push(key="price_v1", value=Decimal("1.10"))
        ti.xcom_push(key="bounding_box_v1", value=(0, 0, 10, 10))
        ti.xcom_push(key="regions_v1", value={"emea"})
        ti.xcom_push(key="counts_by_hour_v1", value={6: 120, 7: 95})
        ti.xcom_push(key="origin_v1", value=Point(0, 0))

    @task
    def describe_received():
        ti = get_current_context()["ti"]
        keys = ["loaded_at_v1", "price_v1", "bounding_box_v1", "regions_v1"]
        keys += ["counts_by_hour_v1", "origin_v1"]
        received = {
            key: ti.xcom_pull(task_ids="produce_values", key=key)
            for key in keys
        }
        return {
            key: f"{type(value).__name__}: {value!r}"
            for key, value in received.items()
        }

    produce_values() >> describe_received()


dag = custom_types_builtin_round_trips()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
