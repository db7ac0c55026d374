"""An operator extra link built from an XCom: the task pushes the URL, the link reads it back.

The operator pushes its job's console URL under a key; its ``BaseOperatorLink`` reads that key for
the task instance it is asked about. In Airflow 3 the worker resolves the link after the task ran
and stores the result as one more XCom row, ``_link_<LinkClass>``, which the UI and the REST API's
``links`` endpoint read (the API server never imports your operator). That row is written straight
to the metadata database, past any XCom backend, so it always holds the plain URL. Read the key
with the configured backend's ``XCom.get_value``: ``BaseXCom.get_value`` returns the stored form,
which under an offloading backend is the reference, and the link would be it.

- Use: to send users from the UI to the external job.
- Avoid: ``BaseXCom.get_value`` in the link under an offloading backend: it returns the reference.
- Gotcha: a link is only as fresh as the last run of the task.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import BaseOperator, BaseOperatorLink, dag
from airflow.sdk.execution_time.xcom import XCom  # the configured backend


class JobConsoleLink(BaseOperatorLink):
    name = "Job console"

    def get_link(self, operator, *, ti_key):
        return XCom.get_value(ti_key=ti_key, key="job_console_url_v1") or ""


class SubmitJobOperator(BaseOperator):
    operator_extra_links = (JobConsoleLink(),)

    def execute(self, context):
        job_id = "job-1834"  # what the external system returned
        url = f"https://jobs.example.com/console/{job_id}"
        ti = context["ti"]
        ti.xcom_push(  # xcom-lint: ignore[XCL004] (the link reads it)
            key="job_console_url_v1", value=url
        )
        return job_id


@dag(schedule=None, tags=["operators"])
def operators_extra_link_from_xcom():
    SubmitJobOperator(task_id="submit_job")


dag = operators_extra_link_from_xcom()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
