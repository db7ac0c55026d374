"""A mapped task that expanded to one instance: which pulls still give a list, and which do not.

How many instances a mapped task gets is known only at run time. A pull whose ``task_ids`` is a
string returns a list for two or more instances but the bare value for exactly one, so code that
``list()``s or loops over it breaks on the day only one file arrived. Pull with a list of task
ids, or take the mapped output as an argument (a lazy sequence): both are a list for any count.

- Use: a list of task ids, or the mapped output as an argument, whenever a mapped task is pulled.
- Avoid: a string ``task_ids`` for a mapped task.
- Gotcha: tests with two or more items pass; the failure comes the day one item arrives.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["mapping"])
def mapping_single_instance_pull():
    @task
    def list_new_files() -> list[str]:
        return ["orders.csv"]  # today only one file arrived

    @task
    def count_lines(file_name: str) -> int:
        return 1834

    @task
    def compare_pulls(line_counts):
        ti = get_current_context()["ti"]
        return {
            "task_ids_as_string": ti.xcom_pull(
                task_ids="count_lines"
            ),  # 1834, not [1834]
            "task_ids_as_list": ti.xcom_pull(
                task_ids=["count_lines"]
            ),  # [1834]
            "argument": list(line_counts),  # [1834]: a lazy sequence of one
        }

    compare_pulls(count_lines.expand(file_name=list_new_files()))


dag = mapping_single_instance_pull()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
