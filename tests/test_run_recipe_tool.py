"""`./dev recipe`: runs a recipe on a fresh embedded Airflow and refuses bad paths clearly."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from tests.harness.docs_blocks import block_titled
from tests.harness.environment import (
    DAGS_FOLDER,
    airflow_environment,
    environment_without_airflow,
)
from tests.harness.fresh_process import python_in_repository
from tools import recipe_server


def run_tool(*args: str, airflow_home, warm: bool = False, **extra_env: str):
    """``./dev recipe <args>``; without ``warm`` no warm process is left behind."""
    env = environment_without_airflow()
    env["COOKBOOK_AIRFLOW_HOME"] = str(airflow_home)
    env["COOKBOOK_RECIPE_SERVER"] = "1" if warm else "0"
    return python_in_repository(["tools/run_recipe.py", *args], env | extra_env)


def served_runs(airflow_home) -> list[str]:
    log = airflow_home / recipe_server.LOG_NAME
    return [line for line in log.read_text().splitlines() if " ran " in line]


def wait_for_the_warm_process(airflow_home) -> None:
    deadline = time.monotonic() + 120
    while not (airflow_home / recipe_server.SOCKET_NAME).exists():
        assert time.monotonic() < deadline, (airflow_home / recipe_server.LOG_NAME).read_text()
        time.sleep(0.5)


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


@pytest.mark.fresh_airflow
def test_later_runs_fork_from_the_warm_process_and_print_what_a_cold_run_prints(tmp_path):
    def rows(result) -> list[str]:  # all but the line naming the run (its id has the time)
        assert result.returncode == 0, result.stderr
        return [line for line in result.stdout.splitlines() if "  run manual__" not in line]

    try:
        cold = run_tool("dags/pulling/missing_key.py", airflow_home=tmp_path, warm=True)
        wait_for_the_warm_process(tmp_path)
        assert served_runs(tmp_path) == []

        warm = run_tool("dags/pulling/missing_key.py", airflow_home=tmp_path, warm=True)
        assert rows(warm) == rows(cold)
        assert "require_the_count failed as the recipe expects" in warm.stdout
        assert "Traceback" not in warm.stdout + warm.stderr
        [served] = served_runs(tmp_path)
        assert re.search(r"ran dags/pulling/missing_key.py in child \d+: exit 0$", served)

        # Another configuration than the warm process loaded: refused as stale, run cold.
        changed = run_tool(
            "dags/pulling/missing_key.py", airflow_home=tmp_path, warm=True, AIRFLOW_VAR_X="1"
        )
        assert rows(changed) == rows(cold)
        assert (
            "stale: its code or settings changed" in (tmp_path / recipe_server.LOG_NAME).read_text()
        )
        assert len(served_runs(tmp_path)) == 1
    finally:
        stopped = run_tool("--stop", airflow_home=tmp_path, warm=True)
    assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / recipe_server.SOCKET_NAME).exists()


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
