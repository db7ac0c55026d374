"""Offloaded values are packed on their way to the store: encoded once, streamed, never base64.

With ``object_storage`` enabled, ``compression`` and ``encryption`` pack the object's bytes chunk
by chunk; the row keeps each layer's header (codec, key id, nonce, tag). On local files and a real
S3 server: what the object and the row hold, that other tools can read the object, that damage is
reported by the checksum (or, for an encrypted object, by its AES-GCM tag, which replaces the
checksum), and that objects written before packing existed are still read.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import multiprocessing
import random
import threading

import pytest
import zstandard
from blake3 import blake3
from xcom_backends.base import MARKER, XComLayerError
from xcom_backends.checksums import CHECK_BESIDE_BYTES, THREADED_CHECKSUM_BYTES
from xcom_backends.layers.encryption import update_into_takes_exact_room

from tests.backends.xcom_rows import DESCRIBED, HERE, KEY, load, store
from tests.harness.backend_profiles import TEST_ENCRYPTION_KEYS

# Several chunks of 8 MiB, so packing and unpacking cross chunk boundaries.
RECORDS = [{"order": f"order-{n:08d}", "rows": n % 977, "ok": n % 3 == 0} for n in range(400_000)]

# What a pull says of an encrypted object whose tag does not match (the tests' key id).
FAILED_AUTHENTICATION = (
    f"{DESCRIBED} failed authentication with key id 'current': the stored object was altered or "
    "copied from another XCom, or the key configured under this id is not the one that encrypted "
    "it. The value was not returned."
)


def offload_with(layers, store_root, layer_names: str) -> None:
    """Enable ``layer_names`` with objects under the test store and the tests' encryption keys."""
    layers(
        layer_names,
        object_storage_path=str(store_root / "xcom"),
        encryption_keys=TEST_ENCRYPTION_KEYS,
    )


def stored_names(reference: dict) -> list[str]:
    """The names of the objects in the folder of ``reference``'s object (its XCom's task)."""
    from airflow.sdk import ObjectStoragePath

    return [path.name for path in ObjectStoragePath(reference["uri"]).parent.iterdir()]


