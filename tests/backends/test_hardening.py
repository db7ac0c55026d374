"""A stored row never makes a worker read, delete or accept what is not its own XCom.

Attacks and careless use against LayeredXComBackend, on local files and a real S3 server: forged
and copied references, user data shaped like envelopes, rows moved between XComs, objects left
behind, keys Airflow cannot hold, errors that must name the XCom. Each test checks the exact
message or what the store holds afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from xcom_backends.base import MARKER, XComLayerError
from xcom_backends.contracts import XComContractError
from xcom_backends.layered import LayeredXComBackend

from tests.backends.xcom_rows import DESCRIBED, HERE, KEY, RUN, load, row, store
from tests.harness.backend_profiles import TEST_ENCRYPTION_KEYS


def victim_object(root):
    """An object outside the XCom prefix that a forged row aims at; its bytes and checksum."""
    victim = root / "payroll" / "salaries.json"
    if victim.protocol in ("file", "local"):
        victim.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"alice": 120000}).encode()
    victim.write_bytes(data)
    return victim, data


def forged_reference(victim, data, **address) -> dict:
    """What a hostile task could write straight into its own row: a reference to the victim."""
    return {
        MARKER: "object_storage",
        "uri": str(victim),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "xcom": {**HERE, "key": KEY, **address},
    }


# --- 1. forged references never reach outside the store ------------------------------------------


def test_a_forged_reference_outside_the_prefix_is_neither_read_nor_deleted(store_root, layers):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    victim, data = victim_object(store_root)
    forged = forged_reference(victim, data)
    with pytest.raises(XComLayerError) as refused:
        load(forged)
    assert str(refused.value).startswith(
        f"{DESCRIBED} refers to '{victim}', which is not its own object"
    )
    assert "Nothing was read or deleted" in str(refused.value)
    assert "bytes" not in str(refused.value).split("Nothing")[0].split("object")[-1]
    LayeredXComBackend.purge(row(forged))  # a retry deletes the row: the victim must survive
    assert victim.read_bytes() == data


def test_another_xcoms_object_is_not_returned_for_this_one(store_root, layers):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    theirs = store({"secret": "tenant b"}, task_id="tenant_b_export")
    # Copied as it is: the row says whose it is, and that is not the row it sits in.
    with pytest.raises(XComLayerError) as moved:
        load(theirs)
    assert f"holds a row written for XCom '{KEY}' of task tenant_b_export" in str(moved.value)
    assert "(task_id differ): it was copied from another XCom or forged" in str(moved.value)
    # Relabelled to this row's address: the reference is not this XCom's own object.
    relabelled = {**theirs, "xcom": {**HERE, "key": KEY}}
    with pytest.raises(XComLayerError, match=r"which is not its own object"):
        load(relabelled)
    LayeredXComBackend.purge(row(relabelled))
    assert load(theirs, task_id="tenant_b_export") == {"secret": "tenant b"}  # still there


# --- 2. a task's own data is never mistaken for an envelope -------------------------------------

LOOKALIKES = [
    {MARKER: "compression", "gzip_base64": base64.b64encode(b"not gzip").decode()},
    {MARKER: "object_storage", "uri": "file:///etc/passwd", "sha256": "0" * 64, "bytes": 1},
    {MARKER: "escaped", "value": 1},
    {MARKER: "no_such_layer", "rows": [1, 2]},
]


@pytest.mark.parametrize("names", ["", "compression", "compression, encryption"])
def test_dicts_holding_the_marker_round_trip_unchanged(layers, names):
    layers(names, compression_min_bytes="0", encryption_keys=TEST_ENCRYPTION_KEYS)
    for value in LOOKALIKES:
        assert load(store(value)) == value
    # Only the escape wrapper is stored when no layer applies.
    if not names:
        assert store(LOOKALIKES[0]) == {
            MARKER: "escaped",
            "value": LOOKALIKES[0],
            "xcom": {**HERE, "key": KEY},
        }


# --- 4. rows moved between XComs fail, whatever the layer ----------------------------------------


@pytest.mark.parametrize(
    "other",
    [
        {"run_id": "scheduled__2025-12-31"},
        {"task_id": "other"},
        {"map_index": 3},
        {"key": "orders_summary_v2"},
    ],
)
def test_a_ciphertext_moved_to_another_xcom_fails_authentication(layers, other):
    layers("encryption", encryption_keys=TEST_ENCRYPTION_KEYS)
    theirs = store({"customer_id": 42}, **other)
    target = {**HERE, "key": KEY}
    with pytest.raises(XComLayerError, match=r"it was copied from another XCom or forged"):
        load(theirs)
    relabelled = {**theirs, "xcom": target}
    with pytest.raises(XComLayerError) as refused:
        load(relabelled)
    assert str(refused.value).startswith(
        f"{DESCRIBED} failed authentication with "
        "key id 'current': the stored value was altered or copied from another XCom"
    )


def test_rows_of_the_earlier_envelope_format_fail_clearly(layers):
    layers("encryption", encryption_keys=TEST_ENCRYPTION_KEYS)
    old = {k: v for k, v in store({"customer_id": 42}).items() if k != "xcom"}
    with pytest.raises(XComLayerError) as refused:
        load(old)
    assert str(refused.value) == (
        f"{DESCRIBED} holds a 'encryption' "
        "envelope that records no XCom address: it was written by a version of "
        "LayeredXComBackend from before rows were bound to their XCom, or it was not written by "
        "this backend at all. It was not read. Re-run the task that pushed it."
    )


# --- 5. nothing the backend wrote is left without a row or a sweep that finds it ---------------


def test_purge_frees_the_parquet_file_and_the_reference_object(store_root, layers):
    import pandas as pd

    layers("dataframe_parquet, object_storage", object_storage_path=str(store_root / "xcom"))
    envelope = store(pd.DataFrame({"region": ["emea"], "revenue_cents": [125000]}))
    written = sorted(p.name for p in (store_root / "xcom").rglob("*") if p.is_file())
    assert written == [f"{KEY}.json", f"{KEY}.parquet"]
    LayeredXComBackend.purge(row(envelope))
    assert [p for p in (store_root / "xcom").rglob("*") if p.is_file()] == []


def test_purge_after_the_layer_was_removed_from_the_config_still_frees_the_object(
    store_root, layers
):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    envelope = store({"rows": 3})
    layers("", object_storage_path=str(store_root / "xcom"))  # layer off, path still set
    LayeredXComBackend.purge(row(envelope))
    assert [p for p in (store_root / "xcom").rglob("*") if p.is_file()] == []


def test_purge_without_the_store_path_says_the_object_was_left_for_the_sweeper(
    store_root, layers, caplog, monkeypatch
):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    envelope = store({"rows": 3})
    layers("")
    monkeypatch.delenv("AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH")  # it cannot find the object
    LayeredXComBackend.purge(row(envelope))
    assert [p.name for p in (store_root / "xcom").rglob("*") if p.is_file()] == [f"{KEY}.json"]
    assert (
        f"{DESCRIBED} may hold an object in "
        "storage, but [xcom_layers] object_storage_path is not set on this worker, so it was not "
        "deleted; run sweep_orphans.py with the path."
    ) in caplog.text


# --- 6. keys Airflow cannot hold are refused before anything is written -------------------------


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("..", "has a '.' or '..' segment"),
        ("exports/../payroll", "has a '.' or '..' segment"),
        ("nul\x00byte", "contains '\\x00'"),
        ("two\nlines", "contains '\\n'"),
        ("café_v1", "contains 'é'"),
        ("键_v1", "contains '键'"),
        ("why?_v1", "contains '?'"),
        ("k" * 513, "is 513 characters long"),
    ],
)
def test_keys_airflow_cannot_hold_are_refused_before_anything_is_written(
    store_root, layers, key, problem
):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    with pytest.raises(XComLayerError) as refused:
        store(1, key=key)
    assert f") {problem}; a key must be printable ASCII without '?' or '#', no '.' or '..' " in str(
        refused.value
    )
    assert str(refused.value).endswith(
        "Rename the key (the cookbook's convention is name_v1); nothing was stored."
    )
    assert not (store_root / "xcom").exists() or not list((store_root / "xcom").rglob("*"))


def test_long_ids_are_hashed_into_paths_every_store_accepts(store_root, layers):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    long_task, long_key = "t" * 250, "k" * 512
    envelope = store({"rows": 3}, key=long_key, task_id=long_task)
    parts = envelope["uri"].split("/xcom/", 1)[1].split("/")
    assert max(len(p) for p in parts) <= 128 + len(".json")
    assert parts[2].startswith("t" * 64 + "~") and parts[4].startswith("k" * 64 + "~")
    assert load(envelope, key=long_key, task_id=long_task) == {"rows": 3}
    other = store({"rows": 4}, key="k" * 511 + "x", task_id=long_task)  # same first 64 chars
    assert other["uri"] != envelope["uri"]


# --- 7. errors that name the XCom or the option and the fix --------------------------------------


def test_a_value_nested_too_deep_names_the_xcom_and_the_fix(layers):
    layers("")
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(XComLayerError) as refused:
        store(nested)
    message = str(refused.value)
    assert message.startswith(f"{DESCRIBED} cannot")
    assert "maximum recursion depth exceeded" in message
    assert "Fix: push a flat value (ids, counts, a URI)" in message


@pytest.mark.parametrize(("codec", "failure"), [("zstd", "ZstdError"), ("gzip", "BadGzipFile")])
def test_a_corrupt_compressed_row_names_the_xcom_and_the_layer(layers, codec, failure):
    layers("compression", compression_min_bytes="0", compression_codec=codec)
    envelope = store(["row"] * 100)
    envelope[f"{codec}_base64"] = base64.b64encode(b"this is not compressed").decode()
    with pytest.raises(XComLayerError) as refused:
        load(envelope)
    assert str(refused.value).startswith(
        f"{DESCRIBED} could not be read by the 'compression' layer: {failure}:"
    )


def test_a_compressed_row_without_its_codecs_field_is_refused(layers):
    layers("compression", compression_min_bytes="0")
    envelope = store(["row"] * 100)
    del envelope["zstd_base64"]
    with pytest.raises(XComLayerError) as refused:
        load(envelope)
    assert str(refused.value) == (
        f"{DESCRIBED} has a compression envelope "
        "with none of zstd_base64, gzip_base64: the row was not written by this backend. Nothing "
        "was returned; re-run the task that pushed it."
    )


def test_a_zstd_row_that_claims_more_than_it_can_hold_is_not_unpacked(layers):
    """The frame's recorded size would be the buffer: over zstd's ceiling, nothing is allocated."""
    import zstandard

    layers("compression", compression_min_bytes="0")
    envelope = store(["row"] * 100)
    # A frame header (magic, one-segment descriptor, 8-byte content size) and one empty block.
    bomb = b"\x28\xb5\x2f\xfd\xe0" + (2**40).to_bytes(8, "little") + b"\x01\x00\x00"
    assert zstandard.frame_content_size(bomb) == 2**40
    envelope["zstd_base64"] = base64.b64encode(bomb).decode()
    with pytest.raises(XComLayerError) as refused:
        load(envelope)
    assert str(refused.value) == (
        f"{DESCRIBED} could not be read by the "
        "'compression' layer: ValueError: the zstd frame claims more than it can hold. The "
        "stored row is damaged or was not written by this backend; nothing was returned. Re-run "
        "the task that pushed it."
    )


@pytest.mark.parametrize(
    ("codec", "level", "message"),
    [
        ("lz4", "1", "[xcom_layers] compression_codec is 'lz4'; the layer writes zstd or gzip. "
         "Set compression_codec = zstd (the default) or gzip."),
        ("zstd", "23", "[xcom_layers] compression_level is 23; zstd's levels are 1 to 22 (1 "
         "fastest). Set compression_level = 1 for the default."),
        ("gzip", "10", "[xcom_layers] compression_level is 10; gzip's levels are 1 to 9 (1 "
         "fastest). Set compression_level = 1 for the default."),
    ],
)  # fmt: skip
def test_a_codec_or_level_the_layer_cannot_use_is_named_with_the_fix(layers, codec, level, message):
    layers("compression", compression_codec=codec, compression_level=level)
    with pytest.raises(XComLayerError) as refused:
        store(["row"] * 100)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("option", "value"), [("max_bytes", "64k"), ("compression_min_bytes", "1e3")]
)
def test_a_non_integer_option_names_the_option_and_the_fix(layers, option, value):
    layers("size_guard, compression", **{option: value})
    with pytest.raises(XComLayerError) as refused:
        store(1)
    assert str(refused.value) == (
        f"[xcom_layers] {option} must be a whole number of at least 0, got {value!r}. Write it "
        f"in plain digits, e.g. {option} = 65536 "
        f"(env AIRFLOW__XCOM_LAYERS__{option.upper()}=65536)."
    )


# --- 8. rows written past the backend (a trigger's xcoms=) are refused for declared keys --------


def test_a_declared_key_written_past_the_backend_is_refused(layers):
    """The triggerer stores TriggerEvent xcoms with XComModel.set: no layer runs on them."""
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
    from xcom_backends.contracts import XComContract, register_contracts

    layers("contracts")
    with DAG("trigger_bypass_probe", schedule=None) as dag:
        EmptyOperator(task_id="wait_for_export")
        EmptyOperator(task_id="load_orders")
    contract = XComContract(
        key="export_manifest_v1", producer="wait_for_export", readers={"load_orders"}
    )
    register_contracts(dag, contract)
    raw = {"uri": "s3://forged/manifest.json"}  # as handle_event_submit stores event.xcoms
    address = {"dag_id": "trigger_bypass_probe", "task_id": "wait_for_export"}
    with pytest.raises(XComContractError) as refused:
        load(raw, key="export_manifest_v1", **address)
    assert str(refused.value).startswith(
        "XCom 'export_manifest_v1' of task wait_for_export (DAG trigger_bypass_probe) is declared "
        "in a contract, but its row is not a contract envelope: it was written past the XCom "
        "backend (a trigger ending the task with TriggerEvent xcoms=..."
    )
    assert load(raw, key="undeclared_v1", **address) == raw  # undeclared keys are not protected


# --- the encryption keys Variable must be one Airflow masks --------------------------------------


def test_the_keys_variable_must_have_a_name_airflow_masks(layers, monkeypatch):
    from airflow.sdk._shared.secrets_masker import should_hide_value_for_key

    assert should_hide_value_for_key("xcom_encryption_secret")
    assert not should_hide_value_for_key("xcom_encryption_keys")
    layers("encryption", encryption_keys_variable="xcom_encryption_keys")
    monkeypatch.setenv("AIRFLOW_VAR_XCOM_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    with pytest.raises(XComLayerError) as refused:
        store(1)
    assert str(refused.value) == (
        "[xcom_layers] encryption_keys_variable is 'xcom_encryption_keys', a name Airflow does "
        "not mask: the UI and the REST API would show the keys in clear. Rename the Variable so "
        "its name contains 'secret' (e.g. xcom_encryption_secret) and set the option to that name."
    )


@pytest.mark.parametrize(
    "base",
    [
        "file:///srv/xcom",
        "s3://aws_default@bucket/xcom",
        "gs://google_cloud_default@bucket/xcom",
        "abfs://wasb_default@container/xcom",
    ],
)
def test_an_object_path_is_the_uri_earlier_rows_recorded(base):
    """Paths are built as one relative path; each is the URI joining part by part gave, so rows
    written before still pass the own-object check."""
    from airflow.sdk import ObjectStoragePath
    from xcom_backends.base import XComAddress
    from xcom_backends.layers.object_storage import object_location, path_parts

    root = ObjectStoragePath(base)
    for address in (
        XComAddress("exports", RUN, "export_orders", -1, KEY),
        XComAddress("a/../b", "run with spaces ü", "t." + "x" * 200, 7, "k/v%"),
    ):
        parts = path_parts(address, ".json")
        location, joined = object_location(address, ".json", root), root.joinpath(*parts)
        assert (location.uri, location.path) == (str(joined), joined.path)
    assert str(root.joinpath(*parts)).startswith(f"{root}/a%2F%2E%2E%2Fb/run%20with%20spaces%20")
