"""A DAG result (Airflow 3.3): the ``@dag`` function returns the XComArg that is the run's answer.

The returned task's ``return_value`` row is flagged as the DAG result, so a caller that triggered
the run can fetch one value without knowing task ids (``GET .../dagRuns/{run_id}/wait``,
experimental in 3.3).

- Use: when a caller (a script, another system) triggers the run and wants one answer.
- Avoid: for several values: return one small dict, or a reference.
- Gotcha: the ``/wait`` endpoint is experimental in 3.3; read the result row by task id where it
  must not change.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["lifecycle"])
def lifecycle_dag_result():
    @task
    def count_active_customers() -> int:
        return 1834

    @task
    def format_answer(active_customers: int):
        return {"active_customers": active_customers}

    return format_answer(count_active_customers())


dag = lifecycle_dag_result()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
