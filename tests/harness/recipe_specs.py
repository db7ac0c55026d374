"""What the lanes expect of each recipe, declared once: one ``RecipeSpec`` per recipe that is not
plain (a plain recipe runs to success, every task succeeds, on every backend, at the fixed date).

Read by the in-process lane (tests/conftest.py, tests/test_every_recipe.py), the backend-profile
lane and the benchmarks. Adding a recipe whose lesson is a failure, or that needs another recipe's
run, a later date or one backend, means one entry here and nothing anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.harness.environment import FIXED_LOGICAL_DATE


@dataclass(frozen=True)
class RecipeSpec:
    task_states: dict[str, str] | None = None
    """Each task instance's final state (``task[2]`` for a map index); None: all succeed."""
    logical_date: datetime | None = FIXED_LOGICAL_DATE
    """None: a run without a logical date (as asset-triggered runs and many API triggers are); it
    is still due at ``FIXED_LOGICAL_DATE`` (``run_after``)."""
    run_first: tuple[str, ...] = ()
    """Recipes whose runs this one reads (they run first, in the same session)."""
    profile: str | None = None
    """The backend profile the recipe's lesson needs (harness/backend_profiles.py); a session on
    another profile runs it in a fresh Airflow process with this one."""
    known_differences: dict[str, str] = field(default_factory=dict)
    """Backend profile -> why that backend changes what the recipe receives (reported as xfail)."""
    deployment_only: str = ""
    """Why ``dag.test()`` cannot show the recipe's lesson (it needs a triggerer, a scheduler, the
    DAG processor or a worker without DB access); set: only the production lane runs it, and
    its run there is the one the site shows."""

    @property
    def run_after(self) -> datetime:
        return self.logical_date or FIXED_LOGICAL_DATE


PLAIN = RecipeSpec()

SPECS: dict[str, RecipeSpec] = {
    "pulling_missing_key": RecipeSpec(
        task_states={
            "find_new_files": "success",
            "pull_with_a_typo": "success",
            "require_the_count": "failed",
            "receive_missing_return_value": "success",
        }
    ),
    "mapping_max_map_length_exceeded": RecipeSpec(
        task_states={
            "list_customer_ids": "failed",
            "email_customer": "upstream_failed",
            "list_customer_id_ranges": "success",
            "email_batch[0]": "success",
            "email_batch[1]": "success",
            "email_batch[2]": "success",
        }
    ),
    "custom_types_class_not_in_allow_list": RecipeSpec(
        task_states={"request_quote": "success", "book_carrier": "failed"}
    ),
    "custom_types_unserializable_values": RecipeSpec(
        task_states={
            "return_bytes": "failed",
            "return_nan": "failed",
            "return_ndarray": "failed",
            "return_converted": "success",
        },
        known_differences={
            "official-s3": (
                "common-io 1.11.0 stores float('nan') in the object instead of refusing it, and "
                "reports bytes as 'Object of type bytes is not JSON serializable' "
                "(pinned in tests/backends/test_official_backend.py)"
            ),
        },
    ),
    "contracts_denied_pull": RecipeSpec(
        task_states={
            "export_orders": "success",
            "load_orders": "success",
            "notify_channel": "failed",
        }
    ),
    "contracts_size_refusal": RecipeSpec(
        task_states={"find_new_orders": "failed", "load_orders": "upstream_failed"}
    ),
    "contracts_sealed_value": RecipeSpec(profile="sealed"),
    "control_flow_branch_on_value": RecipeSpec(
        task_states={
            "count_new_rows": "success",
            "choose_path": "success",
            "load_rows": "skipped",
            "report_nothing_new": "success",
        }
    ),
    "control_flow_short_circuit": RecipeSpec(
        task_states={
            "count_new_files": "success",
            "has_new_files": "success",
            "ingest_files": "skipped",
        }
    ),
    # A consumer runs on a later day than its producer, as in production, so that run ids differ.
    "cross_dag_pull_by_run_id": RecipeSpec(
        logical_date=datetime(2026, 1, 2, tzinfo=UTC), run_first=("cross_dag_export_producer",)
    ),
    "cross_dag_asset_consumer": RecipeSpec(run_first=("cross_dag_asset_producer",)),
    "cross_dag_trigger_child_with_conf": RecipeSpec(
        deployment_only="the child run needs a scheduler, and the wait a triggerer"
    ),
    "basics_run_without_logical_date": RecipeSpec(logical_date=None),
    "operators_end_from_trigger": RecipeSpec(
        deployment_only="dag.test() resumes the task in its method instead of ending it from "
        "the trigger (pinned in tests/recipes/test_operators.py)"
    ),
    "callbacks_task_callbacks_read_xcoms": RecipeSpec(
        task_states={
            "count_new_orders": "success",
            "load_orders": "success",
            "publish_report": "failed",
        }
    ),
    "callbacks_dag_callback_reads_result": RecipeSpec(
        deployment_only="dag.test() runs DAG callbacks where a pull fails (pinned in "
        "tests/recipes/test_callbacks.py); the DAG processor runs them on a deployment"
    ),
    "upgrading_orm_query_in_a_task": RecipeSpec(
        task_states={"list_export_files": "success", "count_export_files": "failed"},
        deployment_only="dag.test() runs tasks in a process that may open DB sessions; "
        "workers may not (pinned in tests/recipes/test_upgrading.py)",
    ),
}


def spec_of(dag_id: str) -> RecipeSpec:
    return SPECS.get(dag_id, PLAIN)


def dag_id_of(recipe_file: str) -> str:
    """A recipe's DAG id is ``<chapter>_<file name>``: ``dags/basics/x.py`` -> ``basics_x``."""
    chapter, name = recipe_file.removesuffix(".py").split("/")[-2:]
    return f"{chapter}_{name}"
