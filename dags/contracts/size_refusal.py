"""A push over the contract's ``max_bytes`` fails before anything is stored, and says what to do.

The producer tries to push the rows themselves instead of a reference to them. The refusal is this
recipe's expected outcome; nothing reaches the metadata DB.

- Use: to stop a producer from turning XCom into a data bus, with a message that says what to push
  instead.
- Avoid: as the only guard of the metadata DB: set the backend's size guard too, for pushes that
  skip contracts.
- Gotcha: the limit counts the value's JSON text (``json.dumps``), not its size in Python.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

ORDER_IDS = XComContract(
    key="new_order_ids_v1",
    producer="find_new_orders",
    readers={"load_orders"},
    max_bytes=1024,
)


@dag(schedule=None, tags=["contracts"])
def contracts_size_refusal():
    @task
    def find_new_orders() -> None:
        # About 16 KB: over the contract's 1,024 bytes.
        ORDER_IDS.push(
            get_current_context()["ti"], list(range(100_000, 102_000))
        )

    @task
    def load_orders() -> int:
        return len(ORDER_IDS.pull(get_current_context()["ti"]))

    find_new_orders() >> load_orders()


dag = contracts_size_refusal()
register_contracts(dag, ORDER_IDS)
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
