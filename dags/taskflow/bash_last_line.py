"""``BashOperator`` pushes the last line its command writes to stdout.

Only the last line is kept, as a string. Print progress first and the value last, and convert
the type in the consumer: ``"42"`` arrives as text.

- Use: for a shell command's one-line answer (a count, an id).
- Avoid: for structured output: print JSON and parse it, or run the tool from Python
  (``isolated/subprocess_json_result.py``).
- Gotcha: stderr is merged into the output: a warning printed after the value becomes the value.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, task


@dag(schedule=None, tags=["taskflow"])
def taskflow_bash_last_line():
    count_files = BashOperator(
        task_id="count_files",
        bash_command=(
            'echo "scanning the landing folder"; echo "found files:"; echo 42'
        ),
    )

    @task
    def plan_batches(file_count: str) -> int:
        return -(-int(file_count) // 10)  # ceil(42 / 10) batches of ten files

    plan_batches(count_files.output)


dag = taskflow_bash_last_line()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
