"""Store and read one XCom through LayeredXComBackend as Airflow does, for the backend tests.

``store`` calls ``serialize_value`` and passes the result through JSON, as the metadata DB would;
``row`` is that stored value at its address, the way the backend is handed a row of the ``xcom``
table; ``load`` calls ``deserialize_value`` on it. Every address part can be overridden.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from xcom_backends.layered import LayeredXComBackend

RUN = "manual__2026-01-01T00:00:00+00:00"
HERE = {"dag_id": "exports", "run_id": RUN, "task_id": "export_orders", "map_index": -1}
KEY = "orders_summary_v1"
DESCRIBED = f"XCom '{KEY}' of task export_orders (DAG exports, run {RUN})"  # how errors name it


def store(value, key=KEY, **address):
    stored = LayeredXComBackend.serialize_value(value, key=key, **{**HERE, **address})
    return json.loads(json.dumps(stored))  # what the metadata DB hands back


def row(stored, key=KEY, **address):
    """A row of the xcom table: the stored value at its address, as the backend is handed it."""
    return SimpleNamespace(value=stored, key=key, **{**HERE, **address})


def load(stored, key=KEY, **address):
    return LayeredXComBackend.deserialize_value(row(stored, key, **address))
