"""The producer side of a cross-DAG pull: a run that publishes a small manifest under a named key.

Another DAG reads this run's ``export_manifest_v1`` with ``xcom_pull(dag_id=..., run_id=...)``;
see ``pull_by_run_id.py``. Consider an asset event (``asset_producer.py``) first: it is
Airflow 3's own channel between DAGs.

- Use: when a specific other DAG must read this run's value by run id.
- Avoid: when an asset event can carry it: that channel needs no run ids.
- Gotcha: the key is a contract with another team: rename it and their pull returns ``None``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["cross_dag"])
def cross_dag_export_producer():
    @task
    def publish_manifest() -> None:
        context = get_current_context()
        day = f"{context['dag_run'].run_after:%Y-%m-%d}"
        ti = context["ti"]
        ti.xcom_push(  # xcom-lint: ignore[XCL004] read by another DAG
            key="export_manifest_v1",
            value={"prefix": f"exports/{day}/", "file_count": 3},
        )

    publish_manifest()


dag = cross_dag_export_producer()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
