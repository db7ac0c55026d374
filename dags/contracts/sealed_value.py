"""A sealed XCom: the stored row is ciphertext that only the readers' workers can open.

The contract names the key ids the value is sealed for (``seal_for``). The layered backend's
``sealed`` layer encrypts it on push with the readers' public keys; the metadata DB, the UI, the
REST API and every worker without a matching private key hold only ciphertext.

Enable it on every worker (the producer's workers need only the public key)::

    AIRFLOW__CORE__XCOM_BACKEND=xcom_backends.layered.LayeredXComBackend
    AIRFLOW__XCOM_LAYERS__LAYERS="contracts, sealed"
    AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_ORDERS_TEAM=<base64 public key>
    # on the readers' workers only:
    AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_ORDERS_TEAM=<base64 private key>

``python -m xcom_backends.layers.sealed orders_team`` prints a new key pair. Without the sealed
layer, the push fails and nothing is stored in plain text.

- Use: for values no one but the reading team may see: not the metadata DB, the UI, the REST API or
  other workers.
- Avoid: when the readers' workers cannot hold a private key, or every worker holds every key
  (nothing is gained).
- Gotcha: ``dag.test()`` runs every task in one process, which therefore holds both keys; in
  production the producer's queue has only the public key.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

ORDERS_MANIFEST = XComContract(
    key="orders_manifest_v1",
    producer="export_orders",
    readers={"load_orders"},
    seal_for={
        "orders_team"
    },  # key ids, resolved as Variables xcom_seal_*_key_orders_team
)


@dag(schedule=None, tags=["contracts"])
def contracts_sealed_value():
    @task
    def export_orders() -> None:
        manifest = {
            "uri": "s3://orders-team/exports/20260101.parquet",
            "rows": 1834,
        }
        ORDERS_MANIFEST.push(get_current_context()["ti"], manifest)

    @task
    def load_orders() -> int:
        manifest = ORDERS_MANIFEST.pull(get_current_context()["ti"])
        return manifest["rows"]  # a count, not sealed: it has no contract

    export_orders() >> load_orders()


dag = contracts_sealed_value()
register_contracts(dag, ORDERS_MANIFEST)
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
