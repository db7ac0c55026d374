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
5. ``compression``     compresses values (zstd or gzip) that halve (layers/compression.py)
6. ``encryption``      encrypts values with AES-GCM (layers/encryption.py)
7. ``object_storage``  writes values to object storage, keeps a reference (layers/object_storage.py)

Reading undoes the layers in reverse order. Each layer wraps what it changed in an envelope, a dict
marked ``{"__xcom_layer__": "<layer name>"}``, so a value stored by a layer that is no longer
enabled fails loudly instead of reaching a task as an envelope. A task's own dict that holds that
marker is wrapped too (``"escaped"``), so it comes back unchanged. The outermost envelope records
the XCom's address, which must match the row it is read from (see base.py). The options of each
layer are documented in its module; all live in the ``[xcom_layers]`` section.

Before anything is written, the key is checked against what Airflow can store (base.KEY_RULE).

Adding a layer: write a module with a class that has ``name``, ``object_suffix``, ``encode`` and
``decode`` (see ``base.Layer``) and add it to ``LAYER_ORDER`` in ``layers/__init__.py``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from airflow.sdk.bases.xcom import BaseXCom  # also `airflow.sdk.BaseXCom` since 3.2

from .base import (
    ADDRESS_FIELD,
    ESCAPED,
    MARKER,
    SECTION,
    XComAddress,
    XComLayerError,
    check_key,
    envelope_of,
    option,
)
from .contracts import XComContractError
from .json_form import encoding_once, json_bytes
from .layers import LAYER_ORDER, OBJECT_SUFFIXES
from .layers.contracts import protected_key_without_contract
from .layers.object_storage import delete_objects_of

__all__ = ["LayeredXComBackend", "XComLayerError", "enabled_layers"]
log = logging.getLogger(__name__)

# The XCom a read or delete is for, as far as the caller told Airflow (None: not known).
_EXPECTED: ContextVar[dict[str, Any] | None] = ContextVar("expected_xcom", default=None)
# The XCom whose value this thread serialized last: set only once every layer has written it.
_SERIALIZED: ContextVar[XComAddress | None] = ContextVar("serialized_xcom", default=None)
ADDRESS_FIELDS = ("dag_id", "run_id", "task_id", "map_index", "key")


_BUILT: dict[tuple, list] = {}  # the layers built for each configuration seen by this process
OPTIONS = ("layers", *dict.fromkeys(o for layer in LAYER_ORDER.values() for o in layer.options))


def _environment_names(option_name: str) -> tuple[str, ...]:
    """Where Airflow looks for an option in the environment (the value, a command, a secret)."""
    return tuple(
        f"AIRFLOW__{SECTION.upper()}__{option_name.upper()}{form}"
        for form in ("", "_CMD", "_SECRET")
    )


LAYERS_ENVIRONMENT = _environment_names("layers")
# For each value of the ``layers`` variables: the variables of the options those layers read.
_WATCHED: dict[tuple, tuple[str, ...]] = {}
_CONFIGURATIONS: dict[tuple, tuple] = {}  # the options read under each set of those variables


def _configuration() -> tuple:
    """The ``[xcom_layers]`` options, read again only when one of their environment variables
    changed: reading them from Airflow's configuration costs about a millisecond per XCom. Only
    the variables of the enabled layers' options are looked at (a few dozen lookups were a
    tenth of a millisecond per round trip)."""
    layers_environment = tuple(map(os.environ.get, LAYERS_ENVIRONMENT))
    watched = _WATCHED.get(layers_environment)
    if watched is None:
        enabled = [LAYER_ORDER[n] for n in _layer_names(option("layers")) if n in LAYER_ORDER]
        options = dict.fromkeys(o for layer in enabled for o in layer.options)
        watched = tuple(name for o in options for name in _environment_names(o))
        _WATCHED[layers_environment] = watched
    environment = (layers_environment, tuple(map(os.environ.get, watched)))
    if environment not in _CONFIGURATIONS:
        _CONFIGURATIONS[environment] = tuple(option(name) for name in OPTIONS)
    return _CONFIGURATIONS[environment]


def _layer_names(configured: str | None) -> list[str]:
    return [n.strip() for n in (configured or "").split(",") if n.strip()]


def enabled_layers() -> list:
    """The layers named in ``[xcom_layers] layers``, in the documented order.

    They are built once per configuration in a process (Airflow runs each task try in a process of
    its own), so a keys Variable is read once per task try, not on every XCom.
    """
    configuration = _configuration()
    if configuration not in _BUILT:
        names = _layer_names(configuration[0])
        unknown = sorted(set(names) - set(LAYER_ORDER))
        if unknown:
            raise XComLayerError(
                f"[{SECTION}] layers names unknown layers {unknown}; choose from "
                f"{list(LAYER_ORDER)}."
            )
        _BUILT[configuration] = [LAYER_ORDER[name]() for name in LAYER_ORDER if name in names]
    return _BUILT[configuration]


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
    "maximum recursion depth exceeded": (
        "push a flat value (ids, counts, a URI); write deeply nested data to object storage"
    ),
}


