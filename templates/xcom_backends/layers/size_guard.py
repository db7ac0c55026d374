"""``size_guard``: refuse an XCom that is too large before anything is sent or stored.

Two limits, both checked on the worker before the push leaves it:

- ``max_bytes``: the largest serialized value allowed (the value as Airflow serializes it, before
  compression or encryption). Default 1048576 (1 MiB): on the deployments the cookbook measures
  (PostgreSQL and SQLite behind a real API server, ``docs/measured/database_limits.md``) a push
  and a pull cost what any XCom costs up to about 1 MiB; above it time and memory grow with the
  size in the task, its supervisor and the API server. Env
  ``AIRFLOW__XCOM_LAYERS__MAX_BYTES``.
- What the metadata database can hold in the row the push would send (after every other layer,
  so an offloaded value's row is a small reference). ``metadata_database`` names the database:
  ``postgresql`` (default) or ``sqlite``. PostgreSQL's jsonb holds at most 268435455 bytes, which
  is a single string of at most 268435447 characters: a row whose JSON is longer than that
  string's 268435449 is refused. jsonb stores each array element with a header of its own, so a
  long array of small numbers can exceed the limit with less JSON; such a row still fails in the
  API server. SQLite holds at most 1000000000 bytes (its default ``SQLITE_MAX_LENGTH``). A row
  over the limit would fail in the API server after the whole value was sent, with an error that
  does not name the XCom. For another database, put the limit of your server in ``max_bytes``.
"""

from __future__ import annotations

from typing import Any

from ..base import XComAddress, XComLayerError, int_option, option
from ..json_form import json_size

# The largest row value each metadata database holds, and what sets that limit (both checked by
# tests/production/test_database_limits.py against a real server).
DATABASE_LIMITS = {
    "postgresql": (
        268_435_449,  # the JSON of the longest string jsonb holds: 268435447 characters, quoted
        "PostgreSQL's jsonb holds at most 268435455 bytes (one string of at most 268435447 "
        "characters)",
    ),
    "sqlite": (1_000_000_000, "SQLite holds at most 1000000000 bytes (SQLITE_MAX_LENGTH)"),
}


class SizeGuardLayer:
    name = "size_guard"
    object_suffix = None
    options = ("max_bytes", "metadata_database")

    def __init__(self) -> None:
        self.max_bytes = int_option("max_bytes", 1_048_576)
        database = option("metadata_database", "postgresql")
        if database not in DATABASE_LIMITS:
            raise XComLayerError(
                f"[xcom_layers] metadata_database is {database!r}; choose one of "
                f"{sorted(DATABASE_LIMITS)} (for another database, put its limit in max_bytes)."
            )
        self.database_limit, self.database_rule = DATABASE_LIMITS[database]

    def encode(self, payload: Any, address: XComAddress) -> Any:
        size = json_size(payload)
        if size > self.max_bytes:
            raise XComLayerError(
                f"{address.describe()} is {size} bytes serialized, over the {self.max_bytes}-byte "
                "limit of [xcom_layers] max_bytes. XCom is a signalling channel: write the data to "
                "object storage and push its URI (the cookbook's 'References, not data' recipe), "
                "or enable the object_storage layer."
            )
        return payload

    def check_row(self, row: Any, address: XComAddress) -> None:
        """Refuse a row the metadata database cannot hold, before it is sent."""
        size = json_size(row)
        if size > self.database_limit:
            raise XComLayerError(
                f"{address.describe()} would be stored as a {size}-byte row, and "
                f"{self.database_rule}; nothing was sent. Enable the object_storage layer (the "
                "row then holds a reference), or write the data to object storage and push its "
                "URI."
            )

    def decode(self, envelope: dict, address: XComAddress) -> Any:  # never wraps anything
        return envelope
