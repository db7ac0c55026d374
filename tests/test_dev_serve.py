"""`./dev serve`: the guide from the docs dependency group alone, in an environment of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request

from tests.harness.environment import REPO_ROOT, environment_without_airflow
from tests.harness.storage_servers import free_port

DOCS_ENVIRONMENT = REPO_ROOT / ".venv-docs"


def folder_megabytes(folder) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def test_dev_serve_installs_only_the_docs_group_and_serves_the_site():
    address = f"127.0.0.1:{free_port()}"
    env = environment_without_airflow("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    server = subprocess.Popen(
        ["./dev", "serve"],
        cwd=REPO_ROOT,
        env=env | {"COOKBOOK_DOCS_ADDRESS": address},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not any("Serving on" in x for x in lines):
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            lines.append(line)
        assert any(f"Serving on http://{address}/" in x for x in lines), "".join(lines)
        with urllib.request.urlopen(f"http://{address}/getting-started/", timeout=30) as page:
            assert "Getting started" in page.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    packages = DOCS_ENVIRONMENT / "lib"
    installed = {p.name.lower() for p in packages.glob("python*/site-packages/*")}
    assert not any(name.startswith("airflow") for name in installed)
    assert "mkdocs" in installed and "material" in installed
    assert folder_megabytes(DOCS_ENVIRONMENT) < 300  # the docs group is ~121 MB; all groups ~1.8 GB
