"""``partial().expand()``: fixed arguments for every mapped instance, one mapped argument.

Use ``partial`` for what all instances share (a table name, a connection id) and ``expand`` for
what varies. The shared arguments are not XComs; only the mapped list travels through XCom.

- Use: when one argument varies and the rest are shared.
- Avoid: when the instances differ in several arguments at once: ``expand_kwargs`` fits that.
- Gotcha: passing a task's output to ``partial`` sends every instance the same whole value, not one
  item each.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["mapping"])
def mapping_partial_expand():
    @task
    def list_partitions() -> list[str]:
        return ["2026-01-01", "2026-01-02"]

    @task
    def load_partition(table: str, partition: str) -> str:
        return f"{table}/{partition}"

    load_partition.partial(table="orders").expand(partition=list_partitions())


dag = mapping_partial_expand()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
