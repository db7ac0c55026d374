"""A classic operator's ``.output`` feeding a ``@task``, and ``.output["key"]`` for a named key.

``operator.output`` is an ``XComArg`` for the operator's ``return_value``; indexing it selects
another key the operator pushed. Passing either to a ``@task`` also sets the dependency, so classic
and TaskFlow tasks mix without a single ``xcom_pull``.

- Use: to mix classic operators and TaskFlow tasks without ``xcom_pull``.
- Avoid: ``.output`` of an operator with ``do_xcom_push=False``: there is nothing to pull.
- Gotcha: ``.output["key"]`` is a pull of that key; a typo returns ``None``, not an error.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import dag, task


def find_latest_export(ti):
    ti.xcom_push(key="export_format_v1", value="parquet")
    return "exports/2026-01-01/orders.parquet"


@dag(schedule=None, tags=["taskflow"])
def taskflow_classic_output_to_task():
    latest_export = PythonOperator(
        task_id="latest_export", python_callable=find_latest_export
    )

    @task
    def load_export(path: str, file_format: str) -> str:
        return f"loaded {path} as {file_format}"

    load_export(latest_export.output, latest_export.output["export_format_v1"])


dag = taskflow_classic_output_to_task()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
