"""TaskFlow and pulling chapters: what each recipe promises, read back through the backend."""

from __future__ import annotations


def test_multiple_outputs_pushes_each_key_and_the_whole_dict(recipes):
    run = recipes.run("taskflow_multiple_outputs_explicit")

    assert run.keys("summarize_load") == ["loaded_row_count", "rejected_row_count", "return_value"]
    assert run.value("summarize_load", "rejected_row_count") == 3
    assert run.value("summarize_load") == {"loaded_row_count": 1200, "rejected_row_count": 3}
    assert run.value("decide_alert") == "page the on-call"
    assert run.value("write_report") == "1200 loaded, 3 rejected"


def test_dict_annotation_infers_multiple_outputs_unless_turned_off(recipes):
    run = recipes.run("taskflow_multiple_outputs_inferred")

    assert run.keys("count_by_region") == ["apac", "emea", "return_value"]
    assert run.keys("count_by_channel") == ["return_value"]
    assert run.value("total") == 58


def test_classic_output_and_a_named_key_feed_a_task(recipes):
    run = recipes.run("taskflow_classic_output_to_task")

    assert run.value("load_export") == "loaded exports/2026-01-01/orders.parquet as parquet"


def test_bash_pushes_its_last_stdout_line_as_a_string(recipes):
    run = recipes.run("taskflow_bash_last_line")

    assert run.value("count_files") == "42"
    assert run.value("plan_batches") == 5


def test_do_xcom_push_false_and_none_return_store_nothing(recipes):
    run = recipes.run("taskflow_suppressing_pushes")

    assert run.state == "success"
    assert run.xcoms == []


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
