"""One pytest session, one throwaway Airflow: a SQLite DB migrated once, each recipe run once.

Airflow reads its configuration when it is first imported, so the throwaway ``AIRFLOW_HOME`` is set
here, at import time of this conftest, before any test module imports ``airflow``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.recipe_harness import (
    FIXED_LOGICAL_DATE,
    RecipeRun,
    configure_airflow_home,
    load_recipes,
    migrate_metadata_db,
    run_recipe,
)

AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="xcom-cookbook-airflow-"))
configure_airflow_home(AIRFLOW_HOME)

# Recipes teach Airflow 3 APIs: an Airflow deprecation warning fails the test that raised it.
AIRFLOW_DEPRECATIONS = (
    "airflow.exceptions.RemovedInAirflow4Warning",
    "airflow.sdk.exceptions.RemovedInAirflow4Warning",
    "airflow.exceptions.AirflowProviderDeprecationWarning",
    "airflow.utils.deprecation_tools.DeprecatedImportWarning",
)


# Deprecations raised inside Airflow's own packages, not by a recipe. Each is named, not a pattern.
AIRFLOW_INTERNAL_DEPRECATIONS = (
    # apache-airflow-providers-standard 1.21.0, sensors/python.py (behind @task.sensor) imports
    # determine_kwargs from its pre-3.0 path.
    "The `airflow.utils.operator_helpers.determine_kwargs` attribute is deprecated",
)


def pytest_configure(config: pytest.Config) -> None:
    for category in AIRFLOW_DEPRECATIONS:
        config.addinivalue_line("filterwarnings", f"error::{category}")
    for message in AIRFLOW_INTERNAL_DEPRECATIONS:
        config.addinivalue_line("filterwarnings", f"ignore:{message}")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


# A consumer runs on a later day than its producer, as in production, so that run ids differ.
LOGICAL_DATES = {"cross_dag_pull_by_run_id": datetime(2026, 1, 2, tzinfo=UTC)}

# Recipes that read what another recipe's run left behind: those run first.
RUN_FIRST = {
    "cross_dag_pull_by_run_id": ["cross_dag_export_producer"],
    "cross_dag_asset_consumer": ["cross_dag_asset_producer"],
}


class RecipeRunner:
    """Runs each recipe DAG at most once per session and hands out the cached ``RecipeRun``."""

    def __init__(self) -> None:
        migrate_metadata_db()
        self.dagbag = load_recipes()
        self._runs: dict[str, RecipeRun] = {}

    def dag_ids_in(self, recipe_file: Path) -> list[str]:
        """The ids of the DAGs defined in one recipe file."""
        return sorted(d.dag_id for d in self.dagbag.dags.values() if Path(d.fileloc) == recipe_file)

    def run(self, dag_id: str) -> RecipeRun:
        if dag_id not in self._runs:
            for prerequisite in RUN_FIRST.get(dag_id, []):
                self.run(prerequisite)
            dag = self.dagbag.get_dag(dag_id)
            if dag is None:
                raise LookupError(
                    f"No recipe DAG {dag_id!r} under dags/. Known: {sorted(self.dagbag.dag_ids)}; "
                    f"import errors: {self.dagbag.import_errors}"
                )
            self._runs[dag_id] = run_recipe(dag, LOGICAL_DATES.get(dag_id, FIXED_LOGICAL_DATE))
        return self._runs[dag_id]


@pytest.fixture(scope="session")
def recipes() -> Iterator[RecipeRunner]:
    yield RecipeRunner()
