"""Pull one mapped instance's value with ``map_indexes``, or all of them without it.

``ti.xcom_pull(task_ids=["square"])`` (a list of task ids) returns every instance's value as a
list, however many instances there are. ``map_indexes=1`` returns that one instance's value; a list
of indexes returns a list.

- Use: when a task needs one instance's value, or all of them, outside an argument.
- Avoid: when the values are a task's input: take the mapped output as an argument.
- Gotcha: ``task_ids="square"`` (a string) also returns a list, except when the task expanded to
  one instance: then it is that one value (see ``single_instance_pull.py``).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["mapping"])
def mapping_pull_one_map_index():
    @task
    def square(number: int) -> int:
        return number * number

    @task
    def inspect_squares():
        ti = get_current_context()["ti"]
        return {
            "all": ti.xcom_pull(task_ids=["square"]),
            "index_1": ti.xcom_pull(task_ids="square", map_indexes=1),
            "indexes_0_and_2": ti.xcom_pull(
                task_ids="square", map_indexes=[0, 2]
            ),
        }

    square.expand(number=[2, 3, 4]) >> inspect_squares()


dag = mapping_pull_one_map_index()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
