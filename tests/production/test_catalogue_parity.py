"""Every recipe on a real deployment gives what the in-process lane records for it.

Triggered through the REST API v2 on PostgreSQL + CeleryExecutor (harness/deployment.py), each
recipe must end with the same run state and task states, flag the same DAG result, and store the
same rows: the same stored form (run id and a sealed envelope's fresh random fields aside) and the
same value read back through the session's backend. Recipes that need another backend profile run
in that profile's session of this lane (``./dev check-production``), never nowhere.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.harness.backend_profiles import PRODUCTION_PROFILES
from tests.harness.environment import REPO_ROOT
from tests.harness.recipe_specs import spec_of
from tests.harness.stored_rows import sizes_of_fresh_fields
from tests.production.conftest import LANE, runs_on_this_profile
from tests.production.deployed_catalogue import run_id_placeholder, with_replaced
from tests.test_every_recipe import IN_PROCESS_RECIPE_FILES


def comparable(run_id: str, xcoms, replacements: dict[str, str] | None = None) -> list[tuple]:
    """Rows to compare: run ids as ``<run id>``, sealed random fields as sizes, and (for the
    deployment) its own data folder and object prefix as the in-process lane's. An object's
    digest and sizes are left out where the value names a lane's own data folder or run id: the
    objects then differ by that path or id, as they must."""
    replacements = (replacements or {}) | run_id_placeholder(run_id)
    rows = []
    for x in xcoms:
        value = with_replaced(x.value, replacements)
        stored = sizes_of_fresh_fields(with_replaced(x.stored, replacements))
        if isinstance(stored, dict) and (mentions_data_folder(value) or "<run id>" in str(value)):
            stored = {k: v for k, v in stored.items() if k not in OBJECT_SIZE_AND_DIGEST}
        rows.append((x.task_id, x.map_index, x.key, stored, comparable_value(value)))
    return rows


# What an object reference records of the object's contents: its digest, its size, and the size
# of the JSON it holds.
OBJECT_SIZE_AND_DIGEST = ("blake3", "bytes", "json_bytes")


def mentions_data_folder(value) -> bool:
    return os.environ["AIRFLOW_VAR_COOKBOOK_DATA_ROOT"] in json.dumps(value, default=repr)


def comparable_value(value):
    """A DataFrame as its data and dtypes (``==`` on two frames compares cell by cell)."""
    if type(value).__name__ == "DataFrame":
        return ("DataFrame", value.to_dict(orient="split"), value.dtypes.astype(str).to_dict())
    return value


@pytest.mark.parametrize("recipe_file", IN_PROCESS_RECIPE_FILES)
def test_recipe_on_the_deployment_matches_the_in_process_lane(deployed_runs, recipes, recipe_file):
    (dag_id,) = recipes.dag_ids_in(REPO_ROOT / recipe_file)
    if not runs_on_this_profile(dag_id):
        profile = spec_of(dag_id).profile
        assert profile in PRODUCTION_PROFILES, f"{dag_id} needs {profile}, which this lane lacks"
        pytest.skip(f"{dag_id} needs the {profile} profile: its session of this lane runs it")
    deployed = deployed_runs[dag_id]
    local = recipes.run(dag_id)

    assert (deployed.state, deployed.task_states) == (local.state, local.task_states)
    assert comparable(deployed.run_id, deployed.xcoms, LANE.to_in_process) == comparable(
        local.run_id, local.xcoms
    )
    assert set(deployed.dag_results) == {x.task_id for x in local.xcoms if x.dag_result}
