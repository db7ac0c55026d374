"""The mapped output a downstream task receives: a lazy sequence, not a list.

A task that takes a mapped task's output gets a ``LazyXComSequence``, in map-index order, and
nothing is fetched until it is used: ``len()`` asks the API server once for the count, an index
(negative too) for that one item, a slice for its items, and iteration item by item until the first
missing index.

- Use: as it is when you read a few items or pass over them once.
- Avoid: returning or sorting it as it is: ``list()`` it when you need the values twice or a real
  list.
- Gotcha: the sequence is not JSON (return ``list(values)``), and the request that ends an
  iteration is logged at error level, "XCom not found ... offset=3": the end of the sequence, not a
  failure (both pinned in ``tests/test_airflow3_facts.py``).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["mapping"])
def mapping_lazy_sequence():
    @task
    def count_rows(partition: str) -> int:
        return {"2026-01-01": 120, "2026-01-02": 95, "2026-01-03": 143}[
            partition
        ]

    @task
    def inspect_counts(row_counts):
        return {
            "type": type(row_counts).__name__,
            "len": len(row_counts),
            "first": row_counts[0],
            "last": row_counts[-1],
            "slice": row_counts[1:],
            "total": sum(row_counts),
        }

    inspect_counts(
        count_rows.expand(partition=["2026-01-01", "2026-01-02", "2026-01-03"])
    )


dag = mapping_lazy_sequence()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
