"""``encryption``: seal every value with AES-256-GCM; the DB, UI and REST API hold ciphertext only.

Options (section ``[xcom_layers]``):

- ``encryption_keys``: comma-separated ``key_id:base64_key`` pairs, each key 32 random bytes. The
  first pair encrypts new values; every pair can decrypt. To rotate, put the new key first and
  keep the old ones until no stored XCom uses them. Env: ``AIRFLOW__XCOM_LAYERS__ENCRYPTION_KEYS``.
- ``encryption_keys_variable``: the name of an Airflow Variable holding the same text, so the keys
  come from your secrets backend instead of the configuration. Used when set.

Make a key with ``python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"``.

Stored form in the row: ``{"__xcom_layer__": "encryption", "v": 2, "key_id": ..., "nonce": ...,
"ciphertext": ...}``. A value the object_storage layer offloads is encrypted on its way to the
store, chunk by chunk: the object holds the raw ciphertext, the row's ``"packed"`` list the key id,
nonce and tag (``{"layer": "encryption", "key_id": ..., "nonce": ..., "tag": ...}``).

The associated data binds each ciphertext to its key id and to its XCom's address (DAG, run,
task, map index, key): a value altered in the DB or the store, copied into another XCom's row, or
read with a different key under the same id fails authentication and is never returned.

Name the Variable so that Airflow masks it in the UI, the REST API and logs: its name must contain
one of Airflow's sensitive words (``secret``, ``password``, ``private_key``, ``token``, ...), for
example ``xcom_encryption_secret``. Fetch it on the workers only: set it as an environment
variable (``AIRFLOW_VAR_XCOM_ENCRYPTION_SECRET``) or in a secrets backend configured on the
workers, never in the metadata DB, where every task could read it through the API server.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..base import MARKER, XComAddress, XComLayerError, option
from ..json_form import json_bytes, parsed_json


def configured_keys() -> dict[str, bytes]:
    """Key id -> key, in the configured order (the first one encrypts)."""
    variable = option("encryption_keys_variable")
    if variable:
        from airflow.sdk import Variable

        try:
            from airflow.sdk._shared.secrets_masker import should_hide_value_for_key
        except ImportError:  # Airflow 3.0
            from airflow.sdk.execution_time.secrets_masker import should_hide_value_for_key

        if not should_hide_value_for_key(variable):
            raise XComLayerError(
                f"[xcom_layers] encryption_keys_variable is {variable!r}, a name Airflow does not "
                "mask: the UI and the REST API would show the keys in clear. Rename the Variable "
                "so its name contains 'secret' (e.g. xcom_encryption_secret) and set the option "
                "to that name."
            )

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


def associated_data(key_id: str, address: XComAddress) -> bytes:
    """Binds a ciphertext to its key id and to its XCom: a copy in another row fails to decrypt."""
    return address.associated_data(f"xcom-cookbook/encryption/v2/{key_id}")


def object_associated_data(key_id: str, address: XComAddress) -> bytes:
    """As ``associated_data``, for the bytes of an offloaded object (another format, another
    context: a row's ciphertext and an object's can never stand in for each other)."""
    return address.associated_data(f"xcom-cookbook/encryption/object-v1/{key_id}")


@functools.cache
def update_into_takes_exact_room() -> bool:
    """Whether this cryptography lets ``update_into`` write AES-GCM's output into exactly the
    input's length (45 does; 42 asked for a block more, so nothing could be decrypted in place)."""
    cipher = Cipher(algorithms.AES(bytes(32)), modes.GCM(bytes(12))).encryptor()
    try:
        cipher.update_into(b"x", bytearray(1))
    except ValueError:
        return False
    return True


