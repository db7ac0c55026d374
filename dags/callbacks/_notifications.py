"""Where the callback recipes "send" notifications: one JSON file per task.

A stand-in for Slack or e-mail that a test can read back:
``notifications/<dag_id>/<name>.json`` under the ``cookbook_data_root``
Variable. Copy it with the recipes, or call your real channel.
"""

from __future__ import annotations

import json

from airflow.sdk import ObjectStoragePath, Variable


def notification_path(dag_id: str, name: str) -> ObjectStoragePath:
    root = ObjectStoragePath(
        Variable.get(
            "cookbook_data_root", default="file:///tmp/xcom_cookbook_data"
        )
    )
    return root / "notifications" / dag_id / f"{name}.json"


def send(dag_id: str, name: str, message: dict) -> None:
    path = notification_path(dag_id, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(message, sort_keys=True))
