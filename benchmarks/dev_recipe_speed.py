"""How long a person waits for ``./dev recipe <file>``: the first run and the runs after it.

    uv run python benchmarks/dev_recipe_speed.py [--rounds 3] [dags/<chapter>/<recipe>.py ...]

Each recipe runs once on a fresh embedded Airflow home (the first run also creates its metadata
DB) and then ``--rounds`` more times on that home, as ``./dev recipe`` does it (``uv run`` of
``tools/run_recipe.py``, a new process each time). Prints the first run, the median of the later
ones and their ratio to the target (issue 12: under 10 s on a second run).
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


def timed_run(recipe: str, home: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["COOKBOOK_AIRFLOW_HOME"] = str(home)
    start = time.perf_counter()
    subprocess.run(
        [str(REPO_ROOT / "dev"), "recipe", recipe],
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
    print(f"{'recipe':45} {'first run':>10} {'later runs':>11} {'/ target':>9}")
    for recipe in args.recipes:
        with tempfile.TemporaryDirectory() as home:
            first = timed_run(recipe, Path(home))
            later = statistics.median(timed_run(recipe, Path(home)) for _ in range(args.rounds))
        ratio = later / SECOND_RUN_TARGET_S
        print(f"{recipe:45} {first:9.1f}s {later:10.1f}s {ratio:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
