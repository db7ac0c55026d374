"""Pulling chapter: what each recipe promises, read back through the backend."""

from __future__ import annotations


def test_templated_fields_render_the_pulled_value(recipes):
    run = recipes.run("pulling_templated_pull")

    assert run.value("compact_partition") == "partition=2026-01-01"


def test_task_ids_shape_decides_scalar_or_list(recipes):
    run = recipes.run("pulling_pull_from_several_tasks")

    assert run.value("compare_counts") == {
        "one_id": 120,
        "list_of_one": [120],
        "list_of_two": [7, 120],  # in the order the task ids were given
    }


def test_missing_key_pulls_none_and_the_guard_names_the_fix(recipes):
    run = recipes.run("pulling_missing_key")

    assert run.keys("pull_with_a_typo") == []  # it returned None: the typo pulled nothing
    assert run.value("receive_missing_return_value") == "received None"
    assert run.errors == {
        "require_the_count": "LookupError: find_new_files pushed no 'new_files_count_v1'; the key "
        "it pushes is 'new_file_count_v1'. Fix the key in require_the_count."
    }
