"""Values that fail on push: ``bytes``, ``float("nan")`` and a NumPy array, with their errors.

The task that returns one of these fails; nothing is stored. Encode bytes (base64) or, better,
write them to object storage; replace NaN with ``None``; convert arrays with ``.tolist()`` when
they are small, store them elsewhere when they are not.

- Use: to recognise these errors.
- Avoid: pushing bytes, NaN or arrays: encode, replace or store them elsewhere.
- Gotcha: the task fails after its work is done; the error names the type, not the key.
"""

from __future__ import annotations

# --8<-- [start:recipe]
import numpy as np
from airflow.sdk import dag, task


@dag(schedule=None, tags=["custom_types"])
def custom_types_unserializable_values():
    @task
    def return_bytes():
        return b"\x89PNG"

    @task
    def return_nan():
        return float("nan")

    @task
    def return_ndarray():
        return np.array([1, 2, 3])

    @task
    def return_converted():
        return {
            "image_size": len(b"\x89PNG"),
            "score": None,
            "values": np.array([1, 2]).tolist(),
        }

    [return_bytes(), return_nan(), return_ndarray(), return_converted()]


dag = custom_types_unserializable_values()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
