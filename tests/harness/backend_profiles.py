"""The XCom backends the recipe catalogue runs under: ``COOKBOOK_XCOM_BACKEND=<profile>``.

``default`` is Airflow's own backend (values in the metadata DB). Every other profile enables a
backend from templates/ (or the official common-io one) against a real store, and the whole
catalogue must read back exactly the same values: a backend that changes what a recipe receives
is a bug. Only tests about the stored form (``stored_form`` fixture) are skipped, by name.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

LAYERED = "xcom_backends.layered.LayeredXComBackend"
OFFICIAL = "airflow.providers.common.io.xcom.backend.XComObjectStorageBackend"
# Two throwaway AES-256 keys: "current" encrypts, "retired" can still decrypt.
TEST_ENCRYPTION_KEYS = (
    "current:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,"
    "retired:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
)
# A throwaway X25519 pair for the key id "orders_team" of the sealed recipe (not a real secret).
TEST_SEAL_KEYS = {
    "AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_ORDERS_TEAM": "Odeyvr7WZVNIkjPqJXsY1ZtNziag9M5wXIe5mA9YkSg=",
    "AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_ORDERS_TEAM": "qCK/laGMCHKowuzUS4vD8bY2PsAJVEnyuW4+cPP97GA=",
}
ALL_LAYERS = "dataframe_parquet, size_guard, compression, encryption, object_storage"


@dataclass(frozen=True)
class BackendProfile:
    name: str
    backend: str | None  # None: Airflow's default backend
    store: str | None = None  # "local", "s3", "gcs", "azure"
    options: dict[str, str] = field(default_factory=dict)  # env var -> value; {base} = store URL
    # What every stored row must look like: layer names of the outermost envelope, or "path".
    stored_as: frozenset[str] = frozenset()

    def environment(self, store_url: str | None) -> dict[str, str]:
        env = {k: v.format(base=store_url) for k, v in self.options.items()}
        if self.backend:
            env["AIRFLOW__CORE__XCOM_BACKEND"] = self.backend
        return env


def layered(
    name: str, store: str | None, stored_as: set[str], env: dict | None = None, **options: str
) -> BackendProfile:
    """The layered backend with ``[xcom_layers]`` ``options``, plus other variables in ``env``."""
    env = {f"AIRFLOW__XCOM_LAYERS__{k.upper()}": v for k, v in options.items()} | (env or {})
    return BackendProfile(name, LAYERED, store, env, stored_as=frozenset(stored_as))


PROFILES = {
    profile.name: profile
    for profile in [
        BackendProfile("default", None),
        layered(
            "object-storage-local",
            "local",
            {"object_storage"},
            layers="object_storage",
            object_storage_path="{base}/xcom",
        ),
        layered(
            "object-storage-s3",
            "s3",
            {"object_storage"},
            layers="object_storage",
            object_storage_path="{base}/xcom",
        ),
        layered(
            "object-storage-gcs",
            "gcs",
            {"object_storage"},
            layers="object_storage",
            object_storage_path="{base}/xcom",
        ),
        layered(
            "object-storage-azure",
            "azure",
            {"object_storage"},
            layers="object_storage",
            object_storage_path="{base}/xcom",
        ),
        layered(
            "contracts",
            None,
            {"contracts", "plain", "path"},
            layers="contracts",
            contracts_undeclared="warn",
        ),
        layered(
            "sealed",
            None,
            {"sealed", "contracts", "plain", "path"},
            TEST_SEAL_KEYS,
            layers="contracts, sealed",
            contracts_undeclared="warn",
        ),
        layered(
            "encrypted",
            None,
            {"encryption"},
            layers="encryption",
            encryption_keys=TEST_ENCRYPTION_KEYS,
        ),
        layered(
            "all-layers-s3",
            "s3",
            {"dataframe_parquet", "encryption", "object_storage"},
            layers=ALL_LAYERS,
            compression_min_bytes="64",
            encryption_keys=TEST_ENCRYPTION_KEYS,
            object_storage_path="{base}/xcom",
            object_storage_threshold_bytes="256",
        ),
        BackendProfile(
            "official-s3",
            OFFICIAL,
            "s3",
            {
                "AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_PATH": "{base}/official",
                "AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_THRESHOLD": "0",
            },
            stored_as=frozenset({"path"}),
        ),
    ]
}


# The profiles the production lane deploys (./dev check-production), each with the checks of
# tests/production it runs: the catalogue parity on all, the others where their lesson needs it.
PARITY = "tests/production/test_catalogue_parity.py"
UI = "tests/production/test_ui_xcom_tab.py"
DEPLOYMENT_ONLY = "tests/production/test_deployment_only_recipes.py"
REST_API = "tests/production/test_rest_api_xcoms.py"
PRODUCTION_PROFILES = {
    "default": (PARITY, UI, DEPLOYMENT_ONLY, REST_API, "tests/production/test_database_limits.py"),
    "object-storage-s3": (
        PARITY,
        UI,
        DEPLOYMENT_ONLY,
        REST_API,
        "tests/production/test_worker_loss.py",
    ),
    "sealed": (PARITY, "tests/production/test_sealed_per_queue.py"),
}


def selected_profile() -> BackendProfile:
    name = os.environ.get("COOKBOOK_XCOM_BACKEND", "default")
    if name not in PROFILES:
        raise SystemExit(f"COOKBOOK_XCOM_BACKEND={name!r} is unknown; choose from {list(PROFILES)}")
    return PROFILES[name]


def local_store_url(airflow_home: Path) -> str:
    return f"file://{airflow_home / 'object-store'}"


if __name__ == "__main__":
    # `python -m tests.harness.backend_profiles [--production [PROFILE]]`: what ./dev runs.
    if sys.argv[1:] == ["--production"]:
        print(" ".join(PRODUCTION_PROFILES))
    elif sys.argv[1:2] == ["--production"]:
        print(" ".join(PRODUCTION_PROFILES[sys.argv[2]]))
    else:
        print(" ".join(name for name in PROFILES if name != "default"))
