"""Trigger another DAG with a conf built from an XCom, wait for it, and read its result.

``conf`` is a templated field, so an XComArg in it is resolved when the task runs and the child
gets the value itself (not a template string). With ``wait_for_completion=True`` and
``deferrable=True`` the task waits on the triggerer; it pushes the child's run id as
``trigger_run_id``, which a later task uses to pull the child's result across DAGs. A fixed
``trigger_run_id`` ties each parent run to one child run. ``dag.test()`` cannot run the child,
so this recipe runs on the production lane only.

- Use: to start another DAG with parameters computed in this run, and use its answer.
- Avoid: for fan-out inside one DAG: dynamic task mapping is cheaper.
- Gotcha: the child's run id is fixed, so clearing ``start_child`` to run it again fails ("Dag Run
  already exists") unless ``reset_dag_run=True``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.trigger_dagrun import (
    TriggerDagRunOperator,
)
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["cross_dag"])
def cross_dag_trigger_child_with_conf():
    @task
    def pick_batch() -> str:
        return "batch-0042"

    start_child = TriggerDagRunOperator(
        task_id="start_child",
        trigger_dag_id="cross_dag_triggered_child",
        trigger_run_id="{{ run_id }}__child",
        conf={"batch_id": pick_batch()},
        wait_for_completion=True,
        deferrable=True,
        poke_interval=2,
    )

    @task
    def read_child_result():
        ti = get_current_context()["ti"]
        child_run_id = ti.xcom_pull(
            task_ids="start_child", key="trigger_run_id"
        )
        return ti.xcom_pull(
            dag_id="cross_dag_triggered_child",
            task_ids="summarize_batch",
            run_id=child_run_id,
        )

    start_child >> read_child_result()


dag = cross_dag_trigger_child_with_conf()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
