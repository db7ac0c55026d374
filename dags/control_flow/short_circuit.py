"""Stop a pipeline on an XCom value with ``@task.short_circuit``.

A falsy return value skips every downstream task; a truthy one lets them run. The returned value is
also pushed, so the reason for skipping stays visible in the XCom tab.

- Use: for "nothing new, stop here".
- Avoid: when something must still run on an empty day (a report, a teardown): use a branch.
- Gotcha: by default it skips every downstream task, not only the direct ones
  (``ignore_downstream_trigger_rules=False`` changes that).
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["control_flow"])
def control_flow_short_circuit():
    @task
    def count_new_files() -> int:
        return 0

    @task.short_circuit
    def has_new_files(new_file_count: int) -> bool:
        return new_file_count > 0

    @task
    def ingest_files() -> str:
        return "ingested"

    has_new_files(count_new_files()) >> ingest_files()


dag = control_flow_short_circuit()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
