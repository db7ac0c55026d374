"""``multiple_outputs=True``: one return, one XCom per dict key, plus the whole dict.

Every key of the returned dict becomes its own XCom row, and the whole dict is still pushed under
``return_value``, so ``summary["key"]`` and ``summary`` both work downstream.

- Use: when downstream tasks each need a different field of a small summary.
- Avoid: for large dicts: every key is one more row, and the whole dict is stored again.
- Gotcha: the dict's keys must be strings; they become XCom keys.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["taskflow"])
def taskflow_multiple_outputs_explicit():
    @task(multiple_outputs=True)
    def summarize_load():
        return {"loaded_row_count": 1200, "rejected_row_count": 3}

    @task
    def decide_alert(rejected_row_count: int) -> str:
        return "page the on-call" if rejected_row_count > 0 else "all clean"

    @task
    def write_report(summary: dict) -> str:
        loaded, rejected = (
            summary["loaded_row_count"],
            summary["rejected_row_count"],
        )
        return f"{loaded} loaded, {rejected} rejected"

    summary = summarize_load()
    # Pulls the key `rejected_row_count`.
    decide_alert(summary["rejected_row_count"])
    write_report(summary)  # pulls `return_value`: the whole dict


dag = taskflow_multiple_outputs_explicit()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
