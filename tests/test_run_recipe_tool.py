"""`./dev recipe`: runs a recipe on a fresh embedded Airflow and refuses bad paths clearly."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.harness.docs_blocks import block_titled
from tests.harness.environment import (
    DAGS_FOLDER,
    airflow_environment,
    environment_without_airflow,
)
from tests.harness.fresh_process import python_in_repository


def run_tool(*args: str, airflow_home) -> subprocess.CompletedProcess[str]:
    env = environment_without_airflow()
    env["COOKBOOK_AIRFLOW_HOME"] = str(airflow_home)
    return python_in_repository(["tools/run_recipe.py", *args], env)


@pytest.mark.fresh_airflow
def test_runs_a_recipe_on_a_fresh_home_and_prints_its_rows(tmp_path):
    result = run_tool("dags/basics/classic_push_pull.py", airflow_home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Creating the embedded Airflow metadata DB" in result.stderr
    assert (tmp_path / "airflow.db").is_file()
    # What getting-started shows, line by line (the run id elided there).
    shown = block_titled(
        "getting-started.md", "output of ./dev recipe dags/basics/classic_push_pull.py"
    )
    printed = result.stdout.strip().splitlines()
    for shown_line, line in zip(shown.splitlines(), printed, strict=True):
        before, _, after = shown_line.partition("…")
        assert line.startswith(before) and line.endswith(after), (shown_line, line)

    # What the README says of `python dags/<chapter>/<recipe>.py` in an Airflow environment: once
    # the DB is migrated (the tool did it) it runs, from dags/ and from a copy anywhere else
    # (Airflow 3.3.2; older releases stopped there with "dag is not serialized").
    env = environment_without_airflow() | airflow_environment(tmp_path)
    recipe = DAGS_FOLDER / "basics" / "taskflow_return_value.py"
    elsewhere = tmp_path / "elsewhere" / recipe.name
    elsewhere.parent.mkdir()
    shutil.copy(recipe, elsewhere)
    for path in (recipe, elsewhere):
        direct = python_in_repository([str(path)], env)
        assert direct.returncode == 0, direct.stderr[-2000:]

    # A recipe whose lesson is a failure: shown plainly, no warning first, no traceback.
    failing = run_tool("dags/pulling/missing_key.py", airflow_home=tmp_path)
    assert failing.returncode == 0, failing.stderr
    assert failing.stdout.lstrip().startswith("pulling_missing_key  run ")
    assert "  require_the_count failed as the recipe expects: LookupError: find_new_files" in (
        failing.stdout
    )
    assert "Traceback" not in failing.stdout + failing.stderr
    assert "deprecated" not in failing.stdout + failing.stderr


def test_a_missing_file_is_refused_with_the_usage(tmp_path):
    result = run_tool("dags/basics/no_such_recipe.py", airflow_home=tmp_path)

    assert result.returncode != 0
    assert "No such recipe file: dags/basics/no_such_recipe.py" in result.stderr
    assert "usage: ./dev recipe dags/<chapter>/<recipe>.py" in result.stderr


def test_a_file_outside_dags_is_refused_with_where_recipes_live(tmp_path):
    result = run_tool("README.md", airflow_home=tmp_path)

    assert result.returncode != 0
    assert "README.md is not a recipe: recipes are the .py files under" in result.stderr
    assert not (tmp_path / "airflow.db").exists()
