"""A small pandas DataFrame through XCom, and what it costs in the metadata DB.

Airflow serializes a DataFrame to Parquet and stores it hex-encoded, doubling its size. It works
for a few rows of summary data; for anything larger write the frame to object storage and push
its path (see the basics recipe "references, not data").

- Use: for a few rows of summary data.
- Avoid: for anything larger: write the frame to object storage and push its path.
- Gotcha: the stored form is hex-encoded Parquet, twice the bytes, unreadable in the UI.
"""

from __future__ import annotations

# --8<-- [start:recipe]
import pandas as pd
from airflow.sdk import dag, task


@dag(schedule=None, tags=["custom_types"])
def custom_types_dataframe_round_trip():
    @task
    def revenue_by_region() -> pd.DataFrame:
        return pd.DataFrame(
            {"region": ["emea", "apac"], "revenue_cents": [125000, 98000]}
        )

    @task
    def top_region(summary: pd.DataFrame) -> str:
        return str(
            summary.sort_values("revenue_cents", ascending=False).iloc[0][
                "region"
            ]
        )

    top_region(revenue_by_region())


dag = custom_types_dataframe_round_trip()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
