"""Sealed XComs: a reader and a non-reader in separate processes with different keys.

The producer's process has only the readers' public keys. A process holding the reader's private
key opens the stored row; a process holding another tenant's key, reading the very same raw row,
gets nothing usable. A tampered row is rejected.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from xcom_backends.contracts import XComContractError
from xcom_backends.layers.sealed import new_key_pair

from tests.harness.backend_profiles import LAYERED
from tests.harness.docs_blocks import as_one_line, block_titled
from tests.harness.environment import DAGS_FOLDER, REPO_ROOT, environment_without_airflow
from tests.harness.fresh_process import run_dag

MANIFEST_XCOM = (
    "XCom 'tenant_manifest_v1' of task export_orders (DAG sealed_probe, run "
    "manual__2026-01-01T00:00:00+00:00)"
)
SECRET_MANIFEST = {"uri": "s3://tenant-a/orders/20260101.parquet", "customer_count": 1834}

DAG_FILE = f"""
from airflow.sdk import dag, get_current_context, task
from xcom_backends.contracts import XComContract, register_contracts

MANIFEST = XComContract(
    key="tenant_manifest_v1", producer="export_orders", readers={{"load_orders"}},
    seal_for={{"tenant_a"}},
)

@dag(schedule=None)
def sealed_probe():
    @task
    def export_orders():
        MANIFEST.push(get_current_context()["ti"], {SECRET_MANIFEST!r})

    @task
    def load_orders():
        return MANIFEST.pull(get_current_context()["ti"])["customer_count"]

    export_orders() >> load_orders()

dag = sealed_probe()
register_contracts(dag, MANIFEST)
"""

OPEN_ROW = """
import json, os, sys, tempfile
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp()
from types import SimpleNamespace
from xcom_backends.layered import LayeredXComBackend
try:
    print(json.dumps(LayeredXComBackend.deserialize_value(SimpleNamespace(value=json.load(sys.stdin)))))
except Exception as error:
    print(f"ERROR {type(error).__name__}: {error}")
