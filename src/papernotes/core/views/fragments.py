"""Jinja fragments that papernotes puts into pages: cards, boxes, lists.

MkDocs' theme environment does not autoescape, so papernotes renders its own
markup in a separate environment that does: every string from frontmatter,
BibTeX or a data file is escaped unless a template marks it ``|safe`` (used
only for HTML that papernotes itself rendered from Markdown).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..model.records import display_name, first_authors
from ..model.venues import names_year


def longdate(value: dt.datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def authors_short(names: list[str]) -> str:
    shown, more = first_authors(names)
    return ", ".join(shown) + (" et al." if more else "")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The fragments' environment, with every filter and function their templates use."""
    from ..papers import paper_links  # here: papers.py renders fragments (citations.py) itself

    env = Environment(
        loader=PackageLoader("papernotes", "templates/papernotes/fragments"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(longdate=longdate, display_name=display_name)
    env.globals.update(authors_short=authors_short, names_year=names_year, paper_links=paper_links)
    return env


def render(name: str, **context: Any) -> str:
    """Render one fragment template (``paper-card.html``) with autoescaping on."""
    return environment().get_template(name).render(**context)
