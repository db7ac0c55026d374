"""Run recipe DAGs for real, in this process, and read back what they stored.

The harness is shared by the pytest session (``tests/conftest.py``) and the speed benchmark
(``benchmarks/recipe_speed.py``). Use it in this order:

1. ``configure_airflow_home(path)`` before anything imports ``airflow`` (Airflow reads its
   configuration once, at import time);
2. ``migrate_metadata_db()`` once per ``AIRFLOW_HOME``;
3. ``load_recipes()`` once, then ``run_recipe(dag)`` for each recipe.

``run_recipe`` calls ``dag.test()`` with a fixed logical date, so run ids are stable, and returns a
``RecipeRun``: the task states plus every XCom row of the run, both as the metadata DB holds it and
deserialized through the configured XCom backend (what a downstream task would receive).
"""

from __future__ import annotations

import base64
import html
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import DAG

REPO_ROOT = Path(__file__).resolve().parents[1]
DAGS_FOLDER = REPO_ROOT / "dags"

# Every recipe run uses this logical date, so its run id is always
# "manual__2026-01-01T00:00:00+00:00" and the rows shown on the site are reproducible.
FIXED_LOGICAL_DATE = datetime(2026, 1, 1, tzinfo=UTC)

# The connection the "secrets" recipes use. The password is a stand-in for a real API token.
DEMO_WAREHOUSE_CONNECTION = {
    "conn_type": "http",
    "host": "warehouse.example.com",
    "password": "demo-token-not-a-real-secret",
}


