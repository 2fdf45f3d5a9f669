"""Topics: tags normalised so that 'Long Context' and 'long  context' are one.

A topic's slug is its name lowercased with runs of other characters turned
into '-' (SPEC section 4); python-slugify does exactly that, and also folds
accents ('Über' -> 'uber') so URLs stay ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, Mapping, TypeVar

from slugify import slugify

T = TypeVar("T")


@lru_cache(maxsize=4096)  # a site has few topics, each named on many posts and papers
def topic_slug(name: str) -> str:
    return slugify(name) or "topic"


def same_topic_name(a: str, b: str) -> bool:
    """Whether two names differ only as spelling is forgiven: case, spaces, hyphens and underscores."""
    return _spelled(a) == _spelled(b)


def _spelled(name: str) -> str:
    return " ".join(re.split(r"[\s_-]+", name.casefold())).strip()


@dataclass
class Topic(Generic[T]):
    name: str  # the first spelling met, which is what pages show
    slug: str
    posts: list = field(default_factory=list)
    papers: list = field(default_factory=list)  # newest first, then by title (PaperIndex.finalize)


class TopicIndex:
    """Every topic by slug, with aliases from mkdocs.yml applied (``LLMs: LLM``)."""

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        self._aliases = {topic_slug(k): v for k, v in (aliases or {}).items()}
        self.by_slug: dict[str, Topic] = {}

    def canonical(self, name: str) -> str:
        """The name a tag stands for: itself, or what `topic_aliases` maps it to."""
        return self._aliases.get(topic_slug(name), name)

    def topic(self, name: str) -> Topic:
        canonical = self.canonical(name)
        slug = topic_slug(canonical)
        found = self.by_slug.get(slug)
        if found is None:
            found = self.by_slug[slug] = Topic(name=" ".join(canonical.split()), slug=slug)
        return found

    def topics_of(self, names: list[str]) -> list[Topic]:
        """The topics for a list of tag names, deduplicated, in the order written."""
        out: dict[str, Topic] = {}
        for name in names:
            topic = self.topic(name)
            out.setdefault(topic.slug, topic)
        return list(out.values())

    def sorted(self) -> list[Topic]:
        return sorted(self.by_slug.values(), key=lambda t: t.name.lower())
