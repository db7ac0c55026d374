"""Isolated environments chapter: values in and out of other interpreters and processes."""

from __future__ import annotations

from tests.harness.version_lane import expect_the_lesson_on_this_airflow


def test_a_virtualenv_task_returns_through_the_worker(recipes):
    run = recipes.run("isolated_virtualenv_task")

    assert run.value("score_orders") == {
        "scored": 1834,
        "in_a_virtualenv": True,
        "airflow_importable": False,
    }


def test_an_external_python_task_returns_through_the_worker(recipes):
    run = recipes.run("isolated_external_python_task")

    assert run.value("build_report") == {"orders": 1834, "airflow_importable": False}


def test_bash_pushes_json_as_text_and_subprocess_can_push_the_dict(recipes):
    run = recipes.run("isolated_subprocess_json_result")

    assert run.value("validate_with_bash") == '{"valid_rows": 1830, "invalid_rows": 4}'
    assert run.value("read_bash_result") == 1830
    assert run.value("validate_with_subprocess") == {"valid_rows": 1830, "invalid_rows": 4}


def test_the_pod_result_file_becomes_the_return_value(recipes):
    run = recipes.run("isolated_pod_xcom_file_protocol")

    assert run.value("run_container_step") == {"rows": 1834, "uri": "s3://exports/orders.parquet"}
    assert run.value("load") == "1834 rows at s3://exports/orders.parquet"


def test_without_python_version_uv_is_asked_for_a_python_that_debian_lacks(tmp_path):
    """The recipe's gotcha: Airflow names the interpreter ``python`` unless ``python_version`` is
    set, and ``uv venv`` accepts no virtualenv's interpreter: with no system ``python`` on the
    PATH (Debian ships ``python3``), it fails with exit status 2."""
    expect_the_lesson_on_this_airflow("isolated_virtualenv_task")
    import inspect
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from airflow.providers.standard.operators.python import PythonVirtualenvOperator

    source = inspect.getsource(PythonVirtualenvOperator)
    assert 'python_bin=f"python{self.python_version}" if self.python_version else "python"' in (
        source
    )
    venv = tmp_path / "venv"
    path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    if shutil.which("python", path="/usr/bin:/bin"):
        path = str(Path(sys.executable).parent)  # this machine has a system `python`
    # `uv run` names its own binary in $UV (a pyenv shim would put pyenv's python on the PATH).
    created = subprocess.run(
        [os.environ.get("UV") or shutil.which("uv"), "venv", "--python", "python", str(venv)],
        env={"PATH": path, "HOME": str(tmp_path), "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 2
    assert "No interpreter found for executable name `python`" in created.stderr
