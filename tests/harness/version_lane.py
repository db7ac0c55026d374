"""What a test expects of a recipe on the Airflow it runs on (the version lanes)."""

from __future__ import annotations

import pytest

from tests.harness.airflow_versions import running_minor
from tests.harness.recipe_specs import spec_of


def expect_the_lesson_on_this_airflow(dag_id: str) -> None:
    """xfail, with the recipe's own reason, where this Airflow behaves differently from what the
    recipe teaches (its RecipeSpec: ``since``, ``airflow_differences``)."""
    difference = spec_of(dag_id).differs_on(running_minor())
    if difference:
        pytest.xfail(f"Airflow {running_minor()} differs on {dag_id}: {difference}")
