"""Refuse answers the generated project could not work with, saying what to answer instead.

Choice questions (Airflow version, backend, examples) are checked by cookiecutter itself, which
names the answer it got and the choices it accepts.
"""

import re
import sys

SLUG = {{ cookiecutter.project_slug | jsonify }}

if not re.fullmatch(r"[a-z][a-z0-9_]*", SLUG):
    print(
        f"Cannot generate this project: project_slug {SLUG!r} is not a valid folder and Python "
        "package name. Use lowercase ASCII letters, digits and underscores, starting with a "
        "letter (for example 'sales_pipelines'; a name starting with a digit needs a word in "
        "front).",
        file=sys.stderr,
    )
    sys.exit(1)
