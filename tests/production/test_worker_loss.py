"""A Celery worker killed mid-task: the retry succeeds, no XCom is lost or duplicated, no object
is left without a row (object-storage profile: values live in the S3 stand-in)."""

from __future__ import annotations

import time

import pytest

from tests.harness.running import deserialize
from tests.production.conftest import LANE

DAG_ID = "worker_loss"
RUN_ID = "worker_loss_check"
WORKER = "worker-tenant-a"  # serves queue tenant_a, where export_partitions runs


def wait_for(what: str, check, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if answer := check():
            return answer
        time.sleep(0.5)
    raise TimeoutError(f"{what} within {timeout_s} s")


@pytest.fixture(scope="module")
def run_with_a_lost_worker(deployment):
    api = deployment.api()
    api.unpause(DAG_ID)
    api.trigger(DAG_ID, RUN_ID, None)

    def first_try_has_pushed() -> bool:
        keys = {(x["task_id"], x["key"]) for x in api.xcom_entries(DAG_ID, RUN_ID)}
        return ("export_partitions", "export_started_v1") in keys

    wait_for("export_partitions did not start and push", first_try_has_pushed, 180)
    deployment.kill(WORKER)
    deployment.restart(WORKER)
    state = api.wait_for_run(DAG_ID, RUN_ID, timeout_s=300)
    return api, state


def test_the_retry_on_the_restarted_worker_succeeds(run_with_a_lost_worker):
    api, state = run_with_a_lost_worker
    assert state == "success"
    (export,) = [
        ti for ti in api.task_instances(DAG_ID, RUN_ID) if ti["task_id"] == "export_partitions"
    ]
    assert (export["state"], export["try_number"]) == ("success", 2)


def test_each_key_has_one_row_holding_the_retrys_value(run_with_a_lost_worker):
    api, _ = run_with_a_lost_worker
    rows = {}
    for entry in api.xcom_entries(DAG_ID, RUN_ID):
        address = {k: entry[k] for k in ("dag_id", "run_id", "task_id", "map_index", "key")}
        stored = api.xcom_value(DAG_ID, RUN_ID, entry["task_id"], entry["key"], -1)
        assert (entry["task_id"], entry["key"]) not in rows, f"duplicated row {address}"
        with LANE.backend_as_deployed():
            rows[entry["task_id"], entry["key"]] = deserialize(_Row(stored, address))
    assert rows == {
        ("list_partitions", "return_value"): ["2026-01-01", "2026-01-02", "2026-01-03"],
        ("export_partitions", "export_started_v1"): {"try_number": 2},
        ("export_partitions", "return_value"): {
            "partitions": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "rows": 3000,
            "try_number": 2,
        },
        ("report", "return_value"): "3000 rows in 3 partitions",
    }


def test_every_object_of_the_run_has_its_row(run_with_a_lost_worker):
    from xcom_backends.layers.object_storage import base_path

    api, _ = run_with_a_lost_worker
    referenced = set()
    for entry in api.xcom_entries(DAG_ID, RUN_ID):
        stored = api.xcom_value(DAG_ID, RUN_ID, entry["task_id"], entry["key"], -1)
        referenced.add(stored["uri"])
    with LANE.backend_as_deployed():
        folder = base_path() / DAG_ID
        objects = {str(path) for path in folder.rglob("*") if path.is_file()}
    assert objects == referenced
    assert len(objects) == 4


class _Row:
    def __init__(self, value, address: dict) -> None:
        self.value = value
        self.__dict__.update(address)
