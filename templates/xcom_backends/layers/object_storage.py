"""``object_storage``: write the value to S3, GCS, Azure Blob or a local path; store a reference.

Options (section ``[xcom_layers]``):

- ``object_storage_path`` (required): where objects go, as an Airflow ``ObjectStoragePath``:
  ``s3://<conn_id>@<bucket>/<prefix>``, ``gs://<conn_id>@<bucket>/<prefix>``,
  ``abfs://<conn_id>@<container>/<prefix>``, or ``file:///<folder>``. The connection gives the
  credentials (amazon, google and microsoft-azure providers). Env:
  ``AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH``.
- ``object_storage_threshold_bytes``: offload values whose JSON is at least this many bytes
  (before compression and encryption); smaller ones stay in the DB, packed there by those layers.
  Default 0: all.

Needs the ``blake3`` package on every worker (``pip install blake3``): each object's checksum is
BLAKE3, computed while the object is written and read, four to five times as fast as SHA-256
(``benchmarks/backend_speed.py --checksums``). Rows that record a ``sha256`` instead (written
before) are still checked with it.

Each value goes to ``<path>/<dag_id>/<run_id>/<task_id>/<map_index>/<key>.json``, every part
percent-encoded (``/``, ``.``, spaces, unicode and NUL included), so no id can escape the prefix or
collide with another; a part longer than 128 characters is shortened and ends in a hash of the
whole, so paths stay under every store's limits. The row holds ``{"__xcom_layer__":
"object_storage", "uri": ..., "blake3": ..., "bytes": ..., "json_bytes": ..., "packed": [...]}``,
written only after the store took every byte and closed the object without an error (no extra
request to look it up again). An object the ``encryption`` layer packed last has no ``blake3``:
its AES-GCM tag, in the row's ``packed`` header, authenticates every byte of it instead (hashing
the same bytes again would only cost time).

The value is encoded to JSON once (``json_form.py``: msgspec, or ``json.dumps`` for what msgspec
would write differently) and streamed in 1 MiB chunks: each enabled packing layer
(``compression``, ``encryption``) packs a chunk in turn, then it is sent, and hashed (a value of
2 MiB or more on a thread beside the sending, ``checksums.py``). ``packed`` lists those layers'
headers (codec; key id, nonce, tag), which reading undoes in reverse; the object holds bytes,
never base64. Reading takes the object in one request (at most one byte more than the row
records) and unpacks and parses it while a thread checks it: no more requests than the raw
client makes, and nothing returned unless the check passed. Objects written before this format
(no ``packed``) hold the JSON of the inner layers' envelopes and are still read. Objects are
written and read with the store's fsspec filesystem (as Airflow attaches it for the path's
connection), not reported to Airflow's hook-level lineage: an XCom's object is not a dataset.

The layer only ever reads, checks or deletes the path it derives itself from the XCom's address:
a row whose ``uri`` is any other path (another bucket, another XCom's object, a forged row) is an
error and nothing is read. Reading verifies the checksum (or the tag): a missing or altered object
is an error, never a silent fallback. The backend's ``purge`` deletes the object when a worker
deletes the row (task retries and clears). Rows removed by ``airflow db clean`` or the REST API
leave objects behind: run ``sweep_orphans.py``.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import hashlib
import math
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from airflow.sdk import ObjectStoragePath

from ..base import MARKER, XComAddress, XComLayerError, int_option, option
from ..checksums import ChunkHashing, checking, checksum_matches, new_checksum, recorded_checksum
from ..json_form import json_bytes, json_size, parsed_json

LOCAL_PROTOCOLS = ("file", "local")
MAX_PART_CHARS = 128
# What is encoded, packed and hashed at a time: 1 MiB stays in the CPU's cache from one step to
# the next (4 and 8 MiB chunks measured slower on local files, benchmarks/backend_speed.py).
CHUNK_BYTES = 2**20
BLOCK_BYTES = 16 * 2**20  # what the store client sends at once: up to it one PUT, then parts
TRIM_AFTER_BYTES = 32 * 2**20  # from here, memory freed by a write or read is handed back at once
SAMPLE_BYTES = 64 * 1024  # what a packing layer may look at first (is it worth compressing?)
CHECKSUM_DIFFERS = "its checksum differs from the one recorded in the row"


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


@functools.lru_cache(maxsize=16)
def _storage_path(configured: str) -> ObjectStoragePath:
    return ObjectStoragePath(configured)


def configured_base() -> ObjectStoragePath | None:
    configured = option("object_storage_path")
    return _storage_path(configured) if configured else None


def base_path() -> ObjectStoragePath:
    base = configured_base()
    if base is None:
        raise XComLayerError(
            "The object_storage layer is enabled but [xcom_layers] object_storage_path is not set "
            "(for example s3://aws_default@my-bucket/xcom)."
        )
    return base


def path_parts(address: XComAddress, suffix: str) -> tuple[str, ...]:
    """``<dag_id>``, ``<run_id>``, ``<task_id>``, ``<map_index>``, ``<key><suffix>``, encoded."""
    return (
        path_part(address.dag_id, "DAG id", address),
        path_part(address.run_id, "run id", address),
        path_part(address.task_id, "task id", address),
        str(address.map_index),
        f"{path_part(address.key, 'key', address)}{suffix}",
    )


@dataclasses.dataclass(frozen=True)
class ObjectLocation:
    """One object of this layer: its URI (what a row records), its path on the store's filesystem
    and the configured path it is under. Printed, it is its URI."""

    uri: str
    path: str
    base: ObjectStoragePath

    @property
    def fs(self):
        """The store's filesystem (fsspec), as Airflow attaches it for the base's connection."""
        return self.base.fs

    def __str__(self) -> str:
        return self.uri


@functools.lru_cache(maxsize=16)
def _prefixes(base: ObjectStoragePath) -> tuple[str, str]:
    """The URI and the filesystem path under ``base`` that a relative path is appended to."""
    child = base.joinpath("x")  # exactly as joinpath joins (a separator, a bucket's root)
    return str(child)[:-1], child.path[:-1]


def object_location(
    address: XComAddress, suffix: str, base: ObjectStoragePath | None = None
) -> ObjectLocation:
    """``<path>/<dag_id>/<run_id>/<task_id>/<map_index>/<key><suffix>``, every part encoded.

    Built as strings under the (cached) configured path: the URI and path ``joinpath`` gives for
    the same parts (no part holds a ``/``), without an ObjectStoragePath per object, which made a
    1 KiB push on local files take 263 instead of 181 us and its pull 78 instead of 41 us.
    """
    base = base or base_path()
    uri, path = _prefixes(base)
    relative = "/".join(path_parts(address, suffix))
    return ObjectLocation(uri + relative, path + relative, base)


def _open_for_writing(target: ObjectLocation):
    try:
        return target.fs.open(target.path, "wb", block_size=BLOCK_BYTES)
    except FileNotFoundError:  # a local folder not made yet (object stores have no folders)
        if target.base.protocol not in LOCAL_PROTOCOLS:
            raise
        target.fs.makedirs(target.path.rsplit("/", 1)[0], exist_ok=True)
        return target.fs.open(target.path, "wb", block_size=BLOCK_BYTES)


def write_object(
    chunks: Iterable[bytes],
    address: XComAddress,
    suffix: str,
    checksum: bool = True,
    expected_bytes: int = 0,
) -> dict:
    """Write the chunks to this XCom's object, hashed beside the writing; the reference fields.

    ``checksum=False``: no ``blake3`` (what was written is authenticated by its packing).
    ``expected_bytes``: about how many bytes the chunks hold (``ChunkHashing``). The row is
    written only after the store took every byte and closed the object without an error (no
    extra request to look it up again).
    """
    target = object_location(address, suffix)
    hashing = ChunkHashing(new_checksum(), expected_bytes) if checksum else None
    size = 0
    try:
        with _open_for_writing(target) as out:
            for chunk in chunks:
                if hashing is not None:
                    hashing.add(chunk)
                size += out.write(chunk)
        digest = hashing.hexdigest() if hashing is not None else None
    except XComLayerError:
        raise
    except Exception as error:
        raise XComLayerError(
            f"Could not write {address.describe()} to {target}: {type(error).__name__}: "
            f"{error}. "
            + _fix_for(
                error,
                "Check that [xcom_layers] object_storage_path names an existing bucket and that "
                "its connection's credentials may write there; the task can be retried.",
            )
        ) from error
    finally:
        if hashing is not None:
            hashing.close()  # its thread ends with the write, whatever happened
    if size >= TRIM_AFTER_BYTES:
        _return_freed_memory()
    reference = {"uri": target.uri, "bytes": size}
    return reference | ({"blake3": digest} if digest is not None else {})


def own_object(reference: dict, address: XComAddress, suffix: str) -> ObjectLocation:
    """The object this XCom's own path names, if the reference names exactly that; else an error."""
    own = object_location(address, suffix)
    if reference.get("uri") != own.uri:
        raise XComLayerError(
            f"{address.describe()} refers to {reference.get('uri')!r}, which is not its own object "
            f"{str(own)!r}: the row was forged or copied from another XCom, or [xcom_layers] "
            "object_storage_path changed since it was written. Nothing was read or deleted; "
            "re-run the task that pushed it (or set the path it was written under)."
        )
    return own


