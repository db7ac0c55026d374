"""What the lanes expect of each recipe, declared once: one ``RecipeSpec`` per recipe that is not
plain (a plain recipe runs to success, every task succeeds, on every backend, at the fixed date).

Read by the in-process lane (tests/conftest.py, tests/test_every_recipe.py), the backend-profile
lane and the benchmarks. Adding a recipe whose lesson is a failure, or that needs another recipe's
run, a later date or one backend, means one entry here and nothing anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.harness.airflow_versions import as_tuple
from tests.harness.environment import FIXED_LOGICAL_DATE

NEEDS = "before its first release: "  # how differs_on() starts for a release before ``since``


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

    since: str = "3.0"
    """The first Airflow minor whose behaviour the recipe teaches (harness/airflow_versions.py).
    On older minors the version lanes expect it to differ (xfail); the site shows "Airflow 3.x+"."""
    since_why: str = ""
    """What an older minor does instead (shown on the site, the reason of the xfail)."""
    airflow_differences: dict[str, str] = field(default_factory=dict)
    """Airflow minor -> how the recipe behaves differently on it, as a version lane saw it."""

    def differs_on(self, minor: str) -> str | None:
        """How the recipe's lesson fails to hold on Airflow ``minor``, or None where it holds."""
        if as_tuple(minor) < as_tuple(self.since):
            return f"{NEEDS}{self.since_why}"
        return self.airflow_differences.get(minor)

    @property
    def run_after(self) -> datetime:
        return self.logical_date or FIXED_LOGICAL_DATE


PLAIN = RecipeSpec()

# What the version lanes saw, written once for the recipes they apply to.
PANDAS_3 = (
    "with pandas 3 (the newest on PyPI when 3.1.8 and 3.2.2 came out) the push fails: "
    "TypeError: cannot serialize object of type <class 'pandas.DataFrame'>"
)
OLD_SERIALIZER_ERRORS = (
    "the errors read \"cannot serialize object of type <class 'bytes'>\" (lower case, without "
    "3.3's advice to give the class a serialize() method)"
)
INACTIVE_ASSET = (
    "under dag.test() on 3.0 the task fails: AirflowInactiveAssetInInletOrOutletException "
    "(the asset was never registered as active)"
)

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
        task_states={"request_quote": "success", "book_carrier": "failed"},
    ),
    "custom_types_dataframe_round_trip": RecipeSpec(
        airflow_differences={"3.1": PANDAS_3, "3.2": PANDAS_3}
    ),
    "custom_types_pydantic_model": RecipeSpec(
        since="3.1",
        since_why="3.0 cannot serialize a pydantic model: TypeError: cannot serialize object "
        "of type <class 'custom_types._shipping_models.Invoice'>",
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
        airflow_differences={minor: OLD_SERIALIZER_ERRORS for minor in ("3.0", "3.1", "3.2")},
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
    "contracts_sealed_value": RecipeSpec(
        profile="sealed",
        since="3.2",
        since_why="the run under the layered backend fails on 3.0 and 3.1: the backend "
        "templates are written for the Task SDK of 3.2+",
    ),
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
        logical_date=datetime(2026, 1, 2, tzinfo=UTC),
        run_first=("cross_dag_export_producer",),
        airflow_differences={
            minor: "include_prior_dates=True without a run id still finds the other DAG's value "
            "(the None of 3.2 and later is apache/airflow#70173)"
            for minor in ("3.0", "3.1")
        },
    ),
    "cross_dag_asset_producer": RecipeSpec(since="3.1", since_why=INACTIVE_ASSET),
    "cross_dag_asset_consumer": RecipeSpec(
        run_first=("cross_dag_asset_producer",), since="3.1", since_why=INACTIVE_ASSET
    ),
    "cross_dag_triggered_child": RecipeSpec(
        since="3.3", since_why="it returns its answer as a DAG result, new in 3.3"
    ),
    "lifecycle_dag_result": RecipeSpec(
        since="3.3", since_why="DAG results are new in 3.3: no row is flagged before it"
    ),
    "basics_reference_not_data": RecipeSpec(
        airflow_differences={
            "3.0": "the consumer fails: TypeError: '_io.TextIOWrapper' object is not subscriptable"
        }
    ),
    "cross_dag_trigger_child_with_conf": RecipeSpec(
        deployment_only="the child run needs a scheduler, and the wait a triggerer",
        since="3.1",
        since_why="apache-airflow-providers-standard 1.6.0 (locked with 3.0.6): "
        "TriggerDagRunOperator has no deferrable attribute",
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
        },
        since="3.3",
        since_why='under dag.test() the failure callback\'s context["exception"] raised, so '
        "the failure notification was not sent",
    ),
    "callbacks_dag_callback_reads_result": RecipeSpec(
        deployment_only="dag.test() runs DAG callbacks where a pull fails (pinned in "
        "tests/recipes/test_callbacks.py); the DAG processor runs them on a deployment",
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
