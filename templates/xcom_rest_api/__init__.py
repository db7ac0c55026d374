"""Read and change XCom rows from outside Airflow, through the REST API v2 (``entries.py``)."""
