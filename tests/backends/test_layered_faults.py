"""Bad input and faults for LayeredXComBackend, against real storage servers.

Each test stores through ``serialize_value`` and reads through ``deserialize_value``, the two calls
Airflow's task runner makes, with the stored value passed through JSON as the metadata DB would.
"""

from __future__ import annotations

import base64
import json
import sqlite3

import pytest
from xcom_backends.layered import LayeredXComBackend, XComLayerError
from xcom_backends.layers.size_guard import DATABASE_LIMITS

from tests.backends.xcom_rows import load, row, store
from tests.harness.backend_profiles import TEST_ENCRYPTION_KEYS


@pytest.fixture
def s3(storage_servers, layers):
    server = storage_servers.get("s3")
    layers("object_storage", object_storage_path=f"{server.base_url}/faults")
    return server


# --- values Airflow cannot serialize: the error names the XCom and the fix -----------------------


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        (float("nan"), "replace NaN and infinity with None before returning the value"),
        (b"\x89PNG", "write the bytes to object storage and push the URI, or push base64 text"),
    ],
)
def test_unserializable_values_name_the_xcom_and_the_fix(layers, value, fix):
    layers("encryption", encryption_keys=TEST_ENCRYPTION_KEYS)
    with pytest.raises(XComLayerError) as refused:
        store(value)
    message = str(refused.value)
    assert "XCom 'orders_summary_v1' of task export_orders (DAG exports" in message
    assert f"Fix: {fix}." in message


def test_size_guard_refuses_before_anything_is_stored(layers):
    layers("size_guard", max_bytes="100")
    assert load(store("x" * 90)) == "x" * 90
    with pytest.raises(XComLayerError) as refused:
        store("x" * 200)
    assert str(refused.value).startswith(
        "XCom 'orders_summary_v1' of task export_orders (DAG exports, run "
        "manual__2026-01-01T00:00:00+00:00) is 202 bytes serialized, over the 100-byte limit of "
        "[xcom_layers] max_bytes."
    )
    assert "'References, not data'" in str(refused.value)


def test_a_row_the_metadata_database_cannot_hold_is_refused_before_it_is_sent(layers):
    """Over max_bytes on purpose: the database's own limit still refuses, and says which."""
    layers("size_guard", max_bytes=str(2**30))
    limit = DATABASE_LIMITS["postgresql"][0]  # the default metadata_database
    assert load(store("x" * (limit - 2))) == "x" * (limit - 2)  # the longest string jsonb holds
    with pytest.raises(XComLayerError) as refused:
        store("x" * (limit - 1))
    assert str(refused.value) == (
        "XCom 'orders_summary_v1' of task export_orders (DAG exports, run "
        f"manual__2026-01-01T00:00:00+00:00) would be stored as a {limit + 1}-byte row, and "
        "PostgreSQL's jsonb holds at most 268435455 bytes (one string of at most 268435447 "
        "characters); nothing was sent. Enable the object_storage layer (the row then holds a "
        "reference), or write the data to object storage and push its URI."
    )
    layers("size_guard", metadata_database="mysql")
    with pytest.raises(XComLayerError, match=r"metadata_database is 'mysql'; choose one of"):
        store("x")


def test_sqlite_holds_exactly_the_size_guards_limit(tmp_path):
    limit, _ = DATABASE_LIMITS["sqlite"]
    connection = sqlite3.connect(tmp_path / "limits.db")
    assert connection.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == limit
    assert connection.execute("select length(zeroblob(?))", (limit,)).fetchone() == (limit,)
    with pytest.raises(sqlite3.DataError, match="string or blob too big"):
        connection.execute("select length(zeroblob(?))", (limit + 1,))
    connection.close()


def test_negative_size_limit_is_a_configuration_error(layers):
    layers("size_guard", max_bytes="-1")
    with pytest.raises(
        XComLayerError, match=r"max_bytes must be a whole number of at least 0, got '-1'"
    ):
        store(1)


def test_unknown_layer_name_lists_the_known_ones(layers):
    layers("size_guard, encrpytion")
    with pytest.raises(XComLayerError, match=r"unknown layers \['encrpytion'\]; choose from"):
        store(1)


# --- object paths: odd ids stay inside the prefix and never collide ------------------------------