"""


def base_env() -> dict[str, str]:
    return environment_without_airflow() | {
        "AIRFLOW__CORE__XCOM_BACKEND": LAYERED,
        "AIRFLOW__XCOM_LAYERS__LAYERS": "contracts, sealed",
    }


def open_in_process(stored: dict, private_keys: dict[str, str]) -> str:
    """Deserialize the raw row in a new process that holds only ``private_keys``."""
    env = base_env() | {"PYTHONPATH": str(REPO_ROOT / "templates")}
    env |= {f"AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_{k.upper()}": v for k, v in private_keys.items()}
    result = subprocess.run(
        [sys.executable, "-c", OPEN_ROW],
        input=json.dumps(stored),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def sealed_run(tmp_path_factory):
    keys = {tenant: new_key_pair() for tenant in ("tenant_a", "tenant_b")}
    folder = tmp_path_factory.mktemp("sealed")
    (folder / "sealed_probe.py").write_text(DAG_FILE)
    env = base_env() | {  # the producer's worker: public keys only
        f"AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_{t.upper()}": public for t, (public, _) in keys.items()
    }
    run = run_dag(folder, "sealed_probe", env)
    stored = next(x["stored"] for x in run["xcoms"] if x["key"] == "tenant_manifest_v1")
    return run, stored, {tenant: private for tenant, (_, private) in keys.items()}


@pytest.mark.fresh_airflow
def test_the_stored_row_holds_only_ciphertext(sealed_run):
    run, stored, _ = sealed_run
    assert stored["__xcom_layer__"] == "sealed"
    assert [r["key_id"] for r in stored["recipients"]] == ["tenant_a"]
    assert '"customer_count": 1834' not in json.dumps(stored) and "tenant-a" not in json.dumps(
        stored
    )
    # The producer's own worker holds no private key: even it cannot read the value back.
    assert "holds none of their private keys" in run["errors"]["load_orders"]


@pytest.mark.fresh_airflow
def test_the_readers_process_opens_it(sealed_run):
    _, stored, private = sealed_run
    assert json.loads(open_in_process(stored, {"tenant_a": private["tenant_a"]})) == SECRET_MANIFEST


@pytest.mark.fresh_airflow
def test_a_non_readers_process_gets_nothing_from_the_raw_row(sealed_run):
    _, stored, private = sealed_run
    assert open_in_process(stored, {"tenant_b": private["tenant_b"]}) == (
        f"ERROR XComContractError: {MANIFEST_XCOM} is sealed for key ids ['tenant_a']; this "
        "worker holds "
        "none of their private keys (Variable 'xcom_seal_private_key_<key id>'). Run the reading "
        "task on a queue whose workers hold one, or add this task's tenant to the contract's "
        "seal_for."
    )


@pytest.mark.fresh_airflow
def test_a_tampered_row_is_rejected(sealed_run):
    _, stored, private = sealed_run
    sealed = bytearray(base64.b64decode(stored["ciphertext"]))
    sealed[-1] ^= 0x01
    tampered = {**stored, "ciphertext": base64.b64encode(bytes(sealed)).decode()}
    assert open_in_process(tampered, {"tenant_a": private["tenant_a"]}) == (
        f"ERROR XComContractError: {MANIFEST_XCOM}, sealed for key id 'tenant_a', failed "
        "authentication: it was altered or copied from another XCom, or this worker's private key "
        "is not the one it was sealed for. Nothing was returned."
    )


@pytest.mark.fresh_airflow
def test_the_wrong_private_key_under_the_right_id_is_rejected(sealed_run):
    _, stored, private = sealed_run
    result = open_in_process(stored, {"tenant_a": private["tenant_b"]})
    assert result.startswith(f"ERROR XComContractError: {MANIFEST_XCOM}, sealed for key id")


NOT_SEALED = (
    "XComContractError: 'orders_manifest_v1' from task 'export_orders' must be sealed for "
    "['orders_team'], but this worker's XCom backend does not seal, so it would be stored in "
    "plain text. Set AIRFLOW__CORE__XCOM_BACKEND=xcom_backends.layered.LayeredXComBackend and "
    "add 'sealed' to AIRFLOW__XCOM_LAYERS__LAYERS. Nothing was stored."
)


@pytest.mark.fresh_airflow
def test_a_sealed_contract_is_never_stored_in_plain_text_by_a_backend_that_cannot_seal():
    # The recipe as a user copies it into a project still on Airflow's default backend.
    run = run_dag(DAGS_FOLDER, "contracts_sealed_value", environment_without_airflow("COOKBOOK_"))
    assert run["task_states"] == {"export_orders": "failed", "load_orders": "upstream_failed"}
    assert run["errors"] == {"export_orders": NOT_SEALED}
    assert run["xcoms"] == []
    assert as_one_line(block_titled("contracts.md", "task log of export_orders")) == NOT_SEALED


def test_the_contracts_layer_refuses_a_sealed_contract_without_the_sealed_layer(recipes):
    # A TaskFlow return or a raw ti.xcom_push skips XComContract.push; the layer checks it too.
    # This session's backend is not the layered one with `sealed`, so the layer must refuse.
    # (The `recipes` fixture parsed dags/, which registered the recipe's contract.)
    from xcom_backends.layered import XComAddress
    from xcom_backends.layers.contracts import ContractsLayer

    address = XComAddress("contracts_sealed_value", "r1", "export_orders", -1, "orders_manifest_v1")
    with pytest.raises(XComContractError) as refused:
        ContractsLayer().encode({"rows": 1834}, address)
    assert f"XComContractError: {refused.value}" == NOT_SEALED


def test_the_contracts_page_quotes_the_refusal_as_raised():
    page = (REPO_ROOT / "docs" / "contracts.md").read_text()
    assert " ".join(NOT_SEALED.split()) in " ".join(page.split())


# --- envelope version 2: HPKE (RFC 9180), bound to the XCom's address ----------------------------


@pytest.fixture
def sealed_layer(monkeypatch, airflow_db):
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
    from xcom_backends.contracts import XComContract, register_contracts
    from xcom_backends.layers.sealed import SealedLayer

    with DAG("sealed_unit_probe", schedule=None) as dag:
        EmptyOperator(task_id="export_orders")
    register_contracts(
        dag, XComContract(key="tenant_manifest_v1", producer="export_orders", seal_for={"tenant_a"})
    )

    def make(kem: str) -> SealedLayer:
        public, private = new_key_pair(kem)
        monkeypatch.setenv("AIRFLOW__XCOM_LAYERS__SEALED_KEM", kem)
        monkeypatch.setenv("AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_TENANT_A", public)
        monkeypatch.setenv("AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_TENANT_A", private)
        return SealedLayer()

    return make


def probe_address(**changes):
    from xcom_backends.base import XComAddress

    fields = {
        "dag_id": "sealed_unit_probe",
        "run_id": "manual__2026-01-01T00:00:00+00:00",
        "task_id": "export_orders",
        "map_index": -1,
        "key": "tenant_manifest_v1",
    }
    return XComAddress(**(fields | changes))


@pytest.mark.parametrize(("kem", "wrapped_bytes"), [("x25519", 80), ("mlkem768-x25519", 1168)])
def test_both_kems_seal_and_open_with_hpke(sealed_layer, kem, wrapped_bytes):
    layer = sealed_layer(kem)
    envelope = layer.encode(SECRET_MANIFEST, probe_address())
    assert (envelope["v"], envelope["kem"]) == (2, kem)
    (recipient,) = envelope["recipients"]
    assert len(base64.b64decode(recipient["wrapped_key"])) == wrapped_bytes
    assert layer.decode(envelope, probe_address()) == SECRET_MANIFEST


@pytest.mark.parametrize(
    "moved", [{"run_id": "scheduled__2026-01-02"}, {"map_index": 0}, {"task_id": "export_refunds"}]
)
def test_a_sealed_value_moved_to_another_xcom_does_not_open(sealed_layer, moved):
    layer = sealed_layer("x25519")
    envelope = layer.encode(SECRET_MANIFEST, probe_address())
    with pytest.raises(XComContractError, match=r"sealed for key id 'tenant_a', failed authentic"):
        layer.decode(envelope, probe_address(**moved))


def test_a_version_1_envelope_is_refused_with_a_message(sealed_layer):
    layer = sealed_layer("x25519")
    version_1 = {
        "__xcom_layer__": "sealed",
        "v": 1,
        "recipients": [],
        "nonce": "",
        "ciphertext": "",
    }
    with pytest.raises(XComContractError) as refused:
        layer.decode(version_1, probe_address())
    assert str(refused.value) == (
        "XCom 'tenant_manifest_v1' of task export_orders (DAG sealed_unit_probe, run "
        "manual__2026-01-01T00:00:00+00:00) is a sealed envelope of version 1 (kem None); this "
        "layer opens version 2 only. Re-run the task that pushed it."
    )


def test_an_unknown_kem_names_the_choices(monkeypatch, airflow_db):
    from xcom_backends.layers.sealed import SealedLayer

    monkeypatch.setenv("AIRFLOW__XCOM_LAYERS__SEALED_KEM", "kyber")
    with pytest.raises(XComContractError, match=r"sealed_kem is 'kyber'; use one of \['x25519', "):
        SealedLayer()
