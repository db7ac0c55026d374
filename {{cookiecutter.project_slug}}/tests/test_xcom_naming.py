"""XCom keys in dags/ follow the project's convention, checked by xcom-lint (tools/xcom_lint).

The pattern is ``[tool.xcom-lint] key-pattern`` in pyproject.toml. Run it by hand with
``PYTHONPATH=tools uv run python -m xcom_lint dags``; it prints ``path:line:col: CODE message``.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT

BAD_DAG = """
from airflow.sdk import dag, get_current_context, task

@dag(schedule=None)
def bad_keys():
    @task
    def export():
        get_current_context()["ti"].xcom_push(key="data", value=1)

    export()

bad_keys()
"""


def xcom_lint(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xcom_lint", *paths],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT / "tools")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_xcom_keys_follow_the_convention():
    result = xcom_lint("dags")
    assert result.returncode == 0, f"xcom-lint findings:\n{result.stdout}{result.stderr}"


def test_the_checker_flags_a_generic_key(tmp_path):
    (tmp_path / "bad_keys.py").write_text(BAD_DAG)
    result = xcom_lint(str(tmp_path))
    assert result.returncode == 1
    assert ":8:" in result.stdout and "XCL001 generic key 'data'" in result.stdout
