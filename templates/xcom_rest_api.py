"""XCom rows through Airflow's REST API v2: list, read, create, change and delete them.

Copy this module into any Python tool that talks to your API server (it needs ``httpx``, which
Airflow installs). Get a token first: ``XComEntries.login(url, username, password)`` uses the
simple auth manager's ``/auth/token``; with another auth manager pass a token you obtained:
``XComEntries(url, token)``.

What the API server does and does not do, pinned by ``tests/production/test_rest_api_xcoms.py``:

- It never runs your XCom backend. ``get`` returns the row as stored (a reference, ciphertext,
  a serde envelope); ``deserialize=True`` only decodes Airflow's own serde envelope, into a
  Python ``repr`` string; ``stringify=False`` then returns other rows as their stored JSON.
- ``create`` and ``update`` store the JSON you send as it is, without your backend: a downstream
  task reads it as a plain value.
- ``delete`` removes the row only; an offloaded object stays in the store (the orphan sweeper
  of the clean-up page finds it).

To see the real value of a row that the API shows as a reference or ciphertext, call
``value_through_backend``: it fetches the stored row and runs the configured XCom backend's
``deserialize_value`` in *this* process, as a worker would. It needs Airflow, the backend module
and its settings (``AIRFLOW__CORE__XCOM_BACKEND``, the store's connection, the keys): whoever can
run it holds what a worker holds.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import httpx


class XComEntries:
    def __init__(self, base_url: str, token: str):
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    @classmethod
    def login(cls, base_url: str, username: str, password: str) -> XComEntries:
        answer = httpx.post(
            f"{base_url}/auth/token", json={"username": username, "password": password}
        )
        answer.raise_for_status()
        return cls(base_url, answer.json()["access_token"])

    def _path(self, dag_id: str, run_id: str, task_id: str, key: str | None = None) -> str:
        path = (
            f"/api/v2/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}"
            f"/taskInstances/{quote(task_id, safe='')}/xcomEntries"
        )
        return path if key is None else f"{path}/{quote(key, safe='')}"

    def _send(self, method: str, path: str, **kwargs) -> Any:
        answer = self.http.request(method, path, **kwargs)
        if answer.is_error:
            raise RuntimeError(f"{method} {path} answered {answer.status_code}: {answer.text}")
        return answer.json() if answer.content else None

    def list(self, dag_id: str, run_id: str, task_id: str = "~") -> list[dict]:
        """The run's rows (``task_id="~"``: every task), each without its value."""
        path = self._path(dag_id, run_id, task_id)
        return self._send("GET", path, params={"limit": 1000})["xcom_entries"]

    def get(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        key: str,
        map_index: int = -1,
        deserialize: bool = False,
        stringify: bool = True,
    ) -> Any:
        """One row's value: as stored, or (``deserialize``) serde-decoded, as a repr string
        unless ``stringify=False``."""
        params = {"map_index": map_index}
        if deserialize:
            params |= {"deserialize": "true", "stringify": str(stringify).lower()}
        return self._send("GET", self._path(dag_id, run_id, task_id, key), params=params)["value"]

    def create(
        self, dag_id: str, run_id: str, task_id: str, key: str, value: Any, map_index: int = -1
    ) -> dict:
        body = {"key": key, "value": value, "map_index": map_index}
        return self._send("POST", self._path(dag_id, run_id, task_id), json=body)

    def update(
        self, dag_id: str, run_id: str, task_id: str, key: str, value: Any, map_index: int = -1
    ) -> dict:
        body = {"value": value, "map_index": map_index}
        return self._send("PATCH", self._path(dag_id, run_id, task_id, key), json=body)

    def delete(self, dag_id: str, run_id: str, task_id: str, key: str, map_index: int = -1):
        path = self._path(dag_id, run_id, task_id, key)
        self._send("DELETE", path, params={"map_index": map_index})

    def dag_results(self, dag_id: str, run_id: str) -> dict[str, Any]:
        """The values a finished run declared as its result (Airflow 3.3), by task id: the
        rows flagged ``dag_result``, from the experimental ``/wait`` endpoint. Stored forms:
        the API server does not run your backend here either."""
        path = f"/api/v2/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}/wait"
        answer = self.http.get(path, params={"interval": 1}, timeout=300)
        if answer.is_error:
            raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text}")
        final = json.loads(answer.text.strip().splitlines()[-1])  # JSON lines, last is final
        return final.get("results", {})

    def value_through_backend(
        self, dag_id: str, run_id: str, task_id: str, key: str, map_index: int = -1
    ) -> Any:
        """The value a task pulling this row receives: the stored row, deserialized by the XCom
        backend configured in this process (object fetched, ciphertext opened)."""
        from airflow.sdk.execution_time.xcom import XCom  # the configured backend

        stored = self.get(dag_id, run_id, task_id, key, map_index)
        row = SimpleNamespace(
            value=stored,
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            key=key,
            map_index=map_index,
        )
        return XCom.deserialize_value(row)
