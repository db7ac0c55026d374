"""The Airflow 3 releases the cookbook runs on: the newest patch of each minor, one line each.

The in-process recipe lane runs on every one of them (``./dev check-versions``), each in its own
environment installed from ``versions/airflow-<minor>.txt``. That lock is resolved by
``./dev lock-versions`` with every dependency as it was on PyPI the day the release came out
(Airflow's own constraint files live on GitHub, which this machine cannot reach). Adding a
release is one line here, then ``./dev lock-versions``.

    python -m tests.harness.airflow_versions            the minors the matrix runs besides ours
    python -m tests.harness.airflow_versions --lock     write versions/airflow-<minor>.txt
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from tests.harness.environment import REPO_ROOT

# minor -> newest patch that installs here (PyPI, November 2026).
AIRFLOW_RELEASES = {
    "3.0": "3.0.6",
    "3.1": "3.1.8",
    "3.2": "3.2.2",
    "3.3": "3.3.2",
}
# The project's own environment (pyproject.toml, uv.lock) runs the newest one.
PROJECT_MINOR = max(AIRFLOW_RELEASES, key=lambda minor: tuple(map(int, minor.split("."))))
LOCKS = REPO_ROOT / "versions"
# What the in-process lane needs besides Airflow (the project is installed without its deps).
LANE_REQUIREMENTS = ["apache-airflow-providers-standard", "pandas", "pyarrow", "pytest"]


def minor_of(release: str) -> str:
    return ".".join(release.split(".")[:2])


def running_minor() -> str:
    """The minor of the Airflow this process imports, e.g. ``"3.2"``."""
    return minor_of(version("apache-airflow"))


def as_tuple(minor: str) -> tuple[int, ...]:
    return tuple(int(part) for part in minor.split("."))


def share_the_in_process_execution_api() -> None:
    """Build ``dag.test()``'s in-process Execution API app once per process, as Airflow 3.3 does
    (``functools.lru_cache`` on ``supervisor.in_process_api_server``). Older releases build it
    for every task instance: 1-2 s each, most of a recipe's run time. Nothing else changes."""
    from airflow.sdk.execution_time import supervisor

    if not hasattr(supervisor.in_process_api_server, "cache_info"):
        supervisor.in_process_api_server = functools.lru_cache(maxsize=1)(
            supervisor.in_process_api_server
        )


def release_day(release: str) -> datetime:
    """When ``apache-airflow==release`` was uploaded to PyPI (its simple index, JSON form)."""
    request = urllib.request.Request(
        "https://pypi.org/simple/apache-airflow/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    times = [
        f["upload-time"] for f in files if f["filename"].startswith(f"apache_airflow-{release}-")
    ]
    if not times:
        raise SystemExit(f"apache-airflow {release} is not on PyPI")
    return datetime.fromisoformat(min(times).replace("Z", "+00:00"))


def lock(minor: str) -> Path:
    """Resolve ``versions/airflow-<minor>.txt`` as of the day after the release."""
    release = AIRFLOW_RELEASES[minor]
    cutoff = (release_day(release) + timedelta(days=1)).date().isoformat()
    target = LOCKS / f"airflow-{minor}.txt"
    with tempfile.NamedTemporaryFile("w", suffix=".in") as requirements:
        requirements.write("\n".join([f"apache-airflow=={release}", *LANE_REQUIREMENTS]) + "\n")
        requirements.flush()
        subprocess.run(
            [
                os.environ.get("UV", "uv"),
                "pip",
                "compile",
                "--quiet",
                "--python-version",
                "3.11",
                "--exclude-newer",
                cutoff,
                "--no-header",
                requirements.name,
                "-o",
                str(target),
            ],
            check=True,
        )
    header = (
        f"# apache-airflow {release} and the in-process lane's needs, as on PyPI on {cutoff}.\n"
    )
    target.write_text(
        header + "# Written by ./dev lock-versions; do not edit.\n" + target.read_text()
    )
    return target


if __name__ == "__main__":
    others = [m for m in AIRFLOW_RELEASES if m != PROJECT_MINOR]
    if sys.argv[1:] == ["--lock"]:
        LOCKS.mkdir(exist_ok=True)
        for minor in others:
            print(lock(minor).relative_to(REPO_ROOT))
    else:
        print(" ".join(others))
