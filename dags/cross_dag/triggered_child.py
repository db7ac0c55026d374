"""The child of ``trigger_child_with_conf.py``: reads its run's conf as params, returns a result.

A DAG that another DAG triggers reads what the parent sent from ``params`` (the run's conf merged
over the declared defaults), never by pulling the parent's XComs, and returns its answer as the
DAG result. Declaring the param with a default lets the child also run on its own.

- Use: for a DAG that other DAGs or people start with parameters.
- Avoid: reading the parent's XComs from the child: it couples the child to the parent's task ids.
- Gotcha: conf keys the DAG does not declare still arrive in ``params``, unvalidated; declare each
  one it reads.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import Param, dag, get_current_context, task


@dag(
    schedule=None,
    params={"batch_id": Param("batch-manual", type="string")},
    tags=["cross_dag"],
)
def cross_dag_triggered_child():
    @task
    def summarize_batch():
        batch_id = get_current_context()["params"]["batch_id"]
        return {"batch_id": batch_id, "row_count": 1834}

    return summarize_batch()


dag = cross_dag_triggered_child()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
