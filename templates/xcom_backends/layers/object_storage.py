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
collide with another. The row holds ``{"__xcom_layer__": "object_storage", "uri": ...,
"sha256": ..., "bytes": ...}``, written only after the object is stored and its size checked.
Reading verifies the checksum: a missing or altered object is an error, never a silent fallback.
``purge`` deletes the object when Airflow deletes the row (task retries and clears). Rows removed
by ``airflow db clean`` or the REST API leave objects behind: run ``sweep_orphans.py``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from airflow.sdk import ObjectStoragePath

from ..layered import MARKER, XComAddress, XComLayerError, json_size, option

LOCAL_PROTOCOLS = ("file", "local")


def path_part(text: str, what: str, address: XComAddress) -> str:
    """Percent-encode one path component: nothing but letters, digits, ``-`` and ``_`` survive."""
    if text == "":
        raise XComLayerError(f"{address.describe()} has an empty {what}; give it a name.")
    return quote(text, safe="").replace(".", "%2E").replace("~", "%7E")


def base_path() -> ObjectStoragePath:
    configured = option("object_storage_path")
    if not configured:
        raise XComLayerError(
            "The object_storage layer is enabled but [xcom_layers] object_storage_path is not set "
            "(for example s3://aws_default@my-bucket/xcom)."
        )
    return ObjectStoragePath(configured)


def object_path(address: XComAddress, suffix: str) -> ObjectStoragePath:
    """``<path>/<dag_id>/<run_id>/<task_id>/<map_index>/<key><suffix>``, every part encoded."""
    return (
        base_path()
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


def read_object(reference: dict) -> bytes:
    """The bytes behind a reference, or an error that says what happened to them."""
    uri = reference["uri"]
    try:
        data = ObjectStoragePath(uri).read_bytes()
    except FileNotFoundError as error:
        raise XComLayerError(
            f"The object behind this XCom, {uri}, does not exist: it was deleted (a bucket "
            "lifecycle rule, a manual clean-up) or the bucket changed. Re-run the task that "
            "pushed it."
        ) from error
    except Exception as error:
        raise XComLayerError(
            f"Could not read {uri}: {type(error).__name__}: {error}. Check the connection "
            "in [xcom_layers] object_storage_path and that the storage is reachable."
        ) from error
    if hashlib.sha256(data).hexdigest() != reference["sha256"]:
        raise XComLayerError(
            f"The object behind this XCom, {uri}, was changed after it was written: "
            f"{len(data)} bytes read, {reference['bytes']} written, checksums differ. It was "
            "not returned. Re-run the task that pushed it."
        )
    return data


class ObjectStorageLayer:
    name = "object_storage"

    def __init__(self) -> None:
        self.threshold = int(option("object_storage_threshold_bytes", "0"))

    def encode(self, payload: Any, address: XComAddress) -> Any:
        if json_size(payload) < self.threshold:
            return payload
        return {MARKER: self.name, **write_object(json.dumps(payload).encode(), address, ".json")}

    def decode(self, envelope: dict) -> Any:
        return json.loads(read_object(envelope))

    def purge(self, envelope: dict) -> None:
        ObjectStoragePath(envelope["uri"]).unlink(missing_ok=True)
