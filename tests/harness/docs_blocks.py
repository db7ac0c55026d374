"""The code blocks of the guide's pages, found by their title, for the tests that pin them."""

from __future__ import annotations

import re

from tests.harness.environment import REPO_ROOT

# A fenced block: its language, its info string (title="...") and its body.
FENCED_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<language>\w+)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```",
    re.MULTILINE | re.DOTALL,
)


def fenced_blocks(page: str) -> list[re.Match[str]]:
    """Every fenced code block of ``docs/<page>``."""
    return list(FENCED_BLOCK.finditer((REPO_ROOT / "docs" / page).read_text()))


def block_titled(page: str, title: str) -> str:
    """The body of the one block of ``docs/<page>`` titled ``title``."""
    bodies = [b["body"] for b in fenced_blocks(page) if f'title="{title}"' in b["info"]]
    assert len(bodies) == 1, f"docs/{page} has {len(bodies)} blocks titled {title!r}, not one"
    return bodies[0]


def as_one_line(text: str) -> str:
    """A message as the page wraps it, back on one line."""
    return " ".join(text.split())