class AesGcmStream:
    """AES-256-GCM, chunk by chunk; the 16-byte tag goes into the row's header, not the object.

    Unpacking releases plaintext before the tag is checked; the backend parses nothing until
    ``finish`` has checked it, and a failed check is an error, never a value. The tag
    authenticates every byte the stream packed, so an object it packed last needs no checksum.

    A local object, whose bytes were read into a buffer of their own, is decrypted in that buffer
    (``update_into``): a second buffer of the value's size, and 1 MiB of new bytes per chunk,
    made the allocator hand memory back to the system and fault it in again on every round trip
    (at 10 MiB on local files, 13 MiB of fresh pages per push and 17 MiB per pull; none since,
    benchmarks/backend_speed.py).
    """

    authenticates = True
    max_expansion = 1  # unpacked / packed: ciphertext is as long as the plaintext

    def __init__(self, key_id: str, key: bytes, address: XComAddress, header=None) -> None:
        self.key_id, self.address = key_id, address
        if header is None:
            self.nonce = os.urandom(12)
            self._cipher = Cipher(algorithms.AES(key), modes.GCM(self.nonce)).encryptor()
        else:
            self.nonce = base64.b64decode(header["nonce"], validate=True)
            tag = base64.b64decode(header["tag"], validate=True)
            self._cipher = Cipher(algorithms.AES(key), modes.GCM(self.nonce, tag)).decryptor()
        self._cipher.authenticate_additional_data(object_associated_data(key_id, address))

    def update(self, chunk: bytes) -> bytes:
        return self._cipher.update(chunk)

    @property
    def unpacks_in_place(self) -> bool:
        """Whether ``update_into`` may write over the chunk it is given (see below)."""
        return update_into_takes_exact_room()

    def update_into(self, chunk, output) -> int:
        """Unpack ``chunk`` into ``output``, as long as the chunk; it may be the chunk itself."""
        return self._cipher.update_into(chunk, output)

    def finish(self) -> bytes:
        try:
            return self._cipher.finalize()
        except InvalidTag as error:
            raise XComLayerError(
                f"{self.address.describe()} failed authentication with key id {self.key_id!r}: "
                "the stored object was altered or copied from another XCom, or the key "
                "configured under this id is not the one that encrypted it. The value was not "
                "returned."
            ) from error

    def header(self) -> dict:
        return {
            "layer": EncryptionLayer.name,
            "key_id": self.key_id,
            "nonce": base64.b64encode(self.nonce).decode(),
            "tag": base64.b64encode(self._cipher.tag).decode(),
        }


class EncryptionLayer:
    name = "encryption"
    object_suffix = None
    options = ("encryption_keys", "encryption_keys_variable")

    def __init__(self) -> None:
        self.keys = configured_keys()

    def encode(self, payload: Any, address: XComAddress) -> Any:
        key_id, key = next(iter(self.keys.items()))
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(
            nonce, json_bytes(payload), associated_data(key_id, address)
        )
        return {
            MARKER: self.name,
            "v": 2,
            "key_id": key_id,
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        }

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        key_id = envelope.get("key_id")
        self._check_known(key_id)
        try:
            plaintext = AESGCM(self.keys[key_id]).decrypt(
                base64.b64decode(envelope["nonce"]),
                base64.b64decode(envelope["ciphertext"]),
                associated_data(key_id, address),
            )
        except (InvalidTag, KeyError, ValueError, binascii.Error) as error:
            raise XComLayerError(
                f"{address.describe()} failed authentication with key id {key_id!r}: the stored "
                "value was altered or copied from another XCom, or the key configured under this "
                "id is not the one that encrypted it. The value was not returned."
            ) from error
        return parsed_json(plaintext)

    def packing(self, size: int, sample: bytes, address: XComAddress) -> AesGcmStream:
        key_id, key = next(iter(self.keys.items()))
        return AesGcmStream(key_id, key, address)

    def unpacking(self, header: dict, address: XComAddress) -> AesGcmStream:
        key_id = header.get("key_id")
        self._check_known(key_id)
        return AesGcmStream(key_id, self.keys[key_id], address, header)

    def _check_known(self, key_id: Any) -> None:
        if key_id not in self.keys:
            raise XComLayerError(
                f"This XCom was encrypted with key id {key_id!r}, which is not among the "
                f"configured keys {list(self.keys)}. Add it back to the encryption keys (keep "
                "retired keys until no stored XCom uses them)."
            )
