"""Airflow 2 database code in a task: an ORM query for XComs fails on an Airflow 3 worker.

Airflow 2 tasks often read XComs with ``XCom.get_many(...)`` and a database session. In Airflow 3
tasks talk to the API server, never to the metadata DB: on a worker, opening a session raises
``RuntimeError: Direct database access via the ORM is not allowed in Airflow 3.0``. Even where a
query works (``dag.test()`` runs in a process that has the DB), it returns stored forms, not
values: the XCom backend never runs. Rewrite it with ``xcom_pull`` (``task_sdk_instead_of_orm.py``).
This recipe runs on the production lane, where the failure is real.

- Use: to find the Airflow 2 code that will fail on an Airflow 3 worker.
- Avoid: ORM sessions in tasks altogether; pull through the Task SDK
  (``task_sdk_instead_of_orm.py``).
- Gotcha: ``dag.test()`` lets the query run, so the failure appears only on a real worker.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["upgrading"])
def upgrading_orm_query_in_a_task():
    @task
    def list_export_files() -> list[str]:
        return ["orders-1.parquet", "orders-2.parquet"]

    @task
    def count_export_files() -> int:
        # Ported from Airflow 2 (there: `from airflow.models import XCom`).
        from airflow.models.xcom import XComModel
        from airflow.utils.session import create_session

        run_id = get_current_context()["run_id"]
        with create_session() as session:  # raises on an Airflow 3 worker
            query = XComModel.get_many(
                run_id=run_id,
                dag_ids="upgrading_orm_query_in_a_task",
                task_ids="list_export_files",
                key="return_value",
            )
            return len(session.scalars(query).one().value)

    list_export_files() >> count_export_files()


dag = upgrading_orm_query_in_a_task()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
