"""``.map()``: reshape each element of an upstream list on the way into a mapped task.

The function passed to ``.map()`` runs when the downstream instance resolves its argument; it keeps
a one-line conversion out of its own task (and out of the ``xcom`` table).

- Use: for a one-line conversion between an upstream list and a mapped task.
- Avoid: for anything slow or failing often: it runs inside each downstream instance, once per try.
- Gotcha: the function must be a plain Python function, not a ``@task``: it is no task of its own,
  so it has no row and no retries of its own.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


def to_copy_arguments(file_name: str) -> dict[str, str]:
    return {"source": f"landing/{file_name}", "target": f"raw/{file_name}"}


@dag(schedule=None, tags=["mapping"])
def mapping_map_transform():
    @task
    def list_new_files() -> list[str]:
        return ["orders.csv", "refunds.csv"]

    @task
    def copy_file(source: str, target: str) -> str:
        return f"{source} -> {target}"

    copy_file.expand_kwargs(list_new_files().map(to_copy_arguments))


dag = mapping_map_transform()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
