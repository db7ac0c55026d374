"""A sensor that hands over what it found: ``PokeReturnValue(is_done=..., xcom_value=...)``.

A ``@task.sensor`` pokes until ``is_done`` is true; the ``xcom_value`` of the successful poke is
pushed as its ``return_value``, so the next task receives, for example, the file that appeared.

- Use: when the next task needs what the sensor found (a file name, an id).
- Avoid: a sensor plus a second task that looks again for what the sensor saw.
- Gotcha: only the successful poke's ``xcom_value`` is pushed; what earlier pokes saw is lost.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import ObjectStoragePath, PokeReturnValue, Variable, dag, task


def landing_folder() -> ObjectStoragePath:
    root = Variable.get(
        "cookbook_data_root", default="file:///tmp/xcom_cookbook_data"
    )
    return ObjectStoragePath(root) / "landing"


@dag(schedule=None, tags=["control_flow"])
def control_flow_sensor_xcom_value():
    @task
    def deliver_file() -> None:
        folder = landing_folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "orders_20260101.csv").write_text(
            "order_id,amount_cents\n1,250\n"
        )

    @task.sensor(poke_interval=1, timeout=60, mode="poke")
    def wait_for_orders_file() -> PokeReturnValue:
        found = sorted(p.name for p in landing_folder().glob("orders_*.csv"))
        return PokeReturnValue(
            is_done=bool(found), xcom_value=found[0] if found else None
        )

    @task
    def ingest(file_name: str) -> str:
        return f"ingested {file_name}"

    orders_file = wait_for_orders_file()
    # In production: another system delivers the file.
    (deliver_file() >> orders_file)
    ingest(orders_file)


dag = control_flow_sensor_xcom_value()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
