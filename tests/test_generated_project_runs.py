"""A generated project's `./dev run` starts a real Airflow whose scheduler runs the starter DAG.

The project's README promises two commands; the bakes in test_generator.py run `./dev test`, this
runs `./dev run` (``airflow standalone``: API server, scheduler, DAG processor, triggerer), triggers
the starter DAG through the REST API, and reads its XComs back through the same API. Tasks run in
LocalExecutor worker processes, so values cross processes through the configured backend.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from blake3 import blake3

from tests.harness.deployment import port_is_free
from tests.harness.rest_api import AirflowApi, ApiError
from tests.test_generator import bake, clean_environment

AIRFLOW_URL = "http://127.0.0.1:8080"
SUMMARY = {"order_count": 1000, "revenue_cents": 125125000, "sample_order_ids": [1, 2, 3]}


def wait_for(what: str, check, timeout_s: float, log: Path):
    """Poll ``check()`` until it returns something truthy; fail with the server log otherwise."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (OSError, ApiError, KeyError, ValueError):
            pass
        time.sleep(2)
    pytest.fail(f"{what} within {timeout_s} s; ./dev run printed:\n{log.read_text()[-4000:]}")


def run_the_starter_dag(project: Path, log: Path) -> tuple[dict, dict]:
    """``./dev run``, one run of starter_xcom through the REST API, then Ctrl-C (SIGTERM to the
    whole process group); the summary's and the report's XCom entries as the API shows them."""
    assert port_is_free(8080), "port 8080 is in use; ./dev run serves Airflow there"
    with log.open("w") as output:
        airflow = subprocess.Popen(
            ["./dev", "run"],
            cwd=project,
            env=clean_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        anonymous = AirflowApi(AIRFLOW_URL)

        def healthy() -> bool:
            health = anonymous.call("GET", "/api/v2/monitor/health")
            return all(
                health[part]["status"] == "healthy"
                for part in ("metadatabase", "scheduler", "dag_processor")
            )

        wait_for("Airflow was not healthy", healthy, 300, log)
        passwords = project / ".airflow" / "simple_auth_manager_passwords.json.generated"
        login = {"username": "admin", "password": json.loads(passwords.read_text())["admin"]}
        api = AirflowApi.login(AIRFLOW_URL, **login)

        dag = "/api/v2/dags/starter_xcom"
        wait_for("starter_xcom was not parsed", lambda: api.call("GET", dag), 120, log)
        api.call("PATCH", dag, {"is_paused": False})
        api.call("POST", f"{dag}/dagRuns", {"logical_date": None, "dag_run_id": "readme_run"})
        run = f"{dag}/dagRuns/readme_run"

        def finished() -> str | None:
            state = api.call("GET", run)["state"]
            return state if state in ("success", "failed") else None

        assert wait_for("the run did not finish", finished, 300, log) == "success"
        summary = api.call("GET", f"{run}/taskInstances/summarize_orders/xcomEntries/return_value")
        report = api.call("GET", f"{run}/taskInstances/report/xcomEntries/return_value")
    finally:
        os.killpg(airflow.pid, signal.SIGTERM)
        try:
            airflow.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(airflow.pid, signal.SIGKILL)
            airflow.wait()
        subprocess.run(["pkill", "-9", "-g", str(airflow.pid)], check=False)  # forked workers
    # plugins/.airflowignore keeps Airflow from loading the backend's modules as plugins.
    assert "Failed to import plugin" not in log.read_text()
    return summary, report


@pytest.mark.bake
def test_dev_run_schedules_the_starter_dag_through_the_contracts_backend(tmp_path):
    result = bake(tmp_path, xcom_backend="contracts", include_example_recipes="no")
    assert result.returncode == 0, result.stderr
    summary, report = run_the_starter_dag(tmp_path / "my_airflow_project", tmp_path / "run.log")

    # The REST API shows the row as stored: the contract envelope, with its declared reader and
    # the address of the XCom it was written for.
    address = {"dag_id": "starter_xcom", "run_id": "readme_run", "task_id": "summarize_orders"}
    assert summary["value"] == {
        "__xcom_layer__": "contracts",
        "key": "return_value",
        "producer": "summarize_orders",
        "readers": ["report"],
        "value": SUMMARY,
        "xcom": {**address, "map_index": -1, "key": "return_value"},
    }
    # report pulled the summary in another worker process, through the backend.
    assert report["value"] == "1000 orders, 1251250.00 revenue"


@pytest.mark.bake
def test_dev_run_serves_a_local_s3_until_a_bucket_is_set(tmp_path):
    """An S3 choice runs out of the box: with the generated placeholder path still in
    xcom_backend.env, ``./dev run`` starts the tests' moto server, the starter DAG's summary
    goes there as an object, ``report`` reads it back in another worker process, and the
    stand-in stops with Airflow."""
    result = bake(tmp_path, xcom_backend="object_storage_s3", include_example_recipes="no")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    log = tmp_path / "run.log"
    summary, report = run_the_starter_dag(project, log)

    started = re.search(
        r"Local s3 stand-in for the XCom bucket at http://127.0.0.1:(\d+)", log.read_text()
    )
    assert started, log.read_text()[-3000:]
    stored = summary["value"]
    assert stored["__xcom_layer__"] == "object_storage"
    assert stored["uri"] == (
        "s3://xcom_s3@xcom-cookbook/xcom/starter_xcom/readme_run/summarize_orders/-1/"
        "return_value.json"
    )
    # report pulled the summary through the stand-in in another worker process; its own value
    # went there too (every value is offloaded): the row's checksum is that of the text's JSON.
    text = json.dumps("1000 orders, 1251250.00 revenue").encode()
    assert report["value"]["uri"] == stored["uri"].replace("summarize_orders", "report")
    assert report["value"]["blake3"] == blake3(text).hexdigest()
    assert not (project / ".airflow" / "stand-in.env").exists()  # stopped with ./dev run
    assert port_is_free(int(started[1]))  # its server too
