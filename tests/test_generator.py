"""The project generator: every supported answer bakes a project whose own tests pass.

Bakes run the baked project's `./dev test` in a clean environment: its own venv, its own pinned
dependencies, its own local storage server. Marked `bake` (slow); `./dev check` runs them.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.recipe_harness import REPO_ROOT, environment_without_airflow

BACKENDS = [
    "metadata_db",
    "object_storage_local",
    "object_storage_s3",
    "object_storage_gcs",
    "object_storage_azure",
    "encrypted",
    "encrypted_object_storage_s3",
]


def bake(output_dir: Path, **answers: str) -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter command line, as a user would, with --no-input and these answers."""
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(REPO_ROOT),
         "--output-dir", str(output_dir), *(f"{k}={v}" for k, v in answers.items())],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def clean_environment() -> dict[str, str]:
    """The environment of a fresh shell: none of this session's Airflow or venv settings."""
    return environment_without_airflow(
        "COOKBOOK", "VIRTUAL_ENV", "UV_PROJECT", "PYTHONPATH", "GCSFS_"
    )


def test_defaults_give_a_local_project_with_the_examples(tmp_path):
    result = bake(tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    assert (project / "dags" / "starter_xcom.py").is_file()
    assert len(list((project / "dags" / "examples").glob("*.py"))) == 6
    assert not (project / "plugins" / "xcom_backends").exists()  # metadata DB: no backend module
    assert "AIRFLOW__CORE__XCOM_BACKEND" not in (project / "xcom_backend.env").read_text()


def test_backend_modules_are_the_cookbooks_own(tmp_path):
    result = bake(
        tmp_path, xcom_backend="encrypted_object_storage_s3", include_example_recipes="no"
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    shipped = sorted(
        p.relative_to(project / "plugins") for p in project.rglob("xcom_backends/**/*.py")
    )
    source = sorted(
        p.relative_to(REPO_ROOT / "templates")
        for p in (REPO_ROOT / "templates").glob("xcom_backends/**/*.py")
    )
    assert shipped == source
    for relative in source:
        assert (project / "plugins" / relative).read_text() == (
            REPO_ROOT / "templates" / relative
        ).read_text()
    assert not (project / "dags" / "examples").exists()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ('Café "Data" Pipelines', "cafe_data_pipelines"),
        ("  spaced   out  ", "spaced_out"),
        ("!!!", "airflow_project"),
    ],
)
def test_awkward_names_give_a_valid_project(tmp_path, name, slug):
    result = bake(tmp_path, project_name=name, include_example_recipes="no")
    assert result.returncode == 0, result.stderr
    project = tmp_path / slug
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == slug
    assert pyproject["project"]["description"] == name
    assert f"# {name}" in (project / "README.md").read_text()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": "2026 pipelines"},
         "project_slug '2026_pipelines' is not a valid folder and Python package name"),
        ({"project_slug": "My-Project"},
         "project_slug 'My-Project' is not a valid folder and Python package name"),
        # Choice answers are checked by cookiecutter, which lists the accepted ones.
        ({"airflow_version": "3.2.0"},
         "3.2.0 provided for choice variable airflow_version, but the choices are ['3.3.2']"),
        ({"include_example_recipes": "maybe"},
         "maybe provided for choice variable include_example_recipes, but the choices are"),
        ({"xcom_backend": "object_storage_ftp"},
         "object_storage_ftp provided for choice variable xcom_backend, but the choices are"),
    ],
)  # fmt: skip
def test_bad_answers_are_refused_with_what_to_answer(tmp_path, answers, message):
    result = bake(tmp_path, **answers)
    assert result.returncode != 0
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing half-generated is left behind


@pytest.mark.bake
@pytest.mark.parametrize(
    ("backend", "examples"), [(b, "yes") for b in BACKENDS] + [("metadata_db", "no")]
)
def test_baked_project_passes_its_own_tests(tmp_path, backend, examples):
    result = bake(tmp_path, project_name=f"Bake {backend}", xcom_backend=backend,
                  include_example_recipes=examples)  # fmt: skip
    assert result.returncode == 0, result.stderr
    project = tmp_path / f"bake_{backend}"
    tested = subprocess.run(
        ["./dev", "test", "-q"], cwd=project, env=clean_environment(),
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-4000:]
    assert "3 passed" in tested.stdout
