"""The airflow.cfg form each backend page shows, verified by a recipe run in a fresh process.

The environment-variable forms are what every backend profile of the catalogue runs with.
"""

from __future__ import annotations

import configparser
import textwrap

import pytest

from tests.harness.backend_profiles import LAYERED, OFFICIAL
from tests.harness.docs_blocks import fenced_blocks
from tests.harness.environment import REPO_ROOT, environment_without_airflow
from tests.harness.fresh_process import python_in_repository

pytestmark = pytest.mark.fresh_airflow

# The page's airflow.cfg block for each backend, and what the test changes in it: the store
# becomes a local folder, and the official backend offloads every value.
PAGES = {"layered": "backends/layered.md", "official": "backends/official.md"}
CHANGED = {
    "layered": {"xcom_layers": {"object_storage_path": "file://{objects}"}},
    "official": {
        "common.io": {
            "xcom_objectstorage_path": "file://{objects}",
            "xcom_objectstorage_threshold": "0",
        }
    },
}


def cfg_blocks(page: str) -> list[configparser.ConfigParser]:
    """Every ``airflow.cfg`` block of a page, parsed."""
    forms = []
    for block in fenced_blocks(page):
        if 'title="airflow.cfg"' in block["info"]:
            forms.append(configparser.ConfigParser())
            forms[-1].read_string(textwrap.dedent(block["body"]))
    assert forms, f"docs/{page} shows no airflow.cfg block"
    return forms


def page_config(backend: str) -> configparser.ConfigParser:
    """The page's ``airflow.cfg`` block for a local folder, or its only one."""
    forms = cfg_blocks(PAGES[backend])
    local = [f for f in forms if "file://" in str({s: dict(f[s]) for s in f.sections()})]
    return (local or forms)[0]


def test_every_layered_store_form_configures_the_same_backend():
    forms = cfg_blocks(PAGES["layered"])
    assert len(forms) == 4  # S3, GCS, Azure Blob, a local folder
    for config in forms:
        assert config["core"]["xcom_backend"] == LAYERED
        assert config["xcom_layers"]["layers"] == "object_storage"


@pytest.mark.parametrize("backend", sorted(PAGES))
def test_backend_enabled_from_airflow_cfg_offloads_a_recipes_values(tmp_path, backend):
    home, objects = tmp_path / "airflow-home", tmp_path / "objects"
    home.mkdir()
    config = page_config(backend)
    assert config["core"]["xcom_backend"] == {"layered": LAYERED, "official": OFFICIAL}[backend]
    for section, options in CHANGED[backend].items():
        for option, value in options.items():
            assert option in config[section], f"the page sets no {section}.{option}"
            config[section][option] = value.format(objects=objects)
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
