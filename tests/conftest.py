"""One pytest session, one throwaway Airflow: a SQLite DB migrated once, each recipe run once.

Airflow reads its configuration when it is first imported, so the throwaway ``AIRFLOW_HOME`` is set
here, at import time of this conftest, before any test module imports ``airflow``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.recipe_harness import (
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


def pytest_configure(config: pytest.Config) -> None:
    for category in AIRFLOW_DEPRECATIONS:
        config.addinivalue_line("filterwarnings", f"error::{category}")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


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
            dag = self.dagbag.get_dag(dag_id)
            if dag is None:
                raise LookupError(
                    f"No recipe DAG {dag_id!r} under dags/. Known: {sorted(self.dagbag.dag_ids)}; "
                    f"import errors: {self.dagbag.import_errors}"
                )
            self._runs[dag_id] = run_recipe(dag)
        return self._runs[dag_id]


@pytest.fixture(scope="session")
def recipes() -> Iterator[RecipeRunner]:
    yield RecipeRunner()
