"""Airflow 2 XCom queries rewritten for Airflow 3's Task SDK: pulls, and deletes from a task.

What Airflow 2 code did with ``XCom.get_many`` and a session, a task now asks the API server for:
``xcom_pull`` with a list of task ids (one value per task, in that order), ``map_indexes`` for
mapped instances, ``dag_id`` + ``run_id`` for another run. Deleting rows from a task uses the
configured backend's ``XCom.delete``, which also purges a custom backend's stored object.

- Use: for deletes of scratch rows nobody reads after the run.
- Avoid: deleting rows other tasks may still pull.
- Gotcha: a row's key, task and run must be named exactly; there is no "delete everything of this
  run" call in the Task SDK.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task
from airflow.sdk.execution_time.xcom import XCom  # the configured XCom backend


@dag(schedule=None, tags=["upgrading"])
def upgrading_task_sdk_instead_of_orm():
    @task
    def count_orders() -> int:
        return 1834

    @task
    def count_refunds() -> int:
        return 12

    @task
    def stage_rows() -> str:
        # Scratch: nobody needs it after the run.
        return "staging/orders-2026-01-01.parquet"

    @task
    def summarize():
        ti = get_current_context()["ti"]
        # Airflow 2: session.query(XCom).filter(XCom.task_id.in_([...])) ...
        orders, refunds = ti.xcom_pull(
            task_ids=["count_orders", "count_refunds"]
        )
        return {"orders": orders, "refunds": refunds}

    @task
    def delete_scratch_rows():
        context = get_current_context()
        XCom.delete(
            key="return_value",
            task_id="stage_rows",
            dag_id=context["dag"].dag_id,
            run_id=context["run_id"],
            map_index=-1,
        )
        # None: the row is gone.
        return context["ti"].xcom_pull(task_ids="stage_rows")

    (
        [count_orders(), count_refunds()]
        >> summarize()
        >> stage_rows()
        >> delete_scratch_rows()
    )


dag = upgrading_task_sdk_instead_of_orm()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
