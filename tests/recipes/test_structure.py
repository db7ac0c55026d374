"""Task groups and setup/teardown chapter: what each recipe promises, read back."""

from __future__ import annotations


def test_task_group_takes_and_returns_values(recipes):
    run = recipes.run("structure_task_group_in_out")

    assert run.value("clean_and_count.clean") == "clean/orders.csv"
    assert run.value("report") == "3 clean rows"


def test_setup_teardown_share_the_resource_id(recipes):
    run = recipes.run("structure_setup_teardown_resource_id")

    assert run.value("create_cluster") == "cluster-20260101"
    assert run.value("run_job") == "job ran on cluster-20260101"
    assert run.value("delete_cluster") == "deleted cluster-20260101"
