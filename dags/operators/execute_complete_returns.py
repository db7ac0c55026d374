"""A deferrable operator's value: what ``execute_complete`` returns is the task's ``return_value``.

The task defers (its worker slot is freed while a trigger waits on the triggerer), then resumes on
a worker in the method ``defer`` named; that method's return value is pushed as usual, through the
configured XCom backend.

- Use: for long waits on an external system.
- Avoid: for waits of seconds: deferring and resuming costs more than waiting.
- Gotcha: nothing ``execute`` returns is pushed (it never returns: ``defer`` raises), so push from
  the resume method; keep the trigger's event small: it travels through the metadata DB too.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from datetime import timedelta

from airflow.providers.standard.triggers.temporal import TimeDeltaTrigger
from airflow.sdk import BaseOperator, dag, task


class WaitForExportOperator(BaseOperator):
    """Waits for an export without holding a worker slot."""

    def __init__(self, *, export_id: str, **kwargs):
        super().__init__(**kwargs)
        self.export_id = export_id

    def execute(self, context):
        # A real operator defers to a trigger that polls the export system.
        self.defer(
            trigger=TimeDeltaTrigger(timedelta(seconds=1)),
            method_name="execute_complete",
        )

    def execute_complete(self, context, event=None):
        # Runs on a worker after the trigger fired; it returns the XCom.
        return {"export_id": self.export_id, "row_count": 1834}


@dag(schedule=None, tags=["operators"])
def operators_execute_complete_returns():
    wait = WaitForExportOperator(
        task_id="wait_for_export", export_id="exp-2026-01-01"
    )

    @task
    def load_export(manifest: dict) -> int:
        return manifest["row_count"]

    load_export(wait.output)


dag = operators_execute_complete_returns()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
