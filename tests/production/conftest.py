"""The production lane: the session's backend profile on a real deployment (harness/deployment.py).

One ``LocalDeployment`` per session, configured with the profile of ``COOKBOOK_XCOM_BACKEND`` and
sharing the session's storage server (same bucket, same paths: a recipe's objects are where the
in-process lane puts them). ``./dev check-production`` runs this lane for each profile it names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import BACKEND
from tests.harness.deployment import LocalDeployment, MissingProgram
from tests.harness.environment import REPO_ROOT
from tests.harness.storage_servers import connection_env_name
from tests.production.sealed_tenants import TENANT_PUBLIC_KEYS, WORKER_PRIVATE_KEYS

# Tasks whose worker died are failed (and retried) after this long without a heartbeat.
HEARTBEAT_TIMEOUT_S = 30


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
        with LocalDeployment(env=env, worker_env=WORKER_PRIVATE_KEYS) as running:
            yield running
    except MissingProgram as missing:
        if os.environ.get("CI"):
            pytest.fail(f"the production lane cannot start in CI: {missing}")
        pytest.skip(f"the production lane needs {missing}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(REPO_ROOT / "tests" / "production"):
            item.add_marker(pytest.mark.production)
