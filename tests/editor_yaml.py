"""YAML as editors read it, for checking the frontmatter schema against real posts."""

from __future__ import annotations

import yaml


class EditorLoader(yaml.SafeLoader):
    """YAML 1.2, as editors' language servers read it: `2024-06-12` is a string, not a date."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def frontmatter(text: str) -> object:
    """The frontmatter of a post's text, as an editor sees it."""
    return yaml.load(text.split("---\n", 2)[1], Loader=EditorLoader)
