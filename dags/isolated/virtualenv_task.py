"""``@task.virtualenv``: the function runs in a fresh virtualenv; its return value comes back out.

The worker pickles the arguments into a file, runs the function with the virtualenv's Python
(created with ``uv`` when it is installed), reads the pickled return value back and pushes it
through the XCom backend as usual. The virtualenv needs neither Airflow nor your XCom backend.
Arguments and results must be picklable, and the result XCom-serializable.

- Use: for a library that conflicts with Airflow's.
- Avoid: when the function needs the Airflow context or pulls: it has neither.
- Gotcha: without ``python_version`` Airflow asks ``uv`` for an interpreter named ``python``, which
  Debian-based workers lack ("No interpreter found for executable name `python`").
"""

from __future__ import annotations

# --8<-- [start:recipe]
import sys

from airflow.sdk import dag, task

# The workers' Python version: Airflow then asks uv for `python3.11` (say),
# not for `python`.
WORKER_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@dag(schedule=None, tags=["isolated"])
def isolated_virtualenv_task():
    @task
    def count_new_orders() -> int:
        return 1834

    @task.virtualenv(python_version=WORKER_PYTHON, system_site_packages=False)
    def score_orders(order_count: int):
        # Imports belong inside: the function runs in another interpreter.
        import importlib.util
        import sys

        return {
            "scored": order_count,
            "in_a_virtualenv": sys.prefix != sys.base_prefix,
            "airflow_importable": importlib.util.find_spec("airflow")
            is not None,
        }

    score_orders(count_new_orders())


dag = isolated_virtualenv_task()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
