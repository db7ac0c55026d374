"""Hardening through real DAG runs, in a fresh Airflow process with LayeredXComBackend.

A hostile task writes a forged reference straight into its row (past the backend, through the
Execution API as any task could), fails, is retried: the retry's purge and the reader's pull must
neither delete nor read the object the reference aims at, on local files and on S3. A contract's
reader in another DAG is refused unless the contract names it as a (DAG id, task id) pair.
"""

from __future__ import annotations

import json

import pytest
from xcom_backends.base import XComAddress
from xcom_backends.layers.object_storage import object_location

from tests.harness.backend_profiles import LAYERED, TEST_ENCRYPTION_KEYS
from tests.harness.docs_blocks import as_one_line, block_titled
from tests.harness.environment import REPO_ROOT, environment_without_airflow
from tests.harness.fresh_process import run_dag, run_python
from tests.harness.storage_servers import connection_env_name

pytestmark = pytest.mark.fresh_airflow

RUN = "manual__2026-01-01T00:00:00+00:00"

FORGING_DAG = """
import hashlib, json, os
from datetime import timedelta
from airflow.sdk import dag, get_current_context, task

VICTIM = os.environ["FORGED_VICTIM_URI"]
VICTIM_BYTES = os.environ["FORGED_VICTIM_BYTES"].encode()

@dag(schedule=None)
def forged_reference_probe():
    @task(retries=1, retry_delay=timedelta(0))
    def forge():
        from airflow.sdk.execution_time.comms import SetXCom
        from airflow.sdk.execution_time.task_runner import SUPERVISOR_COMMS

        ti = get_current_context()["ti"]
        address = {"dag_id": ti.dag_id, "run_id": ti.run_id, "task_id": ti.task_id,
                   "map_index": ti.map_index, "key": "payroll_v1"}
        forged = {"__xcom_layer__": "object_storage", "uri": VICTIM, "xcom": address,
                  "sha256": hashlib.sha256(VICTIM_BYTES).hexdigest(), "bytes": len(VICTIM_BYTES)}
        # Past the XCom backend: the row holds exactly what this task chose.
        SUPERVISOR_COMMS.send(SetXCom(value=forged, **address))
        if ti.try_number == 1:
            raise RuntimeError("first try fails, so the retry deletes the forged row")

    @task
    def read_payroll():
        return get_current_context()["ti"].xcom_pull(task_ids="forge", key="payroll_v1")

    forge() >> read_payroll()

forged_reference_probe()
"""


def victim_in(root) -> tuple[object, bytes]:
    victim = root / "payroll" / "salaries.json"
    if victim.protocol in ("file", "local"):
        victim.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"alice": 120000, "bob": 95000}).encode()
    victim.write_bytes(data)
    return victim, data


@pytest.mark.parametrize("store", ["local", "s3"])
def test_a_forged_reference_through_a_retried_run_reads_and_deletes_nothing(
    store, storage_servers, tmp_path
):
    from airflow.sdk import ObjectStoragePath

    if store == "local":
        root, connection = ObjectStoragePath(f"file://{tmp_path / 'store'}"), {}
    else:
        server = storage_servers.get("s3")
        root = ObjectStoragePath(server.base_url) / tmp_path.name
        connection = {connection_env_name("s3"): json.dumps(server.connection)}
    victim, data = victim_in(root)
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "forged_reference_probe.py").write_text(FORGING_DAG)
    env = (
        environment_without_airflow()
        | connection
        | {
            "AIRFLOW__CORE__XCOM_BACKEND": LAYERED,
            "AIRFLOW__XCOM_LAYERS__LAYERS": "object_storage",
            "AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH": str(root / "xcom"),
            "FORGED_VICTIM_URI": str(victim),
            "FORGED_VICTIM_BYTES": data.decode(),
        }
    )
    run = run_dag(tmp_path / "dags", "forged_reference_probe", env)

    assert run["task_states"] == {"forge": "success", "read_payroll": "failed"}
    own = object_location(
        XComAddress("forged_reference_probe", RUN, "forge", -1, "payroll_v1"),
        ".json",
        root / "xcom",
    )
    assert run["errors"]["read_payroll"] == (
        f"XComLayerError: XCom 'payroll_v1' of task forge (DAG forged_reference_probe, run {RUN}) "
        f"refers to '{victim}', which is not its own object '{own}': the row was forged or copied "
        "from another XCom, or [xcom_layers] object_storage_path changed since it was written. "
        "Nothing was read or deleted; re-run the task that pushed it (or set the path it was "
        "written under)."
    )
    assert victim.read_bytes() == data  # the retry's purge left it alone
    assert not (root / "xcom").exists() or not [p for p in (root / "xcom").rglob("*")]


