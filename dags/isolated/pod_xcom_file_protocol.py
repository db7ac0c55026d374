"""The KubernetesPodOperator's XCom protocol, shown with a real process instead of a pod.

With ``do_xcom_push=True`` the pod's main container writes its result as JSON to
``/airflow/xcom/return.json``, a volume shared with a sidecar; the operator runs ``cat`` on that
file in the sidecar, ``json.loads`` the output and pushes it as ``return_value`` from the worker,
through the XCom backend. Here a child process plays the container and a temporary folder the
volume. This cookbook has no Kubernetes cluster: the pod, its sidecar and the operator itself are
not run here.

- Use: for a container's small result (ids, counts, URIs).
- Avoid: for the container's data: write it to object storage and put the path in the file.
- Gotcha: the file must hold one JSON document, and a container that never writes it fails the
  task.
"""

from __future__ import annotations

# --8<-- [start:recipe]
import json
import os
import subprocess
import tempfile
from pathlib import Path

from airflow.sdk import dag, task

# The container's side: any program, in any language, that writes
# /airflow/xcom/return.json.
CONTAINER_COMMAND = (
    'mkdir -p "$POD_ROOT/airflow/xcom" && '
    'printf \'{"rows": 1834, "uri": "s3://exports/orders.parquet"}\' '
    '> "$POD_ROOT/airflow/xcom/return.json"'
)


@dag(schedule=None, tags=["isolated"])
def isolated_pod_xcom_file_protocol():
    @task
    def run_container_step():
        # Stands in for the pod's shared volume.
        with tempfile.TemporaryDirectory() as pod_root:
            env = os.environ | {"POD_ROOT": pod_root}
            subprocess.run(
                ["sh", "-c", CONTAINER_COMMAND], env=env, check=True
            )
            # The sidecar's side: read the file and parse it; the worker pushes
            # what this returns.
            return json.loads(
                Path(pod_root, "airflow", "xcom", "return.json").read_text()
            )

    @task
    def load(result: dict) -> str:
        return f"{result['rows']} rows at {result['uri']}"

    load(run_container_step())


dag = isolated_pod_xcom_file_protocol()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
