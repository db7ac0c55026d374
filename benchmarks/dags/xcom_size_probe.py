"""The probe of benchmarks/database_limits.py: one XCom of ``size_bytes``, pushed and pulled.

``push_value`` pushes a string of the requested size and times ``xcom_push``; ``pull_value``
times ``xcom_pull`` of it in another task process. Each returns its timing and the peak resident
memory (VmHWM) of its task process and of the supervisor that relayed the value to the API server.
"""

from __future__ import annotations

import os
import time

from airflow.sdk import dag, get_current_context, task

KEY = "probe_value_v1"


def peak_memory_bytes(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def peaks() -> dict[str, int]:
    return {
        "task_peak_bytes": peak_memory_bytes(),
        "supervisor_peak_bytes": peak_memory_bytes(os.getppid()),
    }


@dag(schedule=None, params={"size_bytes": 1024}, tags=["benchmark"])
def xcom_size_probe():
    @task
    def push_value() -> dict:
        context = get_current_context()
        value = "x" * int(context["params"]["size_bytes"])
        start = time.perf_counter()
        context["ti"].xcom_push(key=KEY, value=value)
        return {"seconds": time.perf_counter() - start, **peaks()}

    @task
    def pull_value() -> dict:
        context = get_current_context()
        start = time.perf_counter()
        value = context["ti"].xcom_pull(task_ids="push_value", key=KEY)
        seconds = time.perf_counter() - start
        if len(value) != int(context["params"]["size_bytes"]):
            raise ValueError(f"pulled {len(value)} characters, pushed {context['params']}")
        return {"seconds": seconds, **peaks()}

    push_value() >> pull_value()


xcom_size_probe()
