"""Every key a recipe pushes by name follows the cookbook's convention (docs/basics.md)."""

from __future__ import annotations

import re

# Lower snake_case, a noun, and a version suffix: `processed_customer_count_v1`.
KEY_CONVENTION = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*_v[0-9]+")
# Keys Airflow itself writes: return values and the decisions of branch/short-circuit tasks.
AIRFLOW_KEYS = {"return_value", "skipmixin_key"}


def test_pushed_keys_follow_the_convention(recipes):
    offenders = []
    for dag_id in sorted(recipes.dagbag.dag_ids):
        run = recipes.run(dag_id)
        for row in run.xcoms:
            if row.key in AIRFLOW_KEYS or KEY_CONVENTION.fullmatch(row.key):
                continue
            # multiple_outputs keys are the keys of the task's own return value
            returned = next(
                (
                    x.value
                    for x in run.xcoms
                    if (x.task_id, x.map_index, x.key)
                    == (row.task_id, row.map_index, "return_value")
                ),
                None,
            )
            if isinstance(returned, dict) and row.key in returned:
                continue
            offenders.append(f"{dag_id}: {row.task_id} pushed {row.key!r}")
    assert offenders == [], "keys must look like `specific_noun_v1`"
