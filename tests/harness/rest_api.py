"""A small client of Airflow's REST API v2, as a user's script or CI job would call it.

``AirflowApi.login(url, user, password)`` gets a token from the simple auth manager
(``POST /auth/token``); ``call`` sends one request and returns the JSON answer, raising
``ApiError`` with the status and the API's own message.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

FINISHED = ("success", "failed")


class ApiError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, detail: str) -> None:
        super().__init__(f"{method} {path} answered {status}: {detail}")
        self.status = status
        self.detail = detail


class AirflowApi:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    @classmethod
    def login(cls, base_url: str, username: str, password: str) -> AirflowApi:
        anonymous = cls(base_url)
        answer = anonymous.call("POST", "/auth/token", {"username": username, "password": password})
        return cls(base_url, answer["access_token"])

    def call(self, method: str, path: str, body: dict | None = None, **query: Any) -> Any:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            url,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise ApiError(method, path, error.code, detail) from None
        if kind == "application/x-ndjson":  # a stream of JSON lines (/wait)
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text) if text else None

    # The calls the lanes make, named as the REST API reference names them.

    def trigger(
        self,
        dag_id: str,
        run_id: str,
        logical_date: str | None,
        conf: dict | None = None,
        run_after: str | None = None,
    ):
        body = {"dag_run_id": run_id, "logical_date": logical_date, "conf": conf or {}}
        if run_after:
            body["run_after"] = run_after
        return self.call("POST", f"/api/v2/dags/{quote(dag_id)}/dagRuns", body)

    def unpause(self, dag_id: str) -> None:
        self.call("PATCH", f"/api/v2/dags/{quote(dag_id)}", {"is_paused": False})

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self.call("GET", f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}")

    def wait_for_run(self, dag_id: str, run_id: str, timeout_s: float) -> str:
        """The run's final state; TimeoutError naming the run and its unfinished tasks."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            state = self.dag_run(dag_id, run_id)["state"]
            if state in FINISHED:
                return state
            time.sleep(1)
        unfinished = {k: v for k, v in self.task_states(dag_id, run_id).items() if v != "success"}
        raise TimeoutError(
            f"Run {run_id} of {dag_id} did not finish within {timeout_s} s; "
            f"tasks not successful yet: {unfinished}"
        )

    def dag_results(self, dag_id: str, run_id: str) -> dict:
        """The rows a finished run flagged as its DAG result (Airflow 3.3), by task id."""
        path = f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/wait"
        answer = self.call("GET", path, interval=1)
        final = answer[-1] if isinstance(answer, list) else answer  # JSON lines, or one object
        return final.get("results", {})

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        path = f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances"
        return self.call("GET", path, limit=1000)["task_instances"]

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str]:
        """``task_id`` (``task_id[2]`` for a map index) -> state, as the in-process lane labels."""
        states = {}
        for ti in self.task_instances(dag_id, run_id):
            label = ti["task_id"] if ti["map_index"] < 0 else f"{ti['task_id']}[{ti['map_index']}]"
            states[label] = ti["state"]
        return states

    def task_log(
        self, dag_id: str, run_id: str, task_id: str, try_number: int = 1, map_index: int = -1
    ) -> str:
        """The task's log (what the UI's log tab shows): one JSON object a line, with its event
        and fields such as ``error_detail`` (the exception a failed try raised)."""
        path = (
            f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/{quote(task_id)}"
            f"/logs/{try_number}"
        )
        content = self.call("GET", path, full_content="true", map_index=map_index)["content"]
        return "\n".join(json.dumps(line, ensure_ascii=False) for line in content)

    def task_error(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> str:
        """``"<exception type>: <message>"`` of the task's last failed try, from its log (the
        form the in-process lane records), or the log's end if it names no exception."""
        ti = self.call(
            "GET",
            f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/{quote(task_id)}"
            + (f"/{map_index}" if map_index >= 0 else ""),
        )
        log = self.task_log(dag_id, run_id, task_id, ti["try_number"], map_index)
        for line in reversed(log.splitlines()):
            for error in json.loads(line).get("error_detail") or []:
                return f"{error['exc_type']}: {error['exc_value']}"
        return log[-500:]

    def xcom_entries(self, dag_id: str, run_id: str) -> list[dict]:
        """Every XCom row of the run (``~`` = all tasks), without values."""
        path = f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/~/xcomEntries"
        return self.call("GET", path, limit=1000)["xcom_entries"]

    def xcom_value(self, dag_id: str, run_id: str, task_id: str, key: str, map_index: int) -> Any:
        """The value column as stored (no deserialization: what the database holds)."""
        path = (
            f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/{quote(task_id)}"
            f"/xcomEntries/{quote(key)}"
        )
        return self.call("GET", path, map_index=map_index)["value"]


def quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")
