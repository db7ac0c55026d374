"""The warm process behind ``./dev recipe``: Airflow imported once, each recipe run forked from it.

A cold ``./dev recipe`` spends about half its time before the recipe starts: importing Airflow
and building the in-process Execution API that ``dag.test()`` talks to. After a cold run the tool
leaves this process behind in the embedded Airflow home (``.airflow/recipe-server.sock``); the
next ``./dev recipe`` hands it the command line and its terminal, and the process forks a child
that runs the recipe exactly as the cold path does (the recipe file and the templates are read
fresh in every child; only Airflow and the cookbook's tools are loaded beforehand).

The process stops by itself after ``IDLE_MINUTES`` without a run, when its home is deleted, when
``./dev recipe --stop`` asks it to, and when anything it loaded has changed since it started (a
tool, harness or template module, the lock file, an ``AIRFLOW*`` or ``COOKBOOK*`` variable):
the run that notices runs cold and leaves a fresh process. ``COOKBOOK_RECIPE_SERVER=0`` turns it
off. Its log is ``recipe-server.log`` beside the socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
IDLE_MINUTES = 15
SOCKET_NAME = "recipe-server.sock"
LOCK_NAME = "recipe-server.lock"
LOG_NAME = "recipe-server.log"
WARMING_UP_WAIT_S = 30
# The environment the command started with: the cold run then configures Airflow in os.environ,
# and the warm process it leaves must start from (and fingerprint) what the next command sees.
_STARTING_ENVIRONMENT = dict(os.environ)


def enabled() -> bool:
    return os.environ.get("COOKBOOK_RECIPE_SERVER", "1") != "0"


def fingerprint() -> str:
    """What the warm process loaded: tools, harness, lock file, interpreter and configuration."""
    parts = [sys.executable]
    parts += sorted(
        f"{name}={value}"
        for name, value in os.environ.items()
        if name.startswith(("AIRFLOW", "COOKBOOK"))
    )
    loaded = [
        *REPO_ROOT.glob("tools/*.py"),
        *REPO_ROOT.glob("tests/harness/*.py"),
        *REPO_ROOT.glob("templates/**/*.py"),  # a configured XCom backend loads with Airflow
    ]
    for path in sorted([*loaded, REPO_ROOT / "uv.lock", REPO_ROOT / "pyproject.toml"]):
        parts.append(f"{path}:{path.stat().st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _read_line(connection: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(4096)
        if not chunk:
            raise ConnectionError("the warm recipe process closed the connection")
        data += chunk
    return json.loads(data)


def _send_line(connection: socket.socket, message: dict) -> None:
    connection.sendall(json.dumps(message).encode() + b"\n")


def _server_is_starting(home: Path) -> bool:
    """True while a warm process holds the lock (it takes it before warming up)."""
    lock = home / LOCK_NAME
    if not lock.exists():
        return False
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def _connect(home: Path) -> socket.socket | None:
    deadline = time.monotonic() + WARMING_UP_WAIT_S
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(str(home / SOCKET_NAME))
            return connection
        except (FileNotFoundError, ConnectionRefusedError):
            connection.close()
            if not _server_is_starting(home) or time.monotonic() > deadline:
                return None
            time.sleep(0.1)


def run_warm(home: Path, argv: list[str]) -> int | None:
    """Run ``argv`` in a child of the warm process, on this process's stdout and stderr.

    Returns the run's exit code, or None when no usable warm process exists (run cold then).
    """
    if not enabled():
        return None
    connection = _connect(home)
    if connection is None:
        return None
    with connection:
        request = {"fingerprint": fingerprint(), "argv": argv, "cwd": os.getcwd()}
        socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [1, 2])
        reply = _read_line(connection)
        if "stale" in reply:
            return None
        try:
            return _read_line(connection)["exit"]
        except KeyboardInterrupt:
            os.kill(reply["child"], signal.SIGTERM)
            return 130


def stop(home: Path) -> bool:
    """Ask the warm process of ``home`` to exit; False when none was running."""
    connection = _connect(home)
    if connection is None:
        return False
    with connection:
        socket.send_fds(connection, [b'{"stop": true}\n'], [1, 2])
        _read_line(connection)
    return True


def start_in_background(home: Path) -> None:
    """Leave a warm process for the next run (unless one is already running or starting)."""
    if not enabled() or _server_is_starting(home) or (home / SOCKET_NAME).exists():
        return
    with (home / LOG_NAME).open("a") as log:
        subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "tools" / "run_recipe.py"), "--serve"],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=_STARTING_ENVIRONMENT,
            start_new_session=True,
        )


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} pid {os.getpid()}: {message}", flush=True)


def serve(home: Path, warm_up: Callable[[], None], run: Callable[[list[str]], int]) -> int:
    """Warm up once, then fork a child running ``run(argv)`` for each request.

    The fingerprint is taken before ``warm_up`` changes the environment, as a client computes it.
    """
    expected = fingerprint()
    lock = (home / LOCK_NAME).open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another warm process holds this home
    warm_up()
    address = home / SOCKET_NAME
    address.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen()
    listener.settimeout(60)
    _log(f"warm, serving {address}")
    idle_since = time.monotonic()
    try:
        while address.exists() and time.monotonic() - idle_since < IDLE_MINUTES * 60:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                if not _serve_one(connection, expected, listener, run):
                    break
            idle_since = time.monotonic()
    finally:
        with contextlib.suppress(FileNotFoundError):
            if address.exists() and listener.getsockname() == str(address):
                address.unlink()
        listener.close()
        _log("stopped")
    return 0


def _serve_one(connection, expected: str, listener, run: Callable[[list[str]], int]) -> bool:
    """Serve one request; False when the process should stop."""
    connection.settimeout(None)
    message, fds, _, _ = socket.recv_fds(connection, 65536, 2)
    request = json.loads(message)
    if request.get("stop") or request.get("fingerprint") != expected:
        for fd in fds:
            os.close(fd)
        reason = "asked to stop" if request.get("stop") else "stale: its code or settings changed"
        _log(reason)
        _send_line(connection, {"stale": True})
        return False
    child = os.fork()
    if child == 0:
        listener.close()
        connection.close()
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.chdir(request["cwd"])
        code = 1
        try:
            code = run(request["argv"])
        except SystemExit as stop_with:  # as the interpreter treats it at exit
            if stop_with.code is None or isinstance(stop_with.code, int):
                code = stop_with.code or 0
            else:
                print(stop_with.code, file=sys.stderr)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code or 0)
    for fd in fds:
        os.close(fd)
    _send_line(connection, {"child": child})
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    _log(f"ran {' '.join(request['argv'])} in child {child}: exit {code}")
    _send_line(connection, {"exit": code})
    return True
