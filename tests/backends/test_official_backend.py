"""The official XComObjectStorageBackend (common-io provider 1.11.0) on local files, S3, GCS, Azure.

Pins its behaviour and the pitfalls the site warns about, so a provider upgrade that changes them
fails here. Each test stores and reads through the backend's own two calls.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.harness.backend_profiles import local_store_url

ADDRESS = {"dag_id": "exports", "run_id": "r1", "task_id": "export_orders", "map_index": -1}


@pytest.fixture(params=["local", "s3", "gcs", "azure"])
def official(request, storage_servers, monkeypatch, recipes):
    """The official backend configured for one store: `official(threshold=..., compression=...)`."""
    from airflow.providers.common.io.xcom import backend
    from airflow.providers.common.io.xcom.backend import XComObjectStorageBackend

    if request.param == "local":
        base = local_store_url(Path(os.environ["AIRFLOW_HOME"]))
    else:
        base = storage_servers.get(request.param).base_url
    monkeypatch.setenv("AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_PATH", f"{base}/official-pitfalls")

    def configure(threshold: int | None = None, compression: str | None = None):
        for option, value in (("THRESHOLD", threshold), ("COMPRESSION", compression)):
            if value is None:
                monkeypatch.delenv(f"AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_{option}", False)
            else:
                monkeypatch.setenv(f"AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_{option}", str(value))
        # The backend reads its three options once per process (functools.cache): a worker
        # needs a restart after a config change. Tests clear the caches instead.
        for read_option in (
            backend._get_base_path,
            backend._get_threshold,
            backend._get_compression,
        ):
            read_option.cache_clear()
        return XComObjectStorageBackend

    configure.base = base
    return configure


def forget_filesystems(stored_path: str) -> None:
    """Drop this process's filesystem instances and their listing caches, as a fresh worker has.

    The pulling task is another process. Here both run in one, and the backend's exists() check
    before writing left gcsfs a cached empty listing that would hide the new object.
    """
    from airflow.sdk import ObjectStoragePath
    from airflow.sdk.io import store

    filesystem_class = type(ObjectStoragePath(stored_path).fs)
    store._STORE_CACHE.clear()
    filesystem_class.clear_instance_cache()


def wait_until_it_lands(stored_path: str, seconds: float = 30) -> None:
    """Wait for the object at ``stored_path`` to exist, as a puller would find it.

    gcsfs closes, and so uploads, a file the garbage collector finds on a thread of its own
    (its ``GCSFile.__del__`` defers the close), after the collection has returned: under load the
    pull in the same process came first and the backend returned the path string.
    """
    from airflow.sdk import ObjectStoragePath

    deadline = time.monotonic() + seconds
    while True:
        forget_filesystems(stored_path)
        if ObjectStoragePath(stored_path).exists():
            return
        assert time.monotonic() < deadline, f"{stored_path} was not written within {seconds} s"
        time.sleep(0.1)


def round_trip(backend, value, key="orders_summary_v1"):
    stored = json.loads(json.dumps(backend.serialize_value(value, key=key, **ADDRESS)))
    if isinstance(stored, str) and "://" in stored:
        forget_filesystems(stored)
    return stored, backend.deserialize_value(SimpleNamespace(value=stored))


def test_without_a_threshold_everything_stays_in_the_db(official):
    backend = official()  # the upstream example sets only the path
    stored, value = round_trip(backend, {"rows": list(range(1000))})
    assert stored == {"rows": list(range(1000))}
    assert value == stored


def test_threshold_offloads_large_values_and_stores_their_path(official):
    backend = official(threshold=100)
    small, small_value = round_trip(backend, {"rows": 3})
    large, large_value = round_trip(backend, {"rows": list(range(1000))})
    assert small == small_value == {"rows": 3}
    assert isinstance(large, str) and large.startswith(
        f"{official.base}/official-pitfalls/exports/"
    )
    assert large_value == {"rows": list(range(1000))}


def test_compression_adds_a_suffix_and_reads_back(official):
    backend = official(threshold=0, compression="gzip")
    stored = backend.serialize_value({"rows": list(range(1000))}, key="orders_v1", **ADDRESS)
    gc.collect()  # hands the inner file to gcsfs's closing thread: see the next test
    wait_until_it_lands(stored)
    assert stored.endswith(".gz")
    assert backend.deserialize_value(SimpleNamespace(value=stored)) == {"rows": list(range(1000))}


WRITE_AND_EXIT = """
import json, sys
from airflow.providers.common.io.xcom.backend import XComObjectStorageBackend
address = json.loads(sys.argv[1])
stored = XComObjectStorageBackend.serialize_value({"rows": [1, 2]}, key="orders_v1", **address)
print(stored)
"""


@pytest.mark.parametrize("official", ["gcs"], indirect=True)
@pytest.mark.fresh_airflow
def test_pitfall_compressed_gcs_push_is_lost_when_the_worker_exits(official):
    """A pushing task's process writes one compressed object on GCS, then exits: nothing lands.

    fs.open(compression=...) wraps the store's file in a GzipFile, whose close() leaves the inner
    file open (fsspec/filesystem_spec#1672); the file uploads when it is closed or collected. The
    first gcsfs file of a process sits in a reference cycle, so only the cyclic garbage collector
    would find it, and gcsfs then closes it on a daemon thread of its own: a short task process
    exits before either has run. The row holds a path to nothing and the puller silently receives
    the path string.
    """
    backend = official(threshold=0, compression="gzip")
    child = subprocess.run(
        [sys.executable, "-c", WRITE_AND_EXIT, json.dumps(ADDRESS)],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    stored = child.stdout.strip().splitlines()[-1]
    forget_filesystems(stored)
    assert stored.startswith(f"{official.base}/official-pitfalls/exports/")
    assert stored.endswith(".gz")
    assert backend.deserialize_value(SimpleNamespace(value=stored)) == stored


def test_pitfall_a_missing_object_silently_returns_its_path(official):
    from airflow.sdk import ObjectStoragePath

    backend = official(threshold=0)
    stored, _ = round_trip(backend, {"rows": 3})
    ObjectStoragePath(stored).unlink()
    # No error: the downstream task receives the path string instead of its data.
    assert backend.deserialize_value(SimpleNamespace(value=stored)) == stored


def test_pitfall_nan_is_written_instead_of_refused(official):
    backend = official(threshold=0)
    _, value = round_trip(backend, float("nan"))
    assert value != value  # NaN came back; Airflow's default backend fails the task instead


def test_bytes_error_does_not_name_the_xcom(official):
    backend = official(threshold=0)
    with pytest.raises(TypeError, match=r"^Object of type bytes is not JSON serializable$"):
        round_trip(backend, b"\x89PNG")


def test_pitfall_options_are_read_once_per_process(official, monkeypatch):
    from airflow.providers.common.io.xcom import backend

    official(threshold=0)
    assert backend._get_threshold() == 0
    monkeypatch.setenv("AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_THRESHOLD", "-1")
    assert backend._get_threshold() == 0  # still the first value read: restart workers
