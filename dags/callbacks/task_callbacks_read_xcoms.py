"""Task callbacks and notifiers that read XComs: the task's own rows and its upstream's.

``on_success_callback`` and ``on_failure_callback`` run on the worker, in the task's process, right
after the task: ``context["ti"].xcom_pull`` works there and goes through the XCom backend like any
pull. A notifier's templated message can pull too. Needs ``_notifications.py`` beside it (the
stand-in channel).

- Use: to report what a task produced or how far it got before it failed.
- Avoid: for work the pipeline depends on: a callback's failure does not fail the task.
- Gotcha: the failure callback sees what the failed try pushed before it failed, and a retry
  deletes those rows before it starts.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import BaseNotifier, dag, get_current_context, task

from callbacks._notifications import send


class RunReportNotifier(BaseNotifier):
    template_fields = ("message",)

    def __init__(self, message: str):
        super().__init__()
        self.message = message

    def notify(self, context):
        ti = context["ti"]
        # Already rendered.
        send(ti.dag_id, ti.task_id, {"message": self.message})


def alert_on_failure(context):
    ti = context["ti"]
    send(
        ti.dag_id,
        ti.task_id,
        {
            "error": str(context["exception"]),
            "pages_before_failing": ti.xcom_pull(
                task_ids=ti.task_id, key="published_pages_v1"
            ),
            "orders_in_run": ti.xcom_pull(task_ids="count_new_orders"),
        },
    )


@dag(schedule=None, tags=["callbacks"])
def callbacks_task_callbacks_read_xcoms():
    @task
    def count_new_orders() -> int:
        return 1834

    @task(
        on_success_callback=RunReportNotifier(
            message="Loaded {{ ti.xcom_pull(task_ids='load_orders') }} of "
            "{{ ti.xcom_pull(task_ids='count_new_orders') }} orders"
        )
    )
    def load_orders(count: int) -> int:
        return count - 4  # four duplicates dropped

    @task(on_failure_callback=alert_on_failure)
    def publish_report(count: int) -> None:
        ti = get_current_context()["ti"]
        ti.xcom_push(key="published_pages_v1", value=3)
        raise ConnectionError(
            "report server closed the connection after page 3"
        )

    count = count_new_orders()
    load_orders(count)
    publish_report(count)


dag = callbacks_task_callbacks_read_xcoms()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
