"""Dynamic task mapping: one task instance per list item, then one task that reduces the results.

``expand`` creates a mapped task instance per element of an upstream list; each instance pushes
its own ``return_value`` under its map index. A downstream task receiving the mapped result gets a
lazy sequence of all of them, in map-index order.

- Use: when the number of items is known only at run time.
- Avoid: for thousands of tiny items: every instance is a task instance with its own row
  (``max_map_length_exceeded.py``).
- Gotcha: the reducer's argument is a lazy sequence, not a list (``lazy_sequence.py``).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task

ROWS_PER_PARTITION = {"2026-01-01": 120, "2026-01-02": 95, "2026-01-03": 143}


@dag(schedule=None, tags=["mapping"])
def mapping_expand_and_reduce():
    @task
    def list_partitions() -> list[str]:
        return sorted(ROWS_PER_PARTITION)

    @task
    def count_rows(partition: str) -> int:
        return ROWS_PER_PARTITION[partition]

    @task
    def total_rows(row_counts) -> int:
        # `row_counts` is a lazy sequence: iterate it, or list() it if you need
        # it twice.
        return sum(row_counts)

    total_rows(count_rows.expand(partition=list_partitions()))


dag = mapping_expand_and_reduce()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
