"""Per-queue sealed values: a tenant's value opens only on the worker of that tenant's queue.

The contract seals the export for key id ``tenant_a``. Its two readers run the same code; the
contract allows both. One runs on queue ``tenant_a``, whose worker holds tenant_a's private key,
and reads the value; the other is routed to queue ``tenant_b``, whose worker holds only
tenant_b's key, and fails naming the key ids it lacks. The producer's worker needs only the
public key. Deploy it as tests/production/sealed_tenants.py does.
"""

from __future__ import annotations

# --8<-- [start:dag]
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

TENANT_A_EXPORT = XComContract(
    key="tenant_a_export_v1",
    producer="export_for_tenant_a",
    readers={"load_on_tenant_a_queue", "load_on_tenant_b_queue"},
    seal_for={"tenant_a"},
)


@dag(schedule=None, tags=["production"])
def sealed_per_queue():
    @task  # queue "default": worker-default, which holds tenant_b's private key only
    def export_for_tenant_a() -> None:
        manifest = {"uri": "s3://tenant-a/exports/20260101.parquet", "rows": 1834}
        TENANT_A_EXPORT.push(get_current_context()["ti"], manifest)

    @task(queue="tenant_a")  # worker-tenant-a: holds tenant_a's private key
    def load_on_tenant_a_queue() -> int:
        return TENANT_A_EXPORT.pull(get_current_context()["ti"])["rows"]

    @task(queue="tenant_b")  # the same reader routed to the other tenant's queue
    def load_on_tenant_b_queue() -> int:
        return TENANT_A_EXPORT.pull(get_current_context()["ti"])["rows"]

    export_for_tenant_a() >> [load_on_tenant_a_queue(), load_on_tenant_b_queue()]


dag = sealed_per_queue()
register_contracts(dag, TENANT_A_EXPORT)
# --8<-- [end:dag]
