"""Pull from another DAG's run by its run id, and why ``include_prior_dates`` is not the way.

``xcom_pull(dag_id=..., task_ids=..., key=..., run_id=...)`` reads a value another DAG pushed.
In Airflow 3.3 the older idiom, ``include_prior_dates=True`` without a run id, returns ``None``
across DAGs (apache/airflow#70173). Pass the producer's run id instead, for example in the conf
of the ``TriggerDagRunOperator`` that starts this DAG (``{"producer_run_id": "{{ run_id }}"}``).

- Use: when the consumer knows the producer's run id (from conf or a trigger).
- Avoid: ``include_prior_dates`` to find "the latest" run: it returns ``None`` across DAGs in 3.3.
- Gotcha: the producer's rows may already be cleaned up; handle ``None``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import Param, dag, get_current_context, task

PRODUCER = {
    "dag_id": "cross_dag_export_producer",
    "task_ids": "publish_manifest",
}


@dag(
    schedule=None,
    tags=["cross_dag"],
    params={
        "producer_run_id": Param(
            "manual__2026-01-01T00:00:00+00:00", type="string"
        )
    },
)
def cross_dag_pull_by_run_id():
    @task
    def read_manifest():
        context = get_current_context()
        ti, run_id = context["ti"], context["params"]["producer_run_id"]
        by_run_id = ti.xcom_pull(
            **PRODUCER, key="export_manifest_v1", run_id=run_id
        )
        by_prior_dates = ti.xcom_pull(
            **PRODUCER, key="export_manifest_v1", include_prior_dates=True
        )
        if by_run_id is None:
            raise LookupError(
                f"No export_manifest_v1 from {PRODUCER['dag_id']} run "
                f"{run_id!r}: pass an existing run id in the conf."
            )
        return {"by_run_id": by_run_id, "by_prior_dates": by_prior_dates}

    read_manifest()


dag = cross_dag_pull_by_run_id()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
