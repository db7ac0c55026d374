"""``.zip()``: pair the results of two upstream tasks element by element, then map over the pairs.

``expand`` over two arguments builds the cross product; ``a.zip(b)`` instead pairs the first item
of ``a`` with the first of ``b``, and so on, stopping at the shorter list.

- Use: for two lists that describe the same items in the same order.
- Avoid: when you want every combination: ``expand`` over two arguments gives that.
- Gotcha: an item without a partner is dropped silently (``customers`` below); ``fillvalue=`` keeps
  it.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["mapping"])
def mapping_zip_inputs():
    @task
    def list_tables() -> list[str]:
        return ["orders", "refunds", "customers"]

    @task
    def list_row_counts() -> list[int]:
        return [120, 7]  # one count short: zip stops after two pairs

    @task
    def check_table(table_and_count) -> str:
        table, row_count = table_and_count
        return f"{table}: {row_count} rows"

    check_table.expand(table_and_count=list_tables().zip(list_row_counts()))


dag = mapping_zip_inputs()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
