"""The JSON form of a payload (``json_form.py``): msgspec where it writes what ``json.dumps``
would mean, ``json.dumps`` (its output or its error) everywhere else, and reading that takes both.

Pinned here: a payload of JSON's own types is written by msgspec (UTF-8, not ASCII escapes) and
parses back to the same payload, bit for bit for floats; every payload msgspec would write
differently (or refuse) gets exactly what ``json.dumps`` gives; objects written by ``json.dumps``
(earlier versions) and ones msgspec's parser refuses still read; and through the backend on a
real store, such values come back as they were pushed, and NaN is refused with the XCom named.
"""

from __future__ import annotations

import datetime
import enum
import json
import math
import struct
import uuid

import pytest
from airflow.sdk import ObjectStoragePath
from xcom_backends.base import XComLayerError
from xcom_backends.json_form import json_bytes, parsed_json

from tests.backends.xcom_rows import DESCRIBED, load, store


class Label(str):
    """A subclass of ``str``: ``json.dumps`` writes its text, msgspec refuses it."""


class Colour(enum.Enum):
    RED = "red"


def stdlib(payload) -> bytes:
    return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()


def same_floats(first, second) -> bool:
    return struct.pack("d", first) == struct.pack("d", second)


PLAIN = {
    "text": "zürich \u2013 東京 \u2028 \x00 </script>",
    "counts": [0, -1, 2**70, True, False, None],
    "floats": [0.1 + 0.2, -0.0, 5e-324, 1.7976931348623157e308, 1e-7, 123456.789],
    "nested": [{"a": [{"b": []}, {}]}, [[["deep"]]]],
}


def test_json_types_are_written_as_utf8_and_read_back_bit_for_bit():
    data = json_bytes(PLAIN)
    assert "zürich \u2013 東京 \u2028".encode() in data  # msgspec: UTF-8, where json.dumps escapes
    assert parsed_json(data) == json.loads(stdlib(PLAIN)) == PLAIN
    assert all(map(same_floats, parsed_json(data)["floats"], PLAIN["floats"]))


@pytest.mark.parametrize(
    "payload",
    [
        [Label("kept as text")],  # a subclass of str
        {"when": datetime.datetime(2026, 1, 1)},  # msgspec: an ISO string
        {"ids": {1, 2}},  # msgspec: a list
        [uuid.UUID(int=7)],
        [b"bytes"],  # msgspec: base64 text
        [Colour.RED],
        {True: 1},  # json.dumps: "true"
        {1e300: "key"},  # json.dumps: "1e+300", msgspec: "1e300"
        [1.0, float("nan")],  # msgspec: null
        {"a": [1, {"b": float("-inf")}]},
        [2**2000, 0.5],  # too big for a float: the check of a list of numbers overflows
        ["lone \ud800 surrogate"],  # msgspec refuses it
    ],
    ids=lambda payload: repr(payload)[:30],
)
def test_what_msgspec_would_change_gets_what_json_dumps_gives(payload):
    try:
        expected = stdlib(payload)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)) as raised:
            json_bytes(payload)
        assert str(raised.value) == str(error)
    else:
        assert json_bytes(payload) == expected


@pytest.mark.parametrize(
    "data, expected",
    [
        (b'{"a":"\\u00e9\\ud83d\\ude00","b":[1.5,-0.0]}', {"a": "é😀", "b": [1.5, -0.0]}),
        (b'["\\ud800"]', ["\ud800"]),  # msgspec refuses an escaped lone surrogate
        (b"[1e400]", [math.inf]),  # msgspec refuses a number out of a float's range
        (bytearray(b' {"a": 1} '), {"a": 1}),  # the buffer a local read fills
    ],
)
def test_reading_takes_json_dumps_output_and_what_msgspec_refuses(data, expected):
    assert parsed_json(data) == expected


def test_reading_refuses_what_is_not_json():
    with pytest.raises(UnicodeDecodeError):
        parsed_json(b'"\xff"')
    with pytest.raises(ValueError):
        parsed_json(b"[1,")


@pytest.mark.parametrize("value", [PLAIN, [Label("label"), "lone \udfff"]], ids=["plain", "other"])
def test_values_come_back_through_the_backend_as_pushed(store_root, layers, value):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    reference = store(value)
    stored = ObjectStoragePath(reference["uri"]).read_bytes()
    assert reference["json_bytes"] == len(stored) and json.loads(stored) == value
    assert load(reference) == value


def test_nan_is_refused_naming_the_xcom(store_root, layers):
    layers("object_storage", object_storage_path=str(store_root / "xcom"))
    with pytest.raises(XComLayerError) as refused:
        store({"scores": [0.5, float("nan")]})
    assert str(refused.value).startswith(f"{DESCRIBED} cannot be serialized: Out of range float")
    assert not list((store_root / "xcom").rglob("*.json"))  # nothing was written