def fetched(
    reference: dict, address: XComAddress, suffix: str, writable: bool = False
) -> tuple[ObjectLocation, bytes | bytearray]:
    """This XCom's own object, read in one request, or an error that says what happened to it.

    At most one byte more than the row records is read: an object that grew is reported as
    changed without being read whole (it could be any size). ``writable``: a local file is read
    into a ``bytearray`` that unpacking may write over.
    """
    path = own_object(reference, address, suffix)
    stored = reference.get("bytes")
    if not (isinstance(stored, int) and stored >= 0):
        raise XComLayerError(
            f"{address.describe()} has a reference with no usable bytes: the row was not written "
            "by this backend. Nothing was read; re-run the task that pushed it."
        )
    try:
        data = _read_up_to(path, stored + 1, writable)
    except FileNotFoundError as error:
        raise XComLayerError(
            f"The object behind {address.describe()}, {path}, does not exist: it was deleted (a "
            "bucket lifecycle rule, a manual clean-up) or the bucket changed. Re-run the task "
            "that pushed it."
        ) from error
    except Exception as error:
        raise _unreadable(path, address, error) from error
    if len(data) != stored:
        raise _changed(path, address, f"it is not the {stored} bytes recorded in the row")
    if stored >= TRIM_AFTER_BYTES:
        _return_freed_memory()
    return path, data


