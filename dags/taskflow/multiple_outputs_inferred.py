"""``multiple_outputs`` inferred from a ``dict`` return annotation, and how to turn it off.

A TaskFlow task annotated to return a ``dict`` (any ``Mapping``) gets ``multiple_outputs=True``
without asking: each key becomes an XCom row as well. Pass ``multiple_outputs=False`` to keep the
annotation and store one row.

- Use: ``-> dict`` annotations, knowing they split the value.
- Avoid: relying on the annotation to split it: say ``multiple_outputs=True`` where you need it.
- Gotcha: adding a ``dict`` annotation to an existing task changes what it stores.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["taskflow"])
def taskflow_multiple_outputs_inferred():
    @task
    def count_by_region() -> dict[
        str, int
    ]:  # the annotation alone turns on multiple_outputs
        return {"emea": 41, "apac": 17}

    @task(multiple_outputs=False)
    def count_by_channel() -> dict[str, int]:  # same annotation, one row
        return {"web": 50, "store": 8}

    @task
    def total(regions: dict[str, int], channels: dict[str, int]) -> int:
        if sum(regions.values()) != sum(channels.values()):
            raise ValueError(
                f"Region counts {regions} and channel counts {channels} "
                "disagree"
            )
        return sum(regions.values())

    total(count_by_region(), count_by_channel())


dag = taskflow_multiple_outputs_inferred()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
