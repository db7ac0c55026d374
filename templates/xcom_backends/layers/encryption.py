"""``encryption``: seal every value with AES-256-GCM; the DB, UI and REST API hold ciphertext only.

Options (section ``[xcom_layers]``):

- ``encryption_keys``: comma-separated ``key_id:base64_key`` pairs, each key 32 random bytes. The
  first pair encrypts new values; every pair can decrypt. To rotate, put the new key first and
  keep the old ones until no stored XCom uses them. Env: ``AIRFLOW__XCOM_LAYERS__ENCRYPTION_KEYS``.
- ``encryption_keys_variable``: the name of an Airflow Variable holding the same text, so the keys
  come from your secrets backend instead of the configuration. Used when set.

Make a key with ``python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"``.

Stored form: ``{"__xcom_layer__": "encryption", "key_id": ..., "nonce": ..., "ciphertext": ...}``.
A value altered in the DB, or read with a different key under the same id, fails authentication
and is never returned.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..layered import MARKER, XComAddress, XComLayerError, option


def configured_keys() -> dict[str, bytes]:
    """Key id -> key, in the configured order (the first one encrypts)."""
    variable = option("encryption_keys_variable")
    if variable:
        from airflow.sdk import Variable

        text = Variable.get(variable)
        source = f"Variable {variable!r}"
    else:
        text = option("encryption_keys", "")
        source = "[xcom_layers] encryption_keys"
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(p.strip() for p in (text or "").split(",") if p.strip()):
        key_id, _, encoded = entry.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            key = b""
        if not key_id or len(key) != 32:
            raise XComLayerError(
                f"Entry {position + 1} of {source} is not 'key_id:base64 of 32 bytes'. "
                'Make a key with: python -c "import base64, os; '
                'print(base64.b64encode(os.urandom(32)).decode())"'
            )
        keys[key_id] = key
    if not keys:
        raise XComLayerError(
            f"The encryption layer is enabled but {source} holds no key. Set it to "
            "'key_id:base64_key' (see the module docstring of layers/encryption.py)."
        )
    return keys


def associated_data(key_id: str) -> bytes:
    return f"xcom-cookbook/encryption/v1/{key_id}".encode()


class AesGcmLayer:
    name = "encryption"

    def __init__(self) -> None:
        self.keys = configured_keys()

    def encode(self, payload: Any, address: XComAddress) -> Any:
        key_id, key = next(iter(self.keys.items()))
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(
            nonce, json.dumps(payload).encode(), associated_data(key_id)
        )
        return {
            MARKER: self.name,
            "key_id": key_id,
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        }

    def decode(self, envelope: dict) -> Any:
        key_id = envelope.get("key_id")
        if key_id not in self.keys:
            raise XComLayerError(
                f"This XCom was encrypted with key id {key_id!r}, which is not among the "
                f"configured keys {list(self.keys)}. Add it back to the encryption keys (keep "
                "retired keys until no stored XCom uses them)."
            )
        try:
            plaintext = AESGCM(self.keys[key_id]).decrypt(
                base64.b64decode(envelope["nonce"]),
                base64.b64decode(envelope["ciphertext"]),
                associated_data(key_id),
            )
        except (InvalidTag, KeyError, ValueError, binascii.Error) as error:
            raise XComLayerError(
                f"This XCom failed authentication with key id {key_id!r}: the stored value was "
                "altered, or the key configured under this id is not the one that encrypted it. "
                "The value was not returned."
            ) from error
        return json.loads(plaintext)

    def purge(self, envelope: dict) -> None:
        pass
