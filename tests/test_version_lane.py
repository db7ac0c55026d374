"""The version lanes' rule for declared differences (tests/harness/version_lane.py): a recipe's
tests run under xfail, and a difference that none of them shows is reported as stale."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.harness import version_lane

DIFFERING_ON_3_0 = "cross_dag_triggered_child"  # since 3.3: differs on every older release


class FakeTest:
    def __init__(self, nodeid: str) -> None:
        self.nodeid, self.marks = nodeid, []

    def add_marker(self, mark) -> None:
        self.marks.append(mark)


@pytest.fixture
def lane_on_3_0(monkeypatch):
    monkeypatch.setattr(version_lane, "running_minor", lambda: "3.0")
    for name in ("RUNNING", "DIFFERING", "RECIPE_OF_TEST", "SHOWN"):
        monkeypatch.setattr(version_lane, name, type(getattr(version_lane, name))())


def run_test_of_the_recipe(nodeid: str, *, failed: bool) -> FakeTest:
    test = FakeTest(nodeid)
    version_lane.RUNNING.append(test)
    version_lane.expect_the_lesson_on_this_airflow(DIFFERING_ON_3_0)
    version_lane.RUNNING.remove(test)
    outcome = {"skipped": True, "wasxfail": "reason"} if failed else {"skipped": False}
    version_lane.record(SimpleNamespace(nodeid=nodeid, **outcome))
    return test


def test_a_difference_no_test_shows_is_stale(lane_on_3_0):
    test = run_test_of_the_recipe("t::outcome", failed=False)
    assert [m.name for m in test.marks] == ["xfail"]
    assert test.marks[0].kwargs["strict"] is False
    assert list(version_lane.unshown_differences()) == [DIFFERING_ON_3_0]


def test_one_failing_test_shows_the_difference(lane_on_3_0):
    run_test_of_the_recipe("t::outcome", failed=False)
    run_test_of_the_recipe("t::dag_result", failed=True)
    assert version_lane.unshown_differences() == {}


def test_a_recipe_that_holds_on_this_release_is_not_marked(lane_on_3_0):
    test = FakeTest("t::plain")
    version_lane.RUNNING.append(test)
    version_lane.expect_the_lesson_on_this_airflow("basics_classic_push_pull")
    assert test.marks == [] and version_lane.DIFFERING == {}
