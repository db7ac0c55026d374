"""Run the whole recipe catalogue on a deployment through the REST API, as a user's CI would.

``run_catalogue`` waits until the DAG processor has parsed every recipe, unpauses them, triggers
each one (with the run id and logical date the in-process lane uses, after the recipes it reads
from have finished; an asset-scheduled recipe is not triggered: the scheduler starts it from its
producer's asset event), waits for every run, and reads back each run's task states, DAG result
and XCom rows through the REST API; it makes only HTTP calls, so it runs in a thread beside the
session's in-process tests. ``read_values`` then reads each row's value through the session's
XCom backend from the stored form the API returned: what a downstream task on a worker receives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from tests.harness.recipe_specs import spec_of
from tests.harness.rest_api import FINISHED, AirflowApi
from tests.harness.running import RecipeRun, StoredXCom, deserialize

RECIPES_BUNDLE = "dags-folder"


@dataclass
class DeployedRun:
    dag_id: str
    run_id: str
    state: str
    task_states: dict[str, str]
    xcoms: list[StoredXCom]
    dag_results: dict[str, Any]
    errors: dict[str, str]
    """``task_id`` (``task_id[2]`` for a map index) -> what its failed try raised, from its log."""

    def as_recipe_run(self, replacements: dict[str, str]) -> RecipeRun:
        """The run as the in-process lane records one (DAG result flags set), every stored
        string with ``replacements`` applied: what the stored-rows table is made from."""
        xcoms = [
            replace(
                x,
                stored=with_replaced(x.stored, replacements),
                dag_result=x.key == "return_value" and x.task_id in self.dag_results,
            )
            for x in self.xcoms
        ]
        return RecipeRun(
            dag_id=self.dag_id,
            run_id=self.run_id,
            state=self.state,
            task_states=self.task_states,
            xcoms=xcoms,
            errors={k: with_replaced(v, replacements) for k, v in self.errors.items()},
        )


def deployed_run_id(dag_id: str) -> str:
    """The run id ``dag.test()`` gives the recipe's run (a run without a logical date gets a
    random suffix there; the deployment's run is named ``..._deployed``)."""
    spec = spec_of(dag_id)
    suffix = "" if spec.logical_date else "_deployed"
    return f"manual__{spec.run_after.isoformat()}{suffix}"


