"""Asset events with metadata: Airflow 3's channel between DAGs, instead of cross-DAG XCom.

A task that declares an asset as its outlet attaches a small ``extra`` dict to the asset event it
emits. DAGs scheduled on the asset start when it is updated and read that metadata; no DAG needs
to know another's id, task ids or run ids. The consumer is ``asset_consumer.py``.

- Use: to tell other DAGs that data is ready, with where it is and how much.
- Avoid: for the data itself: push a reference in ``extra``, as with XCom.
- Gotcha: ``extra`` must be JSON-serializable, and it is stored in the metadata DB with the event:
  keep it small.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import Asset, dag, get_current_context, task

orders_export = Asset("s3://warehouse/exports/orders")


@dag(schedule=None, tags=["cross_dag"])
def cross_dag_asset_producer():
    @task(outlets=[orders_export])
    def export_orders() -> None:
        context = get_current_context()
        context["outlet_events"][orders_export].extra = {
            "partition": f"{context['dag_run'].run_after:%Y-%m-%d}",
            "row_count": 1000,
        }

    export_orders()


dag = cross_dag_asset_producer()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
