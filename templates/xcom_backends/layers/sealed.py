"""``sealed``: encrypt a contract's value for its readers' keys only (HPKE, RFC 9180).

A contract declared with ``seal_for={"tenant_a"}`` (key ids) is sealed on push: a fresh AES-256-GCM
data key encrypts the value, and the data key is encrypted for each key id with HPKE (the
``cryptography`` package's ``hpke.Suite``: a KEM, HKDF-SHA256, AES-256-GCM). A producer needs only
the readers' *public* keys; only workers that hold a *private* key can open the value. The
metadata DB, the UI, the REST API, any task of another tenant and anyone with database access see
ciphertext. Both the value's associated data and each HPKE ``info`` hold the XCom's address (DAG,
run, task, map index, key), so a sealed row copied into another XCom fails to open.

Option (section ``[xcom_layers]``, env ``AIRFLOW__XCOM_LAYERS__SEALED_KEM``):

- ``sealed_kem``: ``x25519`` (default; DHKEM(X25519)) or ``mlkem768-x25519``, the post-quantum
  hybrid KEM (ML-KEM-768 + X25519): a value stays sealed even against a future quantum computer
  that records today's rows. Its keys are larger (public 1,216 bytes, wrapped key 1,168 bytes per
  reader instead of 32 and 80; a hybrid key is the ML-KEM-768 key followed by the X25519 one);
  the cookbook's benchmarks/sealed_kem.py measures its cost.

Keys are Airflow Variables, so they come from your secrets backend (or ``AIRFLOW_VAR_...``):

- ``xcom_seal_public_key_<key_id>``: base64 of the public key. Give it to producers.
- ``xcom_seal_private_key_<key_id>``: base64 of the private key (Airflow masks the name). Only on
  the workers of the queue that runs that tenant's reader tasks, as an environment variable or a
  worker-side secrets backend: a Variable in the metadata DB is readable by every task.

Make a pair with ``python -m xcom_backends.layers.sealed <key_id> [x25519|mlkem768-x25519]``.
Envelope version 2 (this one) replaced version 1 (hand-composed X25519 + HKDF + AES-GCM); rows of
version 1 are refused with a message, not opened.
"""

from __future__ import annotations

import base64
import os
import sys
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..base import MARKER, XComAddress, option
from ..contracts import XComContractError, contract_of
from ..json_form import json_bytes, parsed_json

CONTEXT = "xcom-cookbook/sealed/v2"
VERSION = 2
KEMS = {"x25519": hpke.KEM.X25519, "mlkem768-x25519": hpke.KEM.MLKEM768_X25519}
RAW_PUBLIC = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
RAW_PRIVATE = (serialization.Encoding.Raw, serialization.PrivateFormat.Raw)
X25519_BYTES = 32


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def suite(kem: str) -> hpke.Suite:
    return hpke.Suite(KEMS[kem], hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def public_key(kem: str, raw: bytes) -> Any:
    if kem == "x25519":
        return x25519.X25519PublicKey.from_public_bytes(raw)
    return hpke.MLKEM768X25519PublicKey(
        mlkem.MLKEM768PublicKey.from_public_bytes(raw[:-X25519_BYTES]),
        x25519.X25519PublicKey.from_public_bytes(raw[-X25519_BYTES:]),
    )


def private_key(kem: str, raw: bytes) -> Any:
    if kem == "x25519":
        return x25519.X25519PrivateKey.from_private_bytes(raw)
    return hpke.MLKEM768X25519PrivateKey(
        mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:-X25519_BYTES]),
        x25519.X25519PrivateKey.from_private_bytes(raw[-X25519_BYTES:]),
    )


def variable(name: str) -> str | None:
    from airflow.sdk import Variable

    try:
        return Variable.get(name)
    except Exception:  # not set in this worker's secrets: the caller says what is missing
        return None


def recipient_info(key_id: str, address: XComAddress) -> bytes:
    return address.associated_data(f"{CONTEXT}/{key_id}")


