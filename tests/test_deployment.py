"""The local deployment's own promises: a clear error naming a component that did not come up, and
``./dev cluster`` (``python -m tests.harness.deployment``) serving Airflow until Ctrl-C, then
stopping every process and freeing its ports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.harness.deployment import Component, ComponentDidNotStart, port_is_free, wait_until
from tests.harness.environment import REPO_ROOT, environment_without_airflow
from tests.harness.rest_api import AirflowApi


def test_a_component_that_exits_is_named_with_the_end_of_its_log(tmp_path):
    log = tmp_path / "triggerer.log"
    crashing = Component(
        "triggerer",
        [sys.executable, "-c", "print('cannot reach the metadata DB'); raise SystemExit(3)"],
        dict(os.environ),
        log,
    )
    crashing.start()
    crashing.process.wait()
    with pytest.raises(ComponentDidNotStart) as raised:
        wait_until("the triggerer is not healthy", lambda: False, 10, [crashing])
    assert str(raised.value).startswith("triggerer exited (code 3) while the deployment started")
    assert "cannot reach the metadata DB" in str(raised.value)


def test_a_component_that_never_gets_healthy_is_named_after_the_timeout(tmp_path):
    idle = Component("scheduler", ["sleep", "30"], dict(os.environ), tmp_path / "scheduler.log")
    idle.start()
    try:
        with pytest.raises(ComponentDidNotStart, match=r"scheduler is not healthy within 1 s"):
            wait_until("scheduler is not healthy", lambda: False, 1, [idle])
    finally:
        idle.signal(signal.SIGKILL)
        idle.wait_stopped(5)


@pytest.mark.fresh_airflow
def test_dev_cluster_serves_airflow_until_interrupted_then_frees_its_ports(tmp_path):
    output = tmp_path / "cluster.log"
    with output.open("w") as log:
        cluster = subprocess.Popen(
            [sys.executable, "-m", "tests.harness.deployment"],
            cwd=REPO_ROOT,
            env=environment_without_airflow("COOKBOOK_"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        printed = ""
        deadline = time.monotonic() + 300
        while "Ctrl-C stops everything" not in printed:
            assert cluster.poll() is None, output.read_text()[-3000:]
            assert time.monotonic() < deadline, output.read_text()[-3000:]
            time.sleep(1)
            printed = output.read_text()
        url = re.search(r"Airflow UI: (http://127\.0\.0\.1:(\d+))", printed)
        password = re.search(r"User: admin  Password: (\S+)", printed)[1]
        api = AirflowApi.login(url[1], "admin", password)

        def recipes_loaded() -> bool:
            dags = api.call("GET", "/api/v2/dags", limit=1000)["dags"]
            return "basics_classic_push_pull" in {d["dag_id"] for d in dags}

        wait_until("the recipes were not loaded", recipes_loaded, 180, [])
    finally:
        cluster.send_signal(signal.SIGINT)
        try:
            code = cluster.wait(timeout=120)
        except subprocess.TimeoutExpired:
            cluster.terminate()  # SIGTERM stops its components too; a bare kill would orphan them
            cluster.wait(timeout=120)
            code = f"still running 120 s after Ctrl-C; its output:\n{output.read_text()[-3000:]}"
        assert code == 0, output.read_text()[-3000:]
    assert port_is_free(int(url[2]))
    assert "Stopping..." in output.read_text()
