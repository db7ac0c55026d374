"""``@task.external_python``: the function runs with an interpreter that already exists.

Like ``@task.virtualenv``, but nothing is created per run: ``python`` names an interpreter
installed on every worker (here a templated Variable with a fallback, so each deployment points at
its own). Arguments go in pickled, the return value comes back pickled and is pushed by the worker
through the XCom backend.

- Use: when building a virtualenv per run is too slow and the environment is fixed.
- Avoid: when the dependencies change often: rebuilding every worker's interpreter is a deployment.
- Gotcha: the interpreter must exist at that path on every worker that may run the task.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None, tags=["isolated"])
def isolated_external_python_task():
    @task
    def count_new_orders() -> int:
        return 1834

    @task.external_python(
        python="{{ var.value.get('reporting_python', '/usr/bin/python3') }}"
    )
    def build_report(order_count: int):
        import importlib.util

        return {
            "orders": order_count,
            "airflow_importable": importlib.util.find_spec("airflow")
            is not None,
        }

    build_report(count_new_orders())


dag = isolated_external_python_task()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
