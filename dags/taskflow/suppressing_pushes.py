"""Tasks that push nothing: ``do_xcom_push=False`` and returning ``None``.

An operator whose result nobody reads should not write it to the metadata DB. Set
``do_xcom_push=False`` on it; a TaskFlow task that returns ``None`` pushes nothing by itself.

- Use: for every operator whose return value nobody reads.
- Avoid: when a downstream template or link reads ``return_value``.
- Gotcha: ``do_xcom_push=False`` also drops the operator's ``.output``: a downstream argument from
  it is ``None``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, task


@dag(schedule=None, tags=["taskflow"])
def taskflow_suppressing_pushes():
    # The command prints a large listing; without do_xcom_push=False its last
    # line is stored.
    list_files = BashOperator(
        task_id="list_files",
        bash_command="seq 1 5000",
        do_xcom_push=False,
    )

    @task
    def refresh_cache() -> None:
        print("cache refreshed")  # returns None: no XCom row

    list_files >> refresh_cache()


dag = taskflow_suppressing_pushes()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
