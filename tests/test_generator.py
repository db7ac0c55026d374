"""The project generator: every supported answer bakes a project whose own tests pass.

Bakes run the baked project's `./dev test` in a clean environment: its own venv, its own pinned
dependencies, its own local storage server. Marked `bake` (slow); `./dev check` runs them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.harness.airflow_versions import (
    AIRFLOW_RELEASES,
    LOCKS,
    PROJECT_MINOR,
    as_tuple,
    minor_of,
)
from tests.harness.docs_blocks import block_titled
from tests.harness.environment import REPO_ROOT, environment_without_airflow

# The generator's own table: every choice it offers, and what each one is made of.
QUESTIONS = json.loads((REPO_ROOT / "cookiecutter.json").read_text())
BACKENDS = QUESTIONS["xcom_backend"]
RELEASES = QUESTIONS["airflow_version"]
# The bake matrix, sampled: every backend once, on the Airflow releases in turn, so each release
# is baked at least twice (with a database and an object-storage backend). The last backend is
# baked without the examples and the naming checker, on the newest release.
BAKES = [
    (backend, "yes", RELEASES[position % len(RELEASES)])
    for position, backend in enumerate(BACKENDS[:-1])
] + [(BACKENDS[-1], "no", RELEASES[0])]


def bake(output_dir: Path, **answers: str) -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter command line, as a user would, with --no-input and these answers."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            str(REPO_ROOT),
            "--output-dir",
            str(output_dir),
            *(f"{k}={v}" for k, v in answers.items()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_backend_choice_has_one_row_in_the_table():
    assert sorted(QUESTIONS["_xcom_backends"]) == sorted(BACKENDS)
    stores = {row["store"] for row in QUESTIONS["_xcom_backends"].values()}
    assert stores == set(QUESTIONS["_stores"])


def test_a_layers_dependencies_are_pinned_as_this_repository_tests_them():
    """A generated project gets the package versions the cookbook's own check ran with."""
    locked = {
        package["name"]: package["version"]
        for package in tomllib.loads((REPO_ROOT / "uv.lock").read_text())["package"]
    }
    layers = {layer for row in QUESTIONS["_xcom_backends"].values() for layer in
              row["layers"].split(", ")}  # fmt: skip
    assert set(QUESTIONS["_layer_dependencies"]) <= layers
    for layer, pins in QUESTIONS["_layer_dependencies"].items():
        for pin in pins:
            name, version = pin.split("==")
            assert locked[name] == version, f"{layer}: {pin}, but uv.lock has {locked[name]}"


def clean_environment() -> dict[str, str]:
    """The environment of a fresh shell: none of this session's Airflow or venv settings."""
    return environment_without_airflow(
        "COOKBOOK", "VIRTUAL_ENV", "UV_PROJECT", "PYTHONPATH", "GCSFS_"
    )


