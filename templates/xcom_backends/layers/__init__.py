"""The layers of ``LayeredXComBackend``, in the order they are applied when a value is stored."""

from __future__ import annotations

from .compression import CompressionLayer
from .contracts import ContractsLayer
from .dataframe_parquet import DataFrameParquetLayer
from .encryption import EncryptionLayer
from .object_storage import ObjectStorageLayer
from .sealed import SealedLayer
from .size_guard import SizeGuardLayer

LAYER_ORDER = {
    DataFrameParquetLayer.name: DataFrameParquetLayer,
    ContractsLayer.name: ContractsLayer,
    SealedLayer.name: SealedLayer,
    SizeGuardLayer.name: SizeGuardLayer,
    CompressionLayer.name: CompressionLayer,
    EncryptionLayer.name: EncryptionLayer,
    ObjectStorageLayer.name: ObjectStorageLayer,
}
# The suffixes of the objects layers write outside the row (``.parquet``, ``.json``): what purge,
# a refused push and the orphan sweeper look for under an XCom's own path.
OBJECT_SUFFIXES = tuple(
    layer.object_suffix for layer in LAYER_ORDER.values() if layer.object_suffix
)
