"""Airflow 3.3: ``xcom_pull(default=...)`` is ignored unless ``map_indexes`` is passed too.

Pulling a missing value with a ``default`` returns ``None``, not the default
(apache/airflow#64295, open in 3.3). Pass ``map_indexes=-1`` for an unmapped task, or apply the
fallback yourself.

- Use: ``map_indexes=-1`` whenever you pass ``default=`` on 3.3.
- Avoid: relying on ``default=`` alone until the upstream fix ships.
- Gotcha: nothing fails: the pull quietly returns ``None``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, task


@dag(schedule=None, tags=["upgrading"])
def upgrading_default_needs_map_indexes():
    @task
    def maybe_count_errors() -> None:
        pass  # pushed nothing this time

    @task
    def read_error_count():
        ti = get_current_context()["ti"]
        producer = {"task_ids": "maybe_count_errors", "key": "error_count_v1"}
        pulled = ti.xcom_pull(**producer)
        return {
            "default_only": ti.xcom_pull(**producer, default=0),
            "default_with_map_indexes": ti.xcom_pull(
                **producer, default=0, map_indexes=-1
            ),
            "fallback_in_code": 0 if pulled is None else pulled,
        }

    maybe_count_errors() >> read_error_count()


dag = upgrading_default_needs_map_indexes()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
