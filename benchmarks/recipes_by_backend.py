"""The recipe catalogue under each backend profile, timed side by side, run as the tests run it.

    uv run python benchmarks/recipes_by_backend.py [--profiles default,object-storage-s3,...]
        [--csv PATH]

Each profile is one pytest session of ``tests/test_every_recipe.py``'s outcome tests with
``COOKBOOK_XCOM_BACKEND`` set, exactly as ``./dev check-backends`` runs it: the same recipe
declarations (``tests/harness/recipe_specs.py``: expected task states, prerequisites, the
profile a recipe needs, its known differences), the same store servers, the same checks. A
recipe that fails there fails here, and the benchmark exits non-zero naming it; one the
declarations expect to differ under a profile is counted as such, not timed.

Prints, per profile: the session's wall time (start-up, servers and migration included), the
recipes timed, and over the recipes timed under every profile the sum and median of their run
times (pytest's own ``call`` durations, from its JUnit XML), each as a ratio to the first
profile. Only ``--csv`` writes a file.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.harness.backend_profiles import PROFILES  # noqa: E402

DEFAULT_PROFILES = (
    "default",
    "object-storage-local",
    "object-storage-s3",
    "encrypted",
    "all-layers-s3",
    "official-s3",
)
OUTCOME_TESTS = "tests/test_every_recipe.py::test_recipe_runs_to_its_expected_outcome"


def run_session(profile: str) -> dict:
    """One pytest session of the outcome tests under ``profile``: wall time and per-test times."""
    with tempfile.TemporaryDirectory(prefix="recipes-by-backend-") as folder:
        report = Path(folder) / "junit.xml"
        env = {**os.environ, "COOKBOOK_XCOM_BACKEND": profile}
        start = time.perf_counter()
        session = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", OUTCOME_TESTS,
             f"--junitxml={report}", "-o", "junit_duration_report=call"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
        if not report.is_file():
            raise SystemExit(f"{profile}: pytest wrote no report\n{session.stdout[-3000:]}")
        cases = ElementTree.parse(report).getroot().iter("testcase")
        timed, differing, failed = {}, [], []
        for case in cases:
            name = case.get("name", "")
            if case.find("failure") is not None or case.find("error") is not None:
                failed.append(name)
            elif case.find("skipped") is not None:
                differing.append(name)  # xfail (a declared difference) or another lane's recipe
            else:
                timed[name] = float(case.get("time", "0"))
    if failed or session.returncode != 0:
        raise SystemExit(
            f"{profile}: recipes failed as they would in the tests: {failed}\n"
            f"{session.stdout[-3000:]}"
        )
    return {"profile": profile, "wall": wall, "timed": timed, "differing": differing}


def machine_line() -> str:
    import platform
    from importlib.metadata import version

    return (
        f"{platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"Airflow {version('apache-airflow')}, moto {version('moto')}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default=",".join(DEFAULT_PROFILES))
    parser.add_argument("--csv", type=Path, help="also write every recipe's time here")
    parser.add_argument("--markdown", type=Path, help="also write the table here (the site's)")
    args = parser.parse_args(argv)
    profiles = args.profiles.split(",")
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise SystemExit(f"unknown profiles {unknown}; choose from {list(PROFILES)}")
    sessions = []
    for profile in profiles:
        sessions.append(run_session(profile))
        print(f"  ran {profile}", file=sys.stderr)
    common = set.intersection(*(set(session["timed"]) for session in sessions))
    first = [sessions[0]["timed"][name] for name in common]
    rows = []
    print(
        f"{'profile':<24} {'session':>9} {'timed':>6} {'not timed':>9} "
        f"{'sum of runs':>12} {'median run':>11} {'sum / first':>11} {'median / first':>14}"
    )
    for session in sessions:
        runs = [session["timed"][name] for name in common]
        total, median = sum(runs), statistics.median(runs)
        rows.append(
            f"| `{session['profile']}` | {session['wall']:.1f} s | {total:.1f} s "
            f"({total / sum(first):.2f}x) | {median * 1000:.0f} ms "
            f"({median / statistics.median(first):.2f}x) |"
        )
        print(
            f"{session['profile']:<24} {session['wall']:8.1f}s {len(session['timed']):>6} "
            f"{len(session['differing']):>9} {total:11.1f}s {median * 1000:9.0f}ms "
            f"{total / sum(first):10.2f}x {median / statistics.median(first):13.2f}x"
        )
    print(
        f"\nSums and medians over the {len(common)} recipes timed under every profile. Not "
        "timed: recipes the declarations expect to differ under a profile (xfail) or that need "
        "another profile (skipped). Every other recipe ran to its expected outcome."
    )
    if args.markdown:
        header = [
            f"| profile | whole session | sum of the {len(common)} recipes' runs | median run |",
            "| --- | ---: | ---: | ---: |",
        ]
        machine = f"Machine: {machine_line()}. One session per profile, run one after another."
        args.markdown.write_text("\n".join([*header, *rows, "", machine]) + "\n")
    if args.csv:
        with args.csv.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["profile", "test", "seconds"])
            for session in sessions:
                for name, seconds in sorted(session["timed"].items()):
                    writer.writerow([session["profile"], name, f"{seconds:.4f}"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
