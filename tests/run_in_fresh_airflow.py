"""Run one DAG of a folder in a fresh process with its own throwaway Airflow; print the outcome.

    python -m tests.run_in_fresh_airflow DAGS_FOLDER DAG_ID

For tests that need a DAG outside dags/ (``dag.test()`` only runs DAGs of the configured dags
folder) or a process with different keys or settings. The backend and its options come from the
environment the caller passes. Prints one line ``RESULT <json>``: state, task states, errors and
every XCom row (stored form, and the value as read back in this process, or the error).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def main(dags_folder: str, dag_id: str) -> None:
    sys.path.insert(0, str(REPO_ROOT))
    sys.path.insert(0, str(REPO_ROOT / "templates"))
    from tests.recipe_harness import configure_airflow_home

    configure_airflow_home(Path(tempfile.mkdtemp(prefix="fresh-airflow-")), Path(dags_folder))
    from tests.recipe_harness import load_recipes, migrate_metadata_db, run_recipe

    migrate_metadata_db()
    bag = load_recipes(Path(dags_folder))
    if dag_id not in bag.dags:
        raise SystemExit(f"{dag_id} not found; import errors: {bag.import_errors}")
    run = run_recipe(bag.dags[dag_id])
    rows = [
        {"task_id": x.task_id, "key": x.key, "map_index": x.map_index, "stored": x.stored,
         "value": repr(x.value)}
        for x in run.xcoms
    ]  # fmt: skip
    outcome = {"state": run.state, "task_states": run.task_states, "errors": run.errors}
    print("RESULT " + json.dumps({**outcome, "xcoms": rows}, default=str))


def run_dag(dags_folder: Path, dag_id: str, env: dict[str, str]) -> dict:
    """Run ``dag_id`` in a fresh process with ``env``; the parsed RESULT."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.run_in_fresh_airflow", str(dags_folder), dag_id],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        raise AssertionError(
            f"fresh Airflow run failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return json.loads(lines[-1][len("RESULT ") :])


if __name__ == "__main__":
    main(*sys.argv[1:])
