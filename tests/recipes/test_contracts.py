"""Contracts chapter: declared handoffs, refusals, and malformed declarations at parse time."""

from __future__ import annotations

import json

import pytest
from xcom_backends.base import envelope_of

from tests.harness.environment import environment_without_airflow
from tests.harness.fresh_process import run_dag

MANIFEST = {"uri": "s3://warehouse/orders/20260101.parquet", "rows": 1000}


def test_declared_handoff_pushes_and_pulls_through_the_contract(recipes):
    run = recipes.run("contracts_declared_handoff")

    assert run.keys("export_orders") == ["orders_manifest_v1"]
    assert run.value("export_orders", "orders_manifest_v1") == MANIFEST
    assert run.value("load_orders") == 1000
    assert run.value("announce_load") == f"loading {MANIFEST}"  # the templated pull


def test_a_task_that_is_not_a_reader_is_refused(recipes):
    run = recipes.run("contracts_denied_pull")

    assert run.value("load_orders") == "s3://warehouse/orders/1.parquet"
    assert run.errors == {
        "notify_channel": "XComContractError: Task 'notify_channel' may not read "
        "'orders_manifest_v1' from 'export_orders': its declared readers are ['load_orders']. "
        "Add 'notify_channel' to the contract's readers if it should."
    }
    assert run.keys("notify_channel") == []


def test_an_oversize_push_is_refused_before_anything_is_stored(recipes):
    run = recipes.run("contracts_size_refusal")

    assert run.xcoms == []
    assert run.errors == {
        "find_new_orders": "XComContractError: 'new_order_ids_v1' from task 'find_new_orders' is "
        "16000 bytes, over its contract's max_bytes of 1024. Write the data to object storage "
        "and push its URI (the cookbook's 'References, not data' recipe)."
    }


SEALED_MANIFEST = {"uri": "s3://orders-team/exports/20260101.parquet", "rows": 1834}


def test_a_mapped_producer_pushes_one_checked_row_per_map_index(recipes):
    run = recipes.run("contracts_mapped_producer")

    counts = [run.value("count_region_orders", "region_order_count_v1", i) for i in range(3)]
    assert counts == [120, 340, 95]
    assert run.keys("count_region_orders") == ["region_order_count_v1"]
    assert run.value("total_orders") == 555  # the reader received all three, in map-index order


@pytest.mark.fresh_airflow
def test_a_sealed_value_is_ciphertext_in_the_db_and_plain_for_its_reader(recipes):
    run = recipes.run("contracts_sealed_value")  # under the `sealed` profile (its RecipeSpec)

    stored = run.row("export_orders", "orders_manifest_v1").stored
    assert envelope_of(stored) == "sealed"
    assert [r["key_id"] for r in stored["recipients"]] == ["orders_team"]
    assert '"rows": 1834' not in json.dumps(stored) and "orders-team" not in json.dumps(stored)
    # Read back in the run's process, which holds the orders_team private key:
    assert run.value("export_orders", "orders_manifest_v1") == SEALED_MANIFEST
    assert run.value("load_orders") == 1834


BAD_DAG = """
from airflow.sdk import dag, task
from xcom_backends.contracts import XComContract, register_contracts

@dag(schedule=None)
def malformed_contracts():
    @task
    def export_orders(): ...

    @task
    def load_orders(): ...

    export_orders() >> load_orders()

dag = malformed_contracts()
register_contracts(dag, {contracts})
"""


@pytest.mark.parametrize(
    ("contracts", "message"),
    [
        (
            'XComContract(key="manifest_v1", producer="export_orders", readers={"load_orders"}), '
            'XComContract(key="manifest_v1", producer="export_orders")',
            "DAG 'malformed_contracts' declares key 'manifest_v1' of 'export_orders' twice",
        ),
        (
            'XComContract(key="manifest_v1", producer="export_orders", readers={"lod_orders"})',
            "Contract 'manifest_v1' of DAG 'malformed_contracts' names ['lod_orders'], which are "
            "not tasks of the DAG (it has ['export_orders', 'load_orders']). Fix the task ids.",
        ),
        (
            'XComContract(key="manifest_v1", producer="export_orders", max_bytes=-1)',
            "Contract 'manifest_v1': max_bytes must be >= 0 or None, got -1.",
        ),
    ],
)
def test_malformed_contracts_fail_when_the_file_is_parsed(recipes, tmp_path, contracts, message):
    from tests.harness.running import load_recipes

    (tmp_path / "malformed_contracts.py").write_text(BAD_DAG.format(contracts=contracts))
    errors = load_recipes(tmp_path).import_errors
    assert len(errors) == 1
    assert message in next(iter(errors.values()))


ONE_REGION_DAG = """
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

REGION_COUNT = XComContract(
    key="region_order_count_v1", producer="count_orders", readers={"read_counts"}
)

@dag(schedule=None)
def one_region():
    @task
    def count_orders(region: str) -> None:
        REGION_COUNT.push(get_current_context()["ti"], {"emea": 120}[region])

    @task
    def read_counts():  # no `-> dict`: it would split the dict into rows
        ti = get_current_context()["ti"]
        return {"pull": REGION_COUNT.pull(ti), "pull_each": REGION_COUNT.pull_each(ti)}

    count_orders.expand(region=["emea"]) >> read_counts()

dag = one_region()
register_contracts(dag, REGION_COUNT)
"""


@pytest.mark.fresh_airflow
def test_pull_each_is_a_list_also_when_a_mapped_producer_ran_once(tmp_path):
    """``contracts_mapped_producer`` reads with ``pull_each``: with one map index, ``pull``
    (a string ``task_ids``) gives the bare value and ``sum()`` over it would fail."""
    (tmp_path / "one_region.py").write_text(ONE_REGION_DAG)
    run = run_dag(tmp_path, "one_region", environment_without_airflow())

    assert run["task_states"] == {"count_orders[0]": "success", "read_counts": "success"}
    read = [row["value"] for row in run["xcoms"] if row["task_id"] == "read_counts"]
    assert read == [{"pull": 120, "pull_each": [120]}]