ODD_IDS = ["a/b", "../../escape", "..", "with space", "ünïcødé-键", "nul\x00byte", "a%2Fb"]


def test_odd_task_and_run_ids_round_trip_inside_the_prefix(s3):
    from airflow.sdk import ObjectStoragePath

    stored = {odd: store({"id": odd}, task_id=odd, run_id=odd) for odd in ODD_IDS}
    uris = {envelope["uri"] for envelope in stored.values()}
    assert len(uris) == len(ODD_IDS)  # no two ids share an object
    prefix = f"{s3.base_url}/faults/exports/"
    assert all(uri.startswith(prefix) for uri in uris)
    written = ObjectStoragePath(f"{s3.base_url}/faults").fs.find("xcom-cookbook/faults")
    assert all(path.startswith("xcom-cookbook/faults/exports/") for path in written)
    loaded = {odd: load(envelope, task_id=odd, run_id=odd) for odd, envelope in stored.items()}
    assert {odd: value["id"] for odd, value in loaded.items()} == {o: o for o in ODD_IDS}


def test_empty_key_is_refused_with_its_task(s3):
    with pytest.raises(XComLayerError, match=r"XCom '' of task export_orders .* is empty; a key"):
        store(1, key="")


# --- storage faults: clear errors, nothing recorded, a retry works -------------------------------


def test_missing_bucket_is_a_clear_error(storage_servers, layers):
    server = storage_servers.get("s3")
    layers("object_storage", object_storage_path="s3://xcom_s3@no-such-bucket/xcom")
    with pytest.raises(XComLayerError) as refused:
        store({"rows": 3})
    message = str(refused.value)
    assert message.startswith("Could not write XCom 'orders_summary_v1' of task export_orders")
    assert "s3://xcom_s3@no-such-bucket/xcom/exports/" in message
    assert "names an existing bucket" in message
    assert server.process.poll() is None


def test_wrong_credentials_are_a_clear_error(storage_servers, layers, monkeypatch):
    server = storage_servers.get("azure")
    wrong = json.loads(json.dumps(server.connection))
    extra = wrong["extra"]
    extra["connection_string"] = extra["connection_string"].replace(
        "AccountKey=Eby8", "AccountKey=AAAA"
    )
    monkeypatch.setenv("AIRFLOW_CONN_XCOM_AZURE_WRONG", json.dumps(wrong))
    layers("object_storage", object_storage_path="abfs://xcom_azure_wrong@xcom-cookbook/faults")
    with pytest.raises(XComLayerError) as refused:
        store({"rows": 3})
    assert "connection's credentials" in str(refused.value)


def test_deleted_object_is_an_error_not_the_path(s3):
    from airflow.sdk import ObjectStoragePath

    envelope = store({"rows": 3})
    ObjectStoragePath(envelope["uri"]).unlink()
    with pytest.raises(XComLayerError, match=r"does not exist: it was deleted"):
        load(envelope)


def test_an_edited_object_fails_its_checksum(s3):
    from airflow.sdk import ObjectStoragePath

    envelope = store({"rows": list(range(50))})
    path = ObjectStoragePath(envelope["uri"])
    path.write_bytes(path.read_bytes().replace(b"49", b"48"))  # same size, other value
    with pytest.raises(XComLayerError, match=r"was changed after it was written \(its checksum"):
        load(envelope)


def test_server_down_mid_push_records_nothing_and_a_retry_works(s3):
    from tests.harness.storage_servers import create_bucket

    s3.stop()
    try:
        with pytest.raises(XComLayerError, match=r"Could not write XCom 'orders_summary_v1'"):
            store({"rows": 3})  # raises before any reference exists: no row can point at it
    finally:
        s3.restart()
        create_bucket(s3)  # moto keeps no data across restarts
    assert load(store({"rows": 3})) == {"rows": 3}


def test_purge_deletes_the_object(s3):
    from airflow.sdk import ObjectStoragePath

    envelope = store({"rows": 3})
    LayeredXComBackend.purge(row(envelope))
    assert not ObjectStoragePath(envelope["uri"]).exists()


# --- encryption: rotation, tampering, wrong and missing keys -------------------------------------

CURRENT, RETIRED = TEST_ENCRYPTION_KEYS.split(",")


