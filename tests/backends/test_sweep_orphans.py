"""The orphan sweeper against a real store, after the catalogue ran under an object-storage backend.

Runs in the object-storage profiles of the catalogue (COOKBOOK_XCOM_BACKEND=object-storage-*).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.harness.backend_profiles import selected_profile

BACKEND = selected_profile()

pytestmark = pytest.mark.skipif(
    "object_storage" not in BACKEND.stored_as,
    reason=f"needs an object_storage profile; this session runs {BACKEND.name}",
)


def delete_rows_like_db_clean(dag_id: str) -> list[str]:
    """Delete a DAG's XCom rows straight from the DB, as `airflow db clean` does; their URIs."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import delete, select

    with create_session() as session:
        values = session.scalars(select(XComModel.value).where(XComModel.dag_id == dag_id)).all()
        session.execute(delete(XComModel).where(XComModel.dag_id == dag_id))
    return sorted(v["uri"] for v in values if isinstance(v, dict) and "uri" in v)


def test_sweeper_finds_exactly_the_objects_whose_rows_were_deleted(recipes, capsys):
    from airflow.sdk import ObjectStoragePath
    from xcom_backends.base import envelope_of
    from xcom_backends.sweep_orphans import find_orphans, main

    for dag_id in recipes.dag_ids:
        recipes.run(dag_id)
    # Nothing is orphaned by the catalogue itself: purge() removed what the retried task's first
    # try wrote, and when the API server refused the 1,025-item list (max_map_length) after the
    # backend had written it, the backend deleted that object again.
    assert find_orphans(timedelta(0)) == ([], [])

    # Delete the rows of one recipe that offloaded values (thresholds differ by profile); keep
    # another's, which must survive.
    offloading, kept = [
        dag_id
        for dag_id in recipes.dag_ids
        if any(envelope_of(row.stored) == "object_storage" for row in recipes.run(dag_id).xcoms)
    ][:2]
    kept_uris = [
        row.stored["uri"]
        for row in recipes.run(kept).xcoms
        if envelope_of(row.stored) == "object_storage"
    ]
    orphaned = delete_rows_like_db_clean(offloading)
    assert orphaned

    old_enough, too_young = find_orphans(timedelta(hours=24))
    assert old_enough == [] and sorted(map(str, too_young)) == orphaned  # just written: kept

    assert main(["--min-age-hours", "0"]) == 0  # dry run
    assert all(ObjectStoragePath(uri).exists() for uri in orphaned)
    assert f"{len(orphaned)} orphaned objects found (dry run" in capsys.readouterr().out

    assert main(["--delete", "--min-age-hours", "0"]) == 0
    assert not any(ObjectStoragePath(uri).exists() for uri in orphaned)
    assert all(ObjectStoragePath(uri).exists() for uri in kept_uris)  # referenced: untouched
    assert find_orphans(timedelta(0)) == ([], [])


def test_sweeper_needs_no_keys_and_keeps_every_object_a_row_owns(recipes, monkeypatch):
    from xcom_backends.sweep_orphans import find_orphans

    if "encryption" not in BACKEND.stored_as:
        pytest.skip(f"needs encrypted rows; this session runs {BACKEND.name}")
    recipes.run("basics_reference_not_data")
    monkeypatch.setenv("AIRFLOW__XCOM_LAYERS__LAYERS", "object_storage")  # no keys configured
    monkeypatch.delenv("AIRFLOW__XCOM_LAYERS__ENCRYPTION_KEYS")
    assert find_orphans(timedelta(0)) == ([], [])  # paths come from rows' addresses, not values
