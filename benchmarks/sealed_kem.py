"""What sealing costs per XCom with each KEM: classical X25519 against hybrid ML-KEM-768 + X25519.

    uv run python benchmarks/sealed_kem.py

Seals and opens the same 1 KB value through the ``sealed`` layer (HPKE from the ``cryptography``
package) for 1 and 3 readers, in one process, and prints the median time per seal and per open
and the row size for both KEMs side by side, with the ratio hybrid / classical. No Airflow run
is involved: this is the layer's own cost, to set against a push + pull of the same value.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "templates")]
ROUNDS = 200
VALUE = {"uri": "s3://tenant-a/orders/20260101.parquet", "rows": list(range(200))}
KEMS = ("x25519", "mlkem768-x25519")


def measure(kem: str, readers: int) -> dict[str, float]:
    from xcom_backends.base import XComAddress
    from xcom_backends.contracts import XComContract, register_contracts
    from xcom_backends.layers.sealed import SealedLayer, new_key_pair

    tenants = [f"tenant_{n}" for n in range(readers)]
    for tenant in tenants:
        public, private = new_key_pair(kem)
        os.environ[f"AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_{tenant.upper()}"] = public
        os.environ[f"AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_{tenant.upper()}"] = private
    os.environ["AIRFLOW__XCOM_LAYERS__SEALED_KEM"] = kem

    class Dag:  # register_contracts needs only a DAG's id and task ids
        dag_id, task_ids = "sealed_benchmark", ["export_orders"]

    register_contracts(
        Dag, XComContract(key="manifest_v1", producer="export_orders", seal_for=set(tenants))
    )
    address = XComAddress("sealed_benchmark", "run", "export_orders", -1, "manifest_v1")
    layer = SealedLayer()
    seal, open_ = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        envelope = layer.encode(VALUE, address)
        seal.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert layer.decode(envelope, address) == VALUE
        open_.append(time.perf_counter() - start)
    return {
        "seal_ms": statistics.median(seal) * 1000,
        "open_ms": statistics.median(open_) * 1000,
        "row_bytes": len(json.dumps(envelope)),
    }


def main() -> None:
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="sealed-benchmark-"))
    import cryptography

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, cryptography {cryptography.__version__}, "
        f"median of {ROUNDS} rounds, 1 KB value"
    )
    measure("x25519", 1)  # warm-up: imports and first-call costs stay out of the figures
    print("readers | figure    | x25519 | mlkem768-x25519 | ratio")
    for readers in (1, 3):
        classical, hybrid = (measure(kem, readers) for kem in KEMS)
        for figure in ("seal_ms", "open_ms", "row_bytes"):
            a, b = classical[figure], hybrid[figure]
            shown = "{:15,.0f}" if figure == "row_bytes" else "{:15.3f}"
            print(
                f"{readers:7} | {figure:9} | {shown.format(a)[-6:]:>6} | {shown.format(b)} | "
                f"{b / a:5.1f}x"
            )


if __name__ == "__main__":
    main()
