"""A trigger that ends its task with XComs (the recipe ``dags/operators/end_from_trigger.py``).

The triggerer imports a trigger by its class path from its own ``sys.path``, not from the DAG
bundle: a trigger defined in a DAG file fails with "Trigger failed to load code ...
ModuleNotFoundError". Copy this module into the ``plugins/`` folder (on ``sys.path`` in every
Airflow component) or install it on every triggerer, worker and DAG processor. Its class path is
``export_ready_trigger.ExportReadyTrigger``.
"""

from __future__ import annotations

# --8<-- [start:trigger]
import asyncio

from airflow.triggers.base import BaseTrigger, TaskSuccessEvent


class ExportReadyTrigger(BaseTrigger):
    """Waits until an export is ready, then ends the task itself, with its XComs."""

    def __init__(self, export_id: str):
        super().__init__()
        self.export_id = export_id

    def serialize(self):
        return (f"{__name__}.ExportReadyTrigger", {"export_id": self.export_id})

    async def run(self):
        await asyncio.sleep(1)  # a real trigger polls the export system here
        # The task ends as success here, on the triggerer; no worker resumes it. The API server
        # writes these XComs straight into the xcom table: no XCom backend code runs for them.
        yield TaskSuccessEvent(  # xcom-lint: ignore[XCL007] (the recipe's lesson)
            xcoms={
                "return_value": {"export_id": self.export_id, "row_count": 1834},
                "export_uri_v1": f"s3://exports/{self.export_id}/part-0.parquet",
            }
        )


# --8<-- [end:trigger]
