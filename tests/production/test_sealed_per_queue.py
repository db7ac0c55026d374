"""The threat-model page's per-queue deployment, run with two Celery workers (sealed profile).

Keys as tests/production/sealed_tenants.py deploys them: public keys everywhere, tenant_a's
private key only on the worker of queue ``tenant_a``. The reader on that queue opens the value;
the same reader routed to ``tenant_b`` fails with the key ids it lacks; the REST API and the
metadata DB hold only ciphertext.
"""

from __future__ import annotations

import json

import psycopg
import pytest

DAG_ID = "sealed_per_queue"
RUN_ID = "per_queue_check"
# Neither can appear in base64 by chance ("/", ":", quotes and spaces are not in its alphabet).
PLAINTEXT_PARTS = ("s3://tenant-a/exports", '"rows": 1834')


@pytest.fixture(scope="module")
def finished_run(deployment):
    api = deployment.api()
    api.unpause(DAG_ID)
    api.trigger(DAG_ID, RUN_ID, None)
    state = api.wait_for_run(DAG_ID, RUN_ID, timeout_s=300)
    return api, state


def test_the_reader_on_its_tenants_queue_opens_the_value(finished_run):
    api, state = finished_run
    assert state == "failed"  # the misrouted reader fails, on purpose
    assert api.task_states(DAG_ID, RUN_ID) == {
        "export_for_tenant_a": "success",
        "load_on_tenant_a_queue": "success",
        "load_on_tenant_b_queue": "failed",
    }
    read = api.xcom_value(DAG_ID, RUN_ID, "load_on_tenant_a_queue", "return_value", -1)
    assert read == 1834


def test_the_same_reader_on_the_other_queue_fails_with_the_key_ids_it_lacks(finished_run):
    api, _ = finished_run
    log = api.task_log(DAG_ID, RUN_ID, "load_on_tenant_b_queue")
    assert (
        f"XCom 'tenant_a_export_v1' of task export_for_tenant_a (DAG {DAG_ID}, run {RUN_ID}) "
        "is sealed for key ids ['tenant_a']; this worker holds none of their private keys"
    ) in log, log[-3000:]
    assert "load_on_tenant_b_queue" not in {
        x["task_id"] for x in api.xcom_entries(DAG_ID, RUN_ID)
    }  # nothing was returned, so nothing was pushed


def test_the_rest_api_and_the_database_hold_only_ciphertext(finished_run, deployment):
    api, _ = finished_run
    shown = api.xcom_value(DAG_ID, RUN_ID, "export_for_tenant_a", "tenant_a_export_v1", -1)
    with psycopg.connect(
        host="127.0.0.1", port=deployment.postgres_port, user="airflow", dbname="airflow"
    ) as connection:
        (stored,) = connection.execute(
            "SELECT value FROM xcom WHERE dag_id = %s AND run_id = %s AND key = %s",
            (DAG_ID, RUN_ID, "tenant_a_export_v1"),
        ).fetchone()
    assert shown == stored
    assert shown["__xcom_layer__"] == "sealed"
    assert [r["key_id"] for r in shown["recipients"]] == ["tenant_a"]
    for part in PLAINTEXT_PARTS:
        assert part not in json.dumps(stored)
