"""One throwaway Airflow for the test session, configured with this project's XCom backend.

Airflow reads its configuration when first imported, so the environment is set here, at import.
{%- set backend = cookiecutter._xcom_backends[cookiecutter.xcom_backend] %}
{%- set store = cookiecutter._stores[backend.store] %}
{%- if store.server %}
A local server that speaks the store's protocol stands in for the cloud (tests/storage_servers.py).
{%- endif %}
"""

from __future__ import annotations

import base64
import os
import re
import shutil
{%- if "sealed" in backend.layers %}
import sys
{%- endif %}
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="airflow-test-"))
os.environ["PROJECT_DIR"] = str(AIRFLOW_HOME)  # object_storage_local writes under the test home
os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        # A throwaway key for the encryption layer, through the same Variable production uses.
        "AIRFLOW_VAR_XCOM_ENCRYPTION_SECRET": "test:" + base64.b64encode(os.urandom(32)).decode(),
    }
)


def backend_settings() -> dict[str, str]:
    """xcom_backend.env, with ${VARIABLES} expanded."""
    settings = {}
    for line in (PROJECT / "xcom_backend.env").read_text().splitlines():
        if re.match(r"^[A-Z_]+=", line):
            name, _, value = line.partition("=")
            settings[name] = os.path.expandvars(value)
    return settings


os.environ.update(backend_settings())
{%- if "sealed" in backend.layers %}

# A throwaway key pair for the sealed layer's key id "reporting", as the Variables production uses.
sys.path.insert(0, str(PROJECT / "plugins"))  # as Airflow puts plugins/ on sys.path
from xcom_backends.layers.sealed import new_key_pair  # noqa: E402

os.environ["AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_REPORTING"], READER_PRIVATE_KEY = new_key_pair()
os.environ["AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_REPORTING"] = READER_PRIVATE_KEY
{%- endif %}
STORE = {{ (backend.store | jsonify) if store.server else "None" }}


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated metadata DB and, for a cloud backend, its local storage server."""
    from airflow.utils.db import initdb

    initdb()
    if STORE is None:
        yield None
        return
    from tests.storage_servers import start_server

    server = start_server(STORE)  # publishes its Airflow connection and creates the bucket
    os.environ["AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH"] = f"{server.base_url}/xcom"
    yield server
    server.stop()
