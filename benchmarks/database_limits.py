"""How big an XCom the metadata DB takes, and what each size costs, through a real API server.

    uv run python benchmarks/database_limits.py [--databases postgresql sqlite] [--max-mib 1024]
        [--output docs/measured] [--replot]

For each database, starts the local deployment (tests/harness/deployment.py: PostgreSQL with
CeleryExecutor, or SQLite with LocalExecutor) with Airflow's default XCom backend, then runs the
probe DAG (benchmarks/dags/xcom_size_probe.py) for string values of 1 KiB, 4 KiB, ... doubling by
4 and then by 2, until a run fails or ``--max-mib`` is reached. Each probe times ``xcom_push``
and ``xcom_pull`` in the task (the value crosses the supervisor, the Execution API and the DB)
and reports the peak resident memory of the task process, its supervisor and the API server.

Writes ``database_limits.csv`` (every measurement), ``database_limits.md`` (the table the site
shows: medians, the failure size and the exact error) and ``database_limits.png`` (matplotlib),
each with the machine and versions, into ``--output``: the site's are in ``docs/measured``. Without
it they go to a new temporary folder (printed), so a run never rewrites tracked files unless asked.
``--replot`` redraws the table and the plot from the CSV in ``--output``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "templates")]

from tests.harness.deployment import LocalDeployment, postgres_program  # noqa: E402
from tests.harness.rest_api import AirflowApi  # noqa: E402

PROBE_DAGS = REPO_ROOT / "benchmarks" / "dags"
DAG_ID = "xcom_size_probe"
OUTPUT = Path("docs/measured")  # replaced in main(): --output, or a new temporary folder
KIB, MIB = 1024, 1024 * 1024
SIZES = [KIB * 4**n for n in range(6)] + [MIB * 2**n for n in range(2, 11)]  # 1 KiB .. 1 GiB
FIELDS = [
    "database", "size_bytes", "round", "outcome", "push_seconds", "pull_seconds",
    "task_peak_bytes", "supervisor_peak_bytes", "api_server_peak_bytes", "error",
]  # fmt: skip


def rounds_for(size: int) -> int:
    return 3 if size <= 16 * MIB else 1


def failure_of(api: AirflowApi, run_id: str) -> str:
    """``task: ExceptionType: message`` of the first failed task, from its log."""
    for ti in api.task_instances(DAG_ID, run_id):
        if ti["state"] != "failed":
            continue
        log = api.task_log(DAG_ID, run_id, ti["task_id"], max(ti["try_number"], 1))
        for line in map(json.loads, log.splitlines()):
            for detail in line.get("error_detail") or []:
                return f"{ti['task_id']}: {detail['exc_type']}: {detail['exc_value']}"
        return f"{ti['task_id']}: failed, no exception in its log"
    return "the run failed without a failed task"


def probe(deployment: LocalDeployment, api: AirflowApi, size: int, round_: int) -> dict:
    run_id = f"size_{size}_round_{round_}"
    api.trigger(DAG_ID, run_id, None, conf={"size_bytes": size})
    state = api.wait_for_run(DAG_ID, run_id, timeout_s=3600)
    row = {"database": deployment.database, "size_bytes": size, "round": round_}
    row["api_server_peak_bytes"] = deployment.peak_memory_bytes("api-server")
    if state != "success":
        row |= {"outcome": "failed", "error": failure_of(api, run_id)}
    else:
        push = api.xcom_value(DAG_ID, run_id, "push_value", "return_value", -1)
        pull = api.xcom_value(DAG_ID, run_id, "pull_value", "return_value", -1)
        row |= {
            "outcome": "stored",
            "push_seconds": round(push["seconds"], 4),
            "pull_seconds": round(pull["seconds"], 4),
            "task_peak_bytes": max(push["task_peak_bytes"], pull["task_peak_bytes"]),
            "supervisor_peak_bytes": max(
                push["supervisor_peak_bytes"], pull["supervisor_peak_bytes"]
            ),
        }
    api.call("DELETE", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")  # keep the DB small
    return row


def measure(database: str, max_bytes: int) -> list[dict]:
    rows = []
    with LocalDeployment(dags_folder=PROBE_DAGS, database=database) as deployment:
        api = deployment.api()
        deadline = time.monotonic() + 180
        while not api.call("GET", "/api/v2/dags", dag_id_pattern=DAG_ID)["dags"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{DAG_ID} was not parsed")
            time.sleep(2)
        api.unpause(DAG_ID)
        for size in (s for s in SIZES if s <= max_bytes):
            for round_ in range(rounds_for(size)):
                row = probe(deployment, api, size, round_)
                rows.append(row)
                print(json.dumps(row), flush=True)
                if row["outcome"] == "failed":
                    return rows
    return rows


def versions() -> str:
    import sqlite3

    import airflow

    postgres = subprocess.run(
        [postgres_program("postgres"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[2]  # "postgres (PostgreSQL) 15.18 (Debian ...)"
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB; Python "
        f"{platform.python_version()}, Airflow {airflow.__version__}, PostgreSQL {postgres} "
        f"(fsync off), SQLite {sqlite3.sqlite_version}"
    )


def human(size: float) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", MIB), ("KiB", KIB)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size:g} B"


def medians(rows: list[dict]) -> dict[tuple[str, int], dict]:
    grouped: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        if row["outcome"] == "stored":
            grouped.setdefault((row["database"], row["size_bytes"]), []).append(row)
    return {
        key: {
            "push": statistics.median(r["push_seconds"] for r in group),
            "pull": statistics.median(r["pull_seconds"] for r in group),
            "memory": max(max(r["task_peak_bytes"], r["supervisor_peak_bytes"]) for r in group),
            "api": max(r["api_server_peak_bytes"] for r in group),
        }
        for key, group in grouped.items()
    }


def write_table(rows: list[dict], machine: str) -> None:
    figures = medians(rows)
    lines = [
        "| database | value | push (s) | pull (s) | peak task or supervisor memory | "
        "peak API server memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (database, size), f in sorted(figures.items()):
        lines.append(
            f"| {database} | {human(size)} | {f['push']:.3f} | {f['pull']:.3f} | "
            f"{human(f['memory'])} | {human(f['api'])} |"
        )
    lines.append("")
    for database in sorted({r["database"] for r in rows}):
        failed = [r for r in rows if r["database"] == database and r["outcome"] == "failed"]
        if failed:
            error = failed[0]["error"].replace("|", "\\|")
            lines.append(f"- **{database}** failed at {human(failed[0]['size_bytes'])}: `{error}`")
        else:
            largest = max(r["size_bytes"] for r in rows if r["database"] == database)
            lines.append(f"- **{database}** stored every size up to {human(largest)} (the cap)")
    lines += ["", f"Machine: {machine}. Medians of 3 runs up to 16 MiB, 1 run above."]
    (OUTPUT / "database_limits.md").write_text("\n".join(lines) + "\n")


def plot(rows: list[dict], machine: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = medians(rows)
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4.6))
    for database, color in (("postgresql", "tab:blue"), ("sqlite", "tab:orange")):
        sizes = sorted(size for (db, size) in figures if db == database)
        if not sizes:
            continue
        points = [figures[database, size] for size in sizes]
        mib = [size / MIB for size in sizes]
        latency.plot(mib, [p["push"] for p in points], "o-", color=color, label=f"{database} push")
        latency.plot(mib, [p["pull"] for p in points], "s--", color=color, label=f"{database} pull")
        memory.plot(mib, [p["memory"] / MIB for p in points], "o-", color=color,
                    label=f"{database} task/supervisor")  # fmt: skip
        memory.plot(mib, [p["api"] / MIB for p in points], "^:", color=color,
                    label=f"{database} API server")  # fmt: skip
        for row in rows:
            if row["database"] == database and row["outcome"] == "failed":
                for axis in (latency, memory):
                    axis.axvline(row["size_bytes"] / MIB, color=color, alpha=0.5)
                latency.annotate(f"{database} fails", (row["size_bytes"] / MIB, 0.01),
                                 color=color, rotation=90, fontsize=8)  # fmt: skip
    for axis, title, unit in ((latency, "XCom push and pull", "seconds"),
                              (memory, "Peak resident memory", "MiB")):  # fmt: skip
        axis.set(xscale="log", yscale="log", xlabel="value size (MiB)", ylabel=unit, title=title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.text(0.5, 0.01, machine, ha="center", fontsize=8)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    figure.savefig(OUTPUT / "database_limits.png", dpi=110)


def parsed(row: dict[str, str]) -> dict:
    """A CSV row with its numbers as numbers again."""
    numbers = {k: float(v) if "." in v else int(v) for k, v in row.items() if v and k in NUMERIC}
    return row | numbers


NUMERIC = set(FIELDS) - {"database", "outcome", "error"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--max-mib", type=int, default=1024)
    parser.add_argument(
        "--replot", action="store_true", help="only redraw the table and plot from the CSV"
    )
    parser.add_argument("--output", type=Path, help="folder of the CSV, table and plot")
    arguments = parser.parse_args()
    global OUTPUT
    if arguments.replot and not arguments.output:
        parser.error("--replot needs --output, the folder holding database_limits.csv")
    OUTPUT = arguments.output or Path(tempfile.mkdtemp(prefix="database-limits-"))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    if arguments.replot:
        with (OUTPUT / "database_limits.csv").open() as saved:
            rows = [parsed(row) for row in csv.DictReader(saved)]
    else:
        rows = []
        for database in arguments.databases:
            rows += measure(database, arguments.max_mib * MIB)
        with (OUTPUT / "database_limits.csv").open("w", newline="") as output:
            writer = csv.DictWriter(output, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    machine = versions()
    write_table(rows, machine)
    plot(rows, machine)
    print((OUTPUT / "database_limits.md").read_text())
    print(f"Written to {OUTPUT}")


if __name__ == "__main__":
    main()
