"""Custom operators chapter: deferral, triggers that end their task, extra links."""

from __future__ import annotations

from tests.harness.running import run_recipe


def test_execute_complete_returns_the_deferred_tasks_value(recipes):
    run = recipes.run("operators_execute_complete_returns")

    assert run.value("wait_for_export") == {"export_id": "exp-2026-01-01", "row_count": 1834}
    assert run.value("load_export") == 1834


def test_dag_test_resumes_a_task_that_its_trigger_would_end(recipes):
    """Why ``operators_end_from_trigger`` runs on the production lane only: ``dag.test()``
    runs the trigger inline and then resumes the task in the method ``defer`` named, ignoring
    ``TaskSuccessEvent``; the triggerer ends the task (tests/production)."""
    dag = recipes.dagbag.get_dag("operators_end_from_trigger")
    run = run_recipe(dag)

    assert run.errors == {
        "wait_for_export": "RuntimeError: the trigger should have ended this task"
    }
    assert run.xcoms == []


def test_extra_link_is_stored_as_one_more_xcom_row(recipes):
    run = recipes.run("operators_extra_link_from_xcom")
    url = "https://jobs.example.com/console/job-1834"

    assert run.keys("submit_job") == ["_link_JobConsoleLink", "job_console_url_v1", "return_value"]
    assert run.value("submit_job", "job_console_url_v1") == url
    assert run.value("submit_job", "_link_JobConsoleLink") == url
    # The worker writes link rows past the XCom backend (task_runner._xcom_push_to_db): the
    # plain URL in the metadata database under every backend profile.
    assert run.row("submit_job", "_link_JobConsoleLink").stored == url
