"""The Airflow UI's XCom tab, in headless Chromium, shows the row as stored.

Opens the XCom tab of ``export_orders`` in the catalogue run of ``basics_reference_not_data``:
under the default backend it shows the value; under object storage the reference to the object
(the UI never runs the XCom backend), not the value. ``./dev screenshots`` takes the pictures the
site shows the same way.
"""

from __future__ import annotations

import json

from tests.conftest import BACKEND
from tests.harness.airflow_ui import open_browser, xcom_tab
from tests.production.deployed_catalogue import in_process_run_id

DAG_ID, TASK_ID = "basics_reference_not_data", "export_orders"


def test_the_xcom_tab_shows_the_stored_row(deployed_runs, deployment):
    run = deployed_runs[DAG_ID]
    stored = run.xcoms[[x.task_id for x in run.xcoms].index(TASK_ID)].stored
    with open_browser() as browser:
        page = xcom_tab(browser, deployment, DAG_ID, in_process_run_id(DAG_ID), TASK_ID)
        shown = page.locator("table").inner_text().replace("\xa0", " ")  # the UI's JSON spaces
    if "object_storage" in BACKEND.stored_as:
        # The reference (the UI shortens the rest of a long row: the digest, the layer name).
        assert f'"uri": "{stored["uri"]}"' in shown.replace("\n", "")
        assert f'"bytes": {stored["bytes"]}' in shown
        assert "row_count" not in shown  # the value itself is in the object, not on the page
    else:
        assert json.dumps(stored["row_count"]) in shown and '"row_count": 1000' in shown
