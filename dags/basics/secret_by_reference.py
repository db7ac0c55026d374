"""Secrets by reference: pass the connection id through XCom, resolve the secret where it is used.

The producer decides *which* credentials the consumer uses and passes only their name. The consumer
resolves the secret itself, from Airflow's connections or your secrets backend, so the secret
never reaches the metadata DB, the UI or the REST API.

- Use: whenever a task needs credentials another task chose: pass the connection id.
- Avoid: passing the secret, a token derived from it or a connection URI with a password in it.
- Gotcha: a connection id is only as safe as the connection: a worker that can resolve it holds the
  secret.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import Connection, dag, task


@dag(schedule=None, tags=["basics"])
def basics_secret_by_reference():
    @task
    def choose_warehouse() -> str:
        # Only the connection id travels through XCom.
        return "warehouse_api"

    @task
    def call_warehouse(warehouse_conn_id: str):
        # Resolved in the consumer's worker.
        connection = Connection.get(warehouse_conn_id)
        token = connection.password
        # ... call the API with `token` here; return only what is not secret.
        return {"host": connection.host, "authenticated": bool(token)}

    call_warehouse(choose_warehouse())


dag = basics_secret_by_reference()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
