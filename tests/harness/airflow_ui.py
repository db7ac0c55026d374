"""The Airflow UI in headless Chromium (Debian's ``chromium``, driven by Playwright).

``open_browser()`` launches it; ``xcom_tab(browser, deployment, dag_id, run_id, task_id)`` signs
in with the deployment's admin password and returns the page of one task instance's XCom tab,
loaded: what a user sees there.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator

# Where the XCom tab of one task instance lives in the Airflow 3 UI.
XCOM_TAB = "/dags/{dag}/runs/{run}/tasks/{task}/xcom"
VIEWPORT = {"width": 1280, "height": 720}


class ChromiumMissing(RuntimeError):
    pass


@contextlib.contextmanager
def open_browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    program = shutil.which("chromium")
    if program is None:
        raise ChromiumMissing("chromium not found: apt-get install chromium (./dev installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=program, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def xcom_tab(browser, deployment, dag_id: str, run_id: str, task_id: str, shows: str):
    """The task instance's XCom tab, signed in, values expanded, once its table shows ``shows``.

    Not "network idle": the UI keeps polling while other runs are active, so that state may
    never come on a busy deployment (a 30 s timeout seen in CI)."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport=VIEWPORT)
    page.goto(deployment.url + "/")  # redirects to the sign-in form
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(deployment.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(deployment.url + XCOM_TAB.format(dag=dag_id, run=run_id, task=task_id))
    page.get_by_role("button", name="Copy to clipboard").first.wait_for()  # a row is shown
    page.get_by_role("button", name="Expand all extra JSON").click()  # values start collapsed
    expect(page.locator("table")).to_contain_text(shows, timeout=30_000)
    return page
