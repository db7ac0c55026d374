"""TaskFlow chapter: what each recipe promises, read back through the backend."""

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
