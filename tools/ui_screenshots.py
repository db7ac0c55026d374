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
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "templates")]

from tests.harness.airflow_ui import open_browser, xcom_tab  # noqa: E402
from tests.harness.backend_profiles import PROFILES  # noqa: E402
from tests.harness.deployment import deploy_profile  # noqa: E402

OUTPUT = REPO_ROOT / "docs" / "screenshots"
SHOWN = tuple(os.environ.get("SHOTS", "default object-storage-s3").split())
DAG_ID, TASK_ID, RUN_ID = "basics_reference_not_data", "export_orders", "ui_screenshot"


def shoot(profile_name: str) -> Path:
    profile = PROFILES[profile_name]
    with contextlib.ExitStack() as stack:
        deployment = deploy_profile(profile, stack)
        api = deployment.api()
        api.unpause(DAG_ID)
        api.trigger(DAG_ID, RUN_ID, "2026-01-01T00:00:00+00:00")
        if api.wait_for_run(DAG_ID, RUN_ID, timeout_s=300) != "success":
            raise SystemExit(f"{DAG_ID} did not succeed under {profile_name}")
        target = OUTPUT / f"xcom-tab-{profile_name}.png"
        # Playwright runs an event loop: open the browser only after the store is set up.
        with open_browser() as browser:
            page = xcom_tab(browser, deployment, DAG_ID, RUN_ID, TASK_ID, shows='"uri"')
            page.screenshot(path=str(target))
        return target


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for profile_name in SHOWN:
        print(f"{profile_name}: {shoot(profile_name).relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
