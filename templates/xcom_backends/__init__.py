"""Custom XCom backends of the Airflow XCom Cookbook. Start with ``layered.py``."""
