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
