"""A script that imports the layered backend before anything of Airflow: what it logs, and that it
still works (the layered page's "What goes wrong" row).

Airflow 3.3's start-up masks the configured secrets and, for each, imports the task runner, which
resolves ``[core] xcom_backend``. When ``xcom_backends.layered`` is the module that imports Airflow
first, it is still half-imported then, so Airflow logs that it "does not define" the class, once per
secret. A task's process has imported Airflow long before, and so has a script that imports
``airflow.sdk`` first.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.harness.backend_profiles import LAYERED
from tests.harness.environment import REPO_ROOT, airflow_environment, environment_without_airflow

# Runs its first argument as the script's first import, then pushes and pulls one value.
SCRIPT = """
import json, sys
from types import SimpleNamespace
exec(sys.argv[1])
from xcom_backends.layered import LayeredXComBackend as backend
address = {"dag_id": "nightly", "run_id": "manual__1", "task_id": "count", "map_index": -1}
stored = backend.serialize_value({"rows": 3}, key="row_count", **address)
row = SimpleNamespace(value=json.loads(json.dumps(stored)), key="row_count", **address)
print("PULLED", json.dumps(backend.deserialize_value(row)))
"""
HALF_IMPORTED = 'Module "xcom_backends.layered" does not define a "LayeredXComBackend" attribute'


@pytest.mark.fresh_airflow
@pytest.mark.parametrize(
    ("first_import", "logs_it"),
    [("import xcom_backends.layered", True), ("import airflow.sdk", False)],
    ids=["backend-first", "airflow-first"],
)
def test_a_script_that_imports_the_backend_first_is_warned_about_and_still_works(
    tmp_path, first_import, logs_it
):
    env = environment_without_airflow() | airflow_environment(tmp_path)
    env |= {
        "PYTHONPATH": str(REPO_ROOT / "templates"),
        "AIRFLOW__CORE__XCOM_BACKEND": LAYERED,
        "AIRFLOW__XCOM_LAYERS__LAYERS": "object_storage",
        "AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH": f"file://{tmp_path / 'store'}",
    }
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, first_import],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.splitlines()[-1] == 'PULLED {"rows": 3}'
    assert (HALF_IMPORTED in run.stdout + run.stderr) is logs_it
    assert [p.name for p in (tmp_path / "store").rglob("*.json")] == ["row_count.json"]
