"""The PostgreSQL limit the size guard refuses by is PostgreSQL's own.

``size_guard`` refuses, on the worker, a row the metadata database could not hold
(``DATABASE_LIMITS``); this holds the PostgreSQL figure against the deployment's server, where the
``xcom`` table's value column is jsonb. SQLite's limit is checked in
tests/backends/test_layered_faults.py.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from xcom_backends.layers.size_guard import DATABASE_LIMITS

LONGEST_JSONB_STRING = 268_435_447  # characters: 268435455 bytes less jsonb's 8-byte header


def test_postgresql_jsonb_holds_exactly_the_size_guards_limit(deployment):
    limit, _ = DATABASE_LIMITS["postgresql"]
    assert limit == LONGEST_JSONB_STRING + 2  # the string's JSON: quoted
    engine = create_engine(deployment.database_url)
    try:
        with engine.connect() as connection:
            as_jsonb = text("select octet_length(to_jsonb(repeat('x', :n)) #>> '{}')")
            longest = connection.execute(as_jsonb, {"n": LONGEST_JSONB_STRING}).scalar()
            assert longest == LONGEST_JSONB_STRING
            refused = "total size of jsonb array elements exceeds the maximum of 268435455 bytes"
            with pytest.raises(DBAPIError, match=refused):
                connection.execute(as_jsonb, {"n": LONGEST_JSONB_STRING + 1})
    finally:
        engine.dispose()


def test_postgresql_writes_a_refused_value_into_its_server_log(deployment):
    """A statement PostgreSQL refuses is logged whole (``log_min_error_statement = error`` by
    default), and the psycopg2 driver Airflow connects with sends values inside the statement:
    a value the database refuses lands in its server log. The size guard refuses it first."""
    marker = f"refused-value-{uuid.uuid4().hex}-"
    value = json.dumps(marker + "x" * LONGEST_JSONB_STRING)  # JSON text, as Airflow binds it
    engine = create_engine(deployment.database_url)  # postgresql+psycopg2, as Airflow's
    try:
        refused = pytest.raises(DBAPIError, match="string too long to represent as jsonb string")
        with engine.connect() as connection, refused:
            connection.execute(text("select cast(:value as jsonb)"), {"value": value})
    finally:
        engine.dispose()
    with deployment.component("postgresql").log.open("rb") as log:
        assert any(marker.encode() in line for line in log)
