"""Post authors, from ``docs/authors.yml`` in the format Material's blog uses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..diagnostics import Diagnostics
from .records import check_link, record_problems
from ..sources.yamlsource import YamlSyntaxError, load_yaml


class Author(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str
    description: str | None = None
    avatar: str | None = None  # an http(s) URL or a path relative to docs/
    url: str | None = None
    id: str = ""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if not value else check_link(value)

    @field_validator("avatar")
    @classmethod
    def _avatar(cls, value: str | None) -> str | None:
        if value and ":" in value.split("/", 1)[0]:
            return check_link(value)  # a scheme: only http(s) may reach an <img src>
        return value or None


def load_authors(text: str | None, path: str, diagnostics: Diagnostics) -> dict[str, Author]:
    """Authors by id; a missing file means no authors, broken ones are reported."""
    if text is None:
        return {}
    try:
        loaded = load_yaml(text)
    except YamlSyntaxError as exc:
        diagnostics.error(path, exc.line, f"broken YAML: {exc.problem}", exc.hint or "check indentation and quoting")
        return {}
    data = loaded.data or {}
    table = data.get("authors", data) if isinstance(data, dict) else None
    if not isinstance(table, dict):
        diagnostics.error(path, 1, "authors.yml must map ids to authors", "authors:\n  ada: {name: Ada Lovelace}")
        return {}
    prefix = ("authors",) if "authors" in data else ()
    authors: dict[str, Author] = {}
    for ident, fields in table.items():
        line = loaded.line_of((*prefix, ident))
        try:
            author = Author.model_validate(fields if isinstance(fields, dict) else {"name": fields})
        except ValidationError as exc:
            for problem in record_problems(exc):
                diagnostics.error(
                    path, loaded.line_of((*prefix, ident, *problem.path), line),
                    f"author '{ident}': {problem.message}", "each author needs at least 'name:'",
                )
            continue
        author.id = str(ident)
        authors[str(ident)] = author
    return authors
