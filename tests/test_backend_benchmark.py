"""The backend benchmark the "Choosing a backend" page is drawn from runs from a clean clone.

One small run on local files (every competitor, one round, two trips: a process's first and a
later one), with a variable set in every competitor's process (``--env``): it must finish, write
its CSV, table and plot where it is told, say which environment they were measured in, and leave
every tracked file as it was.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from benchmarks.backend_speed import COMPETITORS, TIMES
from tests.harness.environment import REPO_ROOT

BENCHMARK = REPO_ROOT / "benchmarks" / "backend_speed.py"


def tracked_changes() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_small_run_writes_its_figures_where_asked_and_nothing_else(tmp_path):
    before = tracked_changes()
    figures = tmp_path / "speed.csv"
    small = ["--stores", "local", "--sizes", "1024", "--rounds", "1", "--trips", "2"]
    small += ["--env", "MALLOC_TRIM_THRESHOLD_=131072"]
    run = subprocess.run(
        [sys.executable, str(BENCHMARK), *small, "--csv", str(figures)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = list(csv.DictReader(figures.open()))
    assert sorted(row["competitor"] for row in rows) == sorted(COMPETITORS)
    assert all(row["store"] == "local" and row["bytes"] == "1024" for row in rows)
    assert all(float(row[column]) > 0 for row in rows for column in TIMES)
    # Each process reported the value it ran with; the run would have stopped on another one.
    assert {row["environment"] for row in rows} == {"MALLOC_TRIM_THRESHOLD_=131072"}
    tables = figures.with_suffix(".md").read_text()
    assert "Every process ran with `MALLOC_TRIM_THRESHOLD_=131072` in its environment." in tables
    assert "object_storage" in tables
    assert all(f"The {what}: push + pull" in tables for what in TIMES.values())
    assert figures.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert all(f"local: {what}, ratios" in run.stdout for what in TIMES.values())
    assert tracked_changes() == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--trips", "1"],
            "--trips must be at least 2: a process's first round trip is reported apart",
        ),
        (["--env", "MALLOC_TRIM_THRESHOLD_"], "--env 'MALLOC_TRIM_THRESHOLD_': give NAME=VALUE"),
        (
            ["--codecs", "--env", "MALLOC_TRIM_THRESHOLD_=131072"],
            "--env sets the round trips' processes; --codecs and --checksums run in this one",
        ),
    ],
    ids=["one-trip-per-process", "environment-setting-without-a-value", "environment-in-process"],
)
def test_a_run_that_could_not_measure_what_it_says_is_refused(arguments, message):
    run = subprocess.run(
        [sys.executable, str(BENCHMARK), "--stores", "local", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert message in run.stderr


def test_the_json_form_benchmark_times_every_kind_of_value():
    """benchmarks/json_form.py (the site's docs/measured/json_form.md) on small values: a row per
    kind of value, each of its four times a positive figure; it checked every value came back."""
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "json_form.py"), "--sizes", "65536"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line.split(" | ") for line in run.stdout.splitlines() if line.startswith("| ")][2:]
    assert [row[0].strip("| ") for row in rows] == ["text", "records", "floats"]
    assert all(float(row[i].removesuffix(" ms")) > 0 for row in rows for i in (2, 3, 5, 6))
