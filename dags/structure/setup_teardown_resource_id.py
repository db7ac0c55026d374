"""Setup and teardown passing a resource id: create, use, and always delete the same resource.

The ``@setup`` task returns the id of what it created; the work and the ``@teardown`` both take
it as an argument. The teardown runs even when the work fails, and it knows exactly what to
delete because the id came through XCom.

- Use: for anything a run creates and must delete (a cluster, a schema, a temp table).
- Avoid: for resources shared between runs: a teardown deletes what its run created.
- Gotcha: a teardown runs only if its setup succeeded: a setup that fails halfway must clean up
  what it created itself.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, get_current_context, setup, task, teardown


@dag(schedule=None, tags=["structure"])
def structure_setup_teardown_resource_id():
    @setup
    def create_cluster() -> str:
        return f"cluster-{get_current_context()['dag_run'].run_after:%Y%m%d}"

    @task
    def run_job(cluster_id: str) -> str:
        return f"job ran on {cluster_id}"

    @teardown
    def delete_cluster(cluster_id: str) -> str:
        return f"deleted {cluster_id}"

    cluster_id = create_cluster()
    run_job(cluster_id) >> delete_cluster(cluster_id)


dag = structure_setup_teardown_resource_id()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
