"""Classic operators: push an explicit key and return a value, then pull both downstream.

The producer pushes one explicit key with ``ti.xcom_push`` and its return value lands under
``return_value``; the consumer pulls both by task id and key.

- Use: with ``PythonOperator`` and other classic operators, or code that already calls
  ``ti.xcom_push``.
- Avoid: for new Python tasks: TaskFlow (``taskflow_return_value.py``) wires the same without typed
  keys.
- Gotcha: a typo in ``task_ids`` or ``key`` is not an error: the pull returns ``None``
  (``xcom-lint`` finds it first).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG


def push_batch_id_and_status(ti):
    # An explicit, specific key: the row shows up as `batch_status_v1` in the
    # UI's XCom tab.
    ti.xcom_push(key="batch_status_v1", value="ready_for_processing")
    # The return value is pushed too, under the key `return_value`.
    return "batch_99482"


def pull_batch_id_and_status(ti):
    batch_id = ti.xcom_pull(task_ids="announce_batch", key="return_value")
    batch_status = ti.xcom_pull(
        task_ids="announce_batch", key="batch_status_v1"
    )
    if batch_status != "ready_for_processing":
        raise ValueError(
            f"Batch {batch_id} is {batch_status!r}, "
            "expected 'ready_for_processing'"
        )
    return f"processed {batch_id}"


with DAG(
    dag_id="basics_classic_push_pull", schedule=None, tags=["basics"]
) as dag:
    announce_batch = PythonOperator(
        task_id="announce_batch", python_callable=push_batch_id_and_status
    )
    process_batch = PythonOperator(
        task_id="process_batch", python_callable=pull_batch_id_and_status
    )
    announce_batch >> process_batch
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
