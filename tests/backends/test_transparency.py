"""The backend selected by COOKBOOK_XCOM_BACKEND really stored every row of the catalogue.

Together with the catalogue's own tests (same values read back under every backend), this shows a
backend is transparent: it changes how values are stored, never what tasks receive.
"""

from __future__ import annotations

from xcom_backends.base import MARKER

from tests.harness.backend_profiles import PROFILES, selected_profile
from tests.harness.recipe_specs import spec_of

BACKEND = selected_profile()


def stored_shape(stored) -> str:
    if isinstance(stored, dict) and MARKER in stored:
        return stored[MARKER]
    if isinstance(stored, str) and "://" in stored:
        return "path"
    return "plain"


def written_past_the_backend(key: str) -> bool:
    """Extra-link rows: the worker stores them in the metadata database directly (pinned in
    tests/recipes/test_operators.py)."""
    return key.startswith("_link_")


def test_every_row_of_the_catalogue_took_the_selected_backends_form(recipes):
    shapes = {
        (dag_id, row.task_id, row.key): stored_shape(row.stored)
        for dag_id in recipes.dag_ids
        if BACKEND.name not in spec_of(dag_id).known_differences
        and not recipes.runs_elsewhere(dag_id)
        for row in recipes.run(dag_id).xcoms
        if not written_past_the_backend(row.key)
    }
    assert len(shapes) > 50
    if BACKEND.backend is None:
        # Only the reference recipe stores a URI by itself; nothing is enveloped.
        assert {s for s in shapes.values()} <= {"plain", "path"}
        assert MARKER not in str(shapes)
    else:
        unexpected = {k: s for k, s in shapes.items() if s not in BACKEND.stored_as}
        assert unexpected == {}, f"rows {BACKEND.name} did not store as {set(BACKEND.stored_as)}"


def test_every_profile_but_default_declares_its_stored_form():
    assert all(p.stored_as for name, p in PROFILES.items() if name != "default")
