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
