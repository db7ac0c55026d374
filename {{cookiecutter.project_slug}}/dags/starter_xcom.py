"""Starter DAG: a small summary passed from one task to the next through the XCom backend.

Replace it with your own DAGs. Keep XComs small (ids, counts, paths); write data to storage and
pass its location.
"""

from __future__ import annotations

from airflow.sdk import dag, task


@dag(schedule=None, tags=["starter"])
def starter_xcom():
    @task
    def summarize_orders():
        return {"order_count": 1000, "revenue_cents": 125125000, "sample_order_ids": [1, 2, 3]}

    @task
    def report(summary) -> str:
        return f"{summary['order_count']} orders, {summary['revenue_cents'] / 100:.2f} revenue"

    report(summarize_orders())


dag = starter_xcom()

if __name__ == "__main__":
    dag.test()
