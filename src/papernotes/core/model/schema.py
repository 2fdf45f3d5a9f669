"""The post frontmatter as a JSON Schema, for editors: generated from `PostFrontmatter`.

pydantic writes the schema of what the model accepts after papernotes'
validators ran; an editor sees the YAML as written. The differences are
patched here: dates as YAML writes them, text that YAML reads as a number,
unknown keys flagged (papernotes warns about them). Draft 07 is declared
because it is what editors' YAML and Markdown linters support best.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from .posts import PostFrontmatter

# `2024-06-12`, `2024-06-12 09:30`, `2024-06-12T09:30:00+02:00`: YAML 1.2 editors read them as strings.
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}([Tt ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)?$"

# Fields where papernotes takes a YAML number as the text it was written as
# (`title: 1984`, `arxiv: 2309.17453`, `tags: [2024]`, `- 2309.17453` in papers).
_NUMBER_AS_TEXT = {
    "post": ("title", "description", "slug", "subtitle", "authors", "tags", "categories", "papers"),
    "Record": ("id", "title", "venue", "abstract", "note", "text", "arxiv", "year"),
}
# Lists that may be written as one string: `tags: LLM`.
_ONE_OR_MANY = ("authors", "tags", "categories")


class _Generator(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # "Arxiv", "Doi": titles made from field names add nothing to the descriptions

    def datetime_schema(self, schema: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": _DATE_PATTERN}


def _text_or_number(schema: dict[str, Any]) -> None:
    """Let every string in `schema` (and in its list items and unions) also be a number."""
    if schema.get("type") == "string":
        schema["type"] = ["string", "number"]
    elif schema.get("type") == "integer":
        schema.update(type=["integer", "string"], pattern=r"^\s*\d{4}\s*$")  # a year written "2024"
    for part in [schema.get("items"), *schema.get("anyOf", [])]:
        if isinstance(part, dict):
            _text_or_number(part)


def post_frontmatter_schema() -> dict[str, Any]:
    """The JSON Schema of a post's frontmatter (SPEC section 1)."""
    schema = PostFrontmatter.model_json_schema(
        ref_template="#/definitions/{model}", schema_generator=_Generator
    )
    definitions = schema.pop("$defs")
    for name in _NUMBER_AS_TEXT["post"]:
        _text_or_number(schema["properties"][name])
    for name in _ONE_OR_MANY:
        field = schema["properties"][name]
        field["anyOf"] = [{"type": "array", "items": field.pop("items")}, {"type": "string"}]
        del field["type"]
    for name in _NUMBER_AS_TEXT["Record"]:
        _text_or_number(definitions["Record"]["properties"][name])
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "papernotes post frontmatter",
        "description": "The YAML between the '---' lines at the top of a papernotes post.",
        "type": "object",
        # A post without `title:` takes its first `# heading` (Material's blog form).
        "required": [name for name in schema["required"] if name != "title"],
        "properties": schema["properties"],
        "additionalProperties": False,
        "definitions": definitions,
    }


def schema_json() -> str:
    """The schema as the committed ``schema/post-frontmatter.schema.json`` holds it."""
    return json.dumps(post_frontmatter_schema(), indent=2, ensure_ascii=False) + "\n"