def compact(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def test_the_object_alone_holds_the_values_json(store_root, layers):
    from airflow.sdk import ObjectStoragePath

    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store(RECORDS)
    data = ObjectStoragePath(reference["uri"]).read_bytes()
    assert data == compact(RECORDS)  # any tool reads it as JSON
    assert reference["packed"] == [] and reference["json_bytes"] == len(data) > 16 * 2**20
    assert reference["bytes"] == len(data)
    assert reference["blake3"] == blake3(data).hexdigest() and "sha256" not in reference
    assert load(reference) == RECORDS


def load_in_child(reference: dict, value, outcome) -> None:
    try:
        outcome.put("read back" if load(reference) == value else "read something else")
    except XComLayerError as error:
        outcome.put(str(error))


@pytest.mark.parametrize("layer_names", ["compression, object_storage", "object_storage"])
def test_a_process_forked_after_a_large_pull_pulls_or_is_told_why_not(
    store_root, layers, layer_names
):
    """A task that forks (a multiprocessing pool) after pulling a large object: hashed on every
    core before it is unpacked (compressed), or on a thread beside its parsing (as it was
    written). On local files the child pulls it too, as the threads are the hasher's own and
    have ended (with blake3's pool for the whole process the fork holds none of its threads and
    the child's hash waits forever). An object store's client cannot cross a fork: the child is
    told what to do."""
    layers(layer_names, object_storage_path=str(store_root / "xcom"))
    # Large enough that, compressed to about 0.4, the object is still hashed on every core.
    value = letters(3 * THREADED_CHECKSUM_BYTES)
    reference = store(value)
    assert reference["bytes"] >= THREADED_CHECKSUM_BYTES
    assert load(reference) == value
    forking = multiprocessing.get_context("fork")
    outcome = forking.SimpleQueue()
    child = forking.Process(target=load_in_child, args=(reference, value, outcome))
    child.start()
    child.join(timeout=60)
    hung = child.is_alive()
    if hung:
        child.kill()
    assert (hung, child.exitcode) == (False, 0)
    if str(store_root).startswith("s3://"):
        assert outcome.get() == (
            f"Could not read {reference['uri']} for {DESCRIBED}: RuntimeError: This class is not "
            "fork-safe. The store's client was made before this process was forked, and it "
            "cannot be used across a fork: pull or push in the task's own process and hand the "
            "value to the child, or start child processes with multiprocessing's 'spawn' method."
        )
    else:
        assert outcome.get() == "read back"


def test_a_row_written_with_a_sha256_is_still_checked_with_it(store_root, layers):
    """Rows written before the checksum was BLAKE3 record a SHA-256 of the same bytes."""
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store(RECORDS)
    earlier = {k: v for k, v in reference.items() if k != "blake3"}
    assert load(earlier | {"sha256": hashlib.sha256(compact(RECORDS)).hexdigest()}) == RECORDS
    with pytest.raises(XComLayerError, match="its checksum differs from the one recorded"):
        load(earlier | {"sha256": hashlib.sha256(b"other").hexdigest()})


UNPACK = {"zstd": zstandard.ZstdDecompressor().decompress, "gzip": gzip.decompress}
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@pytest.mark.parametrize("codec", ["zstd", "gzip"])
def test_a_compressed_object_is_a_plain_file_of_its_codec_and_the_row_says_so(
    store_root, layers, codec
):
    from airflow.sdk import ObjectStoragePath

    options = {} if codec == "zstd" else {"compression_codec": codec}  # zstd is the default
    layers("compression, object_storage", object_storage_path=str(store_root / "xcom"), **options)
    reference = store(RECORDS)
    data = ObjectStoragePath(reference["uri"]).read_bytes()
    assert UNPACK[codec](data) == compact(RECORDS)  # zstd -d, gunzip
    assert reference["packed"] == [{"layer": "compression", "codec": codec}]
    assert reference["bytes"] == len(data) < reference["json_bytes"] / 5
    assert "_base64" not in json.dumps(reference)
    assert load(reference) == RECORDS


def test_rows_of_either_codec_stay_readable_when_the_codec_changes(store_root, layers):
    """gzip was the only codec before zstd: its objects and its in-row envelopes are still read."""
    path = str(store_root / "xcom")
    layers("compression", compression_codec="gzip", compression_min_bytes="0")
    in_row = store(RECORDS[:1000])
    layers("compression, object_storage", object_storage_path=path, compression_codec="gzip")
    in_object = store(RECORDS, key="orders_export_v2")
    assert "gzip_base64" in in_row and in_object["packed"][0]["codec"] == "gzip"
    layers("compression, object_storage", object_storage_path=path, compression_codec="zstd")
    assert load(in_row) == RECORDS[:1000]
    assert load(in_object, key="orders_export_v2") == RECORDS
    assert store(RECORDS[:1000])["packed"] == [{"layer": "compression", "codec": "zstd"}]


def test_a_value_zstd_shrinks_a_thousandfold_is_read_back(store_root, layers):
    """More than deflate can (about 1032 times): the row's size bound follows the codec."""
    layers("compression, object_storage", object_storage_path=str(store_root / "xcom"))
    blank = ["." * 2**20] * 8
    reference = store(blank)
    assert reference["json_bytes"] > 1100 * reference["bytes"]
    assert load(reference) == blank


def test_an_encrypted_object_holds_ciphertext_and_the_row_only_its_header(store_root, layers):
    from airflow.sdk import ObjectStoragePath

    offload_with(layers, store_root, "compression, encryption, object_storage")
    reference = store(RECORDS)
    data = ObjectStoragePath(reference["uri"]).read_bytes()
    compression, encryption = reference["packed"]
    assert compression == {"layer": "compression", "codec": "zstd"}
    assert sorted(encryption) == ["key_id", "layer", "nonce", "tag"]
    assert encryption["layer"] == "encryption" and encryption["key_id"] == "current"
    assert b"order-" not in data and not data.startswith(ZSTD_MAGIC)  # neither JSON nor zstd
    assert "ciphertext" not in reference and len(json.dumps(reference)) < 1000
    assert {"blake3", "sha256"}.isdisjoint(reference)  # the tag authenticates every byte
    assert load(reference) == RECORDS


def test_only_a_value_that_at_least_halves_is_compressed(store_root, layers):
    """Text of random base64 gzips to about 0.76: not worth gzip's time, in a row or an object;
    the records gzip to about 0.2. The check on a sample keeps the first case cheap."""
    from airflow.sdk import ObjectStoragePath

    noise = base64.b64encode(hashlib.shake_256(b"noise").digest(600_000)).decode()
    layers("compression", compression_min_bytes="1024")
    assert store(noise) == noise
    assert store(RECORDS[:20_000])[MARKER] == "compression"
    layers("compression, object_storage", object_storage_path=str(store_root / "xcom"))
    as_it_is = store(noise)
    assert as_it_is["packed"] == [] and as_it_is["bytes"] == as_it_is["json_bytes"]
    assert ObjectStoragePath(as_it_is["uri"]).read_bytes() == compact(noise)
    assert load(as_it_is) == noise


def damage_the_object(reference: dict, damage: str):
    from airflow.sdk import ObjectStoragePath

    path = ObjectStoragePath(reference["uri"])
    data = path.read_bytes()
    middle = len(data) // 2
    damaged = data[:-10] if damage == "truncated" else data[:middle] + b"\x00" + data[middle + 1 :]
    path.write_bytes(damaged)
    return path


def changed(path, how: str) -> str:
    return (
        f"The object behind {DESCRIBED}, {path}, was changed after it was written ({how}). It "
        "was not returned. Re-run the task that pushed it."
    )


@pytest.mark.parametrize("layer_names", ["compression, object_storage", "object_storage"])
def test_a_damaged_object_is_reported_by_its_checksum(store_root, layers, layer_names):
    layers(layer_names, object_storage_path=str(store_root / "xcom"))
    reference = store(RECORDS)
    path = damage_the_object(reference, "flipped byte")
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert str(refused.value) == changed(
        path, "its checksum differs from the one recorded in the row"
    )


def letters(size: int) -> str:
    """``size`` random letters of eight: compresses to about 0.4, so it is stored compressed."""
    return (
        random.Random(size)
        .randbytes(size)
        .translate(bytes(b"abcdefgh"[i % 8] for i in range(256)))
        .decode()
    )


@pytest.mark.parametrize(
    ("layer_names", "size"),
    [
        ("compression, object_storage", 8 * 2**20),
        ("object_storage", 8 * 2**20),
        # Parsed as it was read, a larger object is still checked beside the parsing.
        ("object_storage", THREADED_CHECKSUM_BYTES + 2**20),
    ],
)
def test_a_large_damaged_object_is_reported_by_its_checksum_checked_beside(
    store_root, layers, layer_names, size
):
    """From CHECK_BESIDE_BYTES the checksum is computed on a thread while the object is unpacked
    and parsed: the verdict is still the checksum's (not the codec's or the parser's failure on
    the damaged bytes), and no thread is left behind by the write or the refused read."""
    layers(layer_names, object_storage_path=str(store_root / "xcom"))
    threads = threading.active_count()
    value = letters(size)
    reference = store(value)
    assert reference["bytes"] >= CHECK_BESIDE_BYTES
    assert reference["packed"] != [] if "compression" in layer_names else reference["packed"] == []
    assert load(reference) == value
    path = damage_the_object(reference, "flipped byte")
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert str(refused.value) == changed(
        path, "its checksum differs from the one recorded in the row"
    )
    assert threading.active_count() == threads


@pytest.mark.parametrize(
    "layer_names",
    [
        "compression, object_storage",
        "object_storage",
        "compression, encryption, object_storage",
        "encryption, object_storage",  # on local files, decrypted in its read buffer
    ],
)
def test_a_truncated_or_grown_object_is_reported_by_its_size(store_root, layers, layer_names):
    """Whatever its packing; a grown object is not read past the recorded size plus one byte."""
    from airflow.sdk import ObjectStoragePath

    offload_with(layers, store_root, layer_names)
    reference = store(RECORDS)
    path = damage_the_object(reference, "truncated")
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    recorded = reference["bytes"]
    assert str(refused.value) == changed(
        path, f"it is not the {recorded} bytes recorded in the row"
    )
    path.write_bytes(bytes(3 * recorded))
    with pytest.raises(XComLayerError) as grown:
        load(reference)
    assert str(grown.value) == str(refused.value)
    assert ObjectStoragePath(reference["uri"]).read_bytes() == bytes(3 * recorded)


def test_a_damaged_encrypted_object_is_reported_by_its_tag(store_root, layers):
    """Also when the damage first breaks gzip on the way: the tag over the whole object decides."""
    offload_with(layers, store_root, "compression, encryption, object_storage")
    reference = store(RECORDS)
    damage_the_object(reference, "flipped byte")
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert str(refused.value) == FAILED_AUTHENTICATION


def test_an_object_encrypted_alone_is_decrypted_in_its_read_buffer_and_checked_by_its_tag(
    store_root, layers
):
    """With the cipher as the only packing, a local file's bytes are decrypted over themselves in
    the buffer they were read into (the locked cryptography allows it): across chunk boundaries
    the value comes back whole, the object in the store is left as it was, and a damaged byte is
    reported by the tag, before anything is parsed."""
    from airflow.sdk import ObjectStoragePath

    assert update_into_takes_exact_room()
    offload_with(layers, store_root, "encryption, object_storage")
    reference = store(RECORDS)
    assert [header["layer"] for header in reference["packed"]] == ["encryption"]
    ciphertext = ObjectStoragePath(reference["uri"]).read_bytes()
    assert len(ciphertext) == reference["json_bytes"] > 8 * 2**20
    assert load(reference) == RECORDS
    assert ObjectStoragePath(reference["uri"]).read_bytes() == ciphertext
    path = damage_the_object(reference, "flipped byte")
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert str(refused.value) == FAILED_AUTHENTICATION
    assert path.read_bytes() != ciphertext and len(path.read_bytes()) == len(ciphertext)


@pytest.mark.parametrize(
    "layer_names",
    ["object_storage", "compression, object_storage", "compression, encryption, object_storage"],
)
def test_a_row_without_a_checksum_is_read_only_behind_a_tag(store_root, layers, layer_names):
    """A forged row that drops the checksum (or reorders the packing so that the tag no longer
    covers the object) is refused before anything is read."""
    offload_with(layers, store_root, layer_names)
    reference = store(RECORDS)
    reference.pop("blake3", None)
    if "encryption" in layer_names:  # claim gzip was applied last, so the tag is not outermost
        reference["packed"] = reference["packed"][::-1]
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert str(refused.value) == (
        f"{DESCRIBED} has a reference with neither a checksum nor authenticated packing: the row "
        "was not written by this backend. Nothing was read; re-run the task that pushed it."
    )


def test_an_encrypted_object_written_with_a_checksum_is_still_read(store_root, layers):
    """Rows of encrypted objects written before the tag replaced the checksum: both are checked."""
    from airflow.sdk import ObjectStoragePath

    offload_with(layers, store_root, "encryption, object_storage")
    reference = store(RECORDS)
    data = ObjectStoragePath(reference["uri"]).read_bytes()
    assert load(reference | {"sha256": hashlib.sha256(data).hexdigest()}) == RECORDS
    with pytest.raises(XComLayerError, match="its checksum differs from the one recorded"):
        load(reference | {"sha256": hashlib.sha256(data + b"!").hexdigest()})


def test_an_object_rewritten_with_a_matching_checksum_still_fails_authentication(
    store_root, layers
):
    """Whoever can write the store and the row cannot make the encryption layer accept bytes."""
    from airflow.sdk import ObjectStoragePath

    offload_with(layers, store_root, "encryption, object_storage")
    reference = store({"customer_id": 42})
    path = ObjectStoragePath(reference["uri"])
    forged = bytes(len(path.read_bytes()))
    path.write_bytes(forged)
    reference["sha256"] = hashlib.sha256(forged).hexdigest()
    with pytest.raises(XComLayerError, match=r"failed authentication with key id 'current'"):
        load(reference)


def test_a_packed_object_needs_its_layers_on_the_reader(store_root, layers):
    path = str(store_root / "xcom")
    layers(
        "encryption, object_storage", object_storage_path=path, encryption_keys=TEST_ENCRYPTION_KEYS
    )
    reference = store({"customer_id": 42})
    layers("object_storage", object_storage_path=path)
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert str(refused.value) == (
        f"{DESCRIBED} was stored by the 'encryption' layer, which is not enabled on this worker. "
        "Add 'encryption' to [xcom_layers] layers (with its options) to read it."
    )


@pytest.mark.parametrize(("codec", "failure"), [("zstd", "ZstdError"), ("gzip", "error")])
def test_a_row_whose_packing_does_not_match_its_object_names_the_xcom(
    store_root, layers, codec, failure
):
    """A forged row that keeps the object and its checksum but claims it is compressed."""
    from airflow.sdk import ObjectStoragePath

    layers("compression, object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store({"customer_id": 42})
    assert reference["packed"] == []  # too small to compress
    reference["packed"] = [{"layer": "compression", "codec": codec}]
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    path = ObjectStoragePath(reference["uri"])
    assert str(refused.value).startswith(
        f"The object behind {DESCRIBED}, {path}, does not unpack as its row says ({failure}: "
    )
    assert str(refused.value).endswith(
        "the row's packing does not match the object. Nothing was returned; re-run the task that "
        "pushed it."
    )


@pytest.mark.parametrize("codec", ["zstd", "gzip"])
def test_a_compressed_object_cut_short_with_a_matching_row_is_not_returned(
    store_root, layers, codec
):
    """Whoever rewrites the object and its row's checksum and size still gets no value."""
    from airflow.sdk import ObjectStoragePath

    options = {"compression_codec": codec}
    layers("compression, object_storage", object_storage_path=str(store_root / "xcom"), **options)
    reference = store(RECORDS)
    path = ObjectStoragePath(reference["uri"])
    cut = path.read_bytes()[: reference["bytes"] // 2]
    path.write_bytes(cut)
    reference |= {"bytes": len(cut), "blake3": blake3(cut).hexdigest()}
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert (
        f"does not unpack as its row says (ValueError: the {codec} stream ends before its end "
        "marker)" in str(refused.value)
    )


@pytest.mark.parametrize(
    ("codec", "detail"),
    [
        ("zstd", "the zstd frame records {json_bytes} bytes, not the {smaller} bytes"),
        ("gzip", "it unpacks to more than the {smaller} bytes recorded"),
    ],
)
def test_a_codec_unpacks_no_more_than_the_row_records(store_root, layers, codec, detail):
    """A row whose json_bytes was lowered: zstd refuses the frame before unpacking anything,
    gzip stops one byte past it; neither makes a buffer larger than the row says."""
    layers(
        "compression, object_storage",
        object_storage_path=str(store_root / "xcom"),
        compression_codec=codec,
    )
    reference = store(RECORDS)
    json_bytes, smaller = reference["json_bytes"], reference["json_bytes"] // 2
    with pytest.raises(XComLayerError) as refused:
        load(reference | {"json_bytes": smaller})
    expected = detail.format(json_bytes=json_bytes, smaller=smaller)
    assert f"does not unpack as its row says (ValueError: {expected})" in str(refused.value)


def test_a_recorded_size_the_object_cannot_have_is_refused_before_reading(store_root, layers):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store({"customer_id": 42})
    reference["json_bytes"] = 10**15  # would be the size of the read buffer
    with pytest.raises(XComLayerError, match="has a reference with no usable json_bytes"):
        load(reference)


def test_objects_written_before_packing_are_still_read(store_root, layers):
    """The earlier object format: the object held the JSON of the inner layers' envelope."""
    from airflow.sdk import ObjectStoragePath

    path = str(store_root / "xcom")
    layers(
        "compression, encryption",
        compression_min_bytes="0",
        encryption_keys=TEST_ENCRYPTION_KEYS,
    )
    inner = {k: v for k, v in store(RECORDS[:1000]).items() if k != "xcom"}
    layers("compression, encryption, object_storage", object_storage_path=path)
    target = ObjectStoragePath(store({"placeholder": True})["uri"])
    data = json.dumps(inner).encode()
    target.write_bytes(data)
    earlier = {
        MARKER: "object_storage",
        "uri": str(target),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "xcom": {**HERE, "key": KEY},
    }
    assert load(earlier) == RECORDS[:1000]


def refused_without(monkeypatch, package: str, reference: dict, value, message: str) -> None:
    """With ``package`` missing for the rest of the test (as if not installed), pushing ``value``
    under another key and pulling ``reference`` both fail with ``message``; the push wrote
    nothing."""
    import sys

    monkeypatch.setitem(sys.modules, package, None)
    with pytest.raises(XComLayerError) as refused:
        store(value, key="another_key_v1")
    assert str(refused.value) == message
    assert not any(name.startswith("another_key_v1") for name in stored_names(reference))
    with pytest.raises(XComLayerError) as unread:
        load(reference)
    assert str(unread.value) == message


def test_a_worker_without_blake3_is_told_to_install_it_and_writes_nothing(
    store_root, layers, monkeypatch
):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store(RECORDS[:10])
    refused_without(
        monkeypatch,
        "blake3",
        reference,
        RECORDS[:10],
        "The object_storage layer checks every object with BLAKE3, and the blake3 package is not "
        "installed on this worker. Install it (pip install blake3) where tasks run.",
    )


def test_a_worker_without_zstandard_is_told_how_to_go_on_and_writes_nothing(
    store_root, layers, monkeypatch
):
    path = str(store_root / "xcom")
    layers("compression, object_storage", object_storage_path=path)
    reference = store(RECORDS[:10_000])
    assert reference["packed"] == [{"layer": "compression", "codec": "zstd"}]
    refused_without(
        monkeypatch,
        "zstandard",
        reference,
        RECORDS[:10_000],
        "The compression layer's codec is zstd, and the zstandard package is not installed on "
        "this worker. Install it (pip install zstandard) where tasks run, or set [xcom_layers] "
        "compression_codec = gzip (rows already written with zstd need it).",
    )
    layers("compression, object_storage", object_storage_path=path, compression_codec="gzip")
    assert (
        load(store(RECORDS[:10_000], key="another_key_v1"), key="another_key_v1")
        == (RECORDS[:10_000])
    )


def test_a_zstd_object_whose_frame_records_no_size_is_not_unpacked(store_root, layers):
    """Only a frame that records the row's size is unpacked: libzstd then writes no more."""
    from airflow.sdk import ObjectStoragePath

    layers("compression, object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store(RECORDS[:20_000])
    path = ObjectStoragePath(reference["uri"])
    sizeless = zstandard.ZstdCompressor(write_content_size=False).compress(
        compact(RECORDS[:20_000])
    )
    path.write_bytes(sizeless)
    reference |= {"bytes": len(sizeless), "blake3": blake3(sizeless).hexdigest()}
    with pytest.raises(XComLayerError) as refused:
        load(reference)
    assert (
        "does not unpack as its row says (ValueError: the zstd frame records no size, not the "
        f"{reference['json_bytes']} bytes)" in str(refused.value)
    )
