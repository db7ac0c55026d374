"""A task that is not a declared reader cannot pull through the contract: it fails, naming why.

The notification task below is not among the manifest's readers, so ``pull`` refuses before any
value reaches it. The refusal is this recipe's expected outcome.

- Use: to keep a value to the tasks that need it, and to find an undeclared reader the first time
  it runs.
- Avoid: as access control against people: anyone who can read the metadata DB reads the row (seal
  it for that).
- Gotcha: the refusal is at pull time: the producer succeeds and stores the value either way.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

ORDERS_MANIFEST = XComContract(
    key="orders_manifest_v1", producer="export_orders", readers={"load_orders"}
)


@dag(schedule=None, tags=["contracts"])
def contracts_denied_pull():
    @task
    def export_orders() -> None:
        ORDERS_MANIFEST.push(
            get_current_context()["ti"],
            {"uri": "s3://warehouse/orders/1.parquet"},
        )

    @task
    def load_orders() -> str:
        return ORDERS_MANIFEST.pull(get_current_context()["ti"])["uri"]

    @task
    def notify_channel() -> str:
        # Not a declared reader.
        manifest = ORDERS_MANIFEST.pull(get_current_context()["ti"])
        return f"exported to {manifest['uri']}"

    export_orders() >> [load_orders(), notify_channel()]


dag = contracts_denied_pull()
register_contracts(dag, ORDERS_MANIFEST)
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
