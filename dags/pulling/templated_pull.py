"""Pull an XCom inside a templated field with ``{{ ti.xcom_pull(...) }}``.

Classic operators render Jinja in their templated fields (``bash_command``, ``env``, SQL, ...)
right before they run, so an upstream value can be placed in a command without Python glue.
Values render as text.

- Use: to put an upstream value into a command, an env var or SQL of a classic operator.
- Avoid: building SQL from values other people control: use the operator's parameters.
- Gotcha: the value renders as text unless the DAG sets ``render_template_as_native_obj=True``.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, task


@dag(schedule=None, tags=["pulling"])
def pulling_templated_pull():
    @task
    def pick_partition() -> str:
        return "2026-01-01"

    # Both templated fields render the same pull; the command prints it last,
    # so it is pushed.
    compact_partition = BashOperator(
        task_id="compact_partition",
        bash_command=(
            'echo "compacting $PARTITION"; '
            "echo \"partition={{ ti.xcom_pull(task_ids='pick_partition') }}\""
        ),
        env={"PARTITION": "{{ ti.xcom_pull(task_ids='pick_partition') }}"},
    )

    pick_partition() >> compact_partition


dag = pulling_templated_pull()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
