"""Starter DAG: a small summary passed from one task to the next through the XCom backend.

Replace it with your own DAGs. Keep XComs small (ids, counts, paths); write data to storage and
pass its location.
"""

from __future__ import annotations

from airflow.sdk import dag, task
{%- if "contracts" in cookiecutter._xcom_backends[cookiecutter.xcom_backend].layers %}
from xcom_backends.contracts import XComContract, register_contracts

# The summary is declared once: who pushes it, who may read it, how big and what type it may be.
ORDER_SUMMARY = XComContract(
    key="return_value",
    producer="summarize_orders",
    readers={"report"},
    max_bytes=1024,
    value_type=dict,
{%- if "sealed" in cookiecutter._xcom_backends[cookiecutter.xcom_backend].layers %}
    # Encrypted for key id "reporting": only workers holding its private key open it (README).
    seal_for={"reporting"},
{%- endif %}
)
{%- endif %}


@dag(schedule=None, tags=["starter"])
def starter_xcom():
    @task
    def summarize_orders():
        return {"order_count": 1000, "revenue_cents": 125125000, "sample_order_ids": [1, 2, 3]}
{% if "sealed" in cookiecutter._xcom_backends[cookiecutter.xcom_backend].layers %}
    # The queue whose workers hold the private key of "reporting".
    @task(queue="reporting")
{%- else %}
    @task
{%- endif %}
    def report(summary) -> str:
        return f"{summary['order_count']} orders, {summary['revenue_cents'] / 100:.2f} revenue"

    report(summarize_orders())


dag = starter_xcom()
{%- if "contracts" in cookiecutter._xcom_backends[cookiecutter.xcom_backend].layers %}
register_contracts(dag, ORDER_SUMMARY)  # checked when the file is parsed
{%- endif %}

if __name__ == "__main__":
    dag.test()
