"""Measure what one XCom costs as it grows: a push plus a pull, by value size and backend.

    uv run python benchmarks/xcom_size.py            # prints a table, writes it for the site

Each measurement is one ``dag.test()`` run of a two-task DAG: ``produce`` returns a string of N
bytes, ``consume`` receives it and returns its length. The figure is the run's wall time minus the
same run with a 1-byte value, so it is the cost the size adds. Backends: Airflow's default (SQLite
metadata DB) and the layered backend with ``object_storage`` on a local folder, each measured in
its own process because the backend is chosen when Airflow starts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
SIZES = [1_000, 100_000, 1_000_000, 10_000_000, 50_000_000]
ROUNDS = 3
OUTPUT = REPO_ROOT / "docs" / "stored_rows" / "xcom_size_benchmark.md"

DAG_FILE = """
from airflow.sdk import dag, get_current_context, task

@dag(schedule=None)
def xcom_size_benchmark():
    @task
    def produce():
        return "x" * int(get_current_context()["params"]["size"])

    @task
    def consume(value):
        return len(value)

    consume(produce())

xcom_size_benchmark()
"""

BACKENDS = {
    "default": {},
    "object-storage-local": {
        "AIRFLOW__CORE__XCOM_BACKEND": "xcom_backends.layered.LayeredXComBackend",
        "AIRFLOW__XCOM_LAYERS__LAYERS": "object_storage",
        "AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH": "file://{home}/objects",
    },
}


def measure_in_this_process(backend: str) -> dict[int, float]:
    from tests.harness.environment import configure_airflow_home

    home = Path(tempfile.mkdtemp(prefix="xcom-size-"))
    dags = home / "dags"
    dags.mkdir(parents=True)
    (dags / "xcom_size_benchmark.py").write_text(DAG_FILE)
    configure_airflow_home(home, dags)
    os.environ.update({k: v.format(home=home) for k, v in BACKENDS[backend].items()})
    sys.path.insert(0, str(REPO_ROOT / "templates"))
    from tests.harness.environment import migrate_metadata_db
    from tests.harness.running import load_recipes

    migrate_metadata_db()
    dag = load_recipes(dags).dags["xcom_size_benchmark"]

    def run_seconds(size: int) -> float:
        began = time.perf_counter()
        run = dag.test(run_conf={"size": size})
        if str(run.state) != "success":
            raise RuntimeError(f"{backend}: the {size}-byte run ended {run.state}")
        return time.perf_counter() - began

    run_seconds(1)  # warm-up: imports, first-run costs
    baseline = statistics.median(run_seconds(1) for _ in range(ROUNDS))
    return {
        size: statistics.median(run_seconds(size) for _ in range(ROUNDS)) - baseline
        for size in SIZES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=BACKENDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:  # the child process: print one backend's figures as JSON
        print("RESULT " + json.dumps(measure_in_this_process(args.backend)))
        return

    results = {}
    for backend in BACKENDS:
        child = subprocess.run(
            [sys.executable, __file__, "--backend", backend],
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in child.stdout.splitlines() if x.startswith("RESULT "))
        results[backend] = {int(k): v for k, v in json.loads(line[7:]).items()}

    lines = [
        "| value size | " + " | ".join(f"`{b}`" for b in BACKENDS) + " |",
        "| --- | " + " | ".join("---" for _ in BACKENDS) + " |",
    ]
    for size in SIZES:
        # Below the timer's noise a difference shows as 0.00 rather than a negative number.
        cells = " | ".join(f"{max(results[b][size], 0):.2f} s" for b in BACKENDS)
        label = f"{size // 1000:,} KB" if size < 1_000_000 else f"{size // 1_000_000} MB"
        lines.append(f"| {label} | {cells} |")
    table = "\n".join(lines) + "\n"
    print(table)
    OUTPUT.write_text(
        "<!-- Written by benchmarks/xcom_size.py; seconds a push and a pull add over a 1-byte "
        f"value, median of {ROUNDS} runs. -->\n" + table
    )


if __name__ == "__main__":
    main()
