"""What the layered backend and its layers share: the envelope marker, the XCom address, options.

Layers import this module and ``json_form.py`` (the JSON form of a payload); ``layered.py``
imports the layers. Nothing here talks to a store.

Every row the layered backend wraps is an *envelope*: a dict marked ``{"__xcom_layer__": name}``.
The outermost envelope of a row also records the address of the XCom it was written for
(``"xcom": {"dag_id": ..., "run_id": ..., "task_id": ..., "map_index": ..., "key": ...}``);
the backend checks it against the row being read, and the layers bind their ciphertexts and object
paths to it, so a row copied to another XCom, or forged, fails instead of returning another value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

try:  # Airflow 3.2+: the Task SDK's own configuration
    from airflow.sdk.configuration import conf
except ImportError:  # Airflow 3.0 and 3.1
    from airflow.configuration import conf

SECTION = "xcom_layers"
MARKER = "__xcom_layer__"
ESCAPED = "escaped"  # wraps a task's own dict that happens to hold MARKER
ADDRESS_FIELD = "xcom"
MAX_KEY_LENGTH = 512  # the xcom table's key column is VARCHAR(512)
# What Airflow 3.3's Execution API cannot carry in a key (it is part of the request path):
# control characters, non-ASCII text, '?' and '#', and a path segment that is '.' or '..'.
KEY_RULE = "printable ASCII without '?' or '#', no '.' or '..' segment, at most 512 characters"
_BAD_KEY_CHARACTER = re.compile(r"[^\x20-\x7e]|[?#]")


class XComLayerError(Exception):
    """A value could not be stored or read back; the message says which XCom and what to do."""


@dataclass(frozen=True)
class XComAddress:
    """Which XCom a value belongs to: for error messages, object paths and associated data."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    key: str

    def describe(self) -> str:
        task = self.task_id if self.map_index < 0 else f"{self.task_id}[{self.map_index}]"
        return f"XCom {self.key!r} of task {task} (DAG {self.dag_id}, run {self.run_id})"

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))  # the fields, in order (dataclasses.asdict deep-copies each one)

    def associated_data(self, context: str) -> bytes:
        """Bytes that bind a ciphertext to this XCom: AES-GCM associated data, HPKE info."""
        return f"{context}|{json.dumps(self.as_dict(), sort_keys=True)}".encode()

    @classmethod
    def recorded_in(cls, envelope: dict) -> XComAddress | None:
        """The address an outermost envelope records, or None if it records none (or a bad one)."""
        recorded = envelope.get(ADDRESS_FIELD)
        try:
            return cls(**recorded) if isinstance(recorded, dict) else None
        except TypeError:
            return None


def check_key(address: XComAddress) -> None:
    """Refuse, before anything is written, a key Airflow's Execution API or DB cannot hold."""
    key = address.key
    problem = None
    if key == "":
        problem = "is empty"
    elif len(key) > MAX_KEY_LENGTH:
        problem = f"is {len(key)} characters long"
    elif match := _BAD_KEY_CHARACTER.search(key):
        problem = f"contains {match.group()!r}"
    elif any(segment in (".", "..") for segment in key.split("/")):
        problem = "has a '.' or '..' segment"
    if problem:
        raise XComLayerError(
            f"{address.describe()} {problem}; a key must be {KEY_RULE}. Rename the key (the "
            "cookbook's convention is name_v1); nothing was stored."
        )


class Layer(Protocol):
    name: str
    object_suffix: str | None
    """The suffix of the object a layer writes outside the row for an XCom (None: it writes none).
    The backend's purge and the sweeper use it to find that object from the XCom's address."""
    options: tuple[str, ...]
    """The ``[xcom_layers]`` options the layer reads when it is built."""

    def encode(self, payload: Any, address: XComAddress) -> Any:
        """Return the JSON-compatible payload to hand to the next layer (or to store)."""

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        """Undo ``encode`` for an envelope this layer made for the XCom at ``address``."""


class ByteStream(Protocol):
    """One direction of a packing layer over an offloaded value's bytes, chunk by chunk.

    A stream whose ``finish`` checks every byte it was given against the row (an AES-GCM tag) has
    a class attribute ``authenticates = True``: an object it packed last is stored without a
    checksum of its own.
    """

    def update(self, chunk: bytes) -> bytes:
        """The packed (or unpacked) bytes of ``chunk`` that are ready; may be empty."""

    def finish(self) -> bytes:
        """The remaining bytes; raises if what was unpacked is not whole and authentic."""

    def header(self) -> dict:
        """What the row records to undo the packing (after ``finish``)."""


class PackingLayer(Layer, Protocol):
    """A layer that can also pack the bytes of a value the object_storage layer offloads
    (compression, encryption): the bytes go to the store as they are packed, chunk by chunk, and
    the row keeps only each layer's header, so the value is encoded once and never base64."""

    def packing(self, size: int, sample: bytes, address: XComAddress) -> ByteStream | None:
        """A packer for a value of ``size`` bytes starting with ``sample``; None: leave it."""

    def unpacking(self, header: dict, address: XComAddress) -> ByteStream:
        """An unpacker for what ``packing`` wrote, as its ``header`` describes it."""


def envelope_of(payload: Any) -> str | None:
    """The layer name of an envelope, or None for a plain payload."""
    return payload.get(MARKER) if isinstance(payload, dict) else None


def option(name: str, fallback: str | None = None) -> str | None:
    return conf.get(SECTION, name, fallback=fallback)


def int_option(name: str, default: int, minimum: int = 0) -> int:
    """An integer option of ``[xcom_layers]``, or an error that names it and shows the fix."""
    text = option(name, str(default))
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise XComLayerError(
            f"[{SECTION}] {name} must be a whole number of at least {minimum}, got {text!r}. "
            f"Write it in plain digits, e.g. {name} = 65536 "
            f"(env AIRFLOW__{SECTION.upper()}__{name.upper()}=65536)."
        )
    return number