def test_ciphertext_only_in_the_db_and_rotation_reads_old_values(layers):
    layers("encryption", encryption_keys=RETIRED)
    old = store({"customer_email": "ada@example.com"})
    # A plaintext that base64 ciphertext cannot contain by chance (it has no "@" or ".").
    assert old["key_id"] == "retired" and "ada@example.com" not in json.dumps(old)
    layers("encryption", encryption_keys=f"{CURRENT},{RETIRED}")
    assert store(1)["key_id"] == "current"
    assert load(old) == {"customer_email": "ada@example.com"}


def test_tampered_ciphertext_is_rejected(layers):
    layers("encryption", encryption_keys=CURRENT)
    envelope = store({"customer_id": 42})
    sealed = bytearray(base64.b64decode(envelope["ciphertext"]))
    sealed[0] ^= 0x01  # one flipped bit, as an attacker editing the row would cause
    envelope["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    with pytest.raises(XComLayerError, match=r"failed authentication with key id 'current'"):
        load(envelope)


def test_a_different_key_under_the_same_id_is_rejected(layers):
    layers("encryption", encryption_keys=CURRENT)
    envelope = store({"customer_id": 42})
    layers("encryption", encryption_keys="current:" + RETIRED.split(":")[1])
    with pytest.raises(XComLayerError, match=r"not the one that encrypted it"):
        load(envelope)


def test_a_retired_key_removed_too_early_is_named(layers):
    layers("encryption", encryption_keys=RETIRED)
    envelope = store({"customer_id": 42})
    layers("encryption", encryption_keys=CURRENT)
    with pytest.raises(
        XComLayerError, match=r"key id 'retired', which is not among .*\['current'\]"
    ):
        load(envelope)


def test_malformed_key_names_its_position_not_its_value(layers):
    layers("encryption", encryption_keys=f"{CURRENT},second:bm90LWEta2V5")
    with pytest.raises(XComLayerError) as refused:
        store(1)
    assert "Entry 2 of [xcom_layers] encryption_keys" in str(refused.value)
    assert "bm90LWEta2V5" not in str(refused.value)


def test_envelope_of_a_disabled_layer_fails_loudly(layers):
    layers("encryption", encryption_keys=CURRENT)
    envelope = store({"customer_id": 42})
    layers("compression")
    with pytest.raises(
        XComLayerError, match=r"stored by the 'encryption' layer, which is not enabled"
    ):
        load(envelope)


def test_compression_shrinks_large_values_and_leaves_small_ones(layers):
    layers("compression", compression_min_bytes="100")
    small, large = store("tiny"), store(["same row"] * 500)
    assert small == "tiny"
    assert large["__xcom_layer__"] == "compression"
    assert len(large["zstd_base64"]) < len(json.dumps(["same row"] * 500)) / 20
    assert load(large) == ["same row"] * 500


def test_encryption_keys_from_an_airflow_variable(layers, monkeypatch):
    layers("encryption", encryption_keys_variable="xcom_encryption_secret")
    monkeypatch.setenv("AIRFLOW_VAR_XCOM_ENCRYPTION_SECRET", CURRENT)  # a worker-side secret
    envelope = store({"customer_id": 42})
    assert envelope["key_id"] == "current"
    assert load(envelope) == {"customer_id": 42}


# --- a returned DataFrame becomes a Parquet file ---------------------------------------------


def test_dataframe_is_written_as_a_parquet_file_other_tools_can_read(s3, layers):
    import pandas as pd
    from airflow.sdk import ObjectStoragePath

    layers("dataframe_parquet", object_storage_path=f"{s3.base_url}/faults")
    frame = pd.DataFrame({"region": ["emea", "apac"], "revenue_cents": [125000, 98000]})
    envelope = store(frame)
    assert envelope["__xcom_layer__"] == "dataframe_parquet"
    assert envelope["uri"].endswith("/orders_summary_v1.parquet")
    with ObjectStoragePath(envelope["uri"]).open("rb") as parquet:
        pd.testing.assert_frame_equal(pd.read_parquet(parquet), frame)
    pd.testing.assert_frame_equal(load(envelope), frame)
    assert store({"not": "a frame"}) == {"not": "a frame"}  # other values pass through

    LayeredXComBackend.purge(row(envelope))
    with pytest.raises(XComLayerError, match=r"\.parquet, does not exist"):
        load(envelope)