class SealedLayer:
    name = "sealed"
    object_suffix = None
    options = ("sealed_kem",)

    def __init__(self) -> None:
        self.kem = (option("sealed_kem", "x25519") or "x25519").strip()
        if self.kem not in KEMS:
            raise XComContractError(
                f"[xcom_layers] sealed_kem is {self.kem!r}; use one of {list(KEMS)}."
            )

    def encode(self, payload: Any, address: XComAddress) -> Any:
        contract = contract_of(address.dag_id, address.key, address.task_id)
        if contract is None or not contract.seal_for:
            return payload
        data_key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
        ciphertext = AESGCM(data_key).encrypt(
            nonce, json_bytes(payload), address.associated_data(CONTEXT)
        )
        recipients = [self.wrap(data_key, key_id, address) for key_id in sorted(contract.seal_for)]
        return {
            MARKER: self.name,
            "v": VERSION,
            "kem": self.kem,
            "recipients": recipients,
            "nonce": b64(nonce),
            "ciphertext": b64(ciphertext),
        }

    def wrap(self, data_key: bytes, key_id: str, address: XComAddress) -> dict:
        encoded = variable(f"xcom_seal_public_key_{key_id}")
        if encoded is None:
            raise XComContractError(
                f"{address.describe()} is sealed for key id {key_id!r}, but this worker has no "
                f"Variable 'xcom_seal_public_key_{key_id}'. Publish the reader's public key."
            )
        try:
            recipient = public_key(self.kem, base64.b64decode(encoded))
        except ValueError as error:
            raise XComContractError(
                f"Variable 'xcom_seal_public_key_{key_id}' is not a {self.kem} public key "
                f"({error}). Make a pair with: python -m xcom_backends.layers.sealed {key_id} "
                f"{self.kem}"
            ) from error
        wrapped = suite(self.kem).encrypt(data_key, recipient, recipient_info(key_id, address))
        return {"key_id": key_id, "wrapped_key": b64(wrapped)}

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        if envelope.get("v") != VERSION or envelope.get("kem") not in KEMS:
            raise XComContractError(
                f"{address.describe()} is a sealed envelope of version {envelope.get('v')!r} "
                f"(kem {envelope.get('kem')!r}); this layer opens version {VERSION} only. Re-run "
                "the task that pushed it."
            )
        key_ids = [r["key_id"] for r in envelope["recipients"]]
        for recipient in envelope["recipients"]:
            private = variable(f"xcom_seal_private_key_{recipient['key_id']}")
            if private is None:
                continue
            try:
                return self.open(envelope, recipient, private, address)
            except (InvalidTag, ValueError) as error:
                raise XComContractError(
                    f"{address.describe()}, sealed for key id {recipient['key_id']!r}, failed "
                    "authentication: it was altered or copied from another XCom, or this worker's "
                    "private key is not the one it was sealed for. Nothing was returned."
                ) from error
        raise XComContractError(
            f"{address.describe()} is sealed for key ids {key_ids}; this worker holds none of "
            "their private keys (Variable 'xcom_seal_private_key_<key id>'). Run the reading task "
            "on a queue whose workers hold one, or add this task's tenant to the contract's "
            "seal_for."
        )

    def open(self, envelope: dict, recipient: dict, private: str, address: XComAddress) -> Any:
        kem = envelope["kem"]
        data_key = suite(kem).decrypt(
            base64.b64decode(recipient["wrapped_key"]),
            private_key(kem, base64.b64decode(private)),
            recipient_info(recipient["key_id"], address),
        )
        plaintext = AESGCM(data_key).decrypt(
            base64.b64decode(envelope["nonce"]),
            base64.b64decode(envelope["ciphertext"]),
            address.associated_data(CONTEXT),
        )
        return parsed_json(plaintext)


def new_key_pair(kem: str = "x25519") -> tuple[str, str]:
    """(public, private) as base64, for ``xcom_seal_public_key_<id>`` / ``..._private_key_<id>``."""
    classical = x25519.X25519PrivateKey.generate()
    public = classical.public_key().public_bytes(*RAW_PUBLIC)
    private = classical.private_bytes(*RAW_PRIVATE, serialization.NoEncryption())
    if kem == "mlkem768-x25519":
        post_quantum = mlkem.MLKEM768PrivateKey.generate()
        public = post_quantum.public_key().public_bytes_raw() + public
        private = post_quantum.private_bytes_raw() + private
    return b64(public), b64(private)


if __name__ == "__main__":  # python -m xcom_backends.layers.sealed <key_id> [kem]
    key_id = sys.argv[1] if len(sys.argv) > 1 else "tenant"
    public, private = new_key_pair(sys.argv[2] if len(sys.argv) > 2 else "x25519")
    print(f"AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_{key_id.upper()}={public}")
    print(f"AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_{key_id.upper()}={private}")
