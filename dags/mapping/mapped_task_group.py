"""A mapped task group: each instance of the group passes XComs inside its own map index.

``@task_group`` functions expand like tasks. Inside one instance, a task receives the upstream
value of the same map index (no ``map_indexes`` needed); downstream of the group, the group's
returned task arrives as one lazy sequence in map-index order.

- Use: when each item needs a chain of tasks.
- Avoid: when one task per item is enough: map the task.
- Gotcha: rows are stored as ``<group>.<task>``, so a pull by task id outside the group must use
  that full id.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task, task_group


@dag(schedule=None, tags=["mapping"])
def mapping_mapped_task_group():
    @task_group
    def load_partition(partition: str):
        @task
        def extract(partition: str):
            rows = {"2026-01-01": 120, "2026-01-02": 95}[partition]
            return {"partition": partition, "rows": rows}

        @task
        def check(extracted: dict) -> str:
            return f"{extracted['partition']}: {extracted['rows']} rows ok"

        return check(extract(partition))

    @task
    def report(checks) -> list[str]:
        return list(checks)

    report(load_partition.expand(partition=["2026-01-01", "2026-01-02"]))


dag = mapping_mapped_task_group()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
