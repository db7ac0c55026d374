"""Jinja extension for the project generator: where this cookbook checkout lives on disk.

cookiecutter imports it (``_extensions`` in cookiecutter.json) from the template's own folder, so
``{{ cookbook_root }}`` is the absolute path of the cookbook that is generating the project, even
when cookiecutter was started as ``cookiecutter .``. The post-generation hook copies the backend
templates from there: one source, no copies kept by hand.
"""

from pathlib import Path

from jinja2.ext import Extension


class CookbookRoot(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["cookbook_root"] = str(Path(__file__).resolve().parent)
