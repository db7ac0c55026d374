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
