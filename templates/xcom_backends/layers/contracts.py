"""``contracts``: enforce XCom contracts (xcom_backends/contracts.py) on every push and pull.

``XComContract.push``/``pull`` check only the calls that go through them. With this layer the
backend checks every XCom of a DAG that registered contracts: a TaskFlow return value, an
``XComArg`` argument, a templated pull, a plain ``ti.xcom_pull``. On push it checks the producer,
``max_bytes`` and (for JSON types) ``value_type``; the stored value carries its key, producer and
declared readers, and on pull the reading task must be one of them.

Option (section ``[xcom_layers]``, env ``AIRFLOW__XCOM_LAYERS__CONTRACTS_UNDECLARED``):

- ``contracts_undeclared``: what to do with a key that a DAG with contracts pushes without
  declaring it: ``reject`` (fail the push), ``warn`` (log and store) or ``allow``. Default ``warn``.
  DAGs that register no contract are never checked.

Reads outside a running task (the API server, a test reading rows) are not checked. Like the
contract methods, this is a guardrail inside the workers, not a security boundary: see the
cookbook's contracts page for what the sealed layer adds.
"""

from __future__ import annotations

import logging
from typing import Any

try:
    from airflow.sdk.bases.skipmixin import XCOM_SKIPMIXIN_KEY
except ImportError:  # Airflow 3.0
    XCOM_SKIPMIXIN_KEY = "skipmixin_key"  # what later releases name it
from airflow.sdk.bases.xcom import BaseXCom  # also `airflow.sdk.BaseXCom` since 3.2

from ..base import MARKER, XComAddress, option
from ..contracts import (
    XComContractError,
    contract_of,
    contracts_for_key,
    not_sealed,
    other_dag_read_denied,
    read_denied,
    registered,
    sealing_enabled,
    too_large,
    wrong_producer,
    wrong_type,
)
from ..json_form import json_size

log = logging.getLogger(__name__)
UNDECLARED_MODES = ("reject", "warn", "allow")
AIRFLOW_KEYS = {XCOM_SKIPMIXIN_KEY}  # written by Airflow itself (branch and short-circuit tasks)


def reading_task() -> tuple[str, str] | None:
    """(dag_id, task_id) of the task pulling the value, or None outside a running task."""
    from airflow.sdk import get_current_context

    try:
        ti = get_current_context()["ti"]
    except Exception:  # no task context: API server, scripts, tests reading rows
        return None
    return ti.dag_id, ti.task_id


def protected_key_without_contract(address: dict) -> None:
    """Refuse a row of a declared XCom that reached a reader without a contract envelope."""
    if not {"dag_id", "task_id", "key"} <= address.keys():
        return
    if contract_of(address["dag_id"], address["key"], address["task_id"]) is None:
        return
    raise XComContractError(
        f"XCom {address['key']!r} of task {address['task_id']} (DAG {address['dag_id']}) is "
        "declared in a contract, but its row is not a contract envelope: it was written past the "
        "XCom backend (a trigger ending the task with TriggerEvent xcoms=..., the REST API, or "
        "a direct DB write). It was not returned. Push it from the producer task itself."
    )


def json_type_matches(payload: Any, value_type: Any) -> bool:
    """Whether a serialized payload holds ``value_type`` (JSON types and serde class names)."""
    types = value_type if isinstance(value_type, tuple) else (value_type,)
    classname = payload.get("__classname__") if isinstance(payload, dict) else None
    if isinstance(payload, dict) and payload.get(MARKER) == "dataframe_parquet":
        classname = "pandas.DataFrame"  # already written to Parquet by the layer before this one
    for expected in types:
        if classname is not None:
            if classname == f"{expected.__module__}.{expected.__qualname__}":
                return True
        elif isinstance(payload, expected) and not (expected is int and isinstance(payload, bool)):
            return True
    return False


class ContractsLayer:
    name = "contracts"
    object_suffix = None
    options = ("contracts_undeclared",)

    def __init__(self) -> None:
        self.undeclared = option("contracts_undeclared", "warn")
        if self.undeclared not in UNDECLARED_MODES:
            raise XComContractError(
                f"[xcom_layers] contracts_undeclared is {self.undeclared!r}; use one of "
                f"{UNDECLARED_MODES}."
            )

    def encode(self, payload: Any, address: XComAddress) -> Any:
        declared = contracts_for_key(address.dag_id, address.key)
        contract = contract_of(address.dag_id, address.key, address.task_id)
        if declared and contract is None and address.key != BaseXCom.XCOM_RETURN_KEY:
            raise wrong_producer(declared[0], address.task_id)
        if contract is None:
            if any(registered(address.dag_id)) and address.key not in AIRFLOW_KEYS:
                message = (
                    f"{address.describe()} is not declared in the contracts of DAG "
                    f"{address.dag_id!r}. Declare it with XComContract and register_contracts."
                )
                if self.undeclared == "reject":
                    raise XComContractError(message)
                if self.undeclared == "warn":
                    log.warning(message)
            return payload
        size = json_size(payload)
        if contract.max_bytes is not None and size > contract.max_bytes:
            raise too_large(contract, address.task_id, size)
        if contract.value_type is not None and not json_type_matches(payload, contract.value_type):
            raise wrong_type(contract, address.task_id, "something else")
        if contract.seal_for and not sealing_enabled():
            raise not_sealed(contract, address.task_id)
        other_dags = {"other_dag_readers": contract.other_dag_readers}
        return {
            MARKER: self.name,
            "key": contract.key,
            "producer": contract.producer,
            "readers": contract.own_dag_readers,
            **(other_dags if contract.other_dag_readers else {}),
            "value": payload,
        }

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        reader = reading_task()
        key, producer, readers = envelope["key"], envelope["producer"], envelope["readers"]
        if reader is None:
            return envelope["value"]
        dag_id, task_id = reader
        if dag_id == address.dag_id:
            if task_id not in {producer, *readers}:
                raise read_denied(task_id, key, producer, readers)
        elif [dag_id, task_id] not in envelope.get("other_dag_readers", []):
            raise other_dag_read_denied(dag_id, task_id, key, producer, address.dag_id)
        return envelope["value"]
