"""How fast the layered backend writes and reads a payload's JSON, against ``json.dumps``/``loads``.

    uv run python benchmarks/json_form.py [--rounds 7] [--sizes 1048576,10485760] \
        > docs/measured/json_form.md

``json_bytes`` (templates/xcom_backends/json_form.py) checks that a payload holds only JSON's own
types and encodes it with msgspec, else with ``json.dumps``; ``parsed_json`` parses with msgspec.
Timed here on the three kinds of value a task pushes: text (the backend benchmark's base64 text),
JSON records (ids, counts, timestamps) and a list of floats, each about ``size`` bytes of JSON,
against compact ``json.dumps`` and ``json.loads`` of the same payload (what the official backend
and the layered one before it spend). Prints a Markdown table of medians: the site's copy is
docs/measured/json_form.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from xcom_backends.json_form import json_bytes, parsed_json

from benchmarks.backend_speed import human, machine, records_value, text_value


def floats_value(size: int) -> list[float]:
    """About ``size`` bytes of JSON floats (a model's scores, a sensor's readings)."""
    rng = random.Random(size)
    return [rng.random() for _ in range(size // 20)]


def median_seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


KINDS = {"text": text_value, "records": records_value, "floats": floats_value}
HEADER = (
    "| value | JSON size | json.dumps | json_bytes | faster | json.loads | parsed_json | faster |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def table_row(kind: str, payload, rounds: int) -> str:
    """One kind of value: both encoders' and both parsers' medians, and how much faster ours are."""
    data, stdlib = json_bytes(payload), json.dumps(payload, separators=(",", ":"))
    if parsed_json(data) != payload or json.loads(stdlib) != payload:
        raise SystemExit(f"the {kind} value did not come back as it was")
    dumps, ours, loads, parse = (
        median_seconds(work, rounds)
        for work in (
            lambda: json.dumps(payload, separators=(",", ":")),
            lambda: json_bytes(payload),
            lambda: json.loads(stdlib),
            lambda: parsed_json(data),
        )
    )
    return (
        f"| {kind} | {human(len(data))} | {dumps * 1000:.2f} ms | {ours * 1000:.2f} ms | "
        f"{dumps / ours:.1f}x | {loads * 1000:.2f} ms | {parse * 1000:.2f} ms | "
        f"{loads / parse:.1f}x |"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sizes", default=f"{2**20},{10 * 2**20}")
    args = parser.parse_args(argv)
    print(HEADER)
    for size in map(int, args.sizes.split(",")):
        for kind, make in KINDS.items():
            print(table_row(kind, make(size), args.rounds))
    print(f"\nMachine: {machine()}. Medians of {args.rounds} runs.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
