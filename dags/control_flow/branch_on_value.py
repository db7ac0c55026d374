"""Branch on an XCom value with ``@task.branch``: the returned task id runs, the others skip.

The branch task receives the upstream value as an argument and returns the task id (or list of ids)
to follow. Keep the decision's input small: a count, a flag, a status.

- Use: when an upstream value decides which path runs.
- Avoid: when both paths should run with different data: map or pass the data instead.
- Gotcha: the branch stores an extra row, ``skipmixin_key``, which Airflow uses to skip the other
  path.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["control_flow"])
def control_flow_branch_on_value():
    @task
    def count_new_rows() -> int:
        return 0

    @task.branch
    def choose_path(new_row_count: int) -> str:
        return "load_rows" if new_row_count > 0 else "report_nothing_new"

    @task
    def load_rows() -> str:
        return "loaded"

    @task
    def report_nothing_new() -> str:
        return "no new rows today"

    choose_path(count_new_rows()) >> [load_rows(), report_nothing_new()]


dag = control_flow_branch_on_value()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
