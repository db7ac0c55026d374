"""Round-trip time and peak memory of the XCom backends on object storage, side by side.

    uv run python benchmarks/backend_speed.py [--rounds 3] [--trips 5]
        [--sizes 1024,1048576,...] [--stores s3,local] [--csv docs/measured/backend_speed.csv]
        [--env NAME=VALUE ...]

One round trip is what a push and a pull cost a task: ``serialize_value`` (with the XCom's
address, as the worker calls it), the row through JSON as the API server stores it, and
``deserialize_value`` of that row. The competitors, on the same value:

- ``raw``: the least any backend must do: the value's JSON, the same bytes the layered backend
  writes (encoded and parsed with msgspec, as it does), written to the store and read back with
  the store's own fsspec client (``ObjectStoragePath.write_bytes``/``read_bytes``);
- ``raw_json``: the same with the standard library's ``json.dumps``/``json.loads``, as the
  official backend and most task code encode JSON;
- ``raw_checked``: ``raw`` plus the object_storage layer's checksum (BLAKE3, ``checksums.py``)
  of the bytes before they are written and of the bytes read before they are parsed, one after
  the other on the task's thread: the least a backend that checks its objects must do;
- ``official``: apache-airflow-providers-common-io's ``XComObjectStorageBackend``, every value
  offloaded (threshold 0, no compression);
- the layered backend from templates/ with each layer combination of ``COMBINATIONS``.

Stores: ``s3`` on a local moto server (started here, as the tests start it) and ``local``, a
folder (``file://``). The value is text that compresses to about 0.75 of its size (base64 of
random bytes), so compression has something, but not much, to do.

Each competitor runs in a fresh process per store, size and round, as a task has a process of
its own; in every round the competitors take turns in a shuffled order. In its process: one
small round trip (imports, clients), then the value is built, Linux's peak-RSS counter is reset
(``/proc/self/clear_refs``) and ``--trips`` round trips run, timed. The first one's growth of the
peak over the resident size before it is the peak memory, as a multiple of the value's JSON size.
After each, untimed, the object it wrote is deleted: every push writes a new object, as each run's
push does (overwriting one would cost a local file its truncation, which the official backend,
writing under new names, never pays).
Reported: the median of every round's trips after its process's first (a process that pushes and
pulls again and again, its allocator holding pages to reuse); the median of the rounds' first
trips (a task pushes and pulls once in a process of its own, with nothing of the value's size
allocated before); and the highest peak of the rounds. The two times are kept apart: one median
over both fell among the later trips' slowest (a process's first two are the slow ones) and
moved with ``--trips``.

``--env NAME=VALUE`` (repeatable) sets a variable in every competitor's process, as a worker's
environment would, for settings that act on the whole process: glibc's fixed thresholds
(``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``) and what they do to the peak and the time
(docs/measured/malloc_trim_*.csv). Each process reports the values it saw; a run stops if one
differs.

Prints the medians, the ratios to ``raw`` and to ``official``, and the memory multiples;
``--csv PATH`` also writes every figure there (the site's plot reads docs/measured/); nothing
tracked is written unless asked (beside the CSV: the plot, ``.png``, and the site's tables,
``.md``). ``--replot`` draws both again from that CSV. ``--codecs`` only times zstd's, gzip's and
lz4's levels and AES-256-GCM on that value and on JSON records (how the compression layer's
default codec and level were chosen, and what the cipher itself costs); ``--checksums`` only
times SHA-256 and BLAKE3 over the value in the layer's 1 MiB chunks (how the object_storage
layer's checksum was chosen).
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import msgspec

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.append(str(REPO_ROOT / "templates"))  # as plugins/ would be in a project

from tests.harness.backend_profiles import LAYERED, OFFICIAL  # noqa: E402
from tests.harness.environment import configure_airflow_home  # noqa: E402

COMBINATIONS = {
    "object_storage": "object_storage",
    "+compression": "compression, object_storage",
    "+compression+encryption": "compression, encryption, object_storage",
}
COMPETITORS = ("raw", "raw_json", "raw_checked", "official", *COMBINATIONS)
# How each raw competitor makes the value's JSON bytes and the value of them again, and whether
# it checksums them as the object_storage layer does.
RAW_CODECS = {
    "raw": (msgspec.json.encode, msgspec.json.decode, False),
    "raw_json": (lambda value: json.dumps(value).encode(), json.loads, False),
    "raw_checked": (msgspec.json.encode, msgspec.json.decode, True),
}
SIZES = (1024, 1024**2, 10 * 1024**2, 100 * 1024**2)
ADDRESS = {"dag_id": "bench", "run_id": "manual__1", "task_id": "produce", "map_index": -1}
ENCRYPTION_KEYS = "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
BENCH_KEY = base64.b64decode(ENCRYPTION_KEYS.partition(":")[2])
# The CSV's time columns and what each is (the module's docstring says why they are apart).
TIMES = {
    "warm_s": "median later round trip (every trip after a process's first, every round)",
    "first_s": "first round trip in a process (what a task pays), median of the rounds",
}
# Peak memory is shown from this size: below it the trip's buffers fit in pages the process freed
# while it built the value, and the multiple says nothing (at 1 MiB on local files it read 0.0x
# for some competitors and 1.0x for others, by where the allocator happened to place them).
MEMORY_FROM_BYTES = 10 * 2**20


def sizes_for_memory(sizes: list[int]) -> list[int]:
    return [size for size in sizes if size >= MEMORY_FROM_BYTES]


def text_value(size: int) -> str:
    """``size`` characters of base64 text of random bytes (gzips to about 0.76)."""
    return base64.b64encode(random.Random(size).randbytes(size * 3 // 4 + 3)).decode()[:size]


def records_value(size: int) -> list[dict]:
    """About ``size`` bytes of JSON records (ids, counts, timestamps): data that compresses well."""
    rng = random.Random(size)
    count = max(1, size // 90)
    return [
        {"id": f"order-{rng.randrange(10**9):09d}", "rows": rng.randrange(10**6),
         "at": f"2026-01-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00:00Z", "ok": True}
        for _ in range(count)
    ]  # fmt: skip


def codec_table(sizes: list[int], rounds: int) -> None:
    """zstd's and gzip's levels as the compression layer runs them, lz4, and the encryption
    layer's cipher (AES-256-GCM), on both kinds of value, as a Markdown table: median times and
    the share of the size left (``--codecs > docs/measured/codecs.md`` is the site's copy)."""
    import lz4.frame
    from xcom_backends.layers.compression import CODECS

    codecs = [
        (codec, level, CODECS[codec].compress, CODECS[codec].decompress)
        for codec, levels in (("zstd", (1, 3, 9)), ("gzip", (1, 6, 9)))
        for level in levels
    ] + [
        ("lz4", 0, lambda data, level: lz4.frame.compress(data, level), lz4.frame.decompress),
        ("aes-256-gcm", 0, aes_gcm_encrypt, aes_gcm_decrypt),  # the encryption layer's cipher
    ]
    print("| value | JSON size | codec | level | compress | speed | unpack | size after |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for kind, value in (("text", text_value(size)), ("records", records_value(size))):
            data = json.dumps(value, separators=(",", ":")).encode()
            for codec, level, compress, unpack in codecs:
                packing, unpacking, packed = [], [], b""
                for _ in range(rounds):
                    start = time.perf_counter()
                    packed = compress(data, level)
                    packing.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    assert unpack(packed) == data
                    unpacking.append(time.perf_counter() - start)
                elapsed, unpacked = statistics.median(packing), statistics.median(unpacking)
                print(
                    f"| {kind} | {human(len(data))} | {codec} | {level} | "
                    f"{elapsed * 1000:.1f} ms | {len(data) / 2**20 / elapsed:.0f} MiB/s | "
                    f"{unpacked * 1000:.1f} ms | {len(packed) / len(data):.2f} |"
                )
    print(f"\nMachine: {machine()}. Medians of {rounds} runs.")


def aes_gcm_encrypt(data: bytes, level: int) -> bytes:
    """AES-256-GCM over the whole value (cryptography's ``AESGCM``): the cipher's own time, which
    the encryption layer spends in 1 MiB chunks. The nonce comes first."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce + AESGCM(BENCH_KEY).encrypt(nonce, data, None)


def aes_gcm_decrypt(packed: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    view = memoryview(packed)
    return AESGCM(BENCH_KEY).decrypt(view[:12], view[12:], None)


def checksum_table(sizes: list[int], rounds: int) -> None:
    """SHA-256 and BLAKE3 over the value's JSON, as the object_storage layer hashes it (in its
    chunks while writing, the whole object while reading, on one thread or every core), as a
    Markdown table (``--checksums > docs/measured/checksums.md``)."""
    import hashlib

    from blake3 import blake3
    from xcom_backends.checksums import usable_cores
    from xcom_backends.layers.object_storage import CHUNK_BYTES

    def in_chunks(new):
        def digest(data: bytes) -> str:
            hasher, view = new(), memoryview(data)  # slices of a view: hashing, not copying
            for start in range(0, len(data), CHUNK_BYTES):
                hasher.update(view[start : start + CHUNK_BYTES])
            return hasher.hexdigest()

        return digest

    checksums = {
        "SHA-256 (hashlib), 1 MiB chunks": in_chunks(hashlib.sha256),
        "BLAKE3, 1 MiB chunks (a write)": in_chunks(blake3),
        "BLAKE3, whole, one thread": lambda data: blake3(data).hexdigest(),
        f"BLAKE3, whole, {usable_cores()} threads": lambda data: blake3(
            data, max_threads=usable_cores()
        ).hexdigest(),
    }
    print("| value | checksum | median time | speed | / SHA-256 |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for size in sizes:
        data = json.dumps(text_value(size)).encode()
        medians = {}
        for name, checksum in checksums.items():
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                checksum(data)
                times.append(time.perf_counter() - start)
            medians[name] = statistics.median(times)
        sha256 = next(iter(medians.values()))
        for name, elapsed in medians.items():
            print(
                f"| {human(size)} | {name} | {elapsed * 1000:.2f} ms | "
                f"{len(data) / 2**20 / elapsed:.0f} MiB/s | {elapsed / sha256:.2f}x |"
            )
    print(f"\nMachine: {machine()}. Medians of {rounds} runs.")


def use_competitor(name: str, base: str) -> None:
    """Configure this process's Airflow for one competitor (its process runs no other)."""
    if name == "official":
        os.environ["AIRFLOW__CORE__XCOM_BACKEND"] = OFFICIAL
        os.environ["AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_PATH"] = f"{base}/official"
        os.environ["AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_THRESHOLD"] = "0"
    elif name in COMBINATIONS:
        os.environ["AIRFLOW__CORE__XCOM_BACKEND"] = LAYERED
        os.environ["AIRFLOW__XCOM_LAYERS__LAYERS"] = COMBINATIONS[name]
        os.environ["AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH"] = f"{base}/layered"
        os.environ["AIRFLOW__XCOM_LAYERS__ENCRYPTION_KEYS"] = ENCRYPTION_KEYS


def round_trip(name: str, base: str, value: object, key: str) -> tuple[object, str]:
    """Push ``value`` through the competitor (configured by ``use_competitor``) and pull it back:
    what the pull gave, and the URI of the object the push wrote."""
    if name in RAW_CODECS:
        from airflow.sdk import ObjectStoragePath
        from xcom_backends.checksums import new_checksum

        encode, parse, checked = RAW_CODECS[name]
        path = ObjectStoragePath(f"{base}/{name}/{key}.json")
        data = encode(value)
        digest = new_checksum(data).hexdigest() if checked else None
        path.write_bytes(data)
        del data
        data = path.read_bytes()
        if checked and new_checksum(data).hexdigest() != digest:
            raise SystemExit(f"{name}: the object read back is not the one written")
        return parse(data), str(path)
    if name == "official":
        from airflow.providers.common.io.xcom.backend import XComObjectStorageBackend as backend
    else:
        from xcom_backends.layered import LayeredXComBackend as backend
    stored = backend.serialize_value(value, key=key, **ADDRESS)
    row = SimpleNamespace(value=json.loads(json.dumps(stored)), key=key, **ADDRESS)
    return backend.deserialize_value(row), stored if name == "official" else stored["uri"]


def start_store(store: str, home: Path) -> tuple[str, object | None]:
    """The base URL of ``store`` and its server (None for a folder)."""
    if store == "local":
        for folder in (*RAW_CODECS, "official", "layered"):
            (home / "store" / folder).mkdir(parents=True)
        return f"file://{home / 'store'}", None
    from tests.harness.storage_servers import start_server

    server = start_server(store)
    return server.base_url, server


def probe(name: str, base: str, size: int, trips: int, environment: list[str]) -> None:
    """In a fresh process, as a task gets one: after one small round trip (imports, clients),
    ``trips`` round trips of a ``size`` value, timed; the first also gives the peak memory it
    adds over the resident size before it, as a multiple of the value's JSON size. Reports the
    values of the ``environment`` variables it ran with."""
    from airflow.sdk import ObjectStoragePath

    use_competitor(name, base)
    round_trip(name, base, text_value(1024), "warm_up")
    value = text_value(size)
    json_size = len(json.dumps(value).encode())
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current size
    before = resident_bytes("VmRSS")
    seconds, peak = [], 0.0
    for trip in range(trips):
        start = time.perf_counter()
        back, written = round_trip(name, base, value, f"value_{size}")
        seconds.append(time.perf_counter() - start)
        if trip == 0:
            peak = (resident_bytes("VmHWM") - before) / json_size
        if back != value:
            raise SystemExit(f"{name} changed a {size}-byte value")
        # Untimed: the next push writes a new object, as every run's push does (overwriting one
        # costs a local file its truncation, which the official backend's new names never pay).
        ObjectStoragePath(written).unlink()
    seen = {variable: os.environ.get(variable) for variable in environment}
    print(json.dumps({"seconds": seconds, "peak_over_value": peak, "environment": seen}))


def resident_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def measured_rounds(
    stores: dict[str, str], sizes: list[int], rounds: int, trips: int, environment: dict[str, str]
) -> tuple[list[dict], dict[tuple, float]]:
    """Every competitor in a fresh process per store, size and round, in a shuffled order in
    every round: the median time of every process's trips after its first, the median of the
    processes' first trips (what a task pays: one push and one pull in a process of its own), the
    highest peak memory of the rounds. Every process runs with ``environment`` added to this one's.

    A process of its own per competitor, as each task has: in one shared process the large
    buffers one competitor frees change where glibc's allocator places the next one's (its
    thresholds follow what was freed), which moved the others' times at 10 MiB by up to 2x.
    """
    seconds: dict[tuple, list[float]] = {}
    firsts: dict[tuple, list[float]] = {}
    peaks: dict[tuple, float] = {}
    for number in range(rounds):
        for store, base in stores.items():
            for size in sizes:
                order = list(COMPETITORS)
                random.shuffle(order)
                for name in order:
                    command = [sys.executable, __file__, "--probe", name, base, str(size)]
                    probed = subprocess.run(
                        [*command, str(trips), "--probe-env", *environment],
                        capture_output=True,
                        text=True,
                        check=False,
                        env=os.environ | environment,
                    )
                    if probed.returncode:
                        raise SystemExit(f"{name} on {store} at {size} bytes:\n{probed.stderr}")
                    result = json.loads(probed.stdout.strip().splitlines()[-1])
                    if result["environment"] != environment:
                        raise SystemExit(
                            f"{name} ran with {result['environment']}, not {environment}"
                        )
                    key = (store, size, name)
                    seconds.setdefault(key, []).extend(result["seconds"][1:])
                    firsts.setdefault(key, []).append(result["seconds"][0])
                    peaks[key] = max(peaks.get(key, 0.0), result["peak_over_value"])
                print(f"  round {number + 1}: {store} {size} bytes", file=sys.stderr)
    rows = [
        {
            "store": store,
            "bytes": size,
            "competitor": name,
            "warm_s": statistics.median(times),
            "first_s": statistics.median(firsts[store, size, name]),
        }
        for (store, size, name), times in seconds.items()
    ]
    return rows, peaks


def print_tables(rows: list[dict], memory: dict[tuple, float]) -> None:
    for store in dict.fromkeys(r["store"] for r in rows):
        sizes = sorted({r["bytes"] for r in rows if r["store"] == store})
        for column, what in TIMES.items():
            timed = {(r["bytes"], r["competitor"]): r[column] for r in rows if r["store"] == store}
            print(f"\n{store}: {what}, ms")
            print(f"{'value':>10} " + " ".join(f"{name:>24}" for name in COMPETITORS))
            for size in sizes:
                cells = [f"{timed[size, name] * 1000:24.1f}" for name in COMPETITORS]
                print(f"{size:>10} " + " ".join(cells))
            print(f"\n{store}: {what}, ratios (layered / raw, / raw_checked, / official)")
            for size in sizes:
                raw, official = timed[size, "raw"], timed[size, "official"]
                cells = [
                    f"{name} {timed[size, name] / raw:.2f}x raw "
                    f"{timed[size, name] / timed[size, 'raw_checked']:.2f}x raw_checked "
                    f"{timed[size, name] / official:.2f}x official"
                    for name in COMBINATIONS
                ]
                others = "".join(
                    f"{name} {timed[size, name] / raw:.2f}x raw, "
                    for name in COMPETITORS
                    if name not in ("raw", *COMBINATIONS)
                )
                print(f"{size:>10}  {others}| " + " | ".join(cells))
        measured = sizes_for_memory(sizes)
        if measured:
            print(f"\n{store}: peak memory of one round trip / the value's JSON size")
            print(f"{'value':>10} " + " ".join(f"{name:>24}" for name in COMPETITORS))
            for size in measured:
                cells = [f"{memory[store, size, name]:23.1f}x" for name in COMPETITORS]
                print(f"{size:>10} " + " ".join(cells))


def write_csv(
    path: Path, rows: list[dict], memory: dict[tuple, float], rounds: str, environment: str
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(
            out,
            ["store", "bytes", "competitor", *TIMES, "rounds", "peak_over_value", "environment"],
        )
        writer.writeheader()
        for row in rows:
            key = (row["store"], row["bytes"], row["competitor"])
            extra = {"rounds": rounds, "peak_over_value": memory[key], "environment": environment}
            writer.writerow(row | extra)


def machine() -> str:
    import platform
    from importlib.metadata import version

    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB; Python "
        f"{platform.python_version()}, Airflow {version('apache-airflow')}, "
        f"common-io provider {version('apache-airflow-providers-common-io')}, "
        f"msgspec {version('msgspec')}, s3fs {version('s3fs')}, moto {version('moto')}, "
        f"blake3 {version('blake3')}, zstandard {version('zstandard')}, lz4 {version('lz4')}"
    )


def human(size: int) -> str:
    for unit, factor in (("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} B"


def write_markdown(csv_path: Path, path: Path) -> None:
    """The CSV as the two tables the site shows: time (and ratio to raw), peak memory."""
    rows = list(csv.DictReader(csv_path.open()))
    cell = {(r["store"], int(r["bytes"]), r["competitor"]): r for r in rows}
    keys = sorted({(r["store"], int(r["bytes"])) for r in rows}, key=lambda k: (k[0] != "s3", k[1]))
    header = "| store | value | " + " | ".join(f"`{name}`" for name in COMPETITORS) + " |"
    rule = "| --- | ---: | " + " | ".join("---:" for _ in COMPETITORS) + " |"
    lines = []
    for column, what in TIMES.items():
        lines += [f"The {what}: push + pull, and its ratio to `raw`:"]
        lines += ["", header, rule]
        for store, size in keys:
            raw = float(cell[store, size, "raw"][column])
            cells = [
                f"{float(cell[store, size, n][column]) * 1000:.1f} ms "
                f"({float(cell[store, size, n][column]) / raw:.2f}x)"
                for n in COMPETITORS
            ]
            lines.append(f"| {store} | {human(size)} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["Peak memory of one round trip, as a multiple of the value's JSON size:", ""]
    lines += [header, rule]
    for store, size in keys:
        if size < MEMORY_FROM_BYTES:
            continue
        cells = [f"{float(cell[store, size, n]['peak_over_value']):.1f}x" for n in COMPETITORS]
        lines.append(f"| {store} | {human(size)} | " + " | ".join(cells) + " |")
    rounds, trips = rows[0]["rounds"].split("x")
    environment = rows[0].get("environment")  # written by runs since --env
    lines += [
        "",
        f"Machine: {machine()}. {rounds} rounds, each a fresh process per store, size and "
        f"competitor in a shuffled order, with {trips} round trips in it: the median of the "
        "trips after each process's first, the median of the rounds' first trips, and the "
        "highest peak of the rounds (their first trip's)."
        + (f" Every process ran with `{environment}` in its environment." if environment else ""),
    ]
    path.write_text("\n".join(lines) + "\n")


def plot(csv_path: Path, image: Path) -> None:
    """Time relative to ``raw`` and memory multiple by value size, one column per store."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    times_label = matplotlib.ticker.FuncFormatter(lambda ratio, _: f"{ratio:g}x")
    rows = list(csv.DictReader(csv_path.open()))
    stores = list(dict.fromkeys(r["store"] for r in rows))
    figure, axes = plt.subplots(2, len(stores), figsize=(5 * len(stores), 7), squeeze=False)
    for column, store in enumerate(stores):
        mine = [r for r in rows if r["store"] == store]
        raw = {r["bytes"]: float(r["warm_s"]) for r in mine if r["competitor"] == "raw"}
        for name in COMPETITORS:
            points = sorted((int(r["bytes"]), r) for r in mine if r["competitor"] == name)
            sizes = [size for size, _ in points]
            axes[0][column].plot(
                sizes,
                [float(r["warm_s"]) / raw[str(s)] for s, r in points],
                marker="o",
                label=name,
            )
            measured = [(s, r) for s, r in points if s >= MEMORY_FROM_BYTES]
            axes[1][column].plot(
                [s for s, _ in measured],
                [float(r["peak_over_value"]) for _, r in measured],
                marker="o",
                label=name,
            )
        axes[0][column].set_yscale("log")
        axes[0][column].set_title(f"{store}: later round trip / raw put+get (log scale)")
        axes[1][column].set_title(f"{store}: peak memory / value size (from 10 MiB)")
        sizes = sorted({int(r["bytes"]) for r in mine})
        for axis, ticks in ((axes[0][column], sizes), (axes[1][column], sizes_for_memory(sizes))):
            axis.set_xscale("log", base=2)
            axis.set_xticks(ticks, [human(size) for size in ticks])
            axis.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
            axis.yaxis.set_major_formatter(times_label)
            axis.yaxis.set_minor_formatter(times_label)
            axis.set_xlabel("value size (JSON)")
            axis.grid(alpha=0.3)
    axes[0][0].legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(image, dpi=110)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per competitor")
    parser.add_argument("--trips", type=int, default=5, help="round trips in each process")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--stores", default="s3,local")
    parser.add_argument("--csv", type=Path, help="write every figure to this CSV (and plot it)")
    parser.add_argument("--replot", type=Path, help="only draw the plot from this CSV")
    parser.add_argument("--codecs", action="store_true", help="only time the codecs' levels")
    parser.add_argument("--checksums", action="store_true", help="only time the checksums")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set in every competitor's process, as a worker's environment would",
    )
    parser.add_argument("--probe", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--probe-env", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.trips < 2:
        parser.error("--trips must be at least 2: a process's first round trip is reported apart")
    if args.probe:
        name, base, size, trips = args.probe
        probe(name, base, int(size), int(trips), args.probe_env)
        return 0
    if args.replot:
        plot(args.replot, args.replot.with_suffix(".png"))
        write_markdown(args.replot, args.replot.with_suffix(".md"))
        return 0
    environment = {}
    for setting in args.env:
        variable, equals, value = setting.partition("=")
        if not variable or not equals:
            parser.error(f"--env {setting!r}: give NAME=VALUE, e.g. MALLOC_TRIM_THRESHOLD_=131072")
        environment[variable] = value
    if environment and (args.codecs or args.checksums):
        parser.error(
            "--env sets the round trips' processes; --codecs and --checksums run in this one"
        )
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.codecs:
        codec_table(sizes, args.rounds)
        return 0
    if args.checksums:
        checksum_table(sizes, args.rounds)
        return 0
    with tempfile.TemporaryDirectory(prefix="backend-speed-") as home:
        configure_airflow_home(Path(home))
        servers, stores = [], {}
        try:
            for store in args.stores.split(","):
                stores[store], server = start_store(store, Path(home))
                servers += [server] if server else []
            rows, memory = measured_rounds(stores, sizes, args.rounds, args.trips, environment)
        finally:
            for server in servers:
                server.stop()
    print_tables(rows, memory)
    if args.csv:
        settings = " ".join(f"{variable}={value}" for variable, value in environment.items())
        write_csv(args.csv, rows, memory, f"{args.rounds}x{args.trips}", settings)
        plot(args.csv, args.csv.with_suffix(".png"))
        write_markdown(args.csv, args.csv.with_suffix(".md"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
