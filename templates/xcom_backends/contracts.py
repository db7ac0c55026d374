"""XCom contracts: declare each XCom once (key, producer, readers, size, type) and use that object.

A contract replaces the two strings a producer and a consumer would otherwise type separately::

    ORDERS_MANIFEST = XComContract(
        key="orders_manifest_v1", producer="export_orders", readers={"load_orders"},
        max_bytes=2048, value_type=dict,
    )

    ORDERS_MANIFEST.push(ti, {"uri": ..., "row_count": 1000})    # in export_orders
    manifest = ORDERS_MANIFEST.pull(ti)                          # in load_orders
    bash_command = f"load --manifest '{ORDERS_MANIFEST.template}'"  # a templated pull

A task of another DAG reads the value only if the contract names it as a ``(dag_id, task_id)``
pair: ``readers={"load_orders", ("reporting", "build_report")}``; a plain task id is a reader in
the producer's own DAG. After the DAG's tasks are defined,
``register_contracts(dag, ORDERS_MANIFEST, ...)`` checks the declarations against the DAG when the
file is parsed: a duplicate key, a producer or reader that is
not a task of the DAG, or a negative size fails the import with a message naming the contract.

``push`` refuses a wrong producer, a value of the wrong type or over ``max_bytes`` before anything
is stored; ``pull`` refuses a task that is not a declared reader. These checks run in the task's
own code: they are a guardrail against mistakes, not a security boundary (any task can still call
``ti.xcom_pull`` directly). See the contracts page of the cookbook for what enforces more.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# dag_id -> (producer, key) -> contract. Several tasks may each declare their own `return_value`.
_REGISTRY: dict[str, dict[tuple[str, str], XComContract]] = {}


class XComContractError(Exception):
    """A contract was declared wrongly, or a task broke one; the message says which and how."""


# --8<-- [start:declaration]
@dataclass(frozen=True)
class XComContract:
    key: str
    producer: str
    readers: frozenset[str | tuple[str, str]] = field(default_factory=frozenset)
    """Task ids of the producer's DAG, and ``(dag_id, task_id)`` pairs of tasks in other DAGs."""
    max_bytes: int | None = None
    value_type: type | tuple[type, ...] | None = None
    seal_for: frozenset[str] = field(default_factory=frozenset)
    """Key ids the value is sealed for by the ``sealed`` layer (layers/sealed.py)."""

    # --8<-- [end:declaration]

    def __post_init__(self) -> None:
        object.__setattr__(self, "readers", frozenset(self.readers))
        object.__setattr__(self, "seal_for", frozenset(self.seal_for))
        if not self.key:
            raise XComContractError(f"A contract of producer {self.producer!r} has an empty key.")
        if self.max_bytes is not None and self.max_bytes < 0:
            raise XComContractError(
                f"Contract {self.key!r}: max_bytes must be >= 0 or None, got {self.max_bytes}."
            )

    @property
    def template(self) -> str:
        """The Jinja pull for a templated field of a reader task."""
        return f"{{{{ ti.xcom_pull(task_ids='{self.producer}', key='{self.key}') }}}}"

    def check_value(self, value: Any, task_id: str) -> None:
        """Raise unless ``value`` may be pushed under this contract by ``task_id``."""
        if task_id != self.producer:
            raise wrong_producer(self, task_id)
        if self.seal_for and not sealing_enabled():
            raise not_sealed(self, task_id)
        if self.value_type is not None and not isinstance(value, self.value_type):
            raise wrong_type(self, task_id, f"a {type(value).__name__}")
        if self.max_bytes is not None:
            size = len(json.dumps(value, default=str).encode())
            if size > self.max_bytes:
                raise too_large(self, task_id, size)

    @property
    def own_dag_readers(self) -> list[str]:
        return sorted(r for r in self.readers if isinstance(r, str))

    @property
    def other_dag_readers(self) -> list[list[str]]:
        return sorted([r[0], r[1]] for r in self.readers if not isinstance(r, str))

    def check_reader(self, task_id: str, dag_id: str | None = None, own_dag: str | None = None):
        """Raise unless ``task_id`` of ``dag_id`` may read; ``own_dag`` is the producer's DAG."""
        if dag_id is None or dag_id == own_dag:
            if task_id not in self.readers:
                raise read_denied(task_id, self.key, self.producer, self.own_dag_readers)
        elif [dag_id, task_id] not in self.other_dag_readers:
            raise other_dag_read_denied(dag_id, task_id, self.key, self.producer, own_dag)

    def push(self, ti: Any, value: Any) -> None:
        """Push ``value`` from the producer task ``ti`` after checking the contract."""
        self.check_value(value, ti.task_id)
        ti.xcom_push(key=self.key, value=value)

    def pull(self, ti: Any, **kwargs: Any) -> Any:
        """Pull the value into the reader task ``ti`` after checking it is a declared reader.

        From another DAG, pass the producer's ``dag_id=`` and ``run_id=`` as to ``ti.xcom_pull``.
        """
        self.check_reader(ti.task_id, ti.dag_id, kwargs.get("dag_id", ti.dag_id))
        return ti.xcom_pull(task_ids=self.producer, key=self.key, **kwargs)

    def pull_each(self, ti: Any, **kwargs: Any) -> list[Any]:
        """``pull`` from a mapped producer: one value per map index, in map-index order, a list
        however many instances ran (``pull`` gives the bare value when only one did)."""
        self.check_reader(ti.task_id, ti.dag_id, kwargs.get("dag_id", ti.dag_id))
        return ti.xcom_pull(task_ids=[self.producer], key=self.key, **kwargs)


