"""The table of a run's XCom rows that the site shows below each recipe (docs/stored_rows/)."""

from __future__ import annotations

import base64
import html
import json
import os
import re
from typing import Any

from tests.harness.environment import REPO_ROOT
from tests.harness.running import RecipeRun

STORED_ROWS_FOLDER = REPO_ROOT / "docs" / "stored_rows"


MAX_SHOWN_VALUE_CHARS = 160


# Base64 fields of a sealed envelope that are new on every push (fresh keys, nonces, ciphertext).
SEALED_FRESH_FIELDS = ("ephemeral_public", "nonce", "wrapped_key", "ciphertext")


# Characters Markdown would read as markup inside a table cell (`__classname__` as bold, `|` as a
# column), written as HTML character references so the page shows the stored text as it is.
MARKDOWN_SAFE = str.maketrans({"|": "&#124;", "_": "&#95;", "*": "&#42;", "`": "&#96;"})


def sizes_of_fresh_fields(stored: Any) -> Any:
    """A sealed envelope with its per-push base64 fields shown as their size, e.g. ``<12 bytes>``.

    The table then stays the same from run to run; any other stored value is returned as it is.
    """
    from xcom_backends.base import envelope_of

    if envelope_of(stored) != "sealed":
        return stored

    def sized(part: dict) -> dict:
        fresh = {
            n: f"<{len(base64.b64decode(v))} bytes>"
            for n, v in part.items()
            if n in SEALED_FRESH_FIELDS
        }
        return part | fresh

    return {**sized(stored), "recipients": [sized(r) for r in stored["recipients"]]}


def shown_run_id(run_id: str) -> str:
    """A run id as the table shows it: the random end of a run without a logical date
    (``manual__2026-01-01T00:00:00+00:00_30QL78rG``) as ``_<random>``."""
    return re.sub(r"(\+00:00)_[A-Za-z0-9]{8}$", r"\1_<random>", run_id)


def stored_rows_markdown(run: RecipeRun) -> str:
    """A Markdown table of the run's XCom rows as stored, plus the errors of failed tasks.

    Paths under the throwaway ``AIRFLOW_HOME`` are shown as ``$AIRFLOW_HOME`` and sealed values'
    fresh bytes as their size, so that the table is the same on every machine and run.
    """
    home = os.environ["AIRFLOW_HOME"]
    run_id = shown_run_id(run.run_id)

    def cell(text: str, shorten: bool = True) -> str:
        text = text.replace(home, "$AIRFLOW_HOME").replace(run.run_id, run_id)
        if shorten and len(text) > MAX_SHOWN_VALUE_CHARS:
            text = f"{text[: MAX_SHOWN_VALUE_CHARS - 20]}… ({len(text)} characters)"
        return "<code>" + html.escape(text).translate(MARKDOWN_SAFE) + "</code>"

    lines = [
        "<!-- Generated from a real run by tests/test_every_recipe.py; "
        "UPDATE_STORED_ROWS=1 ./dev check rewrites it. -->",
        f"Rows stored by run `{run_id}`:",
        "",
        "| task | key | map index | value as stored in the `xcom` table |",
        "| --- | --- | --- | --- |",
    ]
    for row in run.xcoms:
        shown = sizes_of_fresh_fields(row.stored)
        stored, shorten = json.dumps(shown, ensure_ascii=False), shown is row.stored
        result = " (DAG result)" if row.dag_result else ""
        lines.append(
            f"| {cell(row.task_id)} | {cell(row.key)}{result} | {row.map_index} "
            f"| {cell(stored, shorten)} |"
        )
    if not run.xcoms:
        lines.append("| (none) | | | |")
    for label, error in sorted(run.errors.items()):
        lines += ["", f"A try of {cell(label)} failed with {cell(error, shorten=False)}"]
    return "\n".join(lines) + "\n"
