"""Bring in the cookbook's own modules (one source, never copies kept by hand), drop unused files.

The backend package comes from the cookbook's templates/xcom_backends/, the key-name checker from
templates/xcom_lint/, the local storage servers for tests from its tests/harness/storage_servers.py, and the
example recipes from its dags/basics/ (the ones listed below: the anti-pattern recipe, which stores
a token in plain text to show why not to, stays out of a new project).
"""

import shutil
from pathlib import Path

COOKBOOK = Path({{ cookbook_root | jsonify }})
XCOM_BACKEND = {{ cookiecutter.xcom_backend | jsonify }}
INCLUDE_EXAMPLES = {{ cookiecutter.include_example_recipes | jsonify }} == "yes"
NAMING_CHECKER = {{ cookiecutter.naming_checker | jsonify }} == "yes"
PROJECT = Path.cwd()
EXAMPLE_RECIPES = [
    "classic_push_pull.py",
    "explicit_keys.py",
    "reference_not_data.py",
    "secret_by_reference.py",
    "taskflow_return_value.py",
]
STORE = {"object_storage_s3": "s3", "encrypted_object_storage_s3": "s3",
         "object_storage_gcs": "gcs", "object_storage_azure": "azure"}.get(XCOM_BACKEND)  # fmt: skip

ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
if XCOM_BACKEND != "metadata_db":
    shutil.copytree(COOKBOOK / "templates" / "xcom_backends", PROJECT / "plugins" / "xcom_backends",
                    ignore=ignore)  # fmt: skip
if STORE:
    servers = COOKBOOK / "tests" / "harness" / "storage_servers.py"
    shutil.copy2(servers, PROJECT / "tests" / "storage_servers.py")
if STORE == "azure":
    for npm_file in ("package.json", "package-lock.json"):
        shutil.copy2(COOKBOOK / npm_file, PROJECT / npm_file)
if NAMING_CHECKER:
    shutil.copytree(COOKBOOK / "templates" / "xcom_lint", PROJECT / "tools" / "xcom_lint",
                    ignore=ignore)  # fmt: skip
else:
    (PROJECT / "tests" / "test_xcom_naming.py").unlink()
if INCLUDE_EXAMPLES:
    examples = PROJECT / "dags" / "examples"
    examples.mkdir(parents=True)
    for recipe in EXAMPLE_RECIPES:
        shutil.copy2(COOKBOOK / "dags" / "basics" / recipe, examples / recipe)
