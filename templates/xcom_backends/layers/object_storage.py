"""``object_storage``: write the value to S3, GCS, Azure Blob or a local path; store a reference.

Options (section ``[xcom_layers]``):

- ``object_storage_path`` (required): where objects go, as an Airflow ``ObjectStoragePath``:
  ``s3://<conn_id>@<bucket>/<prefix>``, ``gs://<conn_id>@<bucket>/<prefix>``,
  ``abfs://<conn_id>@<container>/<prefix>``, or ``file:///<folder>``. The connection gives the
  credentials (amazon, google and microsoft-azure providers). Env:
  ``AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH``.
- ``object_storage_threshold_bytes``: offload values of at least this many bytes (as they reach
  this layer, after compression and encryption); smaller ones stay in the DB. Default 0: all.

Each value goes to ``<path>/<dag_id>/<run_id>/<task_id>/<map_index>/<key>.json``, every part
percent-encoded (``/``, ``.``, spaces, unicode and NUL included), so no id can escape the prefix or
collide with another; a part longer than 128 characters is shortened and ends in a hash of the
whole, so paths stay under every store's limits. The row holds ``{"__xcom_layer__":
"object_storage", "uri": ..., "sha256": ..., "bytes": ...}``, written only after the object is
stored and its size checked.

The layer only ever reads, checks or deletes the path it derives itself from the XCom's address:
a row whose ``uri`` is any other path (another bucket, another XCom's object, a forged row) is an
error and nothing is read. Reading verifies the checksum: a missing or altered object is an
error, never a silent fallback. The backend's ``purge`` deletes the object when a worker deletes
the row (task retries and clears). Rows removed by ``airflow db clean`` or the REST API leave
objects behind: run ``sweep_orphans.py``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from airflow.sdk import ObjectStoragePath

from ..base import MARKER, XComAddress, XComLayerError, int_option, json_size, option

LOCAL_PROTOCOLS = ("file", "local")
MAX_PART_CHARS = 128


def path_part(text: str, what: str, address: XComAddress) -> str:
    """Percent-encode one path component: nothing but letters, digits, ``-`` and ``_`` survive.

    ``~`` never survives encoding, so the ``~<hash>`` ending of a shortened part is unambiguous.
    """
    if text == "":
        raise XComLayerError(f"{address.describe()} has an empty {what}; give it a name.")
    encoded = quote(text, safe="").replace(".", "%2E").replace("~", "%7E")
    if len(encoded) > MAX_PART_CHARS:
        encoded = f"{encoded[:64]}~{hashlib.sha256(text.encode()).hexdigest()[:40]}"
    return encoded


def configured_base() -> ObjectStoragePath | None:
    configured = option("object_storage_path")
    return ObjectStoragePath(configured) if configured else None


def base_path() -> ObjectStoragePath:
    base = configured_base()
    if base is None:
        raise XComLayerError(
            "The object_storage layer is enabled but [xcom_layers] object_storage_path is not set "
            "(for example s3://aws_default@my-bucket/xcom)."
        )
    return base


def object_path(
    address: XComAddress, suffix: str, base: ObjectStoragePath | None = None
) -> ObjectStoragePath:
    """``<path>/<dag_id>/<run_id>/<task_id>/<map_index>/<key><suffix>``, every part encoded."""
    return (
        (base or base_path())
        / path_part(address.dag_id, "DAG id", address)
        / path_part(address.run_id, "run id", address)
        / path_part(address.task_id, "task id", address)
        / str(address.map_index)
        / f"{path_part(address.key, 'key', address)}{suffix}"
    )


def write_object(data: bytes, address: XComAddress, suffix: str) -> dict:
    """Write ``data`` for this XCom, check it is all there, and return the reference fields."""
    target = object_path(address, suffix)
    try:
        if target.protocol in LOCAL_PROTOCOLS:
            target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            out.write(data)
        stored_bytes = target.stat().st_size
    except Exception as error:
        raise XComLayerError(
            f"Could not write {address.describe()} to {target}: {type(error).__name__}: "
            f"{error}. Check that [xcom_layers] object_storage_path names an existing bucket "
            "and that its connection's credentials may write there; the task can be retried."
        ) from error
    if stored_bytes != len(data):
        raise XComLayerError(
            f"{target} holds {stored_bytes} bytes after writing {len(data)} for "
            f"{address.describe()}; nothing was recorded. Retry the task."
        )
    return {"uri": str(target), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def own_object(reference: dict, address: XComAddress, suffix: str) -> ObjectStoragePath:
    """The object this XCom's own path names, if the reference names exactly that; else an error."""
    own = object_path(address, suffix)
    if reference.get("uri") != str(own):
        raise XComLayerError(
            f"{address.describe()} refers to {reference.get('uri')!r}, which is not its own object "
            f"{str(own)!r}: the row was forged or copied from another XCom, or [xcom_layers] "
            "object_storage_path changed since it was written. Nothing was read or deleted; "
            "re-run the task that pushed it (or set the path it was written under)."
        )
    return own


def read_object(reference: dict, address: XComAddress, suffix: str) -> bytes:
    """The bytes of this XCom's own object, or an error that says what happened to them."""
    path = own_object(reference, address, suffix)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise XComLayerError(
            f"The object behind {address.describe()}, {path}, does not exist: it was deleted (a "
            "bucket lifecycle rule, a manual clean-up) or the bucket changed. Re-run the task "
            "that pushed it."
        ) from error
    except Exception as error:
        raise XComLayerError(
            f"Could not read {path} for {address.describe()}: {type(error).__name__}: {error}. "
            "Check the connection in [xcom_layers] object_storage_path and that the storage is "
            "reachable."
        ) from error
    if hashlib.sha256(data).hexdigest() != reference.get("sha256"):
        raise XComLayerError(
            f"The object behind {address.describe()}, {path}, was changed after it was written "
            "(its checksum differs from the one recorded in the row). It was not returned. "
            "Re-run the task that pushed it."
        )
    return data


def delete_objects_of(address: XComAddress, suffixes: tuple[str, ...]) -> bool:
    """Delete the objects layers may have written for ``address``; False if no path is set."""
    base = configured_base()
    if base is None:
        return False
    for suffix in suffixes:
        object_path(address, suffix, base).unlink(missing_ok=True)
    return True


class ObjectStorageLayer:
    name = "object_storage"
    object_suffix = ".json"
    options = ("object_storage_path", "object_storage_threshold_bytes")

    def __init__(self) -> None:
        self.threshold = int_option("object_storage_threshold_bytes", 0)

    def encode(self, payload: Any, address: XComAddress) -> Any:
        if json_size(payload) < self.threshold:
            return payload
        data = json.dumps(payload).encode()
        return {MARKER: self.name, **write_object(data, address, self.object_suffix)}

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        return json.loads(read_object(envelope, address, self.object_suffix))
