"""Values into and out of a task group: the group takes arguments and returns an ``XComArg``.

A ``@task_group`` function is called like a task. What it returns (the output of a task inside
it) is what the group hands downstream. Task ids inside the group are prefixed with its id,
so a pull by task id from outside must use ``group.task``.

- Use: to reuse a chain of tasks with inputs and an output, like a function.
- Avoid: as a namespace only: a group without inputs needs none of this.
- Gotcha: task ids inside the group are prefixed with its id, so a pull by task id from outside
  must use ``group.task``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task, task_group


@dag(schedule=None, tags=["structure"])
def structure_task_group_in_out():
    @task
    def pick_raw_file() -> str:
        return "raw/orders.csv"

    @task_group
    def clean_and_count(raw_path: str):
        @task
        def clean(path: str) -> str:
            return path.replace("raw/", "clean/")

        @task
        def count(path: str) -> int:
            return 3 if path.startswith("clean/") else 0

        return count(clean(raw_path))

    @task
    def report(row_count: int) -> str:
        return f"{row_count} clean rows"

    report(clean_and_count(pick_raw_file()))


dag = structure_task_group_in_out()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
