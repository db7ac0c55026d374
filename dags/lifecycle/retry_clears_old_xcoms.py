"""A retried task starts with a clean slate: what its failed try pushed is deleted.

When a task instance is retried, Airflow clears the XComs of that task instance before the new try
runs. A reader never sees a half-finished try's values mixed with the final ones.

- Use: to rely on a retry never mixing its values with a failed try's.
- Avoid: pushing progress markers for a retry to resume from: they are gone when it starts.
- Gotcha: with an offloading backend, ``purge`` deletes the stored objects too; rows deleted any
  other way (the REST API, ``airflow db clean``) leave them behind (see Clean-up and retention).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from datetime import timedelta

from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["lifecycle"])
def lifecycle_retry_clears_old_xcoms():
    @task(retries=1, retry_delay=timedelta(seconds=0))
    def export_orders() -> None:
        ti = get_current_context()["ti"]
        if ti.try_number == 1:
            ti.xcom_push(  # xcom-lint: ignore[XCL004] (it disappears)
                key="partial_export_path_v1", value="exports/tmp/part-0001"
            )
            raise ConnectionError(
                "object store timed out after writing part 1; retrying"
            )
        ti.xcom_push(  # xcom-lint: ignore[XCL004] (the test reads it)
            key="export_path_v1", value="exports/2026-01-01/orders.parquet"
        )

    export_orders()


dag = lifecycle_retry_clears_old_xcoms()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
