"""Run recipe DAGs for real, in this process, and read back what they stored.

``run_recipe`` calls ``dag.test()`` with a fixed logical date, so run ids are stable, and returns a
``RecipeRun``: the task states plus every XCom row of the run, both as the metadata DB holds it and
deserialized through the configured XCom backend (what a downstream task would receive).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.harness.environment import DAGS_FOLDER, FIXED_LOGICAL_DATE

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import DAG


def load_recipes(dags_folder: Path = DAGS_FOLDER) -> DagBag:
    """Parse every recipe file the way the DAG processor does, warnings and import errors kept.

    Like the DAG processor and the task runner, ``BundleDagBag`` puts the bundle's root (here the
    dags folder) on ``sys.path``, so recipes import support modules as ``<chapter>.<module>``.
    """
    try:  # Airflow 3.2+
        from airflow.dag_processing.dagbag import BundleDagBag
    except ImportError:  # 3.1 has it in airflow.models.dagbag; 3.0 only a DagBag with the path
        try:
            from airflow.models.dagbag import BundleDagBag
        except ImportError:
            from airflow.models.dagbag import DagBag as BundleDagBag

            if str(dags_folder) not in sys.path:  # what BundleDagBag does on later releases
                sys.path.append(str(dags_folder))

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

        try:  # Airflow 3.2+
            from airflow.sdk.listener import get_listener_manager
        except ImportError:  # 3.0, 3.1
            from airflow.listeners.listener import get_listener_manager

        hookimpl(TaskErrorRecorder.on_task_instance_failed)
        _error_recorder = TaskErrorRecorder()
        get_listener_manager().add_listener(_error_recorder)
    return _error_recorder


def run_recipe(
    dag: DAG,
    logical_date: datetime | None = FIXED_LOGICAL_DATE,
    run_conf: dict | None = None,
    run_after: datetime = FIXED_LOGICAL_DATE,
) -> RecipeRun:
    """Run ``dag`` with ``dag.test()`` and read back its task states, XCom rows and errors.

    ``logical_date=None`` is a run without a logical date, due at ``run_after``."""
    recorder = error_recorder()
    dag_run = dag.test(
        run_after=logical_date or run_after, logical_date=logical_date, run_conf=run_conf
    )
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
                dag_result=bool(getattr(row, "dag_result", False)),  # a column since 3.3
            )
            for row in rows
        ]
    return RecipeRun(
        dag_id=dag_id, run_id=run_id, state=str(state), task_states=task_states, xcoms=xcoms
    )
