"""Dynamic task mapping chapter."""

from __future__ import annotations


def mapped_values(run, task_id):
    rows = sorted((x for x in run.xcoms if x.task_id == task_id), key=lambda x: x.map_index)
    return [(x.map_index, x.value) for x in rows]


def test_expand_pushes_one_row_per_index_and_the_reducer_sums_them(recipes):
    run = recipes.run("mapping_expand_and_reduce")

    assert mapped_values(run, "count_rows") == [(0, 120), (1, 95), (2, 143)]
    assert run.value("total_rows") == 358


def test_partial_arguments_are_shared_by_every_instance(recipes):
    run = recipes.run("mapping_partial_expand")

    assert mapped_values(run, "load_partition") == [
        (0, "orders/2026-01-01"),
        (1, "orders/2026-01-02"),
    ]


def test_expand_kwargs_maps_over_dicts_of_arguments(recipes):
    run = recipes.run("mapping_expand_kwargs")

    assert mapped_values(run, "copy_file") == [
        (0, "landing/orders.csv -> raw/orders.csv"),
        (1, "landing/refunds.csv -> raw/refunds.csv"),
    ]


def test_zip_pairs_elements_and_stops_at_the_shorter_list(recipes):
    run = recipes.run("mapping_zip_inputs")

    assert mapped_values(run, "check_table") == [(0, "orders: 120 rows"), (1, "refunds: 7 rows")]


def test_map_transforms_each_element_without_storing_the_result(recipes):
    run = recipes.run("mapping_map_transform")

    assert run.keys("list_new_files") == ["return_value"]
    assert mapped_values(run, "copy_file") == [
        (0, "landing/orders.csv -> raw/orders.csv"),
        (1, "landing/refunds.csv -> raw/refunds.csv"),
    ]


def test_map_indexes_selects_one_instance_or_a_list(recipes):
    run = recipes.run("mapping_pull_one_map_index")

    assert run.value("inspect_squares") == {
        "all": [4, 9, 16],
        "index_1": 9,
        "indexes_0_and_2": [4, 16],
    }


def test_more_than_max_map_length_items_fail_the_producer(recipes):
    run = recipes.run("mapping_max_map_length_exceeded")

    assert run.keys("list_customer_ids") == []  # nothing stored for the oversized list
    assert "unmappable_return_value_length" in run.errors["list_customer_ids"]
    assert run.task_states["email_customer"] == "upstream_failed"
    assert sum(value for _, value in mapped_values(run, "email_batch")) == 1025


def test_a_pull_by_task_id_string_collapses_one_instance_to_its_value(recipes):
    run = recipes.run("mapping_single_instance_pull")

    assert mapped_values(run, "count_lines") == [(0, 1834)]
    assert run.value("compare_pulls") == {
        "task_ids_as_string": 1834,
        "task_ids_as_list": [1834],
        "argument": [1834],
    }


def test_a_mapped_output_arrives_as_a_lazy_sequence(recipes):
    run = recipes.run("mapping_lazy_sequence")

    assert run.value("inspect_counts") == {
        "type": "LazyXComSequence",
        "len": 3,
        "first": 120,
        "last": 143,
        "slice": [95, 143],
        "total": 358,
    }


def test_each_instance_of_a_mapped_group_passes_its_own_map_index(recipes):
    run = recipes.run("mapping_mapped_task_group")

    assert mapped_values(run, "load_partition.extract") == [
        (0, {"partition": "2026-01-01", "rows": 120}),
        (1, {"partition": "2026-01-02", "rows": 95}),
    ]
    assert run.value("report") == ["2026-01-01: 120 rows ok", "2026-01-02: 95 rows ok"]
