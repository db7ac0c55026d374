"""``expand_kwargs``: map over a list of dicts, each dict one instance's keyword arguments.

When the instances differ in several arguments at once, have the upstream task return a list of
dicts instead of several parallel lists.

- Use: when the instances differ in several arguments at once.
- Avoid: when only one argument varies: ``partial`` and ``expand`` say that more plainly.
- Gotcha: the whole list of dicts is one XCom row, so keep each dict to the arguments themselves
  (names, ids), not the data.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["mapping"])
def mapping_expand_kwargs():
    @task
    def plan_copies() -> list[dict[str, str]]:
        return [
            {"source": "landing/orders.csv", "target": "raw/orders.csv"},
            {"source": "landing/refunds.csv", "target": "raw/refunds.csv"},
        ]

    @task
    def copy_file(source: str, target: str) -> str:
        return f"{source} -> {target}"

    copy_file.expand_kwargs(plan_copies())


dag = mapping_expand_kwargs()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
