"""Pulling a key that was never pushed: no error, just ``None``. Check for it yourself.

``ti.xcom_pull`` of a missing key (a typo, or an upstream that returned ``None``) returns ``None``,
and a TaskFlow argument wired to a task that pushed nothing arrives as ``None`` too. Neither fails
by itself, so a consumer that needs the value should fail loudly, naming the key and the fix.

- Use: a check right after the pull whenever the value is required.
- Avoid: ``default=`` as the check: it is ignored in 3.3 unless ``map_indexes`` is passed
  (``default_needs_map_indexes.py``).
- Gotcha: Airflow logs "XCom not found" at error level for the missing key; the task still succeeds
  with ``None``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["pulling"])
def pulling_missing_key():
    @task
    def find_new_files() -> None:
        ti = get_current_context()["ti"]
        ti.xcom_push(  # xcom-lint: ignore[XCL004] (typo)
            key="new_file_count_v1", value=0
        )
        # ... and returns None, so no `return_value` row exists.

    @task
    def pull_with_a_typo():
        ti = get_current_context()["ti"]
        # "new_files_count_v1" was never pushed: the pull answers None, it does
        # not fail.
        return (
            ti.xcom_pull(  # xcom-lint: ignore[XCL003] (the typo is the lesson)
                task_ids="find_new_files", key="new_files_count_v1"
            )
        )

    @task
    def require_the_count():
        ti = get_current_context()["ti"]
        count = (
            ti.xcom_pull(  # xcom-lint: ignore[XCL003] (the typo is the lesson)
                task_ids="find_new_files", key="new_files_count_v1"
            )
        )
        if count is None:
            raise LookupError(
                "find_new_files pushed no 'new_files_count_v1'; the key it "
                "pushes is 'new_file_count_v1'. Fix the key in "
                "require_the_count."
            )
        return count

    @task
    def receive_missing_return_value(file_list) -> str:
        # find_new_files returned None, so it pushed no `return_value`: the
        # argument is None.
        return f"received {file_list!r}"

    files = find_new_files()
    files >> [pull_with_a_typo(), require_the_count()]
    receive_missing_return_value(files)


dag = pulling_missing_key()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
