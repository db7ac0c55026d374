"""XCom rows through the REST API v2 and ``airflowctl``, against the deployment's API server.

Pins what ``templates/xcom_rest_api.py`` says: the API server returns rows as stored and
never runs the XCom backend, stores what a client sends as it is, and deletes rows only.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from xcom_backends.base import envelope_of
from xcom_rest_api import XComEntries

from tests.harness.docs_blocks import block_titled

DAG_ID = "custom_types_dataclass_round_trip"
RUN_ID = "rest_api_check"
NOTE = {"checked_by": "ops", "rows": 1834}
EXAMPLE_API_URL = "http://127.0.0.1:8080"  # what the page shows
AIRFLOWCTL = str(Path(sys.executable).parent / "airflowctl")


@pytest.fixture(scope="module")
def entries(deployment) -> XComEntries:
    api = deployment.api()
    api.unpause(DAG_ID)
    api.trigger(DAG_ID, RUN_ID, None)
    assert api.wait_for_run(DAG_ID, RUN_ID, timeout_s=300) == "success"
    return XComEntries.login(deployment.url, "admin", deployment.password)


def stored_in_postgres(deployment, task_id: str, key: str):
    with psycopg.connect(
        host="127.0.0.1", port=deployment.postgres_port, user="airflow", dbname="airflow"
    ) as connection:
        row = connection.execute(
            "SELECT value FROM xcom"
            " WHERE dag_id = %s AND run_id = %s AND task_id = %s AND key = %s",
            (DAG_ID, RUN_ID, task_id, key),
        ).fetchone()
    return None if row is None else row[0]


def test_list_names_every_row_and_get_returns_it_as_stored(entries, deployment):
    listed = sorted((e["task_id"], e["key"], e["map_index"]) for e in entries.list(DAG_ID, RUN_ID))
    assert listed == [
        ("label_shipment", "return_value", -1),
        ("plan_shipment", "return_value", -1),
    ]
    for task_id, key, _ in listed:
        assert entries.get(DAG_ID, RUN_ID, task_id, key) == stored_in_postgres(
            deployment, task_id, key
        )


def test_deserialize_gives_a_string_and_never_runs_the_backend(entries, recipes):
    shown = entries.get(DAG_ID, RUN_ID, "plan_shipment", "return_value", deserialize=True)
    not_stringified = entries.get(
        DAG_ID, RUN_ID, "plan_shipment", "return_value", deserialize=True, stringify=False
    )
    stored = entries.get(DAG_ID, RUN_ID, "plan_shipment", "return_value")

    assert isinstance(shown, str)
    if envelope_of(stored):  # a backend's reference or ciphertext: the API shows only that
        assert "SHP-1001" not in shown
        assert not_stringified == stored  # without stringify: the stored JSON itself
    else:  # Airflow's own serde envelope: decoded, but as a repr string, not the object
        assert (
            shown
            == not_stringified
            == (
                "custom_types._shipping_models.Shipment@version=0"
                "(weight_kg=12.5, shipment_id='SHP-1001', parcel_count=3)"
            )
        )


def test_value_through_backend_is_what_a_task_receives(entries, recipes, deployment):
    from tests.production.conftest import LANE

    in_process = recipes.run(DAG_ID).value("plan_shipment")
    with LANE.backend_as_deployed():
        read = entries.value_through_backend(DAG_ID, RUN_ID, "plan_shipment", "return_value")
    assert read == in_process
    assert type(read).__name__ == "Shipment"


def test_dag_results_return_the_rows_a_run_declared_as_its_result(entries, deployed_runs):
    run = deployed_runs["lifecycle_dag_result"]  # the catalogue's run, finished

    results = entries.dag_results(run.dag_id, run.run_id)
    assert list(results) == ["format_answer"]
    if not envelope_of(results["format_answer"]):  # the default backend stores the value
        assert results["format_answer"] == {"active_customers": 1834}


def test_create_update_and_delete_change_only_the_row(entries, deployment, recipes):
    task_id, key = "label_shipment", "operator_note_v1"
    entries.create(DAG_ID, RUN_ID, task_id, key, NOTE)
    assert stored_in_postgres(deployment, task_id, key) == NOTE  # as sent: no backend ran
    # What a task pulling it receives, through this session's backend (recipes set it up).
    assert entries.value_through_backend(DAG_ID, RUN_ID, task_id, key) == NOTE

    entries.update(DAG_ID, RUN_ID, task_id, key, NOTE | {"rows": 1830})
    assert entries.get(DAG_ID, RUN_ID, task_id, key) == NOTE | {"rows": 1830}

    entries.delete(DAG_ID, RUN_ID, task_id, key)
    assert stored_in_postgres(deployment, task_id, key) is None
    assert key not in {e["key"] for e in entries.list(DAG_ID, RUN_ID)}


def airflowctl(home: Path, *args: str) -> str:
    done = subprocess.run(
        [AIRFLOWCTL, *args],
        env={"AIRFLOW_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def page_commands(**values: str) -> dict[str, list[str]]:
    """The airflowctl commands the REST API page shows, by action (``login``, ``list``, ...),
    with ``$NAME`` and the example API URL replaced by this deployment's."""
    shown = block_titled("rest-api.md", "terminal, on a machine that reaches the API server")
    commands = {}
    for line in shown.splitlines():
        words = shlex.split(line)
        assert words[0] == "airflowctl", line
        words = [values.get(w.removeprefix("$"), w) for w in words[1:]]
        commands[words[1]] = [values["API_URL"] if w == EXAMPLE_API_URL else w for w in words]
    return commands


def test_airflowctl_lists_adds_and_gets_rows_with_numbers_as_text(entries, deployment, tmp_path):
    token = entries.http.headers["Authorization"].removeprefix("Bearer ")
    commands = page_commands(TOKEN=token, RUN_ID=RUN_ID, API_URL=deployment.url)
    assert list(commands) == ["login", "list", "add", "get", "delete"]
    airflowctl(tmp_path, *commands["login"])

    listed = json.loads(airflowctl(tmp_path, *commands["list"]))
    assert [e["key"] for e in listed] == ["return_value"]

    airflowctl(tmp_path, *commands["add"])
    assert entries.get(DAG_ID, RUN_ID, "label_shipment", "ctl_note_v1") == NOTE
    (shown,) = json.loads(airflowctl(tmp_path, *commands["get"]))
    # airflowctl 0.1.5 prints every number of its JSON output as a string, every object in a list.
    assert shown["value"] == [{"checked_by": "ops", "rows": "1834"}]
    assert shown["map_index"] == "-1"
    airflowctl(tmp_path, *commands["delete"])
    assert stored_in_postgres(deployment, "label_shipment", "ctl_note_v1") is None
