"""Airflow 3 behaviour changes chapter: what each recipe promises, read back through the backend."""

from __future__ import annotations


def test_pull_without_task_ids_reads_only_the_current_task(recipes):
    run = recipes.run("upgrading_pull_without_task_ids")

    assert run.value("resume_from_checkpoint") == {
        "no_task_ids_before_own_push": None,  # Airflow 2 would have found the upstream's value
        "no_task_ids_after_own_push": "from this task",
        "named_producer": "from upstream",
    }


def test_default_is_ignored_without_map_indexes(recipes):
    run = recipes.run("upgrading_default_needs_map_indexes")

    # Pins apache/airflow#64295: when `default_only` becomes 0, update the recipe and its page.
    assert run.value("read_error_count") == {
        "default_only": None,
        "default_with_map_indexes": 0,
        "fallback_in_code": 0,
    }


def test_task_sdk_pulls_replace_get_many_and_delete_removes_the_row(recipes):
    run = recipes.run("upgrading_task_sdk_instead_of_orm")

    assert run.value("summarize") == {"orders": 1834, "refunds": 12}
    assert run.keys("stage_rows") == []  # deleted by delete_scratch_rows
    assert run.keys("delete_scratch_rows") == []  # its pull found nothing, so it returned None


def test_dag_test_lets_a_task_query_the_metadata_db(recipes):
    """Why ``upgrading_orm_query_in_a_task`` runs on the production lane only: in ``dag.test()``
    the ORM query works (and reads the stored form, past the backend); a worker refuses it."""
    from tests.harness.running import run_recipe

    run = run_recipe(recipes.dagbag.get_dag("upgrading_orm_query_in_a_task"))

    assert run.task_states == {"list_export_files": "success", "count_export_files": "success"}
    # The length of the stored form: the list (2) under the default backend, the reference
    # dict under an offloading one.
    assert run.value("count_export_files") == len(run.row("list_export_files").stored)
