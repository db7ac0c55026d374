"""CONTRIBUTING.md's "Adding a recipe" stays true: its four steps, done in a copy of the
repository with a throwaway recipe, make every lane pass; leaving out the page section fails."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.harness.environment import REPO_ROOT, environment_without_airflow

pytestmark = pytest.mark.fresh_airflow

RECIPE = '''"""A throwaway recipe: a producer returns a count and a consumer adds one.

- Use: to check that CONTRIBUTING.md's steps are enough.
- Avoid: in a real project.
- Gotcha: none.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task


@dag(schedule=None)
def basics_throwaway_probe():
    @task
    def count_rows():
        return 42

    @task
    def add_one(count: int):
        return count + 1

    add_one(count_rows())


dag = basics_throwaway_probe()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
'''

TEST = """

def test_throwaway_probe_adds_one(recipes):
    assert recipes.run("basics_throwaway_probe").value("add_one") == 43
"""

PAGE_SECTION = """

## A throwaway recipe

<!-- docstring: dags/basics/throwaway_probe.py -->

<!-- airflow-versions: dags/basics/throwaway_probe.py -->

```python title="dags/basics/throwaway_probe.py"
--8<-- "dags/basics/throwaway_probe.py:recipe"
```

--8<-- "docs/stored_rows/basics_throwaway_probe.md"
"""

LANES = [
    "tests/test_every_recipe.py",
    "tests/recipes/test_basics.py",
    "tests/test_site.py",
    "-k",
    "throwaway or test_site",
]


def copy_of_the_repository(target):
    left_out = [".git", ".venv*", "node_modules", "site", ".airflow", "__pycache__", "*_cache"]
    ignore = shutil.ignore_patterns(*left_out)
    shutil.copytree(REPO_ROOT, target, ignore=ignore)
    return target


def run_lanes(repository) -> subprocess.CompletedProcess[str]:
    env = environment_without_airflow("COOKBOOK_") | {"UPDATE_STORED_ROWS": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *LANES]
    return subprocess.run(
        command, cwd=repository, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_four_steps_of_adding_a_recipe_make_every_lane_pass(tmp_path):
    steps = (REPO_ROOT / "CONTRIBUTING.md").read_text()
    assert "touches four places, and nothing else" in steps
    repository = copy_of_the_repository(tmp_path / "cookbook")
    (repository / "dags" / "basics" / "throwaway_probe.py").write_text(RECIPE)  # 1. the DAG
    # 2. no spec entry: the recipe is plain.
    with (repository / "tests" / "recipes" / "test_basics.py").open("a") as tests:  # 3. its test
        tests.write(TEST)
    page = repository / "docs" / "basics.md"

    without_page = run_lanes(repository)
    assert without_page.returncode == 1, without_page.stdout[-3000:]
    assert "dags/basics/throwaway_probe.py" in without_page.stdout  # named as not on any page

    page.write_text(page.read_text() + PAGE_SECTION)  # 4. its page section
    with_page = run_lanes(repository)
    assert with_page.returncode == 0, with_page.stdout[-3000:] + with_page.stderr[-3000:]
    rows = (repository / "docs" / "stored_rows" / "basics_throwaway_probe.md").read_text()
    assert "<code>add&#95;one</code> | <code>return&#95;value</code> | -1 | <code>43</code>" in rows
