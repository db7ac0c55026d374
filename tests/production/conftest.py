"""The production lane: the session's backend profile on a real deployment (harness/deployment.py).

One ``LocalDeployment`` per session, configured with the profile of ``COOKBOOK_XCOM_BACKEND`` and
sharing the session's storage server (same bucket, same paths: a recipe's objects are where the
in-process lane puts them). ``./dev check-production`` runs this lane for each profile it names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKEND
from tests.harness.backend_profiles import PRODUCTION_PROFILES
from tests.harness.deployment import LocalDeployment, MissingProgram
from tests.harness.environment import REPO_ROOT
from tests.harness.storage_servers import connection_env_name
from tests.production.sealed_tenants import TENANT_PUBLIC_KEYS, WORKER_PRIVATE_KEYS

# DAGs that only make sense on a deployment (queues, a killed worker), beside the recipes.
DAGS = REPO_ROOT / "tests" / "production" / "dags"
# Tasks whose worker died are failed (and retried) after this long without a heartbeat.
HEARTBEAT_TIMEOUT_S = 20


@pytest.fixture(scope="session")
def deployment(recipes) -> Iterator[LocalDeployment]:
    """The deployment, with the session's backend; ``recipes`` has set the profile's variables."""
    env = BACKEND.environment(None)  # backend and options, as the session applied them
    env = {name: os.environ[name] for name in env} | TENANT_PUBLIC_KEYS
    if BACKEND.store:
        name = connection_env_name(BACKEND.store)
        env[name] = os.environ[name]
    # Recipes that write files write them where the in-process lane does (same paths in rows).
    env["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"] = os.environ["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"]
    env["AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT"] = str(HEARTBEAT_TIMEOUT_S)
    env["AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL"] = "5"
    try:
        with LocalDeployment(
            env=env, worker_env=WORKER_PRIVATE_KEYS, extra_bundles={"production-checks": DAGS}
        ) as running:
            yield running
    except MissingProgram as missing:
        if os.environ.get("CI"):
            pytest.fail(f"the production lane cannot start in CI: {missing}")
        pytest.skip(f"the production lane needs {missing}")


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Only the checks ``PRODUCTION_PROFILES`` names for the session's profile are collected: a
    session on another profile has no deployment of this lane (and the worker-loss and per-queue
    checks need their own profile's backend)."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    wanted = {REPO_ROOT / path for path in PRODUCTION_PROFILES.get(BACKEND.name, ())}
    return collection_path not in wanted


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(REPO_ROOT / "tests" / "production"):
            item.add_marker(pytest.mark.production)
