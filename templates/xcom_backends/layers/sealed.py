"""``sealed``: encrypt a contract's value for its readers' keys only (public-key envelope).

A contract declared with ``seal_for={"tenant_a"}`` (key ids) is sealed on push: a fresh AES-256-GCM
data key encrypts the value, and that data key is wrapped for each key id with X25519 + HKDF-SHA256
+ AES-GCM. A producer needs only the readers' *public* keys; only workers that hold a *private* key
can open the value. The metadata DB, the UI, the REST API, any task of another tenant and anyone
with database access see ciphertext.

Keys are Airflow Variables, so they come from your secrets backend (or ``AIRFLOW_VAR_...``):

- ``xcom_seal_public_key_<key_id>``: base64 of the 32-byte X25519 public key. Give it to producers.
- ``xcom_seal_private_key_<key_id>``: base64 of the 32-byte private key. Only on the workers of
  the queue that runs that tenant's reader tasks.

Make a pair with ``python -m xcom_backends.layers.sealed <key_id>``. This module composes
primitives of the ``cryptography`` package (there is no HPKE API in it yet); the envelope format
is versioned (``"v": 1``) so it can move to HPKE later.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..contracts import XComContractError, contract_of
from ..layered import MARKER, XComAddress

CONTEXT = b"xcom-cookbook/sealed/v1"
RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def variable(name: str) -> str | None:
    from airflow.sdk import Variable

    try:
        return Variable.get(name)
    except Exception:  # not set in this worker's secrets: the caller says what is missing
        return None


def wrapping_key(shared_secret: bytes, key_id: str, ephemeral_public: bytes) -> bytes:
    info = CONTEXT + b"|" + key_id.encode() + b"|" + ephemeral_public
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared_secret)


class SealedLayer:
    name = "sealed"

    def encode(self, payload: Any, address: XComAddress) -> Any:
        contract = contract_of(address.dag_id, address.key, address.task_id)
        if contract is None or not contract.seal_for:
            return payload
        data_key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
        ciphertext = AESGCM(data_key).encrypt(nonce, json.dumps(payload).encode(), CONTEXT)
        recipients = [self.wrap(data_key, key_id, address) for key_id in sorted(contract.seal_for)]
        return {MARKER: self.name, "v": 1, "recipients": recipients,
                "nonce": b64(nonce), "ciphertext": b64(ciphertext)}  # fmt: skip

    def wrap(self, data_key: bytes, key_id: str, address: XComAddress) -> dict:
        encoded = variable(f"xcom_seal_public_key_{key_id}")
        if encoded is None:
            raise XComContractError(
                f"{address.describe()} is sealed for key id {key_id!r}, but this worker has no "
                f"Variable 'xcom_seal_public_key_{key_id}'. Publish the reader's public key."
            )
        ephemeral = X25519PrivateKey.generate()
        ephemeral_public = ephemeral.public_key().public_bytes(**RAW)
        recipient = X25519PublicKey.from_public_bytes(base64.b64decode(encoded))
        key = wrapping_key(ephemeral.exchange(recipient), key_id, ephemeral_public)
        nonce = os.urandom(12)
        wrapped = AESGCM(key).encrypt(nonce, data_key, key_id.encode())
        return {"key_id": key_id, "ephemeral_public": b64(ephemeral_public),
                "nonce": b64(nonce), "wrapped_key": b64(wrapped)}  # fmt: skip

    def decode(self, envelope: dict) -> Any:
        key_ids = [r["key_id"] for r in envelope["recipients"]]
        for recipient in envelope["recipients"]:
            private = variable(f"xcom_seal_private_key_{recipient['key_id']}")
            if private is None:
                continue
            try:
                return self.open(envelope, recipient, private)
            except (InvalidTag, ValueError) as error:
                raise XComContractError(
                    f"A sealed XCom failed authentication for key id {recipient['key_id']!r}: it "
                    "was altered, or this worker's private key is not the one it was sealed "
                    "for. Nothing was returned."
                ) from error
        raise XComContractError(
            f"This XCom is sealed for key ids {key_ids}; this worker holds none of their private "
            f"keys (Variable 'xcom_seal_private_key_<key id>'). Run the reading task on a queue "
            "whose workers hold one, or add this task's tenant to the contract's seal_for."
        )

    def open(self, envelope: dict, recipient: dict, private: str) -> Any:
        own = X25519PrivateKey.from_private_bytes(base64.b64decode(private))
        ephemeral_public = base64.b64decode(recipient["ephemeral_public"])
        shared = own.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = wrapping_key(shared, recipient["key_id"], ephemeral_public)
        data_key = AESGCM(key).decrypt(
            base64.b64decode(recipient["nonce"]),
            base64.b64decode(recipient["wrapped_key"]),
            recipient["key_id"].encode(),
        )
        plaintext = AESGCM(data_key).decrypt(
            base64.b64decode(envelope["nonce"]), base64.b64decode(envelope["ciphertext"]), CONTEXT
        )
        return json.loads(plaintext)

    def purge(self, envelope: dict) -> None:
        pass


def new_key_pair(key_id: str) -> tuple[str, str]:
    """(public, private) as base64, for ``xcom_seal_public_key_<id>`` / ``..._private_key_<id>``."""
    private = X25519PrivateKey.generate()
    private_raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return b64(private.public_key().public_bytes(**RAW)), b64(private_raw)


if __name__ == "__main__":  # python -m xcom_backends.layers.sealed <key_id>
    key_id = sys.argv[1] if len(sys.argv) > 1 else "tenant"
    public, private = new_key_pair(key_id)
    print(f"AIRFLOW_VAR_XCOM_SEAL_PUBLIC_KEY_{key_id.upper()}={public}")
    print(f"AIRFLOW_VAR_XCOM_SEAL_PRIVATE_KEY_{key_id.upper()}={private}")
