"""Mapping over more than ``[core] max_map_length`` items fails the task that returned the list.

The default limit is 1,024 instances. The upstream fails when it pushes the oversized list, and the
mapped task never starts. Batch the work (map over chunks), or raise ``max_map_length`` knowing the
scheduler then tracks that many task instances.

- Use: to see the limit's error before production does.
- Avoid: raising ``max_map_length`` as the first fix: batch the work (map over chunks).
- Gotcha: the upstream task fails, not the mapped one, so the error appears one task earlier than
  expected.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["mapping"])
def mapping_max_map_length_exceeded():
    @task
    def list_customer_ids() -> list[int]:
        return list(range(1025))  # one more than the default max_map_length

    @task
    def list_customer_id_ranges() -> list[list[int]]:
        # Push ranges, not 1,025 ids: [[0, 500], [500, 1000], [1000, 1025]].
        return [
            [start, min(start + 500, 1025)] for start in range(0, 1025, 500)
        ]

    @task
    def email_customer(customer_id: int) -> None: ...

    @task
    def email_batch(id_range: list[int]) -> int:
        first, end = id_range
        return end - first  # customers emailed by this instance

    # Fails: 1025 > 1024.
    email_customer.expand(customer_id=list_customer_ids())
    email_batch.expand(id_range=list_customer_id_ranges())  # 3 instances


dag = mapping_max_map_length_exceeded()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
