"""TaskFlow: a ``@task`` return value flows into the next ``@task`` as an argument.

Calling one task with another task's result wires the dependency and the XCom in one move: Airflow
pushes the return value under ``return_value`` and pulls it for the downstream task. No key or task
id is typed by hand.

- Use: for Python tasks: the return value is the XCom and the argument is the pull.
- Avoid: when the producer is a classic operator you cannot change: take its ``.output``
  (``classic_output_to_task.py``).
- Gotcha: the argument is resolved when the downstream task runs, so it is the stored value, not
  the object the producer returned (a copy, deserialized).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["basics"])
def basics_taskflow_return_value():
    @task
    def announce_batch() -> str:
        return "batch_99482"

    @task
    def process_batch(batch_id: str) -> str:
        return f"processed {batch_id}"

    process_batch(announce_batch())


dag = basics_taskflow_return_value()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
