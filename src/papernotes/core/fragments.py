"""Jinja fragments that papernotes puts into pages: cards, boxes, lists.

MkDocs' theme environment does not autoescape, so papernotes renders its own
markup in a separate environment that does: every string from frontmatter,
BibTeX or a data file is escaped unless a template marks it ``|safe`` (used
only for HTML that papernotes itself rendered from Markdown).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("papernotes", "templates/papernotes/fragments"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(name: str, **context: Any) -> str:
    """Render one fragment template (``paper-card.html``) with autoescaping on."""
    return environment().get_template(name).render(**context)