def project_dev(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``./dev <arguments>`` in a generated project, from a fresh shell's environment; it must
    succeed (the failure shows the end of its output)."""
    done = subprocess.run(
        ["./dev", *arguments],
        cwd=project,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done


def test_defaults_give_a_local_locked_project_without_the_examples(tmp_path):
    result = bake(tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    assert (project / "dags" / "starter_xcom.py").is_file()
    assert not (project / "dags" / "examples").exists()  # example DAGs are opted into
    lock = tomllib.loads((project / "uv.lock").read_text())
    pinned = {package["name"]: package["version"] for package in lock["package"]}
    assert pinned["apache-airflow"] == QUESTIONS["airflow_version"][0]
    assert {"ruff", "pre-commit", "pytest"} <= pinned.keys()
    assert not (project / "plugins" / "xcom_backends").exists()  # metadata DB: no backend module
    assert "AIRFLOW__CORE__XCOM_BACKEND" not in (project / "xcom_backend.env").read_text()
    assert (project / "tools" / "xcom_lint" / "checker.py").is_file()
    assert (project / "tests" / "test_xcom_naming.py").is_file()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    cookbook = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["xcom-lint"] == cookbook["tool"]["xcom-lint"]


def test_opted_in_examples_are_the_basic_recipes_but_the_anti_pattern(tmp_path):
    result = bake(tmp_path, include_example_recipes="yes")
    assert result.returncode == 0, result.stderr
    examples = tmp_path / "my_airflow_project" / "dags" / "examples"
    basics = sorted(p.name for p in (REPO_ROOT / "dags" / "basics").glob("*.py"))
    assert sorted(p.name for p in examples.glob("*.py")) == [
        name for name in basics if name != "secret_in_xcom_leaks.py"
    ]


def test_the_tree_on_the_generator_page_is_what_a_bake_gives(tmp_path):
    """Every path the page lists exists in a project with every option, and every top-level
    file or folder of that project is listed."""
    result = bake(tmp_path, xcom_backend="object_storage_s3", include_example_recipes="yes")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    tree = block_titled("generator.md", "the generated project")
    listed = [line.split("── ")[1].split()[0] for line in tree.splitlines() if "── " in line]
    assert [path for path in listed if not (project / path).exists()] == []
    listed_top_level = {path.strip("/").split("/")[0] for path in listed}
    assert {entry.name for entry in project.iterdir()} == listed_top_level


def test_without_the_naming_checker_nothing_of_it_is_left(tmp_path):
    result = bake(tmp_path, naming_checker="no", include_example_recipes="no")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    assert not (project / "tools").exists()
    assert not (project / "tests" / "test_xcom_naming.py").exists()
    assert "xcom-lint" not in tomllib.loads((project / "pyproject.toml").read_text())["tool"]


@pytest.mark.parametrize(
    ("package", "shipped_in"), [("xcom_backends", "plugins"), ("xcom_lint", "tools")]
)
def test_shipped_modules_are_the_cookbooks_own(tmp_path, package, shipped_in):
    result = bake(
        tmp_path, xcom_backend="encrypted_object_storage_s3", include_example_recipes="no"
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    shipped = sorted(
        p.relative_to(project / shipped_in) for p in project.rglob(f"{package}/**/*.py")
    )
    source = sorted(
        p.relative_to(REPO_ROOT / "templates")
        for p in (REPO_ROOT / "templates").glob(f"{package}/**/*.py")
    )
    assert shipped and shipped == source
    for relative in source:
        assert (project / shipped_in / relative).read_text() == (
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
        (
            {"project_name": "2026 pipelines"},
            "project_slug '2026_pipelines' is not a valid folder and Python package name",
        ),
        (
            {"project_slug": "My-Project"},
            "project_slug 'My-Project' is not a valid folder and Python package name",
        ),
        # Choice answers are checked by cookiecutter, which lists the accepted ones.
        (
            {"airflow_version": "3.2.0"},
            "3.2.0 provided for choice variable airflow_version, but the choices are "
            "['3.3.2', '3.2.2', '3.1.8', '3.0.6']",
        ),
        (
            {"include_example_recipes": "maybe"},
            "maybe provided for choice variable include_example_recipes, but the choices are",
        ),
        (
            {"xcom_backend": "object_storage_ftp"},
            "object_storage_ftp provided for choice variable xcom_backend, but the choices are",
        ),
    ],
)
def test_bad_answers_are_refused_with_what_to_answer(tmp_path, answers, message):
    result = bake(tmp_path, **answers)
    assert result.returncode != 0
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing half-generated is left behind


def test_every_airflow_version_is_a_release_of_the_matrix_with_its_own_provider_pins():
    """The choices are the newest patch of each minor the version lanes run, newest first; each
    pins the standard provider its lane runs with (versions/airflow-<minor>.txt, or uv.lock for
    the project's own release)."""
    assert sorted(AIRFLOW_RELEASES.values(), key=as_tuple, reverse=True) == RELEASES
    assert sorted(QUESTIONS["_airflow_releases"]) == sorted(RELEASES)
    for release in RELEASES:
        minor = minor_of(release)
        lock = (
            REPO_ROOT / "uv.lock" if minor == PROJECT_MINOR else LOCKS / f"airflow-{minor}.txt"
        ).read_text()
        pinned = re.search(
            r'name = "apache-airflow-providers-standard"\nversion = "([^"]+)"'
            r"|^apache-airflow-providers-standard==(\S+)$",
            lock,
            re.MULTILINE,
        )
        assert pinned, f"no standard provider in the lock of Airflow {minor}"
        standard = QUESTIONS["_airflow_releases"][release]["providers_standard"]
        assert standard == (pinned[1] or pinned[2]), release


def test_every_choice_value_is_baked():
    assert {backend for backend, _, _ in BAKES} == set(BACKENDS)
    assert {release for _, _, release in BAKES} == set(RELEASES)
    assert {extras for _, extras, _ in BAKES} == {"yes", "no"}


@pytest.mark.parametrize(
    "backend", [b for b, row in QUESTIONS["_xcom_backends"].items() if "," in row["layers"]]
)
def test_the_settings_file_reads_the_same_in_bash_and_in_the_tests(tmp_path, backend):
    """``./dev run`` sources xcom_backend.env in bash, the tests parse it line by line: a value
    with a space (a list of layers) once ran its second word as a command under ./dev run."""
    result = bake(tmp_path, xcom_backend=backend, include_example_recipes="no")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_airflow_project"
    sourced = subprocess.run(
        ["bash", "-c", "set -euo pipefail; set -a; source xcom_backend.env; set +a; env -0"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "PROJECT_DIR": str(project)},
        capture_output=True,
        text=True,
        check=True,
    )
    in_bash = dict(entry.split("=", 1) for entry in sourced.stdout.split("\0") if "=" in entry)
    lines = (project / "xcom_backend.env").read_text().splitlines()
    parsed = dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))
    assert parsed and {name: in_bash.get(name) for name in parsed} == parsed


@pytest.mark.bake
@pytest.mark.parametrize(("backend", "extras", "release"), BAKES)
def test_baked_project_passes_its_own_tests(tmp_path, backend, extras, release):
    """``extras``: the answer to both include_example_recipes and naming_checker."""
    result = bake(
        tmp_path,
        project_name=f"Bake {backend}",
        xcom_backend=backend,
        airflow_version=release,
        include_example_recipes=extras,
        naming_checker=extras,
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / f"bake_{backend}"
    lock = tomllib.loads((project / "uv.lock").read_text())
    assert {p["name"]: p["version"] for p in lock["package"]}["apache-airflow"] == release
    # An older release runs with its own dependencies of its release day (local_extensions.py).
    uv_settings = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["uv"]
    held = uv_settings.get("constraint-dependencies", [])
    assert (f"apache-airflow-core=={release}" in held) == (minor_of(release) != PROJECT_MINOR)
    tested = project_dev(project, "test", "-q")
    expected_tests = 5 if extras == "yes" else 3  # the naming checker adds two
    if "sealed" in QUESTIONS["_xcom_backends"][backend]["layers"]:
        expected_tests += 1  # a worker without the reader's private key
    assert f"{expected_tests} passed" in tested.stdout
    # What its CI workflow runs first: ruff, then the pre-commit hooks (in a git repository).
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    linted = project_dev(project, "lint")
    assert "ruff check" in linted.stdout and "Passed" in linted.stdout
