"""The contracts layer enforces declared readers on implicit pulls too: XComArg and templates.

The probe DAG runs in a fresh Airflow process with LayeredXComBackend and `layers = contracts`.
"""

from __future__ import annotations

import pytest

from tests.harness.backend_profiles import LAYERED
from tests.harness.environment import environment_without_airflow
from tests.harness.fresh_process import run_dag

pytestmark = pytest.mark.fresh_airflow

DAG_FILE = """
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

SUMMARY = XComContract(
    key="return_value", producer="summarize", readers={"report"}, max_bytes=200, value_type=dict
)

@dag(schedule=None)
def contracts_layer_probe():
    @task
    def summarize():
        return {"rows": 3}

    @task
    def report(summary):
        return summary["rows"]

    @task
    def snoop(summary):
        return summary

    @task
    def scribble():
        get_current_context()["ti"].xcom_push(key="scratch_v1", value=1)

    templated_snoop = BashOperator(
        task_id="templated_snoop", bash_command="echo {{ ti.xcom_pull(task_ids='summarize') }}"
    )
    summary = summarize()
    report(summary)
    snoop(summary)
    summary >> templated_snoop
    scribble()

dag = contracts_layer_probe()
register_contracts(dag, SUMMARY)
"""

DENIED = (
    "XComContractError: Task '{reader}' may not read 'return_value' from 'summarize': its "
    "declared readers are ['report']. Add '{reader}' to the contract's readers if it should."
)


def run_probe(tmp_path, undeclared: str) -> dict:
    (tmp_path / "contracts_layer_probe.py").write_text(DAG_FILE)
    env = environment_without_airflow() | {
        "AIRFLOW__CORE__XCOM_BACKEND": LAYERED,
        "AIRFLOW__XCOM_LAYERS__LAYERS": "contracts",
        "AIRFLOW__XCOM_LAYERS__CONTRACTS_UNDECLARED": undeclared,
    }
    return run_dag(tmp_path, "contracts_layer_probe", env)


def rows(run: dict) -> dict:
    return {(x["task_id"], x["key"]): x for x in run["xcoms"]}


def test_readers_pass_and_others_are_refused_on_every_pull_path(tmp_path):
    run = run_probe(tmp_path, undeclared="warn")

    assert rows(run)[("summarize", "return_value")]["stored"]["__xcom_layer__"] == "contracts"
    assert rows(run)[("report", "return_value")]["value"] == 3
    assert run["errors"] == {
        "snoop": DENIED.format(reader="snoop"),  # an XComArg argument
        "templated_snoop": DENIED.format(reader="templated_snoop"),  # a templated pull
    }
    assert rows(run)[("scribble", "scratch_v1")]["value"] == 1  # warn mode: stored


def test_reject_mode_refuses_undeclared_keys(tmp_path):
    run = run_probe(tmp_path, undeclared="reject")

    assert ("scribble", "scratch_v1") not in rows(run)
    assert run["errors"]["scribble"] == (
        "XComContractError: XCom 'scratch_v1' of task scribble (DAG contracts_layer_probe, run "
        "manual__2026-01-01T00:00:00+00:00) is not declared in the contracts of DAG "
        "'contracts_layer_probe'. Declare it with XComContract and register_contracts."
    )


def test_an_unknown_undeclared_mode_is_a_configuration_error(tmp_path):
    run = run_probe(tmp_path, undeclared="sometimes")

    assert (
        "contracts_undeclared is 'sometimes'; use one of ('reject', 'warn', 'allow')"
        in (run["errors"]["summarize"])
    )
