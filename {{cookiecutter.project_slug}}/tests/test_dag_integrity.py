"""Every DAG imports cleanly, and parsing touches neither the metadata DB nor a connection."""
{%- set dag_bag = cookiecutter._airflow_releases[cookiecutter.airflow_version].dag_bag %}

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT

# How Airflow {{ cookiecutter.airflow_version }}'s DAG processor parses a bundle.
PARSE_DAGS = (
    "from {{ dag_bag.rsplit('.', 1)[0] }} import {{ dag_bag.rsplit('.', 1)[1] }}; "
    "bag = {{ dag_bag.rsplit('.', 1)[1] }}(dag_folder=sys.argv[1], bundle_path=sys.argv[1]); "
    "print(sorted(bag.dag_ids)); print(bag.import_errors); print(bag.captured_warnings)"
)


def parse_dags(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; {PARSE_DAGS}", str(PROJECT / "dags")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip().splitlines()[-3:]


def test_dags_import_without_errors_or_warnings():
    dag_ids, errors, warnings = parse_dags(dict(os.environ))
    assert "starter_xcom" in dag_ids
    assert errors == "{}"
    assert warnings == "{}"


def test_parsing_needs_no_database_and_no_connection(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{tmp_path}/missing/airflow.db"
    dag_ids, errors, _ = parse_dags(env)
    assert errors == "{}", "a DAG reads the DB, a Variable or a Connection at parse time"
    assert "starter_xcom" in dag_ids
