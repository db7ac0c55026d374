"""One XCom backend, many layers: pick size guard, compression, encryption and offloading by config.

Enable it (copy the ``xcom_backends`` folder next to your DAGs, or into a package on the workers'
``PYTHONPATH``)::

    [core]
    xcom_backend = xcom_backends.layered.LayeredXComBackend

    [xcom_layers]
    layers = size_guard, compression, encryption, object_storage

or, as environment variables::

    AIRFLOW__CORE__XCOM_BACKEND=xcom_backends.layered.LayeredXComBackend
    AIRFLOW__XCOM_LAYERS__LAYERS="size_guard, compression, encryption, object_storage"

A value is first serialized by Airflow (``airflow.sdk.serde``, exactly as the default backend does),
then passed through the enabled layers in this fixed order, whatever order ``layers`` lists them in:

1. ``dataframe_parquet`` writes a returned DataFrame as .parquet (layers/dataframe_parquet.py)
2. ``contracts``       enforces declared producers, readers, sizes, types (layers/contracts.py)
3. ``sealed``          encrypts a contract's value for its readers' keys (layers/sealed.py)
4. ``size_guard``      refuses values over ``max_bytes`` (layers/size_guard.py)
5. ``compression``     gzips values of ``compression_min_bytes`` or more (layers/compression.py)
6. ``encryption``      encrypts values with AES-GCM (layers/encryption.py)
7. ``object_storage``  writes values to object storage, keeps a reference (layers/object_storage.py)

Reading undoes the layers in reverse order. Each layer wraps what it changed in an envelope, a dict
marked ``{"__xcom_layer__": "<layer name>"}``, so a value stored by a layer that is no longer
enabled fails loudly instead of reaching a task as an envelope. The options of each layer are
documented in its module; all live in the ``[xcom_layers]`` section.

Adding a layer: write a module with a class that has ``name``, ``encode``, ``decode`` and ``purge``
(see ``Layer`` below) and add it to ``LAYER_ORDER``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from airflow.sdk import BaseXCom
from airflow.sdk.configuration import conf

SECTION = "xcom_layers"
MARKER = "__xcom_layer__"


class XComLayerError(Exception):
    """A value could not be stored or read back; the message says which XCom and what to do."""


@dataclass(frozen=True)
class XComAddress:
    """Which XCom a value belongs to, for error messages and object paths."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    key: str

    def describe(self) -> str:
        task = self.task_id if self.map_index < 0 else f"{self.task_id}[{self.map_index}]"
        return f"XCom {self.key!r} of task {task} (DAG {self.dag_id}, run {self.run_id})"


class Layer(Protocol):
    name: str

    def encode(self, payload: Any, address: XComAddress) -> Any:
        """Return the JSON-compatible payload to hand to the next layer (or to store)."""

    def decode(self, envelope: dict) -> Any:
        """Undo ``encode`` for an envelope this layer made."""

    def purge(self, envelope: dict) -> None:
        """Release what the envelope points to (objects in storage); no-op for most layers."""


def envelope_of(payload: Any) -> str | None:
    """The layer name of an envelope, or None for a plain payload."""
    return payload.get(MARKER) if isinstance(payload, dict) else None


def json_size(payload: Any) -> int:
    return len(json.dumps(payload, separators=(",", ":")).encode())


def option(name: str, fallback: str | None = None) -> str | None:
    return conf.get(SECTION, name, fallback=fallback)


def enabled_layers() -> list[Layer]:
    """The layers named in ``[xcom_layers] layers``, in the documented order."""
    from .layers import LAYER_ORDER

    names = [n.strip() for n in (option("layers", "") or "").split(",") if n.strip()]
    unknown = sorted(set(names) - set(LAYER_ORDER))
    if unknown:
        raise XComLayerError(
            f"[{SECTION}] layers names unknown layers {unknown}; choose from {list(LAYER_ORDER)}."
        )
    return [LAYER_ORDER[name]() for name in LAYER_ORDER if name in names]


class _StoredValue:
    def __init__(self, value: Any) -> None:
        self.value = value


# Hints for the values Airflow's serializer refuses, keyed by the start of its error message.
SERIALIZATION_HINTS = {
    "Cannot serialize object of type <class 'bytes'>": (
        "write the bytes to object storage and push the URI, or push base64 text"
    ),
    "Out of range float values": "replace NaN and infinity with None before returning the value",
    "Cannot serialize object of type <class 'numpy.ndarray'>": (
        "push array.tolist() for a small array, or write the array to object storage"
    ),
}


class LayeredXComBackend(BaseXCom):
    """Airflow's default serialization, then the layers enabled in ``[xcom_layers] layers``."""

    @staticmethod
    def serialize_value(
        value: Any,
        *,
        key: str | None = None,
        task_id: str | None = None,
        dag_id: str | None = None,
        run_id: str | None = None,
        map_index: int | None = None,
    ) -> Any:
        address = XComAddress(
            dag_id=dag_id or "", run_id=run_id or "", task_id=task_id or "",
            map_index=-1 if map_index is None else map_index, key=key or "",
        )  # fmt: skip
        try:
            payload = BaseXCom.serialize_value(value)
            # NaN passes serde but not the API's JSON: refuse it here, where the key is known.
            json.dumps(payload, allow_nan=False)
        except (TypeError, ValueError) as error:
            hint = next((h for m, h in SERIALIZATION_HINTS.items() if str(error).startswith(m)), "")
            raise XComLayerError(
                f"{address.describe()} cannot be serialized: {error}"
                + (f" Fix: {hint}." if hint else "")
            ) from error
        for layer in enabled_layers():
            payload = layer.encode(payload, address)
        return payload

    @staticmethod
    def deserialize_value(result: Any) -> Any:
        payload = result.value
        layers = {layer.name: layer for layer in enabled_layers()}
        while (name := envelope_of(payload)) is not None:
            if name not in layers:
                raise XComLayerError(
                    f"This XCom was stored by the {name!r} layer, which is not enabled on this "
                    f"worker. Add {name!r} to [{SECTION}] layers (with its options) to read it."
                )
            payload = layers[name].decode(payload)
        return BaseXCom.deserialize_value(_StoredValue(payload))

    @classmethod
    def purge(cls, xcom: Any, *args: Any) -> None:
        """Called when Airflow deletes the row (a retried or cleared task): free its objects."""
        # Objects are held by the outermost envelope (object_storage, or dataframe_parquet when
        # the reference itself stayed in the DB). Layers between them hold nothing outside.
        layers = {layer.name: layer for layer in enabled_layers()}
        payload = xcom.value
        while (name := envelope_of(payload)) in layers:
            layers[name].purge(payload)
            if name == "object_storage" or name == "dataframe_parquet":
                break
            payload = layers[name].decode(payload)
