"""A post's page content: one Markdown conversion, split into the parts a page shows.

The adapter converts one composed source per post: the body, then the
takeaways and each paper's note behind marker comments. Splitting the HTML
afterwards gives every part rendered by the same Markdown instance (so
citations number across them in reading order) at the cost of one conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .posts import EXCERPT_SEPARATOR, Post

_MARKER = "<!-- papernotes:{} -->"
_MARKER_RE = re.compile(r"<!-- papernotes:([a-z0-9-]+) -->\n?")
_FOOTNOTES_RE = re.compile(r'<div class="footnote">.*</div>\s*\Z', re.DOTALL)


@dataclass
class ComposedSource:
    markdown: str
    line_map: Callable[[int], int]


def compose_source(post: Post) -> ComposedSource:
    """The Markdown to convert for a post, and a map from its lines to the file's."""
    parts = [post.body.rstrip("\n"), ""]
    spans: list[tuple[int, int | None]] = []  # (first composed line of a part, its line in the file)
    body_lines = parts[0].count("\n") + 1

    def add(name: str, chunks: list[tuple[str, int | None]]) -> None:
        # The marker and a blank line come first; each chunk (a takeaway, a
        # note) maps to its own line of the file.
        start = sum(p.count("\n") + 1 for p in parts) + 3
        parts.extend([_MARKER.format(name), "", "\n".join(text for text, _ in chunks), ""])
        for text, file_line in chunks:
            spans.append((start, file_line))
            start += text.count("\n") + 1

    if post.meta.takeaways:
        add("takeaways", [
            ("- " + _indent(t), post.line_of("takeaways", i)) for i, t in enumerate(post.meta.takeaways)
        ])
    for index, paper in enumerate(post.papers):
        if paper.note:
            add(f"note-{index}", [(paper.note, post.line_of("papers", index, "note"))])
    source = "\n".join(parts) + "\n"

    def line_map(line: int) -> int:
        if line <= body_lines:
            return post.body_line + line - 1
        for start, file_line in reversed(spans):
            if line >= start and file_line is not None:
                return file_line
        return post.body_line

    return ComposedSource(source, line_map)


def _indent(text: str) -> str:
    return text.strip().replace("\n", "\n  ")


@dataclass
class SplitHtml:
    body: str
    sections: dict[str, str] = field(default_factory=dict)


def split_html(html: str) -> SplitHtml:
    """Undo `compose_source`: the body and each marked section, footnotes kept with the body."""
    pieces = _MARKER_RE.split(html)
    body, sections = pieces[0], {}
    for name, chunk in zip(pieces[1::2], pieces[2::2]):
        sections[name] = chunk.strip()
    # Python-Markdown's footnotes land at the very end, which may be inside a section.
    if sections:
        last = list(sections)[-1]
        footnotes = _FOOTNOTES_RE.search(sections[last])
        if footnotes:
            sections[last] = sections[last][: footnotes.start()].strip()
            body = body.rstrip() + "\n" + footnotes.group(0)
    return SplitHtml(body, sections)


def unwrap_paragraph(html: str) -> str:
    """A one-paragraph note reads inline: drop the <p> wrapper Markdown adds."""
    html = html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def excerpt_html(body_html: str) -> str | None:
    """The HTML before ``<!-- more -->``, or None when the writer set no separator."""
    head, sep, _ = body_html.partition(EXCERPT_SEPARATOR)
    return head.strip() if sep else None
