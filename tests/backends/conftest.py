"""Fixtures shared by the backend tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def layers(monkeypatch, airflow_db):
    """``layers("compression, encryption", compression_min_bytes="0", ...)``: set ``[xcom_layers]``
    for this test, as the workers' environment would."""

    def enable(names: str, **options: str) -> None:
        monkeypatch.setenv("AIRFLOW__XCOM_LAYERS__LAYERS", names)
        for name, value in options.items():
            monkeypatch.setenv(f"AIRFLOW__XCOM_LAYERS__{name.upper()}", value)

    return enable


@pytest.fixture(params=["local", "s3"])
def store_root(request, storage_servers, tmp_path):
    """The root of a store: a local folder or a bucket on a real S3 server."""
    from airflow.sdk import ObjectStoragePath

    if request.param == "local":
        return ObjectStoragePath(f"file://{tmp_path}")
    return ObjectStoragePath(storage_servers.get("s3").base_url) / tmp_path.name
