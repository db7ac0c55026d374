"""Explicit keys: name each XCom for what it holds, and version the name when its shape changes.

A bare ``return_value`` tells a reader of the UI's XCom tab nothing. Push the values other teams
depend on under specific keys declared once as constants, and when a value's meaning or shape
changes, publish ``_v2`` beside ``_v1`` until every reader has moved.

- Use: for any value another task or team reads: the key says what it is.
- Avoid: for a value only the next TaskFlow task takes as an argument: ``return_value`` is fine
  there.
- Gotcha: renaming a key breaks every reader silently (they pull ``None``); publish the new name
  beside the old one.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task

# Declared once; producers and consumers use the constant, never a retyped
# string.
PROCESSED_CUSTOMER_COUNT_V1 = (
    "processed_customer_count_v1"  # int: every processed customer
)
PROCESSED_CUSTOMER_COUNT_V2 = (
    "processed_customer_count_v2"  # dict: billable and test accounts
)

CUSTOMERS = [
    {"id": 1, "email": "ana@example.com", "test_account": False},
    {"id": 2, "email": "bo@example.com", "test_account": False},
    {"id": 3, "email": "qa-bot@example.com", "test_account": True},
    {"id": 4, "email": "", "test_account": False},
]


@dag(schedule=None, tags=["basics"])
def basics_explicit_keys():
    @task
    def clean_customers() -> None:
        ti = get_current_context()["ti"]
        processed = [c for c in CUSTOMERS if c["email"]]
        billable = sum(1 for c in processed if not c["test_account"])
        # v1 stays published for readers that have not moved yet ...
        ti.xcom_push(key=PROCESSED_CUSTOMER_COUNT_V1, value=len(processed))
        # ... while v2 carries the new shape.
        ti.xcom_push(
            key=PROCESSED_CUSTOMER_COUNT_V2,
            value={"billable": billable, "test": len(processed) - billable},
        )
        # Returning None pushes no `return_value` row at all.

    @task
    def report_legacy() -> str:
        ti = get_current_context()["ti"]
        count = ti.xcom_pull(
            task_ids="clean_customers", key=PROCESSED_CUSTOMER_COUNT_V1
        )
        return f"{count} customers processed"

    @task
    def bill_customers() -> int:
        ti = get_current_context()["ti"]
        counts = ti.xcom_pull(
            task_ids="clean_customers", key=PROCESSED_CUSTOMER_COUNT_V2
        )
        return counts["billable"]

    clean_customers() >> [report_legacy(), bill_customers()]


dag = basics_explicit_keys()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
