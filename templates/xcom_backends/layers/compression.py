"""``compression``: compress values that at least halve; smaller ones and the rest stay as they are.

Options (section ``[xcom_layers]``, env ``AIRFLOW__XCOM_LAYERS__<OPTION>``):

- ``compression_codec``: ``zstd`` (the default; needs the ``zstandard`` package on every worker)
  or ``gzip`` (Python's own; objects are plain .gz files any tool opens). On the cookbook's
  benchmark zstd's level 1 compresses JSON records 3 times as fast as gzip's level 1 and unpacks
  them 3 to 4 times as fast, to 0.16 of their size against 0.21
  (``benchmarks/backend_speed.py --codecs``, which also times lz4: faster still, but 0.28).
- ``compression_level``: the codec's level, 1 (fastest) to 22 for zstd, 1 to 9 for gzip.
  Default 1: the fastest of each, and on that benchmark no larger than their default levels.
- ``compression_min_bytes``: compress serialized values of at least this many bytes. Default 1024.

A value is kept compressed only when what is stored is at most half of the value
(``WORTH_KEEPING``). Large values are tried on their first 16 KiB first, so data that does not
halve (ids, hashes, base64, compressed files) costs a fraction of a millisecond instead of a full
compression.

A value the object_storage layer offloads is compressed on its way to the store, chunk by chunk;
the object is a plain .zst (or .gz) file and the row says which (``"packed": [{"layer":
"compression", "codec": "zstd"}, ...]``). A value kept in the row travels as base64 text (a third
larger): ``{"__xcom_layer__": "compression", "zstd_base64": "..."}``. Rows written with either
codec stay readable whatever ``compression_codec`` says now (gzip was the only codec before).
"""

from __future__ import annotations

import base64
import gzip
import zlib
from typing import Any

from ..base import MARKER, XComAddress, XComLayerError, int_option, option
from ..json_form import json_bytes, parsed_json

# What is compressed first to see whether the rest is worth it: on both of the benchmark's values
# 16 KiB predicts the whole value's ratio within 0.01, as 64 KiB does, and zlib takes far longer
# than 4x on 64 KiB of text that barely compresses (its window is 32 KiB).
SAMPLE_BYTES = 16 * 1024
WORTH_KEEPING = 0.5  # what is stored (base64 in a row) must be at most this share of the value
BASE64_GROWTH = 4 / 3


def shrinks_enough(packed_bytes: int, value_bytes: int, growth: float = BASE64_GROWTH) -> bool:
    return packed_bytes * growth <= WORTH_KEEPING * value_bytes


def zstandard_module():
    try:
        import zstandard
    except ImportError as error:
        raise XComLayerError(
            "The compression layer's codec is zstd, and the zstandard package is not installed "
            "on this worker. Install it (pip install zstandard) where tasks run, or set "
            "[xcom_layers] compression_codec = gzip (rows already written with zstd need it)."
        ) from error
    return zstandard


class GzipStream:
    """gzip's format (``wbits=31``), chunk by chunk: the object is a plain .gz file."""

    codec, highest_level = "gzip", 9
    max_expansion = 1100  # unpacked / packed: deflate never expands more than about 1032 times

    def __init__(self, level: int | None = None, size: int = -1) -> None:
        self._packing = level is not None
        self._zlib = (
            zlib.compressobj(level, zlib.DEFLATED, 31) if self._packing else zlib.decompressobj(31)
        )
        self._expected = self._room = None

    def expect(self, size: int) -> None:
        """Unpack at most ``size`` bytes in all: one byte more is an error, never a buffer."""
        self._expected = self._room = size

    @staticmethod
    def compress(data: bytes, level: int) -> bytes:
        return gzip.compress(data, compresslevel=level, mtime=0)

    @staticmethod
    def decompress(data: bytes) -> bytes:
        return gzip.decompress(data)

    def update(self, chunk: bytes) -> bytes:
        if self._packing:
            return self._zlib.compress(chunk)
        if self._room is None:
            return self._zlib.decompress(chunk)
        unpacked = self._zlib.decompress(chunk, self._room + 1)
        self._room -= len(unpacked)
        if self._room < 0:
            raise ValueError(f"it unpacks to more than the {self._expected} bytes recorded")
        return unpacked

    def finish(self) -> bytes:
        tail = self._zlib.flush()
        if not self._packing and not self._zlib.eof:
            raise ValueError("the gzip stream ends before its end marker")
        return tail

    def header(self) -> dict:
        return {"layer": CompressionLayer.name, "codec": self.codec}


