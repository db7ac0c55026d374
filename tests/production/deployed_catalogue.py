"""Run the whole recipe catalogue on a deployment through the REST API, as a user's CI would.

``run_catalogue`` unpauses every recipe DAG, triggers each one (with the run id and logical date
the in-process lane uses, after the recipes it reads from have finished; an asset-scheduled recipe
is not triggered: the scheduler starts it from its producer's asset event), waits for every run,
and reads back each run's task states, DAG result and XCom rows through the REST API. Each row's
value is then read through the session's XCom backend, in this process, from the stored form the
API returned: what a downstream task on a worker would receive.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from tests.harness.recipe_specs import spec_of
from tests.harness.rest_api import FINISHED, AirflowApi
from tests.harness.running import StoredXCom, deserialize


@dataclass
class DeployedRun:
    dag_id: str
    run_id: str
    state: str
    task_states: dict[str, str]
    xcoms: list[StoredXCom]
    dag_results: dict[str, Any]


def in_process_run_id(dag_id: str) -> str:
    return f"manual__{spec_of(dag_id).logical_date.isoformat()}"


def is_asset_scheduled(dag) -> bool:
    return type(dag.timetable).__name__ == "AssetTriggeredTimetable"


def wait_until_parsed(api: AirflowApi, dag_ids: set[str], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        errors = api.call("GET", "/api/v2/importErrors")
        if errors["total_entries"]:
            raise AssertionError(f"The DAG processor could not import recipes: {errors}")
        listed = {dag["dag_id"] for dag in api.call("GET", "/api/v2/dags", limit=1000)["dags"]}
        if dag_ids <= listed:
            return
        time.sleep(2)
    raise TimeoutError(f"Not parsed within {timeout_s} s: {sorted(dag_ids - listed)}")


def asset_triggered_run(api: AirflowApi, dag_id: str) -> str | None:
    runs = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns", run_type="asset_triggered")
    return runs["dag_runs"][0]["dag_run_id"] if runs["dag_runs"] else None


def run_catalogue(api: AirflowApi, dags: dict, timeout_s: float = 900) -> dict[str, DeployedRun]:
    """Trigger every DAG of ``dags`` (dag id -> DAG) on the deployment and read each run back."""
    wait_until_parsed(api, set(dags), timeout_s=180)
    for dag_id in dags:
        api.unpause(dag_id)
    started: dict[str, str] = {}
    states: dict[str, str] = {}
    deadline = time.monotonic() + timeout_s
    while len(states) < len(dags):
        if time.monotonic() > deadline:
            unfinished = sorted(set(dags) - set(states))
            raise TimeoutError(f"Recipe runs not finished within {timeout_s} s: {unfinished}")
        for dag_id, dag in dags.items():
            if dag_id in started or not all(p in states for p in spec_of(dag_id).run_first):
                continue
            if is_asset_scheduled(dag):
                run_id = asset_triggered_run(api, dag_id)
                if run_id:
                    started[dag_id] = run_id
            else:
                date = spec_of(dag_id).logical_date.isoformat()
                api.trigger(dag_id, in_process_run_id(dag_id), date)
                started[dag_id] = in_process_run_id(dag_id)
        for dag_id, run_id in started.items():
            if dag_id not in states:
                state = api.dag_run(dag_id, run_id)["state"]
                if state in FINISHED:
                    states[dag_id] = state
        time.sleep(1)
    return {dag_id: read_back(api, dag_id, started[dag_id], states[dag_id]) for dag_id in dags}


def read_back(api: AirflowApi, dag_id: str, run_id: str, state: str) -> DeployedRun:
    xcoms = []
    for entry in sorted(
        api.xcom_entries(dag_id, run_id), key=lambda e: (e["task_id"], e["map_index"], e["key"])
    ):
        address = {k: entry[k] for k in ("dag_id", "run_id", "task_id", "map_index", "key")}
        stored = api.xcom_value(dag_id, run_id, entry["task_id"], entry["key"], entry["map_index"])
        row = SimpleNamespace(value=stored, **address)
        xcoms.append(
            StoredXCom(
                task_id=entry["task_id"],
                map_index=entry["map_index"],
                key=entry["key"],
                stored=stored,
                value=deserialize(row),
            )
        )
    return DeployedRun(
        dag_id=dag_id,
        run_id=run_id,
        state=state,
        task_states=api.task_states(dag_id, run_id),
        xcoms=xcoms,
        dag_results=api.dag_results(dag_id, run_id),
    )


def with_run_id_replaced(stored: Any, run_id: str, placeholder: str = "<run id>") -> Any:
    """``stored`` with ``run_id`` replaced by ``placeholder`` in its strings, also where an object
    path holds it percent-encoded (an asset-triggered run's id is not the in-process one)."""
    from xcom_backends.base import XComAddress
    from xcom_backends.layers.object_storage import path_part

    if isinstance(stored, str):
        encoded = path_part(run_id, "run id", XComAddress("", run_id, "", -1, ""))
        return stored.replace(run_id, placeholder).replace(encoded, placeholder)
    if isinstance(stored, dict):
        return {k: with_run_id_replaced(v, run_id, placeholder) for k, v in stored.items()}
    if isinstance(stored, list):
        return [with_run_id_replaced(v, run_id, placeholder) for v in stored]
    return stored