def airflow_environment(home: Path, dags_folder: Path = DAGS_FOLDER) -> dict[str, str]:
    """The environment variables of a throwaway Airflow: SQLite metadata DB, no examples."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        # The custom-types recipes' classes; CarrierQuote is left off on purpose.
        "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES": (
            "airflow.* custom_types._shipping_models.Shipment custom_types._shipping_models.Invoice"
        ),
        # Demo configuration some recipes read at run time (never at parse time).
        "AIRFLOW_CONN_WAREHOUSE_API": json.dumps(DEMO_WAREHOUSE_CONNECTION),
        "AIRFLOW_VAR_COOKBOOK_DATA_ROOT": f"file://{home / 'data'}",
    }


def configure_airflow_home(home: Path, dags_folder: Path = DAGS_FOLDER) -> None:
    """Point this process at a throwaway Airflow home. Must run before ``import airflow``."""
    if "airflow" in sys.modules:
        raise RuntimeError(
            "configure_airflow_home() must run before airflow is imported: Airflow reads its "
            "configuration once, at import time. Call it at the top of conftest.py or your script."
        )
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(airflow_environment(home, dags_folder))


def environment_without_airflow(*also_drop: str) -> dict[str, str]:
    """This process's environment minus every ``AIRFLOW*`` variable (and ``also_drop`` prefixes).

    For subprocesses that must configure their own Airflow: nothing of the test session's
    throwaway home, backend or connections leaks into them.
    """
    drop = ("AIRFLOW", *also_drop)
    return {name: value for name, value in os.environ.items() if not name.startswith(drop)}


def migrate_metadata_db() -> None:
    """Create the metadata DB schema (what ``airflow db migrate`` does on an empty database)."""
    from airflow.utils.db import initdb

    initdb()


def load_recipes(dags_folder: Path = DAGS_FOLDER) -> DagBag:
    """Parse every recipe file the way the DAG processor does, warnings and import errors kept.

    Like the DAG processor and the task runner, ``BundleDagBag`` puts the bundle's root (here the
    dags folder) on ``sys.path``, so recipes import support modules as ``<chapter>.<module>``.
    """
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(dags_folder), bundle_path=dags_folder, safe_mode=False)


@dataclass(frozen=True)
class UnreadableValue:
    """Stands in for a stored value that the XCom backend refused to deserialize."""

    error: str


def deserialize(row: Any) -> Any:
    """``row`` deserialized through the configured backend, as a downstream task would get it."""
    from airflow.sdk.execution_time.xcom import XCom

    try:
        return XCom.deserialize_value(row)
    except Exception as error:  # a recipe may store what its consumer cannot read, on purpose
        return UnreadableValue(f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class StoredXCom:
    """One row of the ``xcom`` table, as stored and as a downstream task would receive it."""

    task_id: str
    map_index: int
    key: str
    stored: Any
    """The value column as the metadata DB holds it (JSON: serde envelopes, references, ...)."""
    value: Any
    """The same row deserialized through the configured XCom backend (or ``UnreadableValue``)."""
    dag_result: bool = False
    """True for the row a DAG declared as its result (Airflow 3.3)."""


@dataclass
class RecipeRun:
    """The outcome of one ``dag.test()`` run: its state, its task states and its XCom rows."""

    dag_id: str
    run_id: str
    state: str
    task_states: dict[str, str]
    """``task_id`` -> state; a mapped task instance appears as ``task_id[map_index]``."""
    xcoms: list[StoredXCom] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    """``task_id`` (or ``task_id[map_index]``) -> the exception a failed attempt raised."""

    def row(self, task_id: str, key: str = "return_value", map_index: int = -1) -> StoredXCom:
        for xcom in self.xcoms:
            if (xcom.task_id, xcom.key, xcom.map_index) == (task_id, key, map_index):
                return xcom
        stored = sorted((x.task_id, x.key, x.map_index) for x in self.xcoms)
        raise KeyError(
            f"Run {self.run_id} of {self.dag_id} stored no XCom for task {task_id!r}, key {key!r}, "
            f"map index {map_index}. Rows it stored (task, key, map index): {stored}"
        )

    def value(self, task_id: str, key: str = "return_value", map_index: int = -1) -> Any:
        """The value a downstream task pulling this key receives."""
        return self.row(task_id, key, map_index).value

    def keys(self, task_id: str) -> list[str]:
        """Every key the task pushed, sorted."""
        return sorted({x.key for x in self.xcoms if x.task_id == task_id})


def task_label(task_id: str, map_index: int) -> str:
    """``task_id`` for an unmapped task instance, ``task_id[2]`` for map index 2."""
    return task_id if map_index < 0 else f"{task_id}[{map_index}]"


class TaskErrorRecorder:
    """An Airflow listener that keeps the exception of every failed task attempt in this process.

    ``dag.test()`` runs tasks in-process, so Airflow calls this listener with the real exception
    object; tests assert on the message a user would see in the task log.
    """

    def __init__(self) -> None:
        self.errors: dict[tuple[str, str, str], str] = {}

    def on_task_instance_failed(self, previous_state, task_instance, error) -> None:
        label = task_label(task_instance.task_id, task_instance.map_index)
        message = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        detail = getattr(error, "detail", None)  # the API server's reason, on ServerResponseError
        if detail:
            message = f"{message} {detail}"
        self.errors[(task_instance.dag_id, task_instance.run_id, label)] = str(message)

    def take(self, dag_id: str, run_id: str) -> dict[str, str]:
        """The errors recorded for one run, forgotten once taken."""
        run = (dag_id, run_id)
        taken = {key[2]: message for key, message in self.errors.items() if key[:2] == run}
        for label in taken:
            del self.errors[(*run, label)]
        return taken


_error_recorder: TaskErrorRecorder | None = None


def error_recorder() -> TaskErrorRecorder:
    """The process-wide listener, registered with Airflow on first use."""
    global _error_recorder
    if _error_recorder is None:
        from airflow.listeners import hookimpl
        from airflow.sdk.listener import get_listener_manager

        hookimpl(TaskErrorRecorder.on_task_instance_failed)
        _error_recorder = TaskErrorRecorder()
        get_listener_manager().add_listener(_error_recorder)
    return _error_recorder


def run_recipe(
    dag: DAG, logical_date: datetime = FIXED_LOGICAL_DATE, run_conf: dict | None = None
) -> RecipeRun:
    """Run ``dag`` with ``dag.test()`` and read back its task states, XCom rows and errors."""
    recorder = error_recorder()
    dag_run = dag.test(run_after=logical_date, logical_date=logical_date, run_conf=run_conf)
    run = read_run(dag.dag_id, dag_run.run_id, dag_run.state)
    run.errors = recorder.take(dag.dag_id, dag_run.run_id)
    return run


def read_run(dag_id: str, run_id: str, state: str) -> RecipeRun:
    """Read the task states and XCom rows of one run from the metadata DB."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        task_instances = session.scalars(
            select(TaskInstance).where(TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id)
        ).all()
        task_states = {task_label(ti.task_id, ti.map_index): str(ti.state) for ti in task_instances}
        rows = session.scalars(
            select(XComModel)
            .where(XComModel.dag_id == dag_id, XComModel.run_id == run_id)
            .order_by(XComModel.task_id, XComModel.map_index, XComModel.key)
        ).all()
        xcoms = [
            StoredXCom(
                task_id=row.task_id,
                map_index=row.map_index,
                key=row.key,
                stored=row.value,
                value=deserialize(row),
                dag_result=bool(row.dag_result),
            )
            for row in rows
        ]
    return RecipeRun(
        dag_id=dag_id, run_id=run_id, state=str(state), task_states=task_states, xcoms=xcoms
    )


