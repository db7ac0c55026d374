"""Airflow 3: ``xcom_pull`` without ``task_ids`` reads the current task's own XComs.

In Airflow 2, leaving ``task_ids`` out searched every task of the run. In Airflow 3 it means the
task that is pulling, so code that relied on the old meaning silently gets ``None``. Always name
the producer.

- Use: ``task_ids`` in every pull.
- Avoid: pulls without ``task_ids`` in code ported from Airflow 2.
- Gotcha: nothing fails: the pull returns ``None``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["upgrading"])
def upgrading_pull_without_task_ids():
    @task
    def record_checkpoint() -> None:
        get_current_context()["ti"].xcom_push(
            key="checkpoint_v1", value="from upstream"
        )

    @task
    def resume_from_checkpoint():
        ti = get_current_context()["ti"]
        # This task's own key: not pushed yet.
        before = ti.xcom_pull(key="checkpoint_v1")
        ti.xcom_push(key="checkpoint_v1", value="from this task")
        return {
            "no_task_ids_before_own_push": before,
            "no_task_ids_after_own_push": ti.xcom_pull(key="checkpoint_v1"),
            "named_producer": ti.xcom_pull(
                task_ids="record_checkpoint", key="checkpoint_v1"
            ),
        }

    record_checkpoint() >> resume_from_checkpoint()


dag = upgrading_pull_without_task_ids()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
