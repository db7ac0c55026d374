"""An XCom declared once as a contract: the producer pushes it, readers pull it, also by template.

This recipe is about the cookbook's ``xcom_backends.contracts`` template (copy it with the backend
package). The key, the producer, the readers, the size limit and the type are written once; every
push and pull goes through the same object, so a key is never typed twice.

- Use: for values other tasks or teams depend on: one declaration names the key, who reads it and
  how big it may be.
- Avoid: for a value passed between two TaskFlow tasks of one DAG: the argument already says it.
- Gotcha: a raw ``ti.xcom_push`` or a TaskFlow return skips ``XComContract.push``; only the
  backend's ``contracts`` layer checks those.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

ORDERS_MANIFEST = XComContract(
    key="orders_manifest_v1",
    producer="export_orders",
    readers={"load_orders", "announce_load"},
    max_bytes=512,
    value_type=dict,
)


@dag(schedule=None, tags=["contracts"])
def contracts_declared_handoff():
    @task
    def export_orders() -> None:
        ti = get_current_context()["ti"]
        ORDERS_MANIFEST.push(
            ti, {"uri": "s3://warehouse/orders/20260101.parquet", "rows": 1000}
        )

    @task
    def load_orders() -> int:
        manifest = ORDERS_MANIFEST.pull(get_current_context()["ti"])
        return manifest["rows"]

    announce_load = BashOperator(
        task_id="announce_load",
        bash_command=f'echo "loading {ORDERS_MANIFEST.template}"',
    )

    export_orders() >> [load_orders(), announce_load]


dag = contracts_declared_handoff()
register_contracts(dag, ORDERS_MANIFEST)  # checked when the file is parsed
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
