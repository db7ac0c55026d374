"""Jinja extensions for the project generator.

cookiecutter imports them (``_extensions`` in cookiecutter.json) from the template's own folder.

- ``{{ cookbook_root }}``: the absolute path of the cookbook generating the project, even when
  cookiecutter was started as ``cookiecutter .``. The post-generation hook copies the backend
  templates from there: one source, no copies kept by hand.
- ``airflow_constraints(release)``: for an older Airflow release, its dependencies as they were
  on its release day, from the lock its version lane runs with (``versions/airflow-<minor>.txt``):
  newer releases of some of them break it (universal-pathlib 0.3 its ObjectStoragePath, newer
  pydantic and cadwyn its Execution API). Left free: the providers (the project pins its own,
  newer ones), fsspec (each store's client pins the fsspec it was released with), cryptography
  and cffi (the backend's ``sealed`` layer needs HPKE and ML-KEM, newer than Airflow 3.0 and
  3.1 came with) and the test tools. The project's own Airflow (no lock in versions/) runs with
  the newest of everything.
"""

import re
from pathlib import Path

from jinja2.ext import Extension

COOKBOOK_ROOT = Path(__file__).resolve().parent
LEFT_FREE = re.compile(
    r"apache-airflow-providers-.*|fsspec|cryptography|cffi|pytest|pluggy|iniconfig"
)


def airflow_constraints(release: str) -> list[str]:
    minor = ".".join(release.split(".")[:2])
    lock = COOKBOOK_ROOT / "versions" / f"airflow-{minor}.txt"
    if not lock.is_file():
        return []
    pins = [line for line in lock.read_text().splitlines() if "==" in line]
    if f"apache-airflow=={release}" not in pins:
        raise ValueError(f"{lock} does not lock apache-airflow {release}")
    return [pin for pin in pins if not LEFT_FREE.fullmatch(pin.split("==")[0])]


class CookbookRoot(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["cookbook_root"] = str(COOKBOOK_ROOT)
        environment.globals["airflow_constraints"] = airflow_constraints
