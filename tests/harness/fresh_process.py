"""Run one DAG of a folder in a fresh process with its own throwaway Airflow; print the outcome.

    python -m tests.harness.fresh_process DAGS_FOLDER DAG_ID [DAG_ID ...]

For tests that need a DAG outside dags/ (``dag.test()`` only runs DAGs of the configured dags
folder) or a process with different keys or settings. The backend and its options come from the
environment the caller passes. Prints one line ``RESULT <json>``: state, task states, errors and
every XCom row (stored form, and the value as read back in this process, or the error). Several
DAG ids run one after the other in the same Airflow (a producer DAG, then its consumer); the line
describes the last.
``recipe_run()`` turns that line back into the harness's ``RecipeRun``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def start_fresh_airflow(dags_folder: str | Path) -> None:
    """In a new process: a throwaway Airflow home with ``dags_folder``, its DB migrated, and the
    backend templates importable. Scripts that ``run_python`` starts call it first."""
    sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "templates")]
    from tests.harness.environment import configure_airflow_home, migrate_metadata_db

    configure_airflow_home(Path(tempfile.mkdtemp(prefix="fresh-airflow-")), Path(dags_folder))
    migrate_metadata_db()


def main(dags_folder: str, *dag_ids: str) -> None:
    start_fresh_airflow(dags_folder)
    from tests.harness.running import UnreadableValue, load_recipes, run_recipe

    bag = load_recipes(Path(dags_folder))
    for dag_id in dag_ids:
        if dag_id not in bag.dags:
            raise SystemExit(f"{dag_id} not found; import errors: {bag.import_errors}")
        run = run_recipe(bag.dags[dag_id])
    rows = [
        {
            "task_id": x.task_id,
            "key": x.key,
            "map_index": x.map_index,
            "stored": x.stored,
            "dag_result": x.dag_result,
            "unreadable": x.value.error if isinstance(x.value, UnreadableValue) else None,
            "value": None if isinstance(x.value, UnreadableValue) else x.value,
        }
        for x in run.xcoms
    ]
    outcome = {
        "dag_id": run.dag_id,
        "run_id": run.run_id,
        "state": run.state,
        "task_states": run.task_states,
        "errors": run.errors,
    }
    print("RESULT " + json.dumps({**outcome, "xcoms": rows}, default=repr))


def run_dag(dags_folder: Path, dag_id: str, env: dict[str, str], *then: str) -> dict:
    """Run ``dag_id`` (then the DAGs ``then``) in a fresh process with ``env``; the last RESULT."""
    return run_python(["-m", "tests.harness.fresh_process", str(dags_folder), dag_id, *then], env)


def python_in_repository(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python <arguments>`` run from the repository root with ``env``, output captured."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_python(arguments: list[str], env: dict[str, str]) -> dict:
    """Run ``python <arguments>`` from the repository with ``env``; the JSON of its last
    ``RESULT <json>`` line (a script started with ``-c`` prints one the same way)."""
    result = python_in_repository(arguments, env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        raise AssertionError(
            f"fresh Airflow run failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return json.loads(lines[-1][len("RESULT ") :])


def recipe_run(result: dict):
    """The ``RecipeRun`` of a RESULT (values that are not JSON arrive as their ``repr``)."""
    from tests.harness.running import RecipeRun, StoredXCom, UnreadableValue

    xcoms = [
        StoredXCom(
            task_id=row["task_id"],
            map_index=row["map_index"],
            key=row["key"],
            stored=row["stored"],
            dag_result=row["dag_result"],
            value=row["value"] if row["unreadable"] is None else UnreadableValue(row["unreadable"]),
        )
        for row in result["xcoms"]
    ]
    return RecipeRun(
        dag_id=result["dag_id"],
        run_id=result["run_id"],
        state=result["state"],
        task_states=result["task_states"],
        xcoms=xcoms,
        errors=result["errors"],
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
