"""The airflow.cfg form of each object-storage backend, verified by a recipe run in a fresh process.

The environment-variable forms are what every backend profile of the catalogue runs with.
"""

from __future__ import annotations

import configparser

import pytest

from tests.harness.backend_profiles import LAYERED, OFFICIAL
from tests.harness.environment import REPO_ROOT, environment_without_airflow
from tests.harness.fresh_process import python_in_repository

pytestmark = pytest.mark.fresh_airflow

CONFIG_FORMS = {
    "layered": {
        "core": {"xcom_backend": LAYERED},
        "xcom_layers": {"layers": "object_storage", "object_storage_path": "file://{objects}"},
    },
    "official": {
        "core": {"xcom_backend": OFFICIAL},
        "common.io": {
            "xcom_objectstorage_path": "file://{objects}",
            "xcom_objectstorage_threshold": "0",
        },
    },
}


@pytest.mark.parametrize("backend", sorted(CONFIG_FORMS))
def test_backend_enabled_from_airflow_cfg_offloads_a_recipes_values(tmp_path, backend):
    home, objects = tmp_path / "airflow-home", tmp_path / "objects"
    home.mkdir()
    config = configparser.ConfigParser()
    for section, options in CONFIG_FORMS[backend].items():
        config[section] = {k: v.format(objects=objects) for k, v in options.items()}
    with (home / "airflow.cfg").open("w") as cfg:
        config.write(cfg)
    env = environment_without_airflow() | {
        "COOKBOOK_AIRFLOW_HOME": str(home),
        "PYTHONPATH": str(REPO_ROOT / "templates"),
    }

    result = python_in_repository(
        ["tools/run_recipe.py", "dags/basics/taskflow_return_value.py"], env
    )

    assert result.returncode == 0, result.stderr[-3000:]
    written = sorted(p.relative_to(objects).parts[0] for p in objects.rglob("*") if p.is_file())
    assert written == ["basics_taskflow_return_value"] * 2  # both tasks' return values
    assert f"file://{objects}/basics_taskflow_return_value/" in result.stdout
