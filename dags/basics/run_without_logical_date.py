"""Name things from fields every run has: a run without a logical date has no ``ds``.

Runs started by an asset event, and runs triggered through the API or UI with no logical date, have
no ``logical_date``, ``ds`` or ``ds_nodash`` in their context: a task that reads them fails with
``KeyError``. ``run_id`` and ``dag_run.run_after`` (when the run was due) exist in every run. A
TaskFlow function receives context keys it declares as parameters (default ``None``), and the rest
of the context in ``**context``.

- Use: ``run_after`` for a date in a path or partition, ``run_id`` where a name must be unique.
- Avoid: ``ds``, ``ds_nodash`` and ``logical_date`` in DAGs that assets, the API or the UI may
  trigger.
- Gotcha: a DAG that ran fine on its schedule fails with ``KeyError: 'ds'`` the first time someone
  triggers it without a logical date.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["basics"])
def basics_run_without_logical_date():
    # Context keys as parameters.
    @task
    def export_orders(dag_run=None, run_id=None, **context):
        day = dag_run.run_after.strftime("%Y-%m-%d")
        return {
            "partition": f"orders/{day}",
            "exported_by_run": run_id,
            "run_has_ds": "ds" in context,
        }

    export_orders()


dag = basics_run_without_logical_date()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
