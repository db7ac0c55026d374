"""A command-line tool's result as an XCom: print JSON, then parse it in Python.

A ``@task.bash`` task pushes the last line of stdout, as a string: JSON printed by a tool arrives
downstream as text, and ``json.loads`` turns it into a dict. A ``@task`` that runs the tool with
``subprocess`` can parse it before returning, so the row holds the dict itself.

- Use: the subprocess form when the tool's output is the task's answer.
- Avoid: parsing ``@task.bash`` output downstream in every reader: parse it once.
- Gotcha: with ``@task.bash``, any later line (a warning, a progress bar) becomes the value
  instead.
"""

from __future__ import annotations

# --8<-- [start:recipe]
import json
import subprocess

from airflow.sdk import dag, task

# Any command-line tool that prints a JSON document as its last line.
TOOL = 'echo "validating..."; echo \'{"valid_rows": 1830, "invalid_rows": 4}\''


@dag(schedule=None, tags=["isolated"])
def isolated_subprocess_json_result():
    @task.bash
    def validate_with_bash() -> str:
        return TOOL

    @task
    def read_bash_result(last_line: str) -> int:
        return json.loads(last_line)["valid_rows"]

    @task
    def validate_with_subprocess():
        completed = subprocess.run(
            ["bash", "-c", TOOL], capture_output=True, text=True, check=True
        )
        return json.loads(completed.stdout.splitlines()[-1])

    read_bash_result(validate_with_bash())
    validate_with_subprocess()


dag = isolated_subprocess_json_result()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
