"""xcom-lint: a static checker for XCom keys and pulls in Airflow DAG files. See checker.py."""

from .checker import Finding, check_source, lint_paths

__all__ = ["Finding", "check_source", "lint_paths"]
