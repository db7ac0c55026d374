"""What a test expects of a recipe on the Airflow it runs on (the version lanes).

Where a release behaves differently from what a recipe teaches, every test of the recipe still
runs, marked xfail with the recipe's own reason. A difference shows in some of a recipe's tests
(a missing DAG result, another error text) while others pass (it parses, its tasks succeed), so
the marks are not strict one by one; instead the session fails when none of a differing recipe's
tests failed: the difference is gone on that release and its RecipeSpec (and so the recipe's
versions line on the site) must change (``unshown_differences``, run by tests/conftest.py).
"""

from __future__ import annotations

import pytest

from tests.harness.airflow_versions import running_minor
from tests.harness.recipe_specs import spec_of

RUNNING: list[pytest.Item] = []  # the test running now (set by tests/conftest.py)
DIFFERING: dict[str, str] = {}  # recipe -> its difference here, for the recipes tests ran
RECIPE_OF_TEST: dict[str, str] = {}  # test node id -> the differing recipe it ran
SHOWN: set[str] = set()  # recipes at least one of whose tests failed as expected (xfailed)


def expect_the_lesson_on_this_airflow(dag_id: str) -> None:
    """Mark the running test xfail, with the recipe's own reason, where this Airflow behaves
    differently from what the recipe teaches (its RecipeSpec: ``since``,
    ``airflow_differences``)."""
    difference = spec_of(dag_id).differs_on(running_minor())
    if not difference:
        return
    reason = f"Airflow {running_minor()} differs on {dag_id}: {difference}"
    if not RUNNING:  # outside a test (a fixture of a wider scope): nothing to run it under
        pytest.xfail(reason)
    test = RUNNING[-1]
    test.add_marker(pytest.mark.xfail(reason=reason, strict=False))
    DIFFERING[dag_id] = difference
    RECIPE_OF_TEST[test.nodeid] = dag_id


def record(report: pytest.TestReport) -> None:
    """Note a differing recipe whose test failed as its difference says (an xfail)."""
    if report.nodeid in RECIPE_OF_TEST and report.skipped and hasattr(report, "wasxfail"):
        SHOWN.add(RECIPE_OF_TEST[report.nodeid])


def unshown_differences() -> dict[str, str]:
    """Differing recipes none of whose tests failed here: their declared difference is stale."""
    return {dag_id: why for dag_id, why in sorted(DIFFERING.items()) if dag_id not in SHOWN}
