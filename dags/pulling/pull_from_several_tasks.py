"""Pull from several tasks at once: a list of task ids returns a list, a string a single value.

The shape of the answer follows the shape of ``task_ids``, not the number of values found: a list
of one task id still returns a list. Values come back in the order of the task ids you pass.

- Use: when one task combines the answers of several others.
- Avoid: when each value is a task argument: TaskFlow arguments say it with less code.
- Gotcha: a missing value is ``None`` in its place, so the list keeps its length; check each item.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["pulling"])
def pulling_pull_from_several_tasks():
    @task
    def count_orders() -> int:
        return 120

    @task
    def count_refunds() -> int:
        return 7

    @task
    def compare_counts():
        ti = get_current_context()["ti"]
        return {
            "one_id": ti.xcom_pull(task_ids="count_orders"),
            "list_of_one": ti.xcom_pull(task_ids=["count_orders"]),
            "list_of_two": ti.xcom_pull(
                task_ids=["count_refunds", "count_orders"]
            ),
        }

    [count_orders(), count_refunds()] >> compare_counts()


dag = pulling_pull_from_several_tasks()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
