"""How long a person waits for ``./dev recipe <file>``: the first run and the runs after it.

    uv run python benchmarks/dev_recipe_speed.py [--rounds 3] [dags/<chapter>/<recipe>.py ...]

Each recipe runs once on a fresh embedded Airflow home (the first run also creates its metadata
DB and leaves the warm process behind) and then ``--rounds`` more times on that home, as
``./dev recipe`` does it (a new ``uv run`` of ``tools/run_recipe.py`` each time): cold, with the
warm process turned off, and forked from the warm process, interleaved. Prints the first run, the
medians of the later ones and the warm median's ratio to the target (under 10 s on a second run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SECOND_RUN_TARGET_S = 10.0
DEFAULT_RECIPES = ["dags/basics/classic_push_pull.py", "dags/mapping/expand_and_reduce.py"]


def timed_run(recipe: str, home: Path, warm: bool = True) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "COOKBOOK"))}
    env["COOKBOOK_AIRFLOW_HOME"] = str(home)
    env["COOKBOOK_RECIPE_SERVER"] = "1" if warm else "0"
    start = time.perf_counter()
    subprocess.run(
        [str(REPO_ROOT / "dev"), "recipe", *([recipe] if recipe else ["--stop"])],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("recipes", nargs="*", default=DEFAULT_RECIPES)
    args = parser.parse_args(argv)
    columns = ("first run", "later, cold", "later, warm", "/ target")
    print(f"{'recipe':40} {columns[0]:>10} {columns[1]:>12} {columns[2]:>12} {columns[3]:>9}")
    for recipe in args.recipes:
        with tempfile.TemporaryDirectory() as home:
            first = timed_run(recipe, Path(home))
            cold, warm = [], []
            try:
                for _ in range(args.rounds):
                    warm.append(timed_run(recipe, Path(home)))
                    cold.append(timed_run(recipe, Path(home), warm=False))
            finally:
                timed_run("", Path(home))  # ./dev recipe --stop
        later_cold, later_warm = statistics.median(cold), statistics.median(warm)
        ratio = later_warm / SECOND_RUN_TARGET_S
        print(f"{recipe:40} {first:9.1f}s {later_cold:11.1f}s {later_warm:11.1f}s {ratio:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
