"""Find the objects of the layered backend that no XCom row owns any more, and delete them.

The backend's ``purge`` removes an object when a worker deletes its row (retries, clears). Rows
deleted elsewhere (``airflow db clean``, the REST API, the UI, cascades when a DAG run is deleted)
leave their objects behind. Run this where the metadata DB and the store are reachable, with the
same ``[xcom_layers] object_storage_path`` as the workers::

    python -m xcom_backends.sweep_orphans                      # dry run: lists orphans
    python -m xcom_backends.sweep_orphans --delete              # deletes those older than 24 h

An object's path is derived from the address of its XCom (DAG, run, task, map index, key), so an
object is kept while a row exists at that address, whatever the row holds; the sweeper never
needs to open a row, and so needs no encryption or sealing keys. Objects younger than
``--min-age-hours`` (default 24) are never deleted: a task may have written its object and not
yet stored the row.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from .base import XComAddress
from .layers import OBJECT_SUFFIXES
from .layers.object_storage import base_path, object_location


def owned_paths(base) -> set[str]:
    """Every path a row of the metadata DB may own: its address with each layer's suffix."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    columns = (
        XComModel.dag_id,
        XComModel.run_id,
        XComModel.task_id,
        XComModel.map_index,
        XComModel.key,
    )
    owned: set[str] = set()
    with create_session() as session:
        for row in session.execute(select(*columns).execution_options(yield_per=1000)):
            address = XComAddress(*row)
            owned |= {object_location(address, suffix, base).uri for suffix in OBJECT_SUFFIXES}
    return owned


def find_orphans(min_age: timedelta) -> tuple[list, list]:
    """(orphans old enough to delete, orphans too young to touch) under the configured path."""
    base = base_path()
    owned = owned_paths(base)
    now = datetime.now(UTC)
    old_enough, too_young = [], []
    for path in base.rglob("*"):
        if not path.is_file() or str(path) in owned:
            continue
        modified = path.fs.modified(path.path)
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        (old_enough if now - modified >= min_age else too_young).append(path)
    return old_enough, too_young


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delete", action="store_true", help="delete (default: only list)")
    parser.add_argument("--min-age-hours", type=float, default=24.0)
    args = parser.parse_args(argv)
    old_enough, too_young = find_orphans(timedelta(hours=args.min_age_hours))
    for path in old_enough:
        print(f"{'deleting' if args.delete else 'orphan'} {path}")
        if args.delete:
            path.unlink(missing_ok=True)
    for path in too_young:
        print(f"kept (younger than {args.min_age_hours} h) {path}")
    action = "deleted" if args.delete else "found (dry run; --delete removes them)"
    print(f"{len(old_enough)} orphaned objects {action}; {len(too_young)} too young to touch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
