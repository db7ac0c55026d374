"""Find the objects of the ``object_storage`` layer that no XCom row references, and delete them.

``purge`` removes an object when Airflow deletes its row from a worker (retries, clears). Rows
deleted elsewhere (``airflow db clean``, the REST API, the UI, cascades when a DAG run is
deleted) leave their objects behind. Run this where the metadata DB and the store are reachable,
with the same ``[xcom_layers] object_storage_path`` as the workers::

    python -m xcom_backends.sweep_orphans                      # dry run: lists orphans
    python -m xcom_backends.sweep_orphans --delete              # deletes those older than 24 h

Objects younger than ``--min-age-hours`` (default 24) are never deleted: a task may have written
its object and not yet stored the row that references it. The sweeper opens every envelope to find
references (an encrypted reference to a Parquet file included), so it needs the workers' layer
settings and keys; if it cannot open a row, it stops without deleting anything.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from .layered import XComLayerError, enabled_layers, envelope_of
from .layers.object_storage import base_path


def uris_in(value: object, layers: dict) -> set[str]:
    """The object URIs a stored value points at, through every envelope (an encrypted reference
    to a Parquet file included). Raises if an envelope cannot be opened: a sweep that cannot see
    every reference must not delete anything."""
    uris: set[str] = set()
    while (name := envelope_of(value)) is not None:
        if name not in layers:
            raise XComLayerError(
                f"A row was stored by the {name!r} layer, which is not enabled here: run the "
                "sweeper with the workers' [xcom_layers] settings. Nothing was deleted."
            )
        if "uri" in value:
            uris.add(value["uri"])
        if name == "dataframe_parquet":
            break
        value = layers[name].decode(value)
    return uris


def referenced_uris() -> set[str]:
    """Every object URI that an XCom row of the metadata DB points at."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    layers = {layer.name: layer for layer in enabled_layers()}
    referenced: set[str] = set()
    with create_session() as session:
        query = select(XComModel.value).execution_options(yield_per=1000)
        for value in session.scalars(query):
            referenced |= uris_in(value, layers)
    return referenced


def find_orphans(min_age: timedelta) -> tuple[list, list]:
    """(orphans old enough to delete, orphans too young to touch) under the configured path."""
    base = base_path()
    referenced = referenced_uris()
    now = datetime.now(UTC)
    old_enough, too_young = [], []
    for path in base.rglob("*"):
        if not path.is_file() or str(path) in referenced:
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
