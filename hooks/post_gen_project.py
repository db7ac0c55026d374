"""Bring in the cookbook's own modules (one source, never copies kept by hand), drop unused files.

The backend package comes from the cookbook's templates/xcom_backends/, the key-name checker from
templates/xcom_lint/, the local storage servers for tests from its tests/harness/storage_servers.py, and the
example recipes from its dags/basics/ (the ones listed below: the anti-pattern recipe, which stores
a token in plain text to show why not to, stays out of a new project). Then every dependency is
resolved and pinned in uv.lock, so the project starts locked.
"""

import shutil
import subprocess
import sys
from pathlib import Path

COOKBOOK = Path({{ cookbook_root | jsonify }})
INCLUDE_EXAMPLES = {{ cookiecutter.include_example_recipes | jsonify }} == "yes"
NAMING_CHECKER = {{ cookiecutter.naming_checker | jsonify }} == "yes"
PROJECT = Path.cwd()
EXAMPLE_RECIPES = [
    "classic_push_pull.py",
    "explicit_keys.py",
    "reference_not_data.py",
    "run_without_logical_date.py",
    "secret_by_reference.py",
    "taskflow_return_value.py",
]
# One row of cookiecutter.json's `_xcom_backends` table, and its store in `_stores`.
{%- set backend = cookiecutter._xcom_backends[cookiecutter.xcom_backend] %}
LAYERS = {{ backend.layers | jsonify }}
STORE = {{ (backend.store if cookiecutter._stores[backend.store].server else "") | jsonify }} or None

ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
if LAYERS:
    shutil.copytree(COOKBOOK / "templates" / "xcom_backends", PROJECT / "plugins" / "xcom_backends",
                    ignore=ignore)
if STORE:
    servers = COOKBOOK / "tests" / "harness" / "storage_servers.py"
    shutil.copy2(servers, PROJECT / "tests" / "storage_servers.py")
if STORE == "azure":
    for npm_file in ("package.json", "package-lock.json"):
        shutil.copy2(COOKBOOK / npm_file, PROJECT / npm_file)
if NAMING_CHECKER:
    shutil.copytree(COOKBOOK / "templates" / "xcom_lint", PROJECT / "tools" / "xcom_lint",
                    ignore=ignore)
else:
    (PROJECT / "tests" / "test_xcom_naming.py").unlink()
if INCLUDE_EXAMPLES:
    examples = PROJECT / "dags" / "examples"
    examples.mkdir(parents=True)
    for recipe in EXAMPLE_RECIPES:
        shutil.copy2(COOKBOOK / "dags" / "basics" / recipe, examples / recipe)
    # The recipes keep the cookbook's formatting (a line fits its site's code column).
    (examples / "ruff.toml").write_text(
        "# The cookbook's recipes, formatted as the cookbook formats them (its dags/ruff.toml).\n"
        'extend = "../../pyproject.toml"\nline-length = 79\n\n'
        "[lint.pycodestyle]\nmax-line-length = 100\n"
    )


def lock() -> None:
    """Write uv.lock now; without uv or the package index, ./dev writes it on first use."""
    uv = shutil.which("uv")
    command = [uv] if uv else [sys.executable, "-m", "uv"]
    try:
        done = subprocess.run(
            [*command, "lock", "--quiet"], cwd=PROJECT, capture_output=True, text=True, timeout=900
        )
        failure = done.stderr.strip() if done.returncode else ""
    except (OSError, subprocess.TimeoutExpired) as error:
        failure = str(error)
    if failure:
        print(f"uv.lock not written ({failure}); ./dev writes it on first use.", file=sys.stderr)


lock()