class ZstdStream:
    """Zstandard's frame format, chunk by chunk: the object is a plain .zst file that records the
    value's size."""

    codec, highest_level = "zstd", 22
    # unpacked / packed: zstd's ceiling is a 128 KiB block of one byte in 4 bytes (32768 times)
    max_expansion = 33_000

    def __init__(self, level: int | None = None, size: int = -1) -> None:
        zstandard = zstandard_module()
        self._packing = level is not None
        self._zstd = (
            zstandard.ZstdCompressor(level=level).compressobj(size=size)
            if self._packing
            else zstandard.ZstdDecompressor().decompressobj()
        )
        self._expected: int | None = None

    def expect(self, size: int) -> None:
        """Unpack only a frame that records ``size`` bytes: libzstd then refuses to write more."""
        self._expected = size

    @staticmethod
    def compress(data: bytes, level: int) -> bytes:
        return zstandard_module().ZstdCompressor(level=level).compress(data)

    @classmethod
    def decompress(cls, data: bytes) -> bytes:
        zstandard = zstandard_module()
        if zstandard.frame_content_size(data) > cls.max_expansion * len(data):
            raise ValueError("the zstd frame claims more than it can hold")
        return zstandard.ZstdDecompressor().decompress(data)

    def update(self, chunk: bytes) -> bytes:
        if self._packing:
            return self._zstd.compress(chunk)
        if not chunk:
            return b""
        if self._zstd.eof:
            raise ValueError("bytes follow the end of the zstd stream")
        if self._expected is not None:
            recorded = zstandard_module().frame_content_size(chunk)  # the first chunk: the header
            if recorded != self._expected:
                what = "no size" if recorded < 0 else f"{recorded} bytes"
                raise ValueError(f"the zstd frame records {what}, not the {self._expected} bytes")
            self._expected = None
        return self._zstd.decompress(chunk)

    def finish(self) -> bytes:
        if self._packing:
            return self._zstd.flush()
        if not self._zstd.eof:
            raise ValueError("the zstd stream ends before its end marker")
        if self._zstd.unused_data:
            raise ValueError("bytes follow the end of the zstd stream")
        return b""

    def header(self) -> dict:
        return {"layer": CompressionLayer.name, "codec": self.codec}


CODECS = {stream.codec: stream for stream in (ZstdStream, GzipStream)}  # the default first


class CompressionLayer:
    name = "compression"
    object_suffix = None
    options = ("compression_codec", "compression_level", "compression_min_bytes")

    def __init__(self) -> None:
        self.min_bytes = int_option("compression_min_bytes", 1024)
        codec = option("compression_codec", "zstd")
        if codec not in CODECS:
            raise XComLayerError(
                f"[xcom_layers] compression_codec is {codec!r}; the layer writes "
                f"{' or '.join(CODECS)}. Set compression_codec = zstd (the default) or gzip."
            )
        self.stream = CODECS[codec]
        self.level = int_option("compression_level", 1, minimum=1)
        highest = self.stream.highest_level
        if self.level > highest:
            raise XComLayerError(
                f"[xcom_layers] compression_level is {self.level}; {codec}'s levels are 1 to "
                f"{highest} (1 fastest). Set compression_level = 1 for the default."
            )

    def encode(self, payload: Any, address: XComAddress) -> Any:
        data = json_bytes(payload)
        if len(data) < self.min_bytes:
            return payload
        if len(data) > 4 * SAMPLE_BYTES:
            sample = self.stream.compress(memoryview(data)[:SAMPLE_BYTES], 1)
            if not shrinks_enough(len(sample), SAMPLE_BYTES):
                return payload
        packed = self.stream.compress(data, self.level)
        if not shrinks_enough(len(packed), len(data)):
            return payload
        return {MARKER: self.name, f"{self.stream.codec}_base64": base64.b64encode(packed).decode()}

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        for codec, stream in CODECS.items():
            if f"{codec}_base64" in envelope:
                return parsed_json(stream.decompress(base64.b64decode(envelope[f"{codec}_base64"])))
        raise XComLayerError(
            f"{address.describe()} has a compression envelope with none of "
            f"{', '.join(f'{codec}_base64' for codec in CODECS)}: the row was not written by this "
            "backend. Nothing was returned; re-run the task that pushed it."
        )

    def packing(self, size: int, sample: bytes, address: XComAddress):
        if size < self.min_bytes:
            return None
        sample = sample[:SAMPLE_BYTES]
        if not shrinks_enough(len(self.stream.compress(sample, 1)), len(sample), 1):
            return None
        return self.stream(self.level, size)

    def unpacking(self, header: dict, address: XComAddress):
        codec = header.get("codec")
        if codec not in CODECS:
            raise XComLayerError(
                f"{address.describe()} was compressed with {codec!r}, which this layer cannot "
                f"read (it reads {' and '.join(CODECS)}). Nothing was returned; re-run the task "
                "that pushed it."
            )
        return CODECS[codec]()
