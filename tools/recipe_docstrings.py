"""mkdocs hook: a line ``<!-- docstring: dags/<chapter>/<recipe>.py -->`` on a page becomes that
recipe's module docstring, as Markdown.

What a recipe shows, when to use it, when not and its gotcha are written once, in the recipe's
docstring (a user who copies the file keeps them); the page shows that text above the code.
Double backticks (reStructuredText) become single ones; the labels of the closing ``- Use:``,
``- Avoid:``, ``- Gotcha:`` list become bold. A missing file or docstring fails the
build. Enabled in mkdocs.yml (``hooks:``); needs nothing but mkdocs and the standard library.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

# The closing list of a recipe's docstring: ``- Use: ...``, ``- Avoid: ...``, ``- Gotcha: ...``.
LABEL = re.compile(r"^(?P<indent>[ \t]*)- (?P<label>Use|Avoid|Gotcha):", re.MULTILINE)
LITERAL_BLOCK = re.compile(r"(?P<lead>[^\n]*):(?<!::):\n\n(?P<body>(?:    [^\n]*\n?|\n(?=    ))+)")
DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)<!-- docstring: (?P<path>\S+\.py) -->$", re.MULTILINE)


def module_docstring(path: Path) -> str:
    if not path.is_file():
        raise PluginError(f"docstring of {path}: no such file")
    text = ast.get_docstring(ast.parse(path.read_text()))
    if not text:
        raise PluginError(f"{path} has no module docstring to show")
    return LABEL.sub(r"\g<indent>- **\g<label>:**", text.replace("``", "`"))


def fenced_literal_blocks(text: str, source: str) -> str:
    """A reStructuredText literal block (a paragraph ending in ``::``, then an indented block)
    as a fenced block titled with the file it comes from, as every code block on the site is."""

    def fenced(match: re.Match) -> str:
        body = "\n".join(line[4:] for line in match["body"].splitlines())
        return f'{match["lead"]}:\n\n```text title="{source} (docstring)"\n{body}\n```\n'

    return LITERAL_BLOCK.sub(fenced, text)


def on_page_markdown(markdown: str, page, config, files) -> str:
    root = Path(config.config_file_path).parent

    def shown(match: re.Match) -> str:
        text = fenced_literal_blocks(module_docstring(root / match["path"]), match["path"])
        return "\n".join(match["indent"] + line if line else "" for line in text.splitlines())

    return DIRECTIVE.sub(shown, markdown)
