"""``compression``: gzip values that at least halve; smaller ones and the rest stay as they are.

Options (section ``[xcom_layers]``, env ``AIRFLOW__XCOM_LAYERS__<OPTION>``):

- ``compression_min_bytes``: compress serialized values of at least this many bytes. Default 1024.
- ``compression_level``: gzip's level, 1 (fastest) to 9 (smallest). Default 1: on JSON records it
  runs about 3 times as fast as level 6 and 14 times as fast as level 9, for 0.21 of the size
  against 0.18 and 0.17 (``benchmarks/backend_speed.py --codecs`` in the cookbook).

A value is kept compressed only when what is stored is at most half of the value: gzip at 40 MiB/s
to save a quarter costs more time than it saves on any store the cookbook measures. Values over
256 KiB are tried on their first 64 KiB first, so data that does not halve (ids, hashes, base64,
compressed files) costs a fraction of a millisecond instead of a full compression.

A value the object_storage layer offloads is gzipped on its way to the store, chunk by chunk; the
object is a plain .gz file and the row says so (``"packed": [{"layer": "compression", "codec":
"gzip"}, ...]``). A value kept in the row travels as base64 text (a third larger):
``{"__xcom_layer__": "compression", "gzip_base64": "..."}``.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from typing import Any

from ..base import MARKER, XComAddress, XComLayerError, int_option, json_bytes

# What is compressed first to see whether the rest is worth it: on both of the benchmark's values
# 16 KiB predicts the whole value's ratio within 0.01, as 64 KiB does, and zlib takes far longer
# than 4x on 64 KiB of text that barely compresses (its window is 32 KiB).
SAMPLE_BYTES = 16 * 1024
WORTH_KEEPING = 0.5  # what is stored (base64 in a row) must be at most this share of the value
BASE64_GROWTH = 4 / 3


def shrinks_enough(packed_bytes: int, value_bytes: int, growth: float = BASE64_GROWTH) -> bool:
    return packed_bytes * growth <= WORTH_KEEPING * value_bytes


class GzipStream:
    """gzip's format (``wbits=31``), chunk by chunk: the object is a plain .gz file."""

    def __init__(self, level: int | None = None) -> None:
        self._packing = level is not None
        self._zlib = (
            zlib.compressobj(level, zlib.DEFLATED, 31) if self._packing else zlib.decompressobj(31)
        )

    def update(self, chunk: bytes) -> bytes:
        if self._packing:
            return self._zlib.compress(chunk)
        return self._zlib.decompress(chunk)

    def finish(self) -> bytes:
        tail = self._zlib.flush()
        if not self._packing and not self._zlib.eof:
            raise ValueError("the gzip stream ends before its end marker")
        return tail

    def header(self) -> dict:
        return {"layer": CompressionLayer.name, "codec": "gzip"}


class CompressionLayer:
    name = "compression"
    object_suffix = None
    options = ("compression_min_bytes", "compression_level")

    def __init__(self) -> None:
        self.min_bytes = int_option("compression_min_bytes", 1024)
        self.level = int_option("compression_level", 1, minimum=1)
        if self.level > 9:
            raise XComLayerError(
                f"[xcom_layers] compression_level is {self.level}; gzip's levels are 1 to 9 "
                "(1 fastest, 9 smallest). Set compression_level = 1 for the default."
            )

    def encode(self, payload: Any, address: XComAddress) -> Any:
        data = json_bytes(payload)
        if len(data) < self.min_bytes:
            return payload
        if len(data) > 4 * SAMPLE_BYTES:
            sample = zlib.compress(memoryview(data)[:SAMPLE_BYTES], 1)
            if not shrinks_enough(len(sample), SAMPLE_BYTES):
                return payload
        packed = gzip.compress(data, compresslevel=self.level, mtime=0)
        if not shrinks_enough(len(packed), len(data)):
            return payload
        return {MARKER: self.name, "gzip_base64": base64.b64encode(packed).decode()}

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        return json.loads(gzip.decompress(base64.b64decode(envelope["gzip_base64"])))

    def packing(self, size: int, sample: bytes, address: XComAddress) -> GzipStream | None:
        if size < self.min_bytes:
            return None
        sample = sample[:SAMPLE_BYTES]
        if not shrinks_enough(len(zlib.compress(sample, 1)), len(sample), 1):
            return None
        return GzipStream(self.level)

    def unpacking(self, header: dict, address: XComAddress) -> GzipStream:
        if header.get("codec") != "gzip":
            raise XComLayerError(
                f"{address.describe()} was compressed with {header.get('codec')!r}, which this "
                "layer cannot read (it writes gzip). Nothing was returned; re-run the task that "
                "pushed it."
            )
        return GzipStream()