CROSS_DAG_FILE = """
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

RUN = "manual__2026-01-01T00:00:00+00:00"
TOTALS = XComContract(key="order_totals_v1", producer="export_orders",
                      readers={"load_orders", ("finance_report", "build_report")})

@dag(schedule=None)
def orders_export():
    @task
    def export_orders():
        get_current_context()["ti"].xcom_push(key="order_totals_v1", value={"orders": 1000})

    @task
    def load_orders():
        return TOTALS.pull(get_current_context()["ti"])["orders"]

    export_orders() >> load_orders()

register_contracts(orders_export(), TOTALS)


def pull_totals():
    ti = get_current_context()["ti"]
    return ti.xcom_pull(dag_id="orders_export", run_id=RUN, task_ids="export_orders",
                        key="order_totals_v1")

@dag(schedule=None)
def finance_report():
    task(pull_totals, task_id="build_report")()

@dag(schedule=None)
def marketing_report():
    # Same task id as the declared reader, in a DAG the contract does not name.
    task(pull_totals, task_id="build_report")()
    task(pull_totals, task_id="load_orders")()

finance_report()
marketing_report()
"""


@pytest.fixture(scope="module")
def cross_dag_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cross_dag")
    (folder / "cross_dag_contracts.py").write_text(CROSS_DAG_FILE)
    env = environment_without_airflow() | {
        "AIRFLOW__CORE__XCOM_BACKEND": LAYERED,
        "AIRFLOW__XCOM_LAYERS__LAYERS": "contracts",
    }
    finance = run_dag(folder, "orders_export", env, "finance_report")
    marketing = run_dag(folder, "orders_export", env, "marketing_report")
    return finance, marketing


def test_a_reader_declared_in_another_dag_reads_the_value(cross_dag_runs):
    finance, _ = cross_dag_runs
    assert finance["task_states"] == {"build_report": "success"}
    assert finance["xcoms"][0]["value"] == {"orders": 1000}


def test_a_task_with_a_readers_id_in_an_undeclared_dag_is_refused(cross_dag_runs):
    _, marketing = cross_dag_runs
    assert marketing["task_states"] == {"build_report": "failed", "load_orders": "failed"}
    for task_id in ("build_report", "load_orders"):
        assert marketing["errors"][task_id] == (
            f"XComContractError: Task {task_id!r} of DAG 'marketing_report' may not read "
            "'order_totals_v1' from 'export_orders' of DAG 'orders_export': a task of another DAG "
            "reads a contract's value only if the contract names it. Add ('marketing_report', "
            f"{task_id!r}) to the contract's readers if it should."
        )
    shown = as_one_line(block_titled("contracts.md", "task log of build_report"))
    assert shown == marketing["errors"]["build_report"]


TRIGGER_DAG = """
from airflow.sdk import dag, task
from xcom_backends.contracts import XComContract, register_contracts

MANIFEST = XComContract(key="export_manifest_v1", producer="wait_for_export",
                        readers={"load_orders"})

@dag(schedule=None)
def trigger_bypass_probe():
    @task
    def wait_for_export():
        pass  # stands in for a deferrable operator whose trigger ends the task

    @task
    def load_orders():
        pass

    wait_for_export() >> load_orders()

register_contracts(trigger_bypass_probe(), MANIFEST)
"""

END_FROM_TRIGGER = """
import json, sys
from pathlib import Path
from tests.harness.fresh_process import start_fresh_airflow
start_fresh_airflow(sys.argv[1])
from tests.harness.running import load_recipes, read_run, run_recipe
run = run_recipe(load_recipes(Path(sys.argv[1])).dags["trigger_bypass_probe"])

from airflow.models.taskinstance import TaskInstance
from airflow.models.trigger import handle_event_submit
from airflow.triggers.base import TaskSuccessEvent
from airflow.utils.session import create_session
from sqlalchemy import select

# What the triggerer does when a trigger yields TaskSuccessEvent(xcoms=...) (end-from-trigger).
with create_session() as session:
    ti = session.scalars(select(TaskInstance).where(
        TaskInstance.dag_id == run.dag_id, TaskInstance.task_id == "wait_for_export")).one()
    event = TaskSuccessEvent(xcoms={"export_manifest_v1": {"uri": "s3://exports/1.parquet"}})
    handle_event_submit(event, task_instance=ti, session=session)
row = read_run(run.dag_id, run.run_id, run.state).row("wait_for_export", "export_manifest_v1")
print("RESULT " + json.dumps({"stored": row.stored, "read": getattr(row.value, "error", None)}))
"""


