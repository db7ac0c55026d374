"""``xcom-lint PATH...``: print ``path:line:col: CODE message`` per finding.

Exit status: 0 clean, 1 findings, 2 usage error (no path, a path that does not exist, a bad
configuration). The key pattern comes from ``[tool.xcom-lint] key-pattern`` in the
``pyproject.toml`` of the current directory, or ``--key-pattern``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

from .checker import DEFAULT_KEY_PATTERN, lint_paths


def configured_key_pattern() -> str:
    pyproject = Path("pyproject.toml")
    if not pyproject.is_file():
        return DEFAULT_KEY_PATTERN
    settings = tomllib.loads(pyproject.read_text()).get("tool", {}).get("xcom-lint", {})
    return settings.get("key-pattern", DEFAULT_KEY_PATTERN)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xcom-lint", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="DAG files or folders")
    parser.add_argument("--key-pattern", help="regular expression every key must match")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 2 if exit_.code else 0
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"xcom-lint: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    key_pattern = args.key_pattern or configured_key_pattern()
    try:
        re.compile(key_pattern)
    except re.error as error:
        print(
            f"xcom-lint: key pattern {key_pattern!r} is not a regular expression: {error}",
            file=sys.stderr,
        )
        return 2
    findings = lint_paths(args.paths, key_pattern)
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
