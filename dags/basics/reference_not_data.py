"""References, not data: write the data to object storage and push only its address and counts.

XCom is a signalling channel. The producer writes its output with ``ObjectStoragePath`` (local
files here; ``s3://``, ``gs://`` or ``abfs://`` in production) and pushes a small dict: the URI,
the row count and the size. The consumer opens the URI itself.

- Use: for anything larger than a few kilobytes: files, tables, model outputs.
- Avoid: when the value is itself a small answer (a count, a flag): push it directly.
- Gotcha: the object outlives the run; give it a lifecycle rule, as XCom clean-up will not delete
  it.
"""

from __future__ import annotations

# --8<-- [start:recipe]
import json

from airflow.sdk import (
    ObjectStoragePath,
    Variable,
    dag,
    get_current_context,
    task,
)


@dag(schedule=None, tags=["basics"])
def basics_reference_not_data():
    # No `-> dict` on export_orders: that annotation turns on multiple_outputs.
    @task
    def export_orders():
        context = get_current_context()
        # Where data goes is configuration,
        # e.g. "s3://aws_default@my-bucket/exports".
        root = ObjectStoragePath(
            Variable.get(
                "cookbook_data_root", default="file:///tmp/xcom_cookbook_data"
            )
        )
        path = root / "orders" / f"{context['dag_run'].run_after:%Y%m%d}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        orders = [
            {"order_id": i, "amount_cents": 250 * i} for i in range(1, 1001)
        ]
        with path.open("w") as out:
            out.writelines(json.dumps(order) + "\n" for order in orders)
        # The XCom carries the reference and two numbers, not the 1,000 orders.
        return {
            "uri": str(path),
            "row_count": len(orders),
            "size_bytes": path.stat().st_size,
        }

    @task
    def total_revenue(export: dict) -> int:
        with ObjectStoragePath(export["uri"]).open("r") as lines:
            orders = [json.loads(line) for line in lines]
        if len(orders) != export["row_count"]:
            raise ValueError(
                f"{export['uri']} holds {len(orders)} orders, the export "
                f"announced {export['row_count']}: the file changed after "
                "export_orders wrote it."
            )
        return sum(order["amount_cents"] for order in orders)

    total_revenue(export_orders())


dag = basics_reference_not_data()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