# The errors a broken contract raises, shared by the contract's own methods and the backend layer.
def wrong_producer(contract: XComContract, task_id: str) -> XComContractError:
    return XComContractError(
        f"Task {task_id!r} pushed {contract.key!r}, whose declared producer is "
        f"{contract.producer!r}. Push it from {contract.producer!r}, or declare a new key."
    )


def wrong_type(contract: XComContract, task_id: str, pushed: str) -> XComContractError:
    return XComContractError(
        f"{contract.key!r} must hold {contract.value_type!r}; task {task_id!r} pushed {pushed}. "
        "Fix the value or the contract's value_type."
    )


def too_large(contract: XComContract, task_id: str, size: int) -> XComContractError:
    return XComContractError(
        f"{contract.key!r} from task {task_id!r} is {size} bytes, over its contract's "
        f"max_bytes of {contract.max_bytes}. Write the data to object storage and push "
        "its URI (the cookbook's 'References, not data' recipe)."
    )


def not_sealed(contract: XComContract, task_id: str) -> XComContractError:
    return XComContractError(
        f"{contract.key!r} from task {task_id!r} must be sealed for {sorted(contract.seal_for)}, "
        "but this worker's XCom backend does not seal, so it would be stored in plain text. Set "
        "AIRFLOW__CORE__XCOM_BACKEND=xcom_backends.layered.LayeredXComBackend and add 'sealed' "
        "to AIRFLOW__XCOM_LAYERS__LAYERS. Nothing was stored."
    )


def sealing_enabled() -> bool:
    """Whether this process's XCom backend is the layered backend with the ``sealed`` layer."""
    from airflow.sdk.execution_time.xcom import XCom

    layer_names = getattr(XCom, "enabled_layer_names", None)  # LayeredXComBackend only
    return layer_names is not None and "sealed" in layer_names()


def read_denied(reader: str, key: str, producer: str, readers: list[str]) -> XComContractError:
    return XComContractError(
        f"Task {reader!r} may not read {key!r} from {producer!r}: its declared readers are "
        f"{readers}. Add {reader!r} to the contract's readers if it should."
    )


def other_dag_read_denied(
    dag_id: str, task_id: str, key: str, producer: str, producer_dag: str | None
) -> XComContractError:
    return XComContractError(
        f"Task {task_id!r} of DAG {dag_id!r} may not read {key!r} from {producer!r} of DAG "
        f"{producer_dag!r}: a task of another DAG reads a contract's value only if the contract "
        f"names it. Add ({dag_id!r}, {task_id!r}) to the contract's readers if it should."
    )


def register_contracts(dag: Any, *contracts: XComContract) -> None:
    """Check the contracts against ``dag`` at parse time and make them known to the backend."""
    task_ids = set(dag.task_ids)
    declared: dict[tuple[str, str], XComContract] = {}
    for contract in contracts:
        if (contract.producer, contract.key) in declared:
            raise XComContractError(
                f"DAG {dag.dag_id!r} declares key {contract.key!r} of {contract.producer!r} "
                "twice; give each XCom its own key."
            )
        own = {contract.producer, *contract.own_dag_readers}
        own |= {task for dag_id, task in contract.other_dag_readers if dag_id == dag.dag_id}
        unknown = sorted(own - task_ids)
        if unknown:
            raise XComContractError(
                f"Contract {contract.key!r} of DAG {dag.dag_id!r} names {unknown}, which are not "
                f"tasks of the DAG (it has {sorted(task_ids)}). Fix the task ids."
            )
        declared[(contract.producer, contract.key)] = contract
    _REGISTRY[dag.dag_id] = declared


def contracts_for_key(dag_id: str, key: str) -> list[XComContract]:
    """The contracts registered for ``key`` in ``dag_id`` (one per producer)."""
    return [c for (_, k), c in _REGISTRY.get(dag_id, {}).items() if k == key]


def contract_of(dag_id: str, key: str, producer: str) -> XComContract | None:
    """The contract ``producer`` declared for ``key`` in ``dag_id``, if any."""
    return _REGISTRY.get(dag_id, {}).get((producer, key))


def registered(dag_id: str) -> Iterable[XComContract]:
    return _REGISTRY.get(dag_id, {}).values()
