"""The harness that runs recipes for real: imported by the tests, tools/ and benchmarks/.

- ``environment``: a throwaway Airflow home (SQLite), set before ``airflow`` is imported; the
  environment of subprocesses that configure their own Airflow.
- ``running``: parse the recipes like the DAG processor, run one with ``dag.test()``, read back its
  task states, errors and every XCom row (stored form and value through the backend).
- ``stored_rows``: the Markdown table of a run's rows that the site shows.
- ``fresh_process``: run DAGs in a new process with its own Airflow and settings.
- ``storage_servers``: S3, GCS and Azure Blob stand-ins on 127.0.0.1.
- ``backend_profiles``, ``recipe_specs``: what each backend profile and each recipe expect.
- ``deployment``: PostgreSQL, Redis and Airflow with Celery workers on 127.0.0.1 (the production
  lane, ``./dev cluster``); ``rest_api``: a REST API v2 client; ``airflow_ui``: the UI in
  headless Chromium.

Use ``environment.configure_airflow_home(path)`` first, then ``migrate_metadata_db()`` once, then
``load_recipes()`` and ``run_recipe(dag)``.
"""