STORED_ROWS_FOLDER = REPO_ROOT / "docs" / "stored_rows"
MAX_SHOWN_VALUE_CHARS = 160
# Base64 fields of a sealed envelope that are new on every push (fresh keys, nonces, ciphertext).
SEALED_FRESH_FIELDS = ("ephemeral_public", "nonce", "wrapped_key", "ciphertext")


def sizes_of_fresh_fields(stored: Any) -> Any:
    """A sealed envelope with its per-push base64 fields shown as their size, e.g. ``<12 bytes>``.

    The table then stays the same from run to run; any other stored value is returned as it is.
    """
    from xcom_backends.base import envelope_of

    if envelope_of(stored) != "sealed":
        return stored

    def sized(part: dict) -> dict:
        fresh = {n: f"<{len(base64.b64decode(v))} bytes>" for n, v in part.items()
                 if n in SEALED_FRESH_FIELDS}  # fmt: skip
        return part | fresh

    return {**sized(stored), "recipients": [sized(r) for r in stored["recipients"]]}


def stored_rows_markdown(run: RecipeRun) -> str:
    """A Markdown table of the run's XCom rows as stored, plus the errors of failed tasks.

    Paths under the throwaway ``AIRFLOW_HOME`` are shown as ``$AIRFLOW_HOME`` and sealed values'
    fresh bytes as their size, so that the table is the same on every machine and run.
    """
    home = os.environ["AIRFLOW_HOME"]

    def cell(text: str, shorten: bool = True) -> str:
        text = text.replace(home, "$AIRFLOW_HOME")
        if shorten and len(text) > MAX_SHOWN_VALUE_CHARS:
            text = f"{text[: MAX_SHOWN_VALUE_CHARS - 20]}… ({len(text)} characters)"
        return "<code>" + html.escape(text).replace("|", "&#124;") + "</code>"

    lines = [
        "<!-- Generated from a real run by tests/test_every_recipe.py; "
        "UPDATE_STORED_ROWS=1 ./dev check rewrites it. -->",
        f"Rows stored by run `{run.run_id}`:",
        "",
        "| task | key | map index | value as stored in the `xcom` table |",
        "| --- | --- | --- | --- |",
    ]
    for row in run.xcoms:
        shown = sizes_of_fresh_fields(row.stored)
        stored, shorten = json.dumps(shown, ensure_ascii=False), shown is row.stored
        result = " (DAG result)" if row.dag_result else ""
        lines.append(
            f"| {cell(row.task_id)} | {cell(row.key)}{result} | {row.map_index} "
            f"| {cell(stored, shorten)} |"
        )
    if not run.xcoms:
        lines.append("| (none) | | | |")
    for label, error in sorted(run.errors.items()):
        lines += ["", f"A try of {cell(label)} failed with {cell(error, shorten=False)}"]
    return "\n".join(lines) + "\n"
