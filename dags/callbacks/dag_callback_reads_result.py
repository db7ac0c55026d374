"""A DAG-level success callback that reads the run's result from XCom.

A DAG's ``on_success_callback`` / ``on_failure_callback`` does not run on a worker: the scheduler
asks the DAG processor to run it, which builds the context from the run's last task instance, so
``context["ti"].xcom_pull(task_ids=...)`` reads any task of the run. ``dag.test()`` runs DAG
callbacks in its own process, where a pull fails; this recipe runs on the production lane only.
Needs ``_notifications.py`` beside it (the stand-in channel).

- Use: to report a run's outcome once, with its result, when the run ends.
- Avoid: for per-task reports: a task callback runs on the worker, next to the value.
- Gotcha: the pull runs the XCom backend in the DAG processor, so that process needs the backend's
  settings, store credentials and keys too.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task

from callbacks._notifications import send


def report_run(context):
    summary = context["ti"].xcom_pull(task_ids="summarize_orders")
    send(
        context["dag"].dag_id,
        "run_report",
        {"run_id": context["run_id"], "summary": summary},
    )


@dag(schedule=None, on_success_callback=report_run, tags=["callbacks"])
def callbacks_dag_callback_reads_result():
    @task
    def count_new_orders() -> int:
        return 1834

    @task
    def summarize_orders(count: int):  # no `-> dict`: see Basics
        return {"new_orders": count, "status": "loaded"}

    summarize_orders(count_new_orders())


dag = callbacks_dag_callback_reads_result()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
