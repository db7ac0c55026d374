"""Isolated environments chapter: values in and out of other interpreters and processes."""

from __future__ import annotations


def test_a_virtualenv_task_returns_through_the_worker(recipes):
    run = recipes.run("isolated_virtualenv_task")

    assert run.value("score_orders") == {
        "scored": 1834,
        "in_a_virtualenv": True,
        "airflow_importable": False,
    }


def test_an_external_python_task_returns_through_the_worker(recipes):
    run = recipes.run("isolated_external_python_task")

    assert run.value("build_report") == {"orders": 1834, "airflow_importable": False}


def test_bash_pushes_json_as_text_and_subprocess_can_push_the_dict(recipes):
    run = recipes.run("isolated_subprocess_json_result")

    assert run.row("validate_with_bash").stored == '{"valid_rows": 1830, "invalid_rows": 4}'
    assert run.value("read_bash_result") == 1830
    assert run.row("validate_with_subprocess").stored == {"valid_rows": 1830, "invalid_rows": 4}


def test_the_pod_result_file_becomes_the_return_value(recipes):
    run = recipes.run("isolated_pod_xcom_file_protocol")

    assert run.value("run_container_step") == {"rows": 1834, "uri": "s3://exports/orders.parquet"}
    assert run.value("load") == "1834 rows at s3://exports/orders.parquet"