@contextmanager
def _expecting(**address: Any) -> Iterator[None]:
    token = _EXPECTED.set(address)
    try:
        yield
    finally:
        _EXPECTED.reset(token)


def _expected_address(result: Any) -> dict[str, Any]:
    """What is known of the XCom being read: from the call, the row itself, or the running task."""
    expected = _EXPECTED.get()
    if expected is not None:
        return {k: v for k, v in expected.items() if v is not None}
    known = {f: getattr(result, f) for f in ADDRESS_FIELDS if getattr(result, f, None) is not None}
    if "dag_id" in known:  # a row of the xcom table (API server, scripts, the cookbook's tests)
        return known
    from airflow.sdk import get_current_context

    try:  # a LazyXComSequence item: Airflow reads it from the running task's own run
        ti = get_current_context()["ti"]
        return {"dag_id": ti.dag_id, "run_id": ti.run_id} | known
    except Exception:  # no task context and no address: nothing to compare
        return known


def _describe(expected: dict[str, Any]) -> str:
    if {"dag_id", "run_id", "task_id", "key"} <= expected.keys():
        return XComAddress(**{"map_index": -1, **expected}).describe()
    return "This XCom" + (f" ({expected})" if expected else "")


def _verified_address(envelope: dict, result: Any) -> XComAddress:
    """The address the envelope records, checked against the row it was read from."""
    expected = _expected_address(result)
    recorded = XComAddress.recorded_in(envelope)
    if recorded is None:
        raise XComLayerError(
            f"{_describe(expected)} holds a {envelope_of(envelope)!r} envelope that records no "
            "XCom address: it was written by a version of LayeredXComBackend from before rows "
            "were bound to their XCom, or it was not written by this backend at all. It was not "
            "read. Re-run the task that pushed it."
        )
    differs = sorted(f for f, v in expected.items() if getattr(recorded, f) != v)
    if differs:
        raise XComLayerError(
            f"{_describe(expected)} holds a row written for {recorded.describe()} "
            f"({', '.join(differs)} differ): it was copied from another XCom or forged. Nothing "
            "was read; re-run the task that pushed it."
        )
    return recorded


def _serialized(value: Any, address: XComAddress) -> Any:
    """Airflow's serialization of ``value`` (as the default backend does), JSON-checked."""
    try:
        payload = BaseXCom.serialize_value(value)
        # NaN passes serde but not the API's JSON: refuse it here, where the key is known.
        json_bytes(payload)
    except (TypeError, ValueError, RecursionError) as error:
        hint = next((h for m, h in SERIALIZATION_HINTS.items() if str(error).startswith(m)), "")
        raise XComLayerError(
            f"{address.describe()} cannot be serialized: {error}"
            + (f" Fix: {hint}." if hint else "")
        ) from None if isinstance(error, RecursionError) else error
    return payload


