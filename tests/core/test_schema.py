"""The editor schema: committed as generated, and true to what papernotes accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from editor_yaml import EditorLoader, frontmatter
from papernotes.core.model.schema import schema_json

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "post-frontmatter.schema.json"
DEMO_POSTS = sorted((ROOT / "docs" / "posts").rglob("*.md"))
VALIDATOR = jsonschema.Draft7Validator(json.loads(schema_json()))


def test_committed_schema_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_json(), (
        "regenerate it: papernotes schema > schema/post-frontmatter.schema.json"
    )
    jsonschema.Draft7Validator.check_schema(json.loads(schema_json()))


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_demo_posts_validate(path: Path) -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(frontmatter(path.read_text(encoding="utf-8")))]
    assert not errors


@pytest.mark.parametrize(
    "text",
    [
        "title: 1984\ndate: 2024-06-12 09:30\ntags: LLM\npapers: [2309.17453, {arxiv: 2305.18290, year: '2023'}]",
        "title: T\ndate: {created: 2024-06-12, updated: 2024-06-20T08:00:00Z}\nauthors: mara\ndraft: true",
    ],
)
def test_what_papernotes_accepts_validates(text: str) -> None:
    assert not list(VALIDATOR.iter_errors(yaml.load(text, Loader=EditorLoader)))


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("title: T", "'date' is a required property"),  # no title is fine: the first '# heading' gives it
        ("title: T\ndate: next week", "'next week' is not valid under any of the given schemas"),
        ("title: T\ndate: 2024-06-12\ntagz: [LLM]", "'tagz' was unexpected"),
        ("title: T\ndate: 2024-06-12\ndraft: maybe", "'maybe' is not of type 'boolean'"),
        ("title: T\ndate: 2024-06-12\npapers: [{arxiv: 2309.17453, titel: x}]", "'titel' was unexpected"),
    ],
)
def test_mistakes_are_flagged(text: str, complaint: str) -> None:
    messages = " | ".join(
        e.message + " " + " ".join(sub.message for sub in e.context)
        for e in VALIDATOR.iter_errors(yaml.load(text, Loader=EditorLoader))
    )
    assert complaint in messages
