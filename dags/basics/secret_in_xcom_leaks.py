"""Anti-pattern, kept on purpose: a token returned from a task is stored in plain text.

XCom values are not masked: the token below lands verbatim in the metadata DB, the UI's XCom tab
and the REST API, for anyone who can see this DAG. Do not copy this; see
``secret_by_reference.py`` for the fix.

- Use: as a warning: run it to see where the token shows up.
- Avoid: copying it; ``secret_by_reference.py`` is the fix.
- Gotcha: Airflow masks known secrets in logs, not in XCom values: the row keeps the token
  verbatim.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import Connection, dag, task


@dag(schedule=None, tags=["basics", "anti-pattern"])
def basics_secret_in_xcom_leaks():
    @task
    def fetch_api_token() -> str:
        # WRONG: the return value is an XCom, so the secret is written to the
        # metadata DB.
        return Connection.get("warehouse_api").password

    @task
    def call_warehouse(token: str) -> str:
        return f"called the warehouse with a {len(token)}-character token"

    call_warehouse(fetch_api_token())


dag = basics_secret_in_xcom_leaks()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