def parsed_recipes(api: AirflowApi, expected: int, timeout_s: float) -> dict[str, dict]:
    """dag id -> the API's DAG of every recipe, once all ``expected`` files are parsed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        errors = api.call("GET", "/api/v2/importErrors")
        if errors["total_entries"]:
            raise AssertionError(f"The DAG processor could not import recipes: {errors}")
        dags = api.call("GET", "/api/v2/dags", limit=1000, bundle_name=RECIPES_BUNDLE)["dags"]
        if len(dags) >= expected:
            return {dag["dag_id"]: dag for dag in dags}
        time.sleep(2)
    raise TimeoutError(f"{expected} recipes not parsed within {timeout_s} s: got {len(dags)}")


def run_catalogue(
    api: AirflowApi, expected: int, runs_here, timeout_s: float = 900
) -> dict[str, DeployedRun]:
    """Trigger every recipe for which ``runs_here(dag_id)`` is true and read each run back (the
    stored rows only: ``read_values`` adds the values, in the thread that owns the backend)."""
    dags = {
        dag_id: dag
        for dag_id, dag in parsed_recipes(api, expected, timeout_s=300).items()
        if runs_here(dag_id)
    }
    on_asset = {
        dag_id: bool(api.call("GET", f"/api/v2/dags/{dag_id}/details")["asset_expression"])
        for dag_id in dags
    }
    for dag_id in dags:
        api.unpause(dag_id)
    started: dict[str, str] = {}
    states: dict[str, str] = {}
    deadline = time.monotonic() + timeout_s
    while len(states) < len(dags):
        if time.monotonic() > deadline:
            unfinished = sorted(set(dags) - set(states))
            raise TimeoutError(f"Recipe runs not finished within {timeout_s} s: {unfinished}")
        for dag_id in dags:
            if dag_id in started or not all(p in states for p in spec_of(dag_id).run_first):
                continue
            if on_asset[dag_id]:  # scheduled on an asset: the scheduler starts it
                run_id = asset_triggered_run(api, dag_id)
                if run_id:
                    started[dag_id] = run_id
            else:
                spec = spec_of(dag_id)
                date = spec.logical_date.isoformat() if spec.logical_date else None
                run_after = spec.run_after.isoformat()
                api.trigger(dag_id, deployed_run_id(dag_id), date, run_after=run_after)
                started[dag_id] = deployed_run_id(dag_id)
        for dag_id, run_id in started.items():
            if dag_id not in states:
                state = api.dag_run(dag_id, run_id)["state"]
                if state in FINISHED:
                    states[dag_id] = state
        time.sleep(1)
    return {dag_id: read_back(api, dag_id, started[dag_id], states[dag_id]) for dag_id in dags}


def asset_triggered_run(api: AirflowApi, dag_id: str) -> str | None:
    runs = api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns", run_type="asset_triggered")
    return runs["dag_runs"][0]["dag_run_id"] if runs["dag_runs"] else None


def read_back(api: AirflowApi, dag_id: str, run_id: str, state: str) -> DeployedRun:
    xcoms = []
    for entry in sorted(
        api.xcom_entries(dag_id, run_id), key=lambda e: (e["task_id"], e["map_index"], e["key"])
    ):
        stored = api.xcom_value(dag_id, run_id, entry["task_id"], entry["key"], entry["map_index"])
        xcoms.append(
            StoredXCom(
                task_id=entry["task_id"],
                map_index=entry["map_index"],
                key=entry["key"],
                stored=stored,
                value=None,
            )
        )
    task_states = api.task_states(dag_id, run_id)
    errors = {}
    for label, task_state in task_states.items():
        if task_state == "failed":
            task_id, _, index = label.rstrip("]").partition("[")
            errors[label] = api.task_error(dag_id, run_id, task_id, int(index or -1))
    return DeployedRun(
        dag_id=dag_id,
        run_id=run_id,
        state=state,
        task_states=task_states,
        xcoms=xcoms,
        dag_results=api.dag_results(dag_id, run_id),
        errors=errors,
    )


def read_values(run: DeployedRun) -> DeployedRun:
    """``run`` with each row's value read through this process's XCom backend from its stored
    form, with the row's address: what a downstream task on a worker receives."""
    for index, x in enumerate(run.xcoms):
        row = SimpleNamespace(
            value=x.stored,
            dag_id=run.dag_id,
            run_id=run.run_id,
            task_id=x.task_id,
            map_index=x.map_index,
            key=x.key,
        )
        run.xcoms[index] = replace(x, value=deserialize(row))
    return run


def with_replaced(stored: Any, replacements: dict[str, str]) -> Any:
    """``stored`` with each key of ``replacements`` replaced by its value in every string."""
    if isinstance(stored, str):
        for old, new in replacements.items():
            stored = stored.replace(old, new)
        return stored
    if isinstance(stored, dict):
        return {k: with_replaced(v, replacements) for k, v in stored.items()}
    if isinstance(stored, list):
        return [with_replaced(v, replacements) for v in stored]
    return stored


def run_id_placeholder(run_id: str) -> dict[str, str]:
    """``run_id`` -> ``<run id>``, also where an object path holds it percent-encoded (an
    asset-triggered run's id is not the in-process one)."""
    from xcom_backends.base import XComAddress
    from xcom_backends.layers.object_storage import path_part

    encoded = path_part(run_id, "run id", XComAddress("", run_id, "", -1, ""))
    return {run_id: "<run id>", encoded: "<run id>"}
