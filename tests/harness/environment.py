"""A throwaway Airflow for recipe runs: configure it before ``airflow`` is imported.

Airflow reads its configuration once, at import time, so ``configure_airflow_home(path)`` must run
first (the pytest session does it at the top of tests/conftest.py); ``migrate_metadata_db()`` then
creates the SQLite schema once per home.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


DAGS_FOLDER = REPO_ROOT / "dags"


# Every recipe run uses this logical date, so its run id is always
# "manual__2026-01-01T00:00:00+00:00" and the rows shown on the site are reproducible.
FIXED_LOGICAL_DATE = datetime(2026, 1, 1, tzinfo=UTC)


# The connection the "secrets" recipes use. The password is a stand-in for a real API token.
DEMO_WAREHOUSE_CONNECTION = {
    "conn_type": "http",
    "host": "warehouse.example.com",
    "password": "demo-token-not-a-real-secret",
}


def airflow_environment(home: Path, dags_folder: Path = DAGS_FOLDER) -> dict[str, str]:
    """The environment variables of a throwaway Airflow: SQLite metadata DB, no examples."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        # The custom-types recipes' classes; CarrierQuote is left off on purpose.
        "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES": (
            "airflow.* custom_types._shipping_models.Shipment custom_types._shipping_models.Invoice"
        ),
        # Demo configuration some recipes read at run time (never at parse time).
        "AIRFLOW_CONN_WAREHOUSE_API": json.dumps(DEMO_WAREHOUSE_CONNECTION),
        "AIRFLOW_VAR_COOKBOOK_DATA_ROOT": f"file://{home / 'data'}",
    }


def configure_airflow_home(home: Path, dags_folder: Path = DAGS_FOLDER) -> None:
    """Point this process at a throwaway Airflow home. Must run before ``import airflow``."""
    if "airflow" in sys.modules:
        raise RuntimeError(
            "configure_airflow_home() must run before airflow is imported: Airflow reads its "
            "configuration once, at import time. Call it at the top of conftest.py or your script."
        )
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(airflow_environment(home, dags_folder))


def environment_without_airflow(*also_drop: str) -> dict[str, str]:
    """This process's environment minus every ``AIRFLOW*`` variable (and ``also_drop`` prefixes).

    For subprocesses that must configure their own Airflow: nothing of the test session's
    throwaway home, backend or connections leaks into them.
    """
    drop = ("AIRFLOW", *also_drop)
    return {name: value for name, value in os.environ.items() if not name.startswith(drop)}


def migrate_metadata_db() -> None:
    """Create the metadata DB schema (what ``airflow db migrate`` does on an empty database)."""
    from airflow.utils.db import initdb

    initdb()
