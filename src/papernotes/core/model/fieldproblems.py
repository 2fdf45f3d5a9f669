"""What was wrong with a frontmatter field, in words a writer can act on.

pydantic's validation errors become one `FieldProblem` per field (the value
shown short), and each field gets a hint saying what it accepts.
"""

from __future__ import annotations

import reprlib
from typing import Any, Mapping

from pydantic import ValidationError

from ..diagnostics import did_you_mean
from .records import FieldProblem


def meta_problems(exc: ValidationError, data: dict[str, Any], date_keys: Mapping[str, Any]) -> list[FieldProblem]:
    """One problem per field of the frontmatter `data`; `date_keys` are what a `date:` mapping takes."""
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        name = str(loc[0]) if loc else ""
        # A union (date) reports once per member; keep the field and list indices only.
        path = (name, *[p for p in loc[1:] if isinstance(p, int)][:1])
        if name in seen:
            continue
        seen.add(name)
        shown = name + "".join(f"[{p + 1}]" for p in path[1:])
        value = _value_at(data, path)
        if err.get("type") == "missing":
            message = f"missing required field '{name}'"
        elif name == "date" and isinstance(value, dict) and set(value) - set(date_keys):
            unknown = sorted(str(k) for k in set(value) - set(date_keys))[0]
            path = ("date", unknown)
            message = f"unknown key '{unknown}' in 'date': it takes 'created' and 'updated'"
            message += f" ({close})" if (close := did_you_mean(unknown, date_keys)) else ""
        elif name == "date":
            message = f"'date' is not a date: {_short(value)}"
        elif isinstance(value, dict) and err.get("type") == "string_type":
            message = (
                f"{shown} was read as 'key: value' because it contains ': '; "
                "put the whole text in double quotes"
            )
        elif err.get("type") == "value_error":
            message = str(err.get("ctx", {}).get("error", err.get("msg")))
        else:
            message = f"{shown}: {err.get('msg', 'invalid value')} (got {_short(value)})"
        problems.append(FieldProblem(path, message))
    return problems


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 2, 5, 5


def _short(value: Any) -> str:
    """A value as shown in a message: bounded, even for a pasted essay or a YAML alias bomb."""
    return _REPR.repr(value)


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_HINTS = {
    "title": "add a line like: title: \"What I learned from ...\", or start the text with a '# Title' heading",
    "date": "write a date like 2024-06-12, a datetime like 2024-06-12 09:30, or {created: 2024-06-12, updated: 2024-06-20}",
    "authors": "a list of ids from docs/authors.yml, like [ada]",
    "tags": "a list of topics, like [LLM, Long Context]",
    "draft": "true or false",
    "pin": "true or false",
    "readtime": "a whole number of minutes",
    "papers": "each paper is a key (- xiao2023streaming) or a record (- arxiv: 2309.17453)",
    "bibliography": "each entry is a record with an id, or a path to a .bib file",
    "takeaways": "a list of short Markdown strings",
    "slug": "like my-post-title",
    "description": "one line of text, like: description: \"Why sink tokens matter\"",
    "categories": "a list of topics, like [LLM, Long Context]",
}


def field_hint(path: tuple[Any, ...], fields: Mapping[str, Any]) -> str | None:
    """What the field at `path` takes, from `_HINTS` or its description among `fields` (the frontmatter model's)."""
    if not path:
        return None
    name = str(path[0])
    if name in _HINTS:
        return _HINTS[name]
    model_field = fields.get(name)
    return f"'{name}': {model_field.description}" if model_field and model_field.description else (
        f"see the papernotes docs for what '{name}' takes"
    )
