"""``dataframe_parquet``: a task that returns a pandas DataFrame writes it as a Parquet file.

Airflow serializes a DataFrame as hex-encoded Parquet inside the JSON value, twice its size. This
layer writes the Parquet bytes as a ``.parquet`` object next to the other offloaded values and
stores a reference, so the frame never passes through the metadata DB and other tools (DuckDB,
Spark, pandas) can read the file directly. It applies to a DataFrame that is the whole value, not
to one nested in a dict or list.

Options: it uses ``[xcom_layers] object_storage_path`` (see layers/object_storage.py), and reads
only the ``.parquet`` path it derives from the XCom's address. It runs first, before
``size_guard``: the guard then measures the reference, not the frame. The Parquet file itself is
not encrypted by the ``encryption`` layer; rely on the store's own encryption.
"""

from __future__ import annotations

from typing import Any

from ..base import MARKER, XComAddress
from .object_storage import read_object, write_object

DATAFRAME_CLASS = "pandas.DataFrame"


class DataFrameParquetLayer:
    name = "dataframe_parquet"
    object_suffix = ".parquet"
    options = ("object_storage_path",)

    def encode(self, payload: Any, address: XComAddress) -> Any:
        if not (isinstance(payload, dict) and payload.get("__classname__") == DATAFRAME_CLASS):
            return payload
        parquet = bytes.fromhex(payload["__data__"])
        reference = write_object([parquet], address, self.object_suffix)
        return {MARKER: self.name, "serde_version": payload["__version__"], **reference}

    def decode(self, envelope: dict, address: XComAddress) -> Any:
        return {
            "__classname__": DATAFRAME_CLASS,
            "__version__": envelope["serde_version"],
            "__data__": read_object(envelope, address, self.object_suffix).hex(),
        }
