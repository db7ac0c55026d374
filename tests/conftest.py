"""One pytest session, one throwaway Airflow: a SQLite DB migrated once, each recipe run once.

Airflow reads its configuration when it is first imported, so the throwaway ``AIRFLOW_HOME`` is set
here, at import time of this conftest, before any test module imports ``airflow``.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.airflow_versions import (
    PROJECT_MINOR,
    running_minor,
    share_the_in_process_execution_api,
)
from tests.harness.backend_profiles import PROFILES, local_store_url, selected_profile
from tests.harness.environment import (
    DAGS_FOLDER,
    REPO_ROOT,
    configure_airflow_home,
    environment_without_airflow,
    migrate_metadata_db,
)
from tests.harness.fresh_process import recipe_run, run_dag
from tests.harness.recipe_specs import spec_of
from tests.harness.running import RecipeRun, load_recipes, run_recipe
from tests.harness.version_lane import (
    RUNNING,
    expect_the_lesson_on_this_airflow,
    record,
    unshown_differences,
)

AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="xcom-cookbook-airflow-"))
configure_airflow_home(AIRFLOW_HOME)
# The backend templates import as `xcom_backends.<module>`, as they would from a user's plugins/.
sys.path.insert(0, str(REPO_ROOT / "templates"))
# COOKBOOK_XCOM_BACKEND picks the XCom backend of the whole session (harness/backend_profiles.py).
BACKEND = selected_profile()
if BACKEND.backend:
    os.environ["AIRFLOW__CORE__XCOM_BACKEND"] = BACKEND.backend

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


def defined(dotted_name: str) -> bool:
    """Whether the installed Airflow defines ``module.Name``."""
    module, _, name = dotted_name.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


def pytest_configure(config: pytest.Config) -> None:
    for category in AIRFLOW_DEPRECATIONS:
        if defined(category):  # older releases lack some (tests/harness/airflow_versions.py)
            config.addinivalue_line("filterwarnings", f"error::{category}")
    for message in AIRFLOW_INTERNAL_DEPRECATIONS:
        config.addinivalue_line("filterwarnings", f"ignore:{message}")
    if running_minor() != PROJECT_MINOR:
        # An older release's own modules warn about what their newer dependencies deprecated
        # (starlette's HTTP_422_UNPROCESSABLE_ENTITY on 3.1): shown, not failed. Recipes still
        # fail on Airflow's deprecation categories above.
        config.addinivalue_line("filterwarnings", "default::DeprecationWarning:airflow.*")


def pytest_unconfigure(config: pytest.Config) -> None:
    STORAGE_SERVERS.stop_all()
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def running_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """The running test, which a version lane marks where a recipe differs (version_lane.py)."""
    RUNNING.append(request.node)
    yield
    RUNNING.remove(request.node)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    record(report)
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On an older Airflow, a declared difference that no test showed fails the session."""
    stale = unshown_differences()
    if stale and running_minor() != PROJECT_MINOR:
        lines = "\n".join(f"  {dag_id}: {why}" for dag_id, why in stale.items())
        print(
            f"\nAirflow {running_minor()} no longer differs on these recipes (every test of "
            f"theirs passed); update their RecipeSpec in tests/harness/recipe_specs.py:\n{lines}"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


class RecipeRunner:
    """Runs each recipe DAG at most once per session and hands out the cached ``RecipeRun``."""

    def __init__(self, store_url: str | None) -> None:
        os.environ.update(BACKEND.environment(store_url))
        share_the_in_process_execution_api()  # as Airflow 3.3 does; older releases rebuild it
        self.dagbag = load_recipes()
        self._runs: dict[str, RecipeRun] = {}

    @property
    def dag_ids(self) -> list[str]:
        """Every recipe this lane runs (deployment-only recipes are the production lane's)."""
        return sorted(d for d in self.dagbag.dag_ids if not spec_of(d).deployment_only)

    def dag_ids_in(self, recipe_file: Path) -> list[str]:
        """The ids of the DAGs defined in one recipe file."""
        return sorted(d.dag_id for d in self.dagbag.dags.values() if Path(d.fileloc) == recipe_file)

    def runs_elsewhere(self, dag_id: str) -> bool:
        """Whether the recipe needs another backend than this session's (its spec's profile)."""
        return spec_of(dag_id).profile not in (None, BACKEND.name)

    def run(self, dag_id: str) -> RecipeRun:
        spec = spec_of(dag_id)
        if spec.deployment_only:
            raise LookupError(
                f"{dag_id} runs on the production lane only ({spec.deployment_only}): "
                "read its run with the deployed_runs fixture of tests/production"
            )
        if BACKEND.name in spec.known_differences:
            pytest.xfail(f"{BACKEND.name} changes {dag_id}: {spec.known_differences[BACKEND.name]}")
        expect_the_lesson_on_this_airflow(dag_id)
        if dag_id not in self._runs and self.runs_elsewhere(dag_id):
            profile = PROFILES[spec.profile]
            env = environment_without_airflow("COOKBOOK_") | profile.environment(None)
            self._runs[dag_id] = recipe_run(run_dag(DAGS_FOLDER, dag_id, env))
        if dag_id not in self._runs:
            for prerequisite in spec.run_first:
                self.run(prerequisite)
            dag = self.dagbag.get_dag(dag_id)
            if dag is None:
                raise LookupError(
                    f"No recipe DAG {dag_id!r} under dags/. Known: {sorted(self.dagbag.dag_ids)}; "
                    f"import errors: {self.dagbag.import_errors}"
                )
            self._runs[dag_id] = run_recipe(dag, spec.logical_date, run_after=spec.run_after)
        return self._runs[dag_id]


class StorageServers:
    """Starts each local storage server on first use; stops them all at the end of the session."""

    def __init__(self) -> None:
        self.running: dict = {}

    def get(self, store: str):
        from tests.harness.storage_servers import ServerUnavailable, start_server

        if store not in self.running:
            try:
                self.running[store] = start_server(store)
            except ServerUnavailable as missing:
                if os.environ.get("CI"):
                    pytest.fail(f"{store} server unavailable in CI: {missing}")
                pytest.skip(f"{store} server unavailable: {missing}")
        return self.running[store]

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()


# One set per session: the fixture below and the production lane's start (tests/production).
STORAGE_SERVERS = StorageServers()


@pytest.fixture(scope="session")
def storage_servers() -> Iterator[StorageServers]:
    yield STORAGE_SERVERS
    STORAGE_SERVERS.stop_all()


def session_store_url() -> str | None:
    """The object store of the session's backend profile (its server started on first use)."""
    if BACKEND.store == "local":
        return local_store_url(AIRFLOW_HOME)
    if BACKEND.store:
        return STORAGE_SERVERS.get(BACKEND.store).base_url
    return None


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Airflow is configured for the session and its metadata DB migrated; no recipe is parsed."""
    migrate_metadata_db()


@pytest.fixture(scope="session")
def recipes(storage_servers, airflow_db) -> Iterator[RecipeRunner]:
    yield RecipeRunner(session_store_url())


@pytest.fixture
def stored_form() -> None:
    """For tests about how a value is stored, which only Airflow's default backend defines."""
    if BACKEND.backend:
        pytest.skip(f"asserts the default backend's stored form; this session runs {BACKEND.name}")
    if running_minor() != PROJECT_MINOR:
        pytest.skip(
            f"the site shows Airflow {PROJECT_MINOR}'s stored rows; this is {running_minor()}"
        )
