"""Screenshots of the Airflow UI's XCom tab, taken from a real run under two backends.

    ./dev screenshots            (uv run python tools/ui_screenshots.py)

For Airflow's default backend and for the layered backend with ``object_storage`` on the S3
stand-in, starts the local deployment (tests/harness/deployment.py), runs the recipe
``basics_reference_not_data`` through the REST API, opens the XCom tab of its ``export_orders``
task in headless Chromium (Debian's ``chromium``, driven by Playwright) and saves
``docs/screenshots/xcom-tab-<profile>.png``. The UI shows the row as stored: the value under the
default backend, the object reference under object storage.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "templates")]

from tests.harness.backend_profiles import PROFILES  # noqa: E402
from tests.harness.deployment import LocalDeployment  # noqa: E402
from tests.harness.storage_servers import connection_env_name, start_server  # noqa: E402

OUTPUT = REPO_ROOT / "docs" / "screenshots"
SHOWN = {"default": "default", "object-storage-s3": "object-storage-s3"}
DAG_ID, TASK_ID, RUN_ID = "basics_reference_not_data", "export_orders", "ui_screenshot"
# Where the XCom tab of one task instance lives in the Airflow 3 UI.
XCOM_TAB = "/dags/{dag}/runs/{run}/tasks/{task}/xcom"
VIEWPORT = {"width": 1280, "height": 720}


def chromium() -> str:
    program = shutil.which("chromium")
    if program is None:
        raise SystemExit("chromium not found: apt-get install chromium (./dev installs it)")
    return program


def shoot(profile_name: str, browser) -> Path:
    profile = PROFILES[profile_name]
    with contextlib.ExitStack() as stack:
        store_url, env = None, {}
        if profile.store:
            server = start_server(profile.store)
            stack.callback(server.stop)
            store_url = server.base_url
            env[connection_env_name(profile.store)] = os.environ[connection_env_name(profile.store)]
        env |= profile.environment(store_url)
        deployment = stack.enter_context(LocalDeployment(env=env))
        api = deployment.api()
        api.unpause(DAG_ID)
        api.trigger(DAG_ID, RUN_ID, "2026-01-01T00:00:00+00:00")
        if api.wait_for_run(DAG_ID, RUN_ID, timeout_s=300) != "success":
            raise SystemExit(f"{DAG_ID} did not succeed under {profile_name}")
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{deployment.url}/auth/login/")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(deployment.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/auth/login" not in url)
        page.goto(deployment.url + XCOM_TAB.format(dag=DAG_ID, run=RUN_ID, task=TASK_ID))
        page.get_by_text("return_value").first.wait_for()
        page.wait_for_load_state("networkidle")
        target = OUTPUT / f"xcom-tab-{profile_name}.png"
        page.screenshot(path=str(target))
        page.close()
        return target


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        for profile_name in SHOWN:
            print(f"{profile_name}: {shoot(profile_name, browser).relative_to(REPO_ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
