"""Lifecycle chapter: what each recipe promises, read back through the backend."""

from __future__ import annotations


def test_retry_clears_what_the_failed_try_pushed(recipes):
    run = recipes.run("lifecycle_retry_clears_old_xcoms")

    assert run.errors == {
        "export_orders": "ConnectionError: object store timed out after writing part 1; retrying"
    }
    assert run.task_states["export_orders"] == "success"
    assert run.keys("export_orders") == ["export_path_v1"]  # partial_export_path_v1 is gone


def test_dag_result_flags_the_returned_tasks_row(recipes):
    run = recipes.run("lifecycle_dag_result")

    flagged = [(x.task_id, x.key, x.value) for x in run.xcoms if x.dag_result]
    assert flagged == [("format_answer", "return_value", {"active_customers": 1834})]