def _read_up_to(path: ObjectLocation, limit: int, writable: bool) -> bytes | bytearray:
    """Up to ``limit`` bytes of the object in one request. ``writable``: a local file straight
    into a buffer that unpacking may then write over (no second buffer of the object's size);
    otherwise into new bytes, as a ``bytearray`` is zeroed first (a 100 MiB read took 73 instead
    of 54 ms, 10 MiB 1.0 instead of 0.7 ms)."""
    if path.base.protocol not in LOCAL_PROTOCOLS:
        return path.fs.cat_file(path.path, start=0, end=limit)
    with path.fs.open(path.path, "rb") as file:
        if not writable:
            return file.read(limit)
        data = bytearray(limit)
        del data[file.readinto(data) :]
    return data


def _return_freed_memory() -> None:
    """Hand the memory the store's client freed while writing or reading a large object back to
    the system: after the write, before the task goes on; after the read, before the value is
    made from the object.

    glibc's allocator keeps freed memory for the process, up to twice a threshold that grows to
    32 MiB once large buffers were freed (the S3 client's 16 MiB parts): the peak of a 100 MiB
    S3 round trip was 2.35x the value with it kept, 2.09x with it handed back after the read, and
    1.96x to 2.10x (five rounds) with it handed back after the write too, where it was 2.10x to
    2.15x (benchmarks/backend_speed.py). ``malloc_trim`` gives it back; where the C library has
    none (musl, macOS), nothing is done.
    """
    trim = getattr(_c_library(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.cache
def _c_library():
    return ctypes.CDLL(None)


def _unreadable(path, address: XComAddress, error: Exception) -> XComLayerError:
    return XComLayerError(
        f"Could not read {path} for {address.describe()}: {type(error).__name__}: {error}. "
        + _fix_for(
            error,
            "Check the connection in [xcom_layers] object_storage_path and that the storage is "
            "reachable.",
        )
    )


def _fix_for(error: Exception, otherwise: str) -> str:
    """How to go on after the store's client failed: ``otherwise``, unless it was used across a
    fork (fsspec's clients of object stores, s3fs, gcsfs and adlfs, refuse that)."""
    if isinstance(error, RuntimeError) and "not fork-safe" in str(error):
        return (
            "The store's client was made before this process was forked, and it cannot be used "
            "across a fork: pull or push in the task's own process and hand the value to the "
            "child, or start child processes with multiprocessing's 'spawn' method."
        )
    return otherwise


def _changed(path, address: XComAddress, how: str = CHECKSUM_DIFFERS) -> XComLayerError:
    return XComLayerError(
        f"The object behind {address.describe()}, {path}, was changed after it was written "
        f"({how}). It was not returned. Re-run the task that pushed it."
    )


def read_object(reference: dict, address: XComAddress, suffix: str) -> bytes:
    """The bytes of this XCom's own object, checked against the row's checksum."""
    path, data = fetched(reference, address, suffix)
    if not checksum_matches(reference, data):
        raise _changed(path, address)
    return data


def read_packed(reference: dict, address: XComAddress, suffix: str, streams: list) -> Any:
    """The value in this XCom's own object: unpacked chunk by chunk into one buffer, then parsed.

    The object is read in one request. Its checksum is checked beside the unpacking and parsing
    (``checksums.checking``): nothing is returned, and no other failure reported, unless it
    matches. A row without a checksum is read only if the first stream authenticates the whole
    object (an AES-GCM tag): then that tag decides what is reported, whatever a later stream made
    of the bytes on the way. Nothing is parsed until every stream finished.
    """
    size, stored = reference.get("json_bytes"), reference.get("bytes")
    expansion = math.prod(stream.max_expansion for stream in streams)  # what a codec can inflate
    if not (isinstance(size, int) and isinstance(stored, int) and 0 <= size <= expansion * stored):
        raise XComLayerError(
            f"{address.describe()} has a reference with no usable json_bytes: the row was not "
            "written by this backend. Nothing was read; re-run the task that pushed it."
        )
    checksum = recorded_checksum(reference)
    authenticated = bool(streams) and getattr(streams[0], "authenticates", False)
    if checksum is None and not authenticated:
        raise XComLayerError(
            f"{address.describe()} has a reference with neither a checksum nor authenticated "
            "packing: the row was not written by this backend. Nothing was read; re-run the "
            "task that pushed it."
        )
    # A cipher alone, over an object no checksum thread reads, decrypts straight into a buffer:
    # the one a local file is read into (writable), else a new one (``_unpacked``).
    in_place = (
        checksum is None and len(streams) == 1 and getattr(streams[0], "unpacks_in_place", False)
    )
    path, data = fetched(reference, address, suffix, writable=in_place)
    # Without a checksum, the first stream's tag authenticates the object while it is unpacked.
    # Parsed as they are (no stream), the object's bytes stay alive until the verdict anyway, so
    # they are checked beside the parsing at any size (a 100 MiB pull on local files: 191 -> 161
    # ms, where they were hashed on both cores before it).
    kept = not streams
    verdict = checking(reference, data, kept) if checksum is not None else lambda: True
    try:
        buffer = (
            _unpacked(path, address, data, streams, size, checksum, in_place) if streams else data
        )
        del data  # the object's bytes (unless they are the buffer), before the value is made
        if len(buffer) != size:
            raise _not_unpacked(path, address, f"{len(buffer)} bytes, not the {size} recorded")
        try:
            value = parsed_json(buffer)
        except UnicodeDecodeError as error:
            raise _not_unpacked(path, address, f"{type(error).__name__}: {error}") from None
    except Exception as error:
        if not verdict():  # an altered object, whatever it made fail
            raise _changed(path, address) from error
        raise
    if not verdict():
        raise _changed(path, address)
    return value


def _unpacked(path, address: XComAddress, data, streams: list, size: int, checksum, in_place):
    """``data`` through the unpacking streams into a buffer of the ``size`` the row records.

    ``in_place``: the only stream is a cipher no checksum thread reads beside, which writes
    straight into the buffer: the object's own if it was read into a ``bytearray`` (a local file),
    else a new one, with no bytes made and copied per chunk (a 100 MiB pull from S3 decrypted in
    64 instead of 77 ms). Otherwise each stream's output is copied into a new buffer."""
    if hasattr(streams[-1], "expect"):  # a codec: bounded by the size the row records
        streams[-1].expect(size)
    text = data if in_place and isinstance(data, bytearray) else bytearray(size)
    filled, pieces = 0, _pieces(data)
    try:
        if in_place:
            filled = _unpack_into(pieces, streams[0], memoryview(text))
        else:
            for chunk in packed(pieces, streams):
                if filled + len(chunk) > size:
                    raise ValueError(f"it unpacks to more than the {size} bytes recorded")
                text[filled : filled + len(chunk)] = chunk
                filled += len(chunk)
    except XComLayerError:  # a stream's own verdict (a GCM tag)
        raise
    except Exception as error:  # zlib, cryptography, a size that does not match
        failure = _not_unpacked(path, address, f"{type(error).__name__}: {error}")
        if checksum is None:  # the tag over the whole object decides what is reported
            failure = _authentication_failure(pieces, streams[0]) or failure
        raise failure from error
    if filled != size:
        raise _not_unpacked(path, address, f"{filled} bytes, not the {size} recorded")
    return text


def _unpack_into(pieces: Iterator[memoryview], stream, text: memoryview) -> int:
    """Each piece unpacked into ``text`` at its own offset (a stream whose output is as long as
    its input): over itself when ``text`` is the buffer the pieces are views of."""
    filled = 0
    for piece in pieces:
        filled += stream.update_into(piece, text[filled : filled + len(piece)])
    stream.finish()  # its verdict (a GCM tag); such a stream holds no bytes back
    return filled


def _not_unpacked(path, address: XComAddress, detail: str) -> XComLayerError:
    return XComLayerError(
        f"The object behind {address.describe()}, {path}, does not unpack as its row says "
        f"({detail}): the row's packing does not match the object. Nothing was returned; re-run "
        "the task that pushed it."
    )


def _pieces(data: bytes) -> Iterator[memoryview]:
    view = memoryview(data)
    for start in range(0, len(view), CHUNK_BYTES):
        yield view[start : start + CHUNK_BYTES]


def _authentication_failure(rest: Iterator, stream) -> XComLayerError | None:
    """What an authenticating stream says of the whole object once a later stream failed."""
    try:
        for chunk in rest:
            stream.update(chunk)
        stream.finish()
    except XComLayerError as error:  # the tag does not match: the object was altered
        return error
    except Exception:  # it had already checked the tag (the failure came after): authentic
        return None
    return None


def delete_objects_of(address: XComAddress, suffixes: tuple[str, ...]) -> bool:
    """Delete the objects layers may have written for ``address``; False if no path is set."""
    base = configured_base()
    if base is None:
        return False
    for suffix in suffixes:
        own = object_location(address, suffix, base)
        with contextlib.suppress(FileNotFoundError):  # never written, or already gone
            own.fs.rm_file(own.path)
    return True


class ObjectStorageLayer:
    name = "object_storage"
    object_suffix = ".json"
    options = ("object_storage_path", "object_storage_threshold_bytes")

    def __init__(self) -> None:
        self.threshold = int_option("object_storage_threshold_bytes", 0)

    def offloads(self, payload: Any) -> bool:
        return self.threshold == 0 or json_size(payload) >= self.threshold

    def encode(self, payload: Any, address: XComAddress) -> Any:
        """Offload ``payload`` with no packing layer (the backend calls ``offload`` itself)."""
        return self.offload(payload, address, []) if self.offloads(payload) else payload

    def offload(self, payload: Any, address: XComAddress, packers: list) -> dict:
        """Stream the payload's JSON through the packing layers into this XCom's object."""
        data = json_bytes(payload)
        streams = [s for p in packers if (s := p.packing(len(data), data[:SAMPLE_BYTES], address))]
        view = memoryview(data)  # chunks of the JSON itself, not copies
        chunks = (view[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES))
        # The stream packed last covers the whole object: if it authenticates, no checksum.
        authenticated = bool(streams) and getattr(streams[-1], "authenticates", False)
        reference = write_object(
            packed(chunks, streams),
            address,
            self.object_suffix,
            checksum=not authenticated,
            expected_bytes=len(data),
        )
        return {
            MARKER: self.name,
            **reference,
            "json_bytes": len(data),
            "packed": [stream.header() for stream in streams],
        }

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        return self.restore(envelope, address, {})

    def restore(self, envelope: dict, address: XComAddress, packers: dict) -> Any:
        """The payload behind a reference, unpacked by the layers its ``packed`` list names."""
        if "packed" not in envelope:  # written before packing layers streamed: the JSON itself
            return parsed_json(read_object(envelope, address, self.object_suffix))
        streams = []
        for header in reversed(envelope["packed"]):
            layer = packers.get(header.get("layer"))
            if layer is None:
                raise XComLayerError(
                    f"{address.describe()} was stored by the {header.get('layer')!r} layer, which "
                    f"is not enabled on this worker. Add {header.get('layer')!r} to [xcom_layers] "
                    "layers (with its options) to read it."
                )
            streams.append(layer.unpacking(header, address))
        return read_packed(envelope, address, self.object_suffix, streams)


def packed(chunks: Iterator[bytes], streams: list) -> Iterator[bytes]:
    """``chunks`` through each stream in turn, then what each stream holds back at its end."""
    for chunk in chunks:
        for stream in streams:
            chunk = stream.update(chunk)
        yield chunk
    for position, stream in enumerate(streams):
        tail = stream.finish()
        for later in streams[position + 1 :]:
            tail = later.update(tail)
        yield tail
