"""The checksums of the objects the ``object_storage`` layer writes: BLAKE3, hashed beside the work.

Needs the ``blake3`` package where tasks run (``pip install blake3``). A row records ``blake3``
(or, written before, ``sha256``); reading checks the object's bytes against it.

Hashing runs on a short-lived thread beside what the task's thread does with the same bytes:
packing and writing the next chunk of a push, unpacking and parsing a pull. BLAKE3 releases the
GIL while it hashes, so the two overlap on two cores or more (at 10 MiB on local files, when
``json`` still encoded and parsed: a write 3.3 -> 2.6 ms, a parse with its check 14.0 -> 12.7
ms; benchmarks/backend_speed.py measures the round trips). The thread always ends before the
write or read that started it returns, so none is left running when a task forks a process of
its own.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .base import XComLayerError

T = TypeVar("T")
# From here, hashing a whole object on threads of its own is faster (on 2 cores by 10-40% at
# 32 MiB, nearly 2x at 100 MiB); below it the new threads often start too late to help
# (benchmarks/backend_speed.py --checksums).
THREADED_CHECKSUM_BYTES = 32 * 2**20
# From here, a checksum is computed beside the work: starting a thread costs about 60 us, hashing
# 1 MiB about 100 us, and handing chunks to it more (a 1 MiB write was 0.3 ms slower with one).
CHECK_BESIDE_BYTES = 2 * 2**20
# Chunks a write may hand on before it waits for the hashing thread. A writer that never releases
# the GIL (an S3 file buffering its part in memory) would otherwise keep that thread from running
# and pile every chunk up in the queue: at 10 MiB on S3 the peak memory rose from 3.9x to 5.5x.
PENDING_CHUNKS = 2


def new_checksum(whole: bytes | None = None, threads: int | None = None):
    """A BLAKE3 hasher (the row's ``blake3``): one thread for the 1 MiB chunks of a write, every
    core for a whole object of ``THREADED_CHECKSUM_BYTES`` or more (each is the faster there),
    unless ``threads`` says how many.

    The threads are the hasher's own, never ``blake3.AUTO``'s pool for the whole process: a
    process forked after that pool started (a task's ``multiprocessing`` pool) hangs forever at
    its next threaded hash, as the pool's threads are not in the fork.
    """
    try:
        from blake3 import blake3
    except ImportError as error:
        raise XComLayerError(
            "The object_storage layer checks every object with BLAKE3, and the blake3 package is "
            "not installed on this worker. Install it (pip install blake3) where tasks run."
        ) from error
    if whole is None:
        return blake3()
    if threads is None:
        threads = usable_cores() if len(whole) >= THREADED_CHECKSUM_BYTES else 1
    return blake3(whole, max_threads=threads)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def recorded_checksum(reference: dict) -> str | None:
    """The checksum field the row records: ``blake3``, an earlier ``sha256``, or None."""
    return next((f for f in ("blake3", "sha256") if reference.get(f) is not None), None)


def checksum_matches(reference: dict, data: bytes, threads: int | None = None) -> bool:
    """Whether ``data`` has the checksum the row records (False if it records none)."""
    field = recorded_checksum(reference)
    if field is None:
        return False
    digest = new_checksum(data, threads) if field == "blake3" else hashlib.sha256(data)
    return digest.hexdigest() == reference[field]


def checking(reference: dict, data: bytes, kept: bool = False) -> Callable[[], bool]:
    """Start checking ``data`` against the row's checksum; call the result for the verdict.

    From ``CHECK_BESIDE_BYTES`` the check runs on a thread of its own, beside whatever the caller
    does before asking (the verdict waits for it). Below that it is done at once. From
    ``THREADED_CHECKSUM_BYTES`` it is done at once too, on every core, unless the caller keeps
    ``data`` until it asks anyway (``kept``: it parses these very bytes): otherwise the thread
    would keep the object's bytes alive beside the value the caller makes of them (a whole value
    more at the peak). A caller must ask on every path, failures included, so the thread never
    outlives it.
    """
    if len(data) < CHECK_BESIDE_BYTES or (len(data) >= THREADED_CHECKSUM_BYTES and not kept):
        verdict = checksum_matches(reference, data)
        return lambda: verdict
    # One thread: the caller's own work (parsing) takes the other core.
    return run_beside(lambda: checksum_matches(reference, data, threads=1))


class ChunkHashing:
    """A write's checksum over its chunks, in order, on a thread of its own while the caller packs
    and writes the next chunks: every chunk if the write is expected to be ``CHECK_BESIDE_BYTES``
    or more (``expected_bytes``), else those after its first ``CHECK_BESIDE_BYTES``, which are
    hashed at once (a small object is not worth a thread). Hashing a 10 MiB push's first 2 MiB at
    once too made it take 6.9 instead of 5.8 ms on local files.

    Chunks must not change once added (bytes never do). Call ``hexdigest`` when every chunk was
    added, or ``close`` if the write failed: both end the thread.
    """

    def __init__(self, digest, expected_bytes: int = 0) -> None:
        self.digest = digest
        self._hashed = 0
        self._at_once = 0 if expected_bytes >= CHECK_BESIDE_BYTES else CHECK_BESIDE_BYTES
        self._queue: queue.Queue | None = None
        self._finished: Callable[[], Any] | None = None

    def add(self, chunk: bytes) -> None:
        if self._queue is not None:
            self._queue.put(chunk)
        elif self._hashed < self._at_once:
            self.digest.update(chunk)
            self._hashed += len(chunk)
        else:
            chunks = self._queue = queue.Queue(maxsize=PENDING_CHUNKS)
            chunks.put(chunk)
            self._finished = run_beside(lambda: self._hash_until_closed(chunks))

    def _hash_until_closed(self, chunks: queue.Queue) -> None:
        failure = None
        for chunk in iter(chunks.get, None):  # every chunk is taken, so no put waits forever
            if failure is None:
                try:
                    self.digest.update(chunk)
                except BaseException as error:  # raised to the caller once the write closes
                    failure = error
        if failure is not None:
            raise failure

    def close(self) -> None:
        if self._queue is not None:
            self._queue.put(None)
            self._queue = None
            self._finished()

    def hexdigest(self) -> str:
        self.close()
        return self.digest.hexdigest()


def run_beside(work: Callable[[], T]) -> Callable[[], T]:
    """Run ``work`` on a thread of its own; the function returned waits for it and gives its
    result, or raises what it raised.

    Returns only once the thread runs ``work``: a caller that goes on in C code that holds the GIL
    (parsing JSON with msgspec or ``json.loads``) would otherwise keep the thread from starting
    until it is done. ``work`` should spend its time where the GIL is released (BLAKE3 hashing).
    """
    outcome: dict[str, Any] = {}
    running = threading.Event()

    def run() -> None:
        running.set()
        try:
            outcome["result"] = work()
        except BaseException as error:  # handed to the caller, who waits for it
            outcome["error"] = error

    thread = threading.Thread(target=run, name="xcom-checksum", daemon=True)
    thread.start()
    running.wait()

    def finished() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return finished
