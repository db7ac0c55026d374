"""The JSON form of a payload: what every layer measures, packs and stores, and how it is read.

A payload (Airflow's serialization of a value) is encoded with msgspec, which the Task SDK itself
depends on, when it holds only JSON's own types: ``dict`` with ``str`` keys, ``list``, ``str``,
``int``, finite ``float``, ``bool`` and ``None``, exactly those classes. Anything else (a subclass
of ``str``, a ``datetime`` or a ``set`` a class's own ``serialize()`` returned, NaN) is encoded by
``json.dumps``, which writes subclasses as their base class and refuses what JSON cannot hold with
its own message: msgspec would write a ``datetime`` or a ``set`` as a string or a list, and NaN as
``null``, and the value read back would not be the value pushed; a text with a lone surrogate,
which msgspec refuses, is escaped by ``json.dumps`` as before. Both write compact JSON that parses
to the same payload (``tests/backends/test_json_form.py``); msgspec, the check of the classes
included, encodes text and floats about 7 to 9 times as fast as ``json.dumps`` and small records
1.4 to 1.6 times, and parses them 2 to 6 and 1.5 to 1.8 times as fast as ``json.loads`` at 1 and
10 MiB (``benchmarks/json_form.py``; docs/measured/json_form.md).

Reading parses with msgspec; what it refuses (a number beyond a float's range, an escaped lone
surrogate, which ``json.dumps`` writes) is parsed by ``json.loads``, so objects and rows written
by earlier versions (ASCII JSON from ``json.dumps``) read as they did.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

import msgspec

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()
_SCALARS = frozenset({str, int, bool, type(None)})  # written alike by msgspec and json.dumps
_NUMBERS = frozenset({int, bool, float})

# The payload encoded last while a value is pushed (see ``encoding_once``), and its JSON.
_ENCODED: ContextVar[tuple[Any, bytes] | None] = ContextVar("encoded_payload", default=None)


def json_bytes(payload: Any) -> bytes:
    """The payload as compact JSON in UTF-8 (msgspec, or ``json.dumps``: see the module).

    Raises ``ValueError`` for NaN and infinities, ``TypeError`` for what JSON cannot hold.
    Inside ``encoding_once()`` a payload that was just encoded is not encoded again: a layer asks
    for the size and then for the bytes of the same value, and the backend has already encoded it
    to refuse NaN.
    """
    known = _ENCODED.get()
    if known is not None and known[0] is payload:
        return known[1]
    data = None
    if _only_json_types(payload):
        with suppress(UnicodeEncodeError, RecursionError):  # a lone surrogate; json.dumps says
            data = _ENCODER.encode(payload)
    if data is None:
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
    if known is not None:
        _ENCODED.set((payload, data))
    return data


def json_size(payload: Any) -> int:
    return len(json_bytes(payload))


@contextmanager
def encoding_once() -> Iterator[None]:
    """Remember the last encoded payload while one value is pushed; forget it afterwards."""
    token = _ENCODED.set((None, b""))
    try:
        yield
    finally:
        _ENCODED.reset(token)


def parsed_json(data: bytes | bytearray) -> Any:
    """The payload in ``data`` (UTF-8 JSON); ``json.loads`` for what msgspec refuses (the
    module says what). Raises ``UnicodeDecodeError`` or ``ValueError`` for what is not JSON."""
    try:
        return _DECODER.decode(data)
    except msgspec.DecodeError:
        return json.loads(data)


def _only_json_types(payload: Any) -> bool:
    """Whether ``payload`` holds only ``dict`` (``str`` keys), ``list``, ``str``, ``int``,
    finite ``float``, ``bool`` and ``None``: exactly these classes, at any depth.

    Walked without recursion; a list of scalars is looked at in C (the set of its classes, the
    sum of its numbers), so a million floats take about 15 ms where ``json.dumps`` takes 400.
    """
    pending: list = [[payload]]
    while pending:
        container = pending.pop()
        if type(container) is dict:
            pairs = container.items()
        else:
            kinds = set(map(type, container))
            if kinds <= _SCALARS:
                continue
            if kinds <= _NUMBERS:
                if not _finite_sum(container):
                    return False
                continue
            pairs = zip(itertools.repeat(""), container)  # a list's items, with a str "key"
        for key, value in pairs:
            if type(key) is not str:
                return False
            kind = type(value)
            if kind in _SCALARS:
                continue
            if kind is float:
                if not math.isfinite(value):
                    return False
            elif kind is dict or kind is list:
                pending.append(value)
            else:
                return False
    return True


def _finite_sum(numbers: list) -> bool:
    """True if every number is finite: a NaN or an infinity makes the sum one. A sum that
    overflows only sends the payload to ``json.dumps``, which writes it all the same."""
    try:
        return math.isfinite(sum(numbers, 0.0))
    except OverflowError:  # an int too big for a float
        return False
