"""Run one recipe on the embedded Airflow defaults and print the XCom rows it stored.

    ./dev recipe dags/basics/classic_push_pull.py

The embedded Airflow lives in ``.airflow/`` (override with ``COOKBOOK_AIRFLOW_HOME``): a SQLite
metadata DB created on first use, ``dags/`` as the dags folder, and the demo connection and
variable the recipes read. The recipe file runs as ``__main__``, exactly as
``python dags/<chapter>/<recipe>.py`` would inside a configured Airflow.

Airflow's own log lines are left out (a failure the recipe teaches would print a traceback);
each failed task is listed with its exception, and whether the recipe expects it
(tests/harness/recipe_specs.py). ``COOKBOOK_RECIPE_LOGS=1`` shows Airflow's logs as well.

The first run leaves a warm process behind that later runs fork from (tools/recipe_server.py);
``./dev recipe --stop`` stops it.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import sys
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

# The path above makes `tests` importable.
from tests.harness.environment import (  # noqa: E402
    DAGS_FOLDER,
    configure_airflow_home,
    migrate_metadata_db,
)
from tests.harness.recipe_specs import spec_of  # noqa: E402
from tests.harness.running import error_recorder, read_run  # noqa: E402
from tools import recipe_server  # noqa: E402

USAGE = "usage: ./dev recipe dags/<chapter>/<recipe>.py | ./dev recipe --stop"


def recipe_path(argument: str) -> Path:
    """The recipe file named on the command line, or SystemExit with what to pass instead."""
    path = Path(argument).resolve()
    if not path.is_file():
        raise SystemExit(f"No such recipe file: {argument}\n{USAGE}")
    if path.suffix != ".py" or not path.is_relative_to(DAGS_FOLDER):
        raise SystemExit(
            f"{argument} is not a recipe: recipes are the .py files under {DAGS_FOLDER}.\n{USAGE}"
        )
    return path


def chapter_bundle(home: Path, recipe: Path) -> Path:
    """A DAGs folder holding only the recipe's chapter (a link to it), recreated for each run.

    ``dag.test()`` parses its whole DAG bundle on every call (to store sibling DAGs, such as a
    triggered child); a recipe needs only its own chapter, whose support modules and DAGs it
    imports or triggers. Parsing one chapter instead of all of ``dags/`` saves seconds.
    """
    bundle = home / "chapter_bundle"
    shutil.rmtree(bundle, ignore_errors=True)
    bundle.mkdir(parents=True)
    chapter = recipe.relative_to(DAGS_FOLDER).parts[0]
    (bundle / chapter).symlink_to(DAGS_FOLDER / chapter, target_is_directory=True)
    return bundle


def print_stored_rows(dag_id: str) -> None:
    """Print the recipe's latest run: task states, failures (expected or not) and its XCom rows
    as the metadata DB holds them."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        latest = session.scalars(
            select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc()).limit(1)
        ).first()
        if latest is None:
            raise SystemExit(f"{dag_id} did not run: its file does not call dag.test() as __main__")
        run_id, state = latest.run_id, latest.state
    run = read_run(dag_id, run_id, state)
    expected = spec_of(dag_id).task_states or {}
    print(f"\n{dag_id}  run {run.run_id}: {run.state}")
    for task, task_state in sorted(run.task_states.items()):
        print(f"  task {task}: {task_state}")
    for task, error in sorted(error_recorder().take(dag_id, run_id).items()):
        verdict = "as the recipe expects" if expected.get(task) == "failed" else "UNEXPECTEDLY"
        print(f"  {task} failed {verdict}: {error}")
    for row in run.xcoms:
        index = "" if row.map_index < 0 else f"[{row.map_index}]"
        print(f"  xcom {row.task_id}{index} {row.key} = {json.dumps(row.stored, default=str)}")


def embedded_home() -> Path:
    return Path(os.environ.get("COOKBOOK_AIRFLOW_HOME", REPO_ROOT / ".airflow")).resolve()


def prepare_airflow(home: Path) -> None:
    """Configure the embedded Airflow (before importing it) and create its DB on first use."""
    database_existed = (home / "airflow.db").exists()
    configure_airflow_home(home, home / "chapter_bundle")
    if os.environ.get("COOKBOOK_RECIPE_LOGS") != "1":
        os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "CRITICAL"
    # Raised inside apache-airflow-providers-standard itself, not by any recipe.
    warnings.filterwarnings("ignore", message=".*operator_helpers.determine_kwargs.*")
    if not database_existed:
        print(f"Creating the embedded Airflow metadata DB in {home}", file=sys.stderr)
        migrate_metadata_db()


def warm_up(home: Path) -> None:
    """What every run needs before its recipe starts: Airflow imported, its API app built."""
    prepare_airflow(home)
    from airflow.sdk.execution_time.supervisor import in_process_api_server

    in_process_api_server().app  # noqa: B018  (built once, lazily; forked children reuse it)


def run_recipe(argv: list[str]) -> int:
    """Run the recipe on the prepared embedded Airflow and print its rows."""
    path = recipe_path(argv[0])
    chapter_bundle(embedded_home(), path)
    sys.path.append(str(DAGS_FOLDER))  # as Airflow does for a dags-folder bundle
    sys.path.append(str(REPO_ROOT / "templates"))  # as plugins/ would be in your project
    error_recorder()  # listens for failed tasks from here on
    recipe_globals = runpy.run_path(str(path), run_name="__main__")
    print_stored_rows(recipe_globals["dag"].dag_id)
    return 0


def main(argv: list[str]) -> int:
    home = embedded_home()
    if argv == ["--serve"]:
        return recipe_server.serve(home, lambda: warm_up(home), run_recipe)
    if argv == ["--stop"]:
        stopped = recipe_server.stop(home)
        print(f"{'Stopped the' if stopped else 'No'} warm recipe process for {home}")
        return 0
    if len(argv) != 1:
        raise SystemExit(USAGE)
    recipe_path(argv[0])  # a bad path is refused before anything starts
    warm = recipe_server.run_warm(home, argv)
    if warm is not None:
        return warm
    prepare_airflow(home)
    try:
        return run_recipe(argv)
    finally:
        recipe_server.start_in_background(home)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
