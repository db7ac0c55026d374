from airflow.sdk import dag, get_current_context, task

COUNT_KEY = "processed_customer_count_v1"


@dag(schedule=None)
def clean():
    @task
    def produce() -> dict:
        get_current_context()["ti"].xcom_push(key=COUNT_KEY, value=3)
        return {"rows": 3}

    @task
    def consume(summary: dict):
        ti = get_current_context()["ti"]
        return ti.xcom_pull(task_ids="produce", key=COUNT_KEY) + summary["rows"]

    consume(produce())


clean()
