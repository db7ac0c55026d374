"""A slow task whose Celery worker dies mid-run: the retry runs on the restarted worker.

``export_partitions`` runs on queue ``tenant_a``, pushes its progress, then works for a while;
the test kills that worker's whole process group meanwhile. After the heartbeat timeout the
scheduler fails the try, the retry runs on the restarted worker, and the run ends with exactly
one row per key, the retry's, and one object per row.
"""

from __future__ import annotations

import time
from datetime import timedelta

from airflow.sdk import dag, get_current_context, task

WORK_SECONDS = 8


@dag(schedule=None, tags=["production"])
def worker_loss():
    @task
    def list_partitions() -> list[str]:
        return ["2026-01-01", "2026-01-02", "2026-01-03"]

    @task(queue="tenant_a", retries=1, retry_delay=timedelta(seconds=1))
    def export_partitions(partitions: list[str]):  # `-> dict` would turn on multiple_outputs
        ti = get_current_context()["ti"]
        ti.xcom_push(key="export_started_v1", value={"try_number": ti.try_number})
        time.sleep(WORK_SECONDS)  # the export's work; the test kills the worker here
        return {"partitions": partitions, "rows": 3000, "try_number": ti.try_number}

    @task
    def report(summary: dict) -> str:
        return f"{summary['rows']} rows in {len(summary['partitions'])} partitions"

    report(export_partitions(list_partitions()))


worker_loss()
