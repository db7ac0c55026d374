"""A contract over a mapped task: every map index pushes under it, the reader pulls them all.

The checks run per task instance: each map index of the producer is checked against the size
limit and the type, and the reader receives one value per map index, in map-index order.

- Use: when each instance of a mapped producer pushes a value under the same contract.
- Avoid: for a limit on the total: ``max_bytes`` applies to each instance, not to their sum.
- Gotcha: ``pull`` gives the bare value when only one map index ran (as any pull with a string
  ``task_ids``); ``pull_each`` is a list for any count.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

REGION_ORDER_COUNT = XComContract(
    key="region_order_count_v1",
    producer="count_region_orders",  # a mapped task: one row per map index
    readers={"total_orders"},
    max_bytes=16,
    value_type=int,
)


@dag(schedule=None, tags=["contracts", "mapping"])
def contracts_mapped_producer():
    @task
    def count_region_orders(region: str) -> None:
        order_counts = {"emea": 120, "amer": 340, "apac": 95}
        REGION_ORDER_COUNT.push(
            get_current_context()["ti"], order_counts[region]
        )

    @task
    def total_orders() -> int:
        # One per map index, a list even if only one region ran.
        counts = REGION_ORDER_COUNT.pull_each(get_current_context()["ti"])
        return sum(counts)

    (
        count_region_orders.expand(region=["emea", "amer", "apac"])
        >> total_orders()
    )


dag = contracts_mapped_producer()
register_contracts(dag, REGION_ORDER_COUNT)
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
