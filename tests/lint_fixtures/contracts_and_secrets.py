from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract

MANIFEST = XComContract(key="orders_manifest_v1", producer="export", readers={"load"})


@dag(schedule=None)
def contracts():
    @task
    def export():
        ti = get_current_context()["ti"]
        ti.xcom_push(key="orders_manifest_v1", value={})
        ti.xcom_push(key="side_channel_v1", value=1)  # expect: XCL005
        ti.xcom_push(key="api_token_v1", value="t")  # expect: XCL005 XCL006

    @task
    def load():
        ti = get_current_context()["ti"]
        ti.xcom_pull(task_ids="export", key="orders_manifest_v1")
        ti.xcom_pull(task_ids="export", key="side_channel_v1")  # expect: XCL005
        ti.xcom_pull(task_ids="export", key="api_token_v1")  # expect: XCL005 XCL006

    export() >> load()


contracts()
