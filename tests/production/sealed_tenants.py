"""The per-queue key deployment of the threat-model page, as the production lane runs it.

Each tenant has its own key pair (made fresh for the session). Every component gets every public
key; a tenant's private key is only in the environment of the worker that serves its queue
(harness/deployment.py ``WORKER_QUEUES``: ``tenant_a`` on ``worker-tenant-a``, ``tenant_b`` on
``worker-default``). Nothing is stored as a Variable in the metadata DB.
"""

from __future__ import annotations

from xcom_backends.layers.sealed import new_key_pair

# --8<-- [start:keys]
PAIRS = {tenant: new_key_pair("x25519") for tenant in ("tenant_a", "tenant_b")}

# Every component (API server, scheduler, both workers): the public keys.
TENANT_PUBLIC_KEYS = {
    f"AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_{tenant.upper()}": public
    for tenant, (public, _private) in PAIRS.items()
}
# Each worker: the private key of the tenant whose queue it serves, and no other.
WORKER_PRIVATE_KEYS = {
    "worker-tenant-a": {"AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_TENANT_A": PAIRS["tenant_a"][1]},
    "worker-default": {"AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_TENANT_B": PAIRS["tenant_b"][1]},
}
# --8<-- [end:keys]
