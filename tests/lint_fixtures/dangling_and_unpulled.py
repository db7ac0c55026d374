from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import dag, get_current_context, task

BATCH_KEY = "batch_id_v1"


def announce(ti):
    ti.xcom_push(key=BATCH_KEY, value="b1")
    ti.xcom_push(key="unused_note_v1", value="x")  # expect: XCL004
    return "ok"


@dag(schedule=None)
def dangling():
    announce_batch = PythonOperator(task_id="announce_batch", python_callable=announce)
    start_child = TriggerDagRunOperator(task_id="start_child", trigger_dag_id="child")

    @task
    def count_rows() -> int:
        return 3

    @task
    def consume():
        ti = get_current_context()["ti"]
        ti.xcom_pull(task_ids="announce_batch", key=BATCH_KEY)
        ti.xcom_pull(task_ids="announce_batch")  # the operator's return value
        ti.xcom_pull(task_ids="count_rows")
        ti.xcom_pull(task_ids="count_row")  # expect: XCL003
        ti.xcom_pull(task_ids="announce_batch", key="batch_idv1")  # expect: XCL003 XCL002
        ti.xcom_pull(task_ids="start_child", key="trigger_run_id")  # the operator's own key
        ti.xcom_pull(dag_id="child", task_ids="summarize", run_id="r1")  # another DAG's task
        ti.xcom_pull(dag_id=None, task_ids="summarise")  # expect: XCL003

    templated = BashOperator(
        task_id="templated",
        bash_command="echo {{ ti.xcom_pull(task_ids='anounce_batch', key='batch_id_v1') }}",  # expect: XCL003
    )
    announce_batch >> start_child >> [count_rows(), consume(), templated]


dangling()
