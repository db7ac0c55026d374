"""The production lane: the session's backend profile on a real deployment (harness/deployment.py).

One ``LocalDeployment`` per session, configured with the profile of ``COOKBOOK_XCOM_BACKEND`` and
sharing the session's storage server (same bucket, its own prefix ``deployed/``, and its own data
folder, so the two lanes can run at once). It starts as soon as the session has collected a
check of this lane, in a thread that also runs the catalogue through the REST API (HTTP calls
only), so both overlap the session's in-process tests; the checks here wait for what they need.

Which checks a profile runs is ``PRODUCTION_PROFILES`` (harness/backend_profiles.py); a session on
another profile collects none of them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import BACKEND, session_store_url
from tests.harness.backend_profiles import DEPLOYMENT_ONLY, PRODUCTION_PROFILES
from tests.harness.deployment import LocalDeployment, MissingProgram
from tests.harness.environment import REPO_ROOT
from tests.harness.recipe_specs import spec_of
from tests.harness.storage_servers import connection_env_name
from tests.production.deployed_catalogue import DeployedRun, read_values, run_catalogue
from tests.production.sealed_tenants import TENANT_PUBLIC_KEYS, WORKER_PRIVATE_KEYS
from tests.test_every_recipe import RECIPE_FILES

HERE = REPO_ROOT / "tests" / "production"
# DAGs that only make sense on a deployment (queues, a killed worker), beside the recipes.
DAGS = HERE / "dags"
OBJECT_STORAGE_PATH = "AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH"
# Tasks whose worker died are failed (and retried) after this long without a heartbeat.
HEARTBEAT_TIMEOUT_S = 20


def runs_on_this_profile(dag_id: str) -> bool:
    return spec_of(dag_id).profile in (None, BACKEND.name)


def deployed_on_this_profile(dag_id: str) -> bool:
    """Whether the session's catalogue runs the recipe: a deployment-only recipe only where its
    checks run (``PRODUCTION_PROFILES``)."""
    checks = PRODUCTION_PROFILES.get(BACKEND.name, ())
    if spec_of(dag_id).deployment_only and DEPLOYMENT_ONLY not in checks:
        return False
    return runs_on_this_profile(dag_id)


class ProductionLane:
    """The deployment and the catalogue's runs on it, started in a thread of their own."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="production-lane")
        self.deployment: LocalDeployment | None = None
        self.started: Future | None = None
        self.catalogue: Future | None = None
        self._values: dict[str, DeployedRun] | None = None
        self.to_in_process: dict[str, str] = {}
        """Where the deployment keeps things -> where the in-process lane keeps them."""

    def start(self) -> None:
        self.deployment = LocalDeployment(
            env=self.environment(),
            worker_env=WORKER_PRIVATE_KEYS,
            extra_bundles={"production-checks": DAGS},
        )
        # Its own data folder (airflow_environment's default under its home), never the session's.
        deployed_data = self.deployment.airflow_env()["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"]
        self.to_in_process[deployed_data] = os.environ["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"]
        self.started = self.pool.submit(self.deployment.__enter__)
        self.catalogue = self.pool.submit(self._run_catalogue)

    def environment(self) -> dict[str, str]:
        """The profile's backend settings, as this session applies them, plus the lane's own."""
        env = BACKEND.environment(session_store_url())
        if BACKEND.store:
            name = connection_env_name(BACKEND.store)
            env[name] = os.environ[name]
        if OBJECT_STORAGE_PATH in env:
            # The same store, another prefix: the lanes run at once, and the in-process lane's
            # clearing of a task's XComs (and the orphan sweeper) must not touch the deployment's.
            in_process = env[OBJECT_STORAGE_PATH]
            parent, name = in_process.rsplit("/", 1)
            env[OBJECT_STORAGE_PATH] = f"{parent}/deployed/{name}"
            self.to_in_process[env[OBJECT_STORAGE_PATH]] = in_process
        env["AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT"] = str(HEARTBEAT_TIMEOUT_S)
        env["AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL"] = "5"
        return env | TENANT_PUBLIC_KEYS

    def _run_catalogue(self) -> dict[str, DeployedRun]:
        self.started.result()
        return run_catalogue(self.deployment.api(), len(RECIPE_FILES), deployed_on_this_profile)

    def running_deployment(self) -> LocalDeployment:
        try:
            self.started.result()
        except MissingProgram as missing:
            if os.environ.get("CI"):
                pytest.fail(f"the production lane cannot start in CI: {missing}")
            pytest.skip(f"the production lane needs {missing}")
        return self.deployment

    def runs(self) -> dict[str, DeployedRun]:
        """Every recipe's run on the deployment, values read through this session's backend."""
        self.running_deployment()
        if self._values is None:
            runs = self.catalogue.result()
            with self.backend_as_deployed():
                self._values = {dag_id: read_values(run) for dag_id, run in runs.items()}
        return self._values

    @contextlib.contextmanager
    def backend_as_deployed(self) -> Iterator[None]:
        """This process's backend reading the deployment's object prefix, for the block."""
        deployed = {v: k for k, v in self.to_in_process.items()}
        saved = os.environ.get(OBJECT_STORAGE_PATH)
        if saved in deployed:
            os.environ[OBJECT_STORAGE_PATH] = deployed[saved]
        try:
            yield
        finally:
            if saved is not None:
                os.environ[OBJECT_STORAGE_PATH] = saved

    def stop(self, failed: bool) -> None:
        """Stop the deployment (its logs kept if the session failed), also one still starting
        (the session may end first); a catalogue still running then fails at its next HTTP
        call, and the thread ends."""
        if self.started is None:
            return
        with contextlib.suppress(Exception):
            self.started.result()  # wait for a start in progress: it must not outlive us
        if not self.started.exception():
            self.deployment.__exit__(RuntimeError if failed else None, None, None)
        self.pool.shutdown(wait=True, cancel_futures=True)


LANE = ProductionLane()


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Only the checks ``PRODUCTION_PROFILES`` names for the session's profile are collected."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    wanted = {REPO_ROOT / path for path in PRODUCTION_PROFILES.get(BACKEND.name, ())}
    return collection_path not in wanted


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this lane's checks and run them last: the deployment runs the catalogue in its
    thread while every in-process test of the session runs, not while the session waits."""
    lane = [item for item in items if item.path.is_relative_to(HERE)]
    for item in lane:
        item.add_marker(pytest.mark.production)
    items[:] = [item for item in items if not item.path.is_relative_to(HERE)] + lane


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the deployment as soon as a check of this lane is to run (after deselection)."""
    if session.config.option.collectonly:
        return
    if any(item.path.is_relative_to(HERE) for item in session.items):
        LANE.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    LANE.stop(failed=exitstatus != 0)


@pytest.fixture(scope="session")
def deployment() -> LocalDeployment:
    return LANE.running_deployment()


@pytest.fixture(scope="session")
def deployed_runs(recipes) -> dict[str, DeployedRun]:
    """Every recipe's run on the deployment (``recipes`` has set the backend's variables)."""
    return LANE.runs()
