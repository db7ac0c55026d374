"""The Airflow UI's XCom tab, in headless Chromium, shows the row as stored.

Opens the XCom tab of ``export_orders`` in the catalogue run of ``basics_reference_not_data``:
under the default backend it shows the value; under object storage the reference to the object
(the UI never runs the XCom backend), not the value. ``./dev screenshots`` takes the pictures the
site shows the same way.
"""

from __future__ import annotations

from tests.conftest import BACKEND
from tests.harness.airflow_ui import open_browser, xcom_tab
from tests.production.deployed_catalogue import deployed_run_id

DAG_ID, TASK_ID = "basics_reference_not_data", "export_orders"


def test_the_xcom_tab_shows_the_stored_row(deployed_runs, deployment):
    run = deployed_runs[DAG_ID]
    stored = run.xcoms[[x.task_id for x in run.xcoms].index(TASK_ID)].stored
    offloaded = "object_storage" in BACKEND.stored_as
    with open_browser() as browser:
        expanded = '"bytes"' if offloaded else '"row_count"'
        page = xcom_tab(browser, deployment, DAG_ID, deployed_run_id(DAG_ID), TASK_ID, expanded)
        shown = page.locator("table").inner_text()
    # The UI's JSON view breaks long strings over lines and indents with non-breaking spaces.
    compact = "".join(shown.split())
    assert f'"uri":"{stored["uri"]}"' in compact
    if offloaded:  # the reference: its start (the table may clip a tall row)
        assert f'"bytes":{stored["bytes"]}' in compact
        assert "row_count" not in compact  # the value itself is in the object, not on the page
    else:
        assert '"row_count":1000' in compact
