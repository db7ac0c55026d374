"""The starter DAG runs for real, and its values come back through the configured XCom backend."""
{%- set dag_bag = cookiecutter._airflow_releases[cookiecutter.airflow_version].dag_bag %}

from __future__ import annotations

from tests.conftest import PROJECT

SUMMARY = {"order_count": 1000, "revenue_cents": 125125000, "sample_order_ids": [1, 2, 3]}


def test_starter_dag_round_trips_its_values(airflow_db):
    from {{ dag_bag.rsplit('.', 1)[0] }} import {{ dag_bag.rsplit('.', 1)[1] }}
    from airflow.models.xcom import XComModel
    from airflow.sdk.execution_time.xcom import XCom
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dags = PROJECT / "dags"
    bag = {{ dag_bag.rsplit('.', 1)[1] }}(dag_folder=str(dags), bundle_path=dags)
    dag_run = bag.dags["starter_xcom"].test()
    assert str(dag_run.state) == "success"
    with create_session() as session:
        rows = {
            row.task_id: row
            for row in session.scalars(
                select(XComModel).where(
                    XComModel.dag_id == "starter_xcom", XComModel.run_id == dag_run.run_id
                )
            )
        }
        assert XCom.deserialize_value(rows["summarize_orders"]) == SUMMARY
        assert XCom.deserialize_value(rows["report"]) == "1000 orders, 1251250.00 revenue"
        stored = rows["summarize_orders"].value
{%- set layers = cookiecutter._xcom_backends[cookiecutter.xcom_backend].layers %}
{%- if not layers %}
    assert stored == SUMMARY  # the default backend stores the value itself
{%- else %}
    assert stored["__xcom_layer__"] == {{ layers.split(", ")[-1] | jsonify }}  # outermost layer
{%- endif %}
{%- if "sealed" in layers %}
    assert "125125000" not in str(stored)  # the DB holds ciphertext sealed for "reporting"
{%- elif "contracts" in layers %}
    assert (stored["producer"], stored["readers"]) == ("summarize_orders", ["report"])
    assert stored["value"] == SUMMARY
{%- endif %}
{%- if "object_storage" in layers %}
    from airflow.sdk import ObjectStoragePath

    assert ObjectStoragePath(stored["uri"]).exists()
{%- if "encryption" in layers %}
    assert b"125125000" not in ObjectStoragePath(stored["uri"]).read_bytes()  # ciphertext only
{%- endif %}
{%- elif "encryption" in layers %}
    assert "125125000" not in str(stored)  # the DB holds ciphertext only
{%- endif %}

{%- if "sealed" in layers %}


def test_a_worker_without_the_readers_private_key_cannot_open_it(airflow_db, monkeypatch):
    """What a worker of another queue sees: it holds no private key of "reporting"."""
    import pytest
    from airflow.models.xcom import XComModel
    from airflow.sdk.execution_time.xcom import XCom
    from airflow.utils.session import create_session
    from sqlalchemy import select
    from xcom_backends.contracts import XComContractError

    with create_session() as session:
        row = session.scalars(
            select(XComModel).where(
                XComModel.dag_id == "starter_xcom", XComModel.task_id == "summarize_orders"
            )
        ).first()
        assert row is not None, "run test_starter_dag_round_trips_its_values first"
        monkeypatch.delenv("AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_REPORTING")
        with pytest.raises(XComContractError, match="sealed for key ids \\['reporting'\\]"):
            XCom.deserialize_value(row)
{%- endif %}
