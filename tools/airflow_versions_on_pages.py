"""mkdocs hook: which Airflow releases each recipe's lesson holds on, from the version lanes.

Two directives, both filled from ``tests/harness/recipe_specs.py`` (``since``,
``airflow_differences``) and ``tests/harness/airflow_versions.py`` (the releases the lanes run):

- ``<!-- airflow-versions: dags/<chapter>/<recipe>.py -->`` under a recipe's docstring becomes a
  line such as "Airflow 3.1+ (tested on 3.0.6 to 3.3.2; 3.0: ...)";
- ``<!-- airflow-differences -->`` becomes a table of every recipe that differs on some release.

Enabled in mkdocs.yml (``hooks:``) after tools/recipe_docstrings.py; needs only the standard
library and the repository's tests/harness modules (which import no Airflow).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness.airflow_versions import AIRFLOW_RELEASES
from tests.harness.recipe_specs import NEEDS, dag_id_of, spec_of

DAGS = Path(__file__).resolve().parents[1] / "dags"
VERSIONS = re.compile(r"^(?P<indent>[ \t]*)<!-- airflow-versions: (?P<path>\S+\.py) -->$", re.M)
DIFFERENCES = "<!-- airflow-differences -->"
UPSTREAM_ISSUE = re.compile(r"(?P<repo>apache/airflow)#(?P<number>\d+)")
TESTED = f"tested on {', '.join(AIRFLOW_RELEASES.values())}"


def by_difference(spec) -> dict[str, list[str]]:
    """What differs -> the releases it differs on, in release order."""
    grouped: dict[str, list[str]] = {}
    for minor in AIRFLOW_RELEASES:
        if spec.differs_on(minor):
            grouped.setdefault(spec.differs_on(minor), []).append(minor)
    return grouped


def listed(minors: list[str]) -> str:
    return minors[0] if len(minors) == 1 else f"{', '.join(minors[:-1])} and {minors[-1]}"


def versions_line(recipe_file: str) -> str:
    spec = spec_of(dag_id_of(recipe_file))
    line = f"**Airflow {spec.since}+** ({TESTED})"
    for difference, minors in by_difference(spec).items():
        line += f"; on {listed(minors)}, {difference.removeprefix(NEEDS)}"
    return linked(line) + "."


def linked(text: str) -> str:
    """``apache/airflow#123`` as a link to the issue, as every issue number on the site is."""
    return UPSTREAM_ISSUE.sub(
        lambda m: f"[{m[0]}](https://github.com/{m['repo']}/issues/{m['number']})", text
    )


def differences_table() -> str:
    """One row per recipe that some release runs otherwise: where, and what it does instead."""
    rows = [
        "| recipe | " + " | ".join(AIRFLOW_RELEASES.values()) + " | what differs |",
        "| --- |" + " :-: |" * len(AIRFLOW_RELEASES) + " --- |",
    ]
    for recipe in sorted(DAGS.glob("*/[!_]*.py")):
        spec = spec_of(dag_id_of(str(recipe)))
        differences = by_difference(spec)
        if not differences:
            continue
        cells = ["differs" if spec.differs_on(m) else "as taught" for m in AIRFLOW_RELEASES]
        what = "; ".join(f"{listed(m)}: {d.removeprefix(NEEDS)}" for d, m in differences.items())
        rows.append(f"| `{recipe.relative_to(DAGS)}` | {' | '.join(cells)} | {linked(what)} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:
    markdown = VERSIONS.sub(lambda m: m["indent"] + versions_line(m["path"]), markdown)
    return markdown.replace(DIFFERENCES, differences_table())