def test_xcoms_a_trigger_ends_the_task_with_bypass_the_backend_and_are_refused(tmp_path):
    (tmp_path / "trigger_bypass_probe.py").write_text(TRIGGER_DAG)
    env = environment_without_airflow() | {
        "AIRFLOW__CORE__XCOM_BACKEND": LAYERED,
        "AIRFLOW__XCOM_LAYERS__LAYERS": "contracts, encryption",
        "AIRFLOW__XCOM_LAYERS__ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    }
    result = run_python(["-c", END_FROM_TRIGGER, str(tmp_path)], env)
    # Stored by the server as it came: no contract envelope, no encryption, in the clear.
    assert result["stored"] == json.dumps({"uri": "s3://exports/1.parquet"})  # a JSON string
    assert result["read"] == (
        "XComContractError: XCom 'export_manifest_v1' of task wait_for_export (DAG "
        "trigger_bypass_probe) is declared in a contract, but its row is not a contract "
        "envelope: it was written past the XCom backend (a trigger ending the task with "
        "TriggerEvent xcoms=..., the REST API, or a direct DB write). It was not returned. Push "
        "it from the producer task itself."
    )


CENTRAL_KEY_DAG = """
from airflow.sdk import Variable, dag, task

@dag(schedule=None)
def central_key_probe():
    @task
    def admin_stores_the_key_centrally():
        Variable.set("xcom_seal_private_key_tenant_a", "cHJpdmF0ZSBrZXkgb2YgdGVuYW50IGE=")

    @task(queue="tenant_b")
    def tenant_b_task():
        return Variable.get("xcom_seal_private_key_tenant_a") is not None

    admin_stores_the_key_centrally() >> tenant_b_task()

central_key_probe()
"""


def test_a_private_key_stored_in_the_metadata_db_is_readable_by_every_task(tmp_path):
    """Why private keys go in the tenant workers' environment, never in Airflow's Variables."""
    (tmp_path / "central_key_probe.py").write_text(CENTRAL_KEY_DAG)
    run = run_dag(tmp_path, "central_key_probe", environment_without_airflow())
    assert run["task_states"]["tenant_b_task"] == "success"
    assert next(x["value"] for x in run["xcoms"] if x["task_id"] == "tenant_b_task") is True


def test_the_contracts_page_quotes_the_other_dag_refusal_as_raised(cross_dag_runs):
    _, marketing = cross_dag_runs
    page = " ".join((REPO_ROOT / "docs" / "contracts.md").read_text().split())
    assert " ".join(marketing["errors"]["build_report"].split()) in page


REST_API_VARIABLES = """
import json, sys, tempfile
from tests.harness.fresh_process import start_fresh_airflow
start_fresh_airflow(tempfile.mkdtemp())  # no DAGs: only the API server's app and the DB
from airflow.api_fastapi.app import create_app
from airflow.models.variable import Variable
from fastapi.testclient import TestClient

shown = {}
client = TestClient(create_app())  # the API server's own app; the UI reads the same endpoints
for name, value in json.loads(sys.argv[1]).items():
    Variable.set(name, value)
    shown[name] = client.get(f"/api/v2/variables/{name}").json()["value"]
print("RESULT " + json.dumps(shown))
"""


def test_the_rest_api_masks_the_keys_variable_only_under_a_sensitive_name():
    current, retired = TEST_ENCRYPTION_KEYS.split(",")
    variables = {"xcom_encryption_secret": current, "xcom_encryption_keys": retired}
    env = environment_without_airflow() | {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True"}
    shown = run_python(["-c", REST_API_VARIABLES, json.dumps(variables)], env)
    assert shown == {
        "xcom_encryption_secret": "***",  # the name the cookbook uses: masked
        "xcom_encryption_keys": retired,  # the name it used before: shown in clear
    }
