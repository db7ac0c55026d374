"""A trigger that ends its task (end-from-trigger) and carries the task's XComs in its event.

The trigger yields ``TaskSuccessEvent(xcoms={...})``: the task is marked success on the triggerer
and its XComs are written by the API server, so the task never returns to a worker. ``dag.test()``
cannot show this (it resumes the task in its method instead): it runs on the production lane.

- Use: when resuming only to return the event's payload would waste a worker slot.
- Avoid: for values that must be offloaded, encrypted or contract-checked: those rows bypass the
  XCom backend.
- Gotcha: Airflow 3.3.2 stores each value as JSON text, so a dict arrives downstream as a string to
  ``json.loads``; and the triggerer must import the trigger, so it lives in ``plugins/`` (here
  ``templates/export_ready_trigger.py``), not in the DAG file.
"""

from __future__ import annotations

# --8<-- [start:recipe]
import json

from airflow.sdk import BaseOperator, dag, task
from export_ready_trigger import ExportReadyTrigger


class ExportReadyOperator(BaseOperator):
    def execute(self, context):
        self.defer(
            trigger=ExportReadyTrigger(export_id="exp-2026-01-01"),
            method_name="resume",
        )

    # Not called when the trigger ends the task.
    def resume(self, context, event=None):
        raise RuntimeError("the trigger should have ended this task")


@dag(schedule=None, tags=["operators"])
def operators_end_from_trigger():
    export = ExportReadyOperator(task_id="wait_for_export")

    @task
    def load_export(manifest_json: str, uri_json: str):
        # Airflow 3.3.2 stored the trigger's values as JSON text: decode them.
        manifest, uri = json.loads(manifest_json), json.loads(uri_json)
        return {"rows": manifest["row_count"], "uri": uri}

    load_export(export.output, export.output["export_uri_v1"])


dag = operators_end_from_trigger()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
