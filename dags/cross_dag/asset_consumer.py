"""The consumer side of an asset event: scheduled on the asset, reads the event's metadata.

``inlet_events[asset]`` lists the asset's events, oldest first; the last one's ``extra`` is what
the latest producer run attached. A run started by the asset also finds the events that
triggered it in ``triggering_asset_events``.

- Use: to react to another DAG's output without knowing its DAG id, task ids or run ids.
- Avoid: when the consumer needs a value from one specific producer run: pull by run id.
- Gotcha: several events may arrive before a run starts; read the one you need from the list, not
  the first.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import Asset, dag, get_current_context, task

orders_export = Asset("s3://warehouse/exports/orders")


@dag(schedule=[orders_export], tags=["cross_dag"])
def cross_dag_asset_consumer():
    @task(inlets=[orders_export])
    def read_export_metadata():
        events = get_current_context()["inlet_events"][orders_export]
        latest = events[-1]
        return {
            "partition": latest.extra["partition"],
            "row_count": latest.extra["row_count"],
        }

    read_export_metadata()


dag = cross_dag_asset_consumer()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
