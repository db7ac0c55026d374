"""``size_guard``: refuse an XCom whose serialized JSON is larger than a limit, before it is stored.

Option (section ``[xcom_layers]``, env ``AIRFLOW__XCOM_LAYERS__MAX_BYTES``):

- ``max_bytes``: the largest serialized value allowed, in bytes. Default 65536.

The size is measured on the value as Airflow serializes it, before compression or encryption.
"""

from __future__ import annotations

from typing import Any

from ..base import XComAddress, XComLayerError, int_option, json_size


class SizeGuardLayer:
    name = "size_guard"
    object_suffix = None
    options = ("max_bytes",)

    def __init__(self) -> None:
        self.max_bytes = int_option("max_bytes", 65536)

    def encode(self, payload: Any, address: XComAddress) -> Any:
        size = json_size(payload)
        if size > self.max_bytes:
            raise XComLayerError(
                f"{address.describe()} is {size} bytes serialized, over the {self.max_bytes}-byte "
                "limit of [xcom_layers] max_bytes. XCom is a signalling channel: write the data to "
                "object storage and push its URI (the cookbook's 'References, not data' recipe), "
                "or enable the object_storage layer."
            )
        return payload

    def decode(self, envelope: dict, address: XComAddress) -> Any:  # never wraps anything
        return envelope
