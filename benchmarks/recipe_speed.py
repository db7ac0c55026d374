"""Measure what the recipe test session costs: its fixed start-up and the per-recipe run time.

    uv run python benchmarks/recipe_speed.py [--rounds 3]

Start-up is everything a pytest session pays once before recipes run at their steady speed:
importing Airflow, migrating a fresh SQLite metadata DB, parsing dags/, and the first
``dag.test()`` of the process (it imports the task runner and the in-process execution API).
Per-recipe cost is then measured over every recipe, ``--rounds`` times. Targets (issue 2, on a
2-core machine): start-up <= 20 s, median per recipe <= 0.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness.environment import configure_airflow_home, migrate_metadata_db
from tests.harness.recipe_specs import spec_of
from tests.harness.running import load_recipes, run_recipe

STARTUP_TARGET_S = 20.0
MEDIAN_RECIPE_TARGET_S = 0.5


def seconds_since(start: float) -> float:
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each recipe (default 3)")
    args = parser.parse_args()

    start = time.perf_counter()
    configure_airflow_home(Path(tempfile.mkdtemp(prefix="xcom-cookbook-bench-")))
    import airflow  # noqa: F401  (timed: the import reads the configuration set above)

    imported = seconds_since(start)
    migrate_metadata_db()
    migrated = seconds_since(start)
    dagbag = load_recipes()
    parsed = seconds_since(start)
    # The in-process lane's recipes: a deployment-only one cannot finish under dag.test().
    dags = [
        dagbag.dags[dag_id]
        for dag_id in sorted(dagbag.dag_ids)
        if not spec_of(dag_id).deployment_only
    ]
    run_recipe(dags[0])
    startup = seconds_since(start)

    durations: list[float] = []
    for round_number in range(args.rounds):
        for dag in dags:
            began = time.perf_counter()
            run = run_recipe(dag)
            durations.append(seconds_since(began))
            if run.state != "success" and round_number == 0:
                print(f"note: {dag.dag_id} ended {run.state}")

    median = statistics.median(durations)
    print(f"recipes: {len(dags)}, runs measured: {len(durations)} ({args.rounds} rounds)")
    print(f"start-up: {startup:.2f} s  (target <= {STARTUP_TARGET_S:.0f} s)")
    print(
        f"  import airflow {imported:.2f} s, migrate DB {migrated - imported:.2f} s, "
        f"parse dags/ {parsed - migrated:.2f} s, first dag.test() {startup - parsed:.2f} s"
    )
    print(
        f"per recipe: median {median:.3f} s  (target <= {MEDIAN_RECIPE_TARGET_S} s), "
        f"min {min(durations):.3f} s, max {max(durations):.3f} s"
    )
    print(f"projected session for 50 recipes: {startup + 50 * median:.1f} s")
    met = startup <= STARTUP_TARGET_S and median <= MEDIAN_RECIPE_TARGET_S
    print("targets met" if met else "TARGETS MISSED")


if __name__ == "__main__":
    main()
