from airflow.sdk import dag, get_current_context, task


@dag(schedule=None)
def keys():
    @task
    def produce():
        ti = get_current_context()["ti"]
        ti.xcom_push(key="data", value=1)  # expect: XCL001
        ti.xcom_push(key="customerCount", value=2)  # expect: XCL002
        ti.xcom_push(key="processed_customer_count_v1", value=3)

    @task
    def consume():
        ti = get_current_context()["ti"]
        ti.xcom_pull(task_ids="produce", key="data")  # expect: XCL001
        ti.xcom_pull(task_ids="produce", key="customerCount")  # expect: XCL002
        ti.xcom_pull(task_ids="produce", key="processed_customer_count_v1")

    produce() >> consume()


keys()
