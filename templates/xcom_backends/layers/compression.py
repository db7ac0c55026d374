"""``compression``: gzip values of a minimum size; smaller ones are stored as they are.

Option (section ``[xcom_layers]``, env ``AIRFLOW__XCOM_LAYERS__COMPRESSION_MIN_BYTES``):

- ``compression_min_bytes``: compress serialized values of at least this many bytes. Default 1024.

Stored form: ``{"__xcom_layer__": "compression", "gzip_base64": "..."}``.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from ..base import MARKER, XComAddress, int_option, json_size


class CompressionLayer:
    name = "compression"
    object_suffix = None
    options = ("compression_min_bytes",)

    def __init__(self) -> None:
        self.min_bytes = int_option("compression_min_bytes", 1024)

    def encode(self, payload: Any, address: XComAddress) -> Any:
        if json_size(payload) < self.min_bytes:
            return payload
        packed = gzip.compress(json.dumps(payload).encode(), mtime=0)
        return {MARKER: self.name, "gzip_base64": base64.b64encode(packed).decode()}

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        return json.loads(gzip.decompress(base64.b64decode(envelope["gzip_base64"])))