def _layered(payload: Any, address: XComAddress) -> Any:
    """``payload`` through the enabled layers; the outermost envelope records the address."""
    if envelope_of(payload) is not None:  # the task's own data, not an envelope
        payload = {MARKER: ESCAPED, "value": payload}
    layers = enabled_layers()
    store = next((layer for layer in layers if hasattr(layer, "offload")), None)
    packers = []  # with a store: pack the object's bytes, or the row if the value stays there
    for layer in layers:
        if store is not None and hasattr(layer, "packing"):
            packers.append(layer)
        elif layer is not store:
            payload = layer.encode(payload, address)
        elif store.offloads(payload):
            payload = store.offload(payload, address, packers)
        else:
            for packer in packers:
                payload = packer.encode(payload, address)
    if envelope_of(payload) is not None:
        payload = {**payload, ADDRESS_FIELD: address.as_dict()}
    for layer in layers:
        if hasattr(layer, "check_row"):  # the size guard: can the metadata DB hold this row?
            layer.check_row(payload, address)
    return payload


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
            dag_id=dag_id or "",
            run_id=run_id or "",
            task_id=task_id or "",
            map_index=-1 if map_index is None else map_index,
            key=key or "",
        )
        check_key(address)
        with encoding_once():
            payload = _layered(_serialized(value, address), address)
        _SERIALIZED.set(address)
        return payload

    @staticmethod
    def deserialize_value(result: Any) -> Any:
        payload = result.value
        layers = {layer.name: layer for layer in enabled_layers()}
        seen: list[str] = []
        if envelope_of(payload) is None:
            expected = _expected_address(result)
        else:
            address = _verified_address(payload, result)
            expected = address.as_dict()
            payload = {k: v for k, v in payload.items() if k != ADDRESS_FIELD}
        while (name := envelope_of(payload)) is not None:
            if name == ESCAPED:
                payload = payload["value"]
                break
            if name not in layers:
                raise XComLayerError(
                    f"This XCom was stored by the {name!r} layer, which is not enabled on this "
                    f"worker. Add {name!r} to [{SECTION}] layers (with its options) to read it."
                )
            seen.append(name)
            try:
                if hasattr(layers[name], "restore"):  # an object, maybe packed by other layers
                    packers = {
                        n: layer for n, layer in layers.items() if hasattr(layer, "unpacking")
                    }
                    payload = layers[name].restore(payload, address, packers)
                else:
                    payload = layers[name].decode(payload, address)
            except (XComLayerError, XComContractError):
                raise
            except Exception as error:
                raise XComLayerError(
                    f"{address.describe()} could not be read by the {name!r} layer: "
                    f"{type(error).__name__}: {error}. The stored row is damaged or was not "
                    "written by this backend; nothing was returned. Re-run the task that pushed it."
                ) from error
        if "contracts" in layers and "contracts" not in seen:
            protected_key_without_contract(expected)
        return BaseXCom.deserialize_value(_StoredValue(payload))

    # Reads and deletes: remember which XCom the caller asked for, so the row can be checked.
    @classmethod
    def get_one(cls, *, key, dag_id, task_id, run_id, map_index=None, include_prior_dates=False):
        expected_run = None if include_prior_dates else run_id
        where = {"dag_id": dag_id, "task_id": task_id, "map_index": map_index, "key": key}
        with _expecting(**where, run_id=expected_run):
            return super().get_one(**where, run_id=run_id, include_prior_dates=include_prior_dates)

    @classmethod
    def get_all(cls, *, key, dag_id, task_id, run_id, include_prior_dates=False):
        expected_run = None if include_prior_dates else run_id
        where = {"dag_id": dag_id, "task_id": task_id, "key": key}
        with _expecting(**where, run_id=expected_run):
            return super().get_all(**where, run_id=run_id, include_prior_dates=include_prior_dates)

    @classmethod
    def delete(cls, key, task_id, dag_id, run_id, map_index=None) -> None:
        index = -1 if map_index is None else map_index
        with _expecting(dag_id=dag_id, run_id=run_id, task_id=task_id, map_index=index, key=key):
            super().delete(key, task_id, dag_id, run_id, map_index)

    @classmethod
    def set(cls, key, value, *, dag_id, task_id, run_id, map_index=-1, **kwargs) -> None:
        """Store through Airflow; if the API server refuses the row, delete what layers wrote."""
        address = XComAddress(dag_id, run_id, task_id, map_index, key)
        token = _SERIALIZED.set(None)
        try:
            where = {"dag_id": dag_id, "task_id": task_id, "run_id": run_id}
            super().set(key, value, **where, map_index=map_index, **kwargs)
        except Exception:
            if _SERIALIZED.get() == address:  # written by the layers, then refused by Airflow
                delete_objects_of(address, OBJECT_SUFFIXES)
            raise
        finally:
            _SERIALIZED.reset(token)

    @classmethod
    def enabled_layer_names(cls) -> list[str]:
        """The layers this worker applies (contracts.py asks, to know whether values are sealed)."""
        return [layer.name for layer in enabled_layers()]

    @classmethod
    def purge(cls, xcom: Any, *args: Any) -> None:
        """Called when a worker deletes a row (a retried or cleared task): free its objects.

        The objects are found from the XCom's own address, never from what the row says, so a
        forged row cannot make a worker delete anything else; objects of a layer removed from the
        configuration are deleted too (while ``object_storage_path`` is set).
        """
        expected = _EXPECTED.get()
        if expected is None:
            if envelope_of(xcom.value) is None:
                return
            expected = _verified_address(xcom.value, xcom).as_dict()
        address = XComAddress(**expected)
        outermost = LAYER_ORDER.get(envelope_of(xcom.value))
        if (
            not delete_objects_of(address, OBJECT_SUFFIXES)
            and outermost
            and outermost.object_suffix
        ):
            log.warning(
                "%s may hold an object in storage, but [%s] object_storage_path is not set on "
                "this worker, so it was not deleted; run sweep_orphans.py with the path.",
                address.describe(),
                SECTION,
            )
