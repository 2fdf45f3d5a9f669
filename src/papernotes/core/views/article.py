"""A post's page content: one Markdown conversion, split into the parts a page shows.

The adapter converts one composed source per post: the body, then the
takeaways and each paper's note behind marker comments. Splitting the HTML
afterwards gives every part rendered by the same Markdown instance (so
citations number across them in reading order) at the cost of one conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

from ..model.posts import EXCERPT_SEPARATOR, Post
from .mathml import render_math
from .sanitize import xml_chars

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
            ("- " + _indent(raw_html_as_text(t)), post.line_of("takeaways", i)) for i, t in enumerate(post.meta.takeaways)
        ])
    for index, paper in enumerate(post.papers):
        if paper.note:
            add(f"note-{index}", [(raw_html_as_text(paper.note), post.line_of("papers", index, "note"))])
    source = "\n".join(parts) + "\n"

    def line_map(line: int) -> int:
        if line <= body_lines:
            return post.body_line + line - 1
        for start, file_line in reversed(spans):
            if line >= start and file_line is not None:
                return file_line
        return post.body_line

    return ComposedSource(source, line_map)


# Where Markdown itself writes `<`: code (spans and fences), math, and autolinks.
_MARKDOWNS_OWN = re.compile(
    r"(`+).+?(?<!`)\1(?!`)|\$\$.+?\$\$|\$[^$\n]+\$|\\\(.+?\\\)|<(?:https?://|mailto:)[^>\s]*>", re.DOTALL,
)


def raw_html_as_text(text: str) -> str:
    """A frontmatter Markdown field (a takeaway, a note) with its raw HTML written out as text.

    Like every string from frontmatter or a library file, a tag in it is shown,
    not made (SPEC section 5): a library's note could otherwise put a form or a
    tracking image on every page showing the paper. Markdown's own syntax
    (emphasis, links, images, code, math, citations) is left to Markdown.
    """
    if "<" not in text:
        return text
    out, at = [], 0
    for match in _MARKDOWNS_OWN.finditer(text):
        out += [text[at : match.start()].replace("<", "&lt;"), match.group(0)]
        at = match.end()
    return "".join(out) + text[at:].replace("<", "&lt;")


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


_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


class _Intro(HTMLParser):
    """The (line, column) places `intro_end` chooses from, among the body's top-level elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.heading: tuple[int, int] | None = None  # where the first heading starts
        self.separator: tuple[int, int] | None = None  # just after <!-- more -->, if before that heading
        self.paragraph: tuple[int, int] | None = None  # just after the first </p>, if before that heading

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if self.depth == 0 and tag in _HEADINGS and self.heading is None:
            self.heading = self.getpos()
        if tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth = max(self.depth - 1, 0)
        if self.depth == 0 and tag == "p" and self.paragraph is None and self.heading is None:
            line, column = self.getpos()
            self.paragraph = (line, column + len("</p>"))

    def handle_comment(self, data: str) -> None:
        if self.depth == 0 and self.heading is None and self.separator is None and f"<!--{data}-->" == EXCERPT_SEPARATOR:
            line, column = self.getpos()
            self.separator = (line, column + len(EXCERPT_SEPARATOR))


def intro_end(body_html: str) -> int:
    """Where a post's introduction ends in its body HTML: the paper cards go there.

    The introduction is what comes before ``<!-- more -->`` when the writer put
    it before the first heading, else the first paragraph before the first
    heading; when the body opens with a heading, it is empty.
    """
    parser = _Intro()
    parser.feed(body_html)
    parser.close()
    place = parser.separator or parser.paragraph
    if place is None:
        return 0
    line, column = place
    # HTMLParser counts lines by "\n" alone (str.splitlines would also split at form feeds, U+2028...).
    return sum(len(text) + 1 for text in body_html.split("\n")[: line - 1]) + column


def finish_conversion(html: str) -> str:
    """A post's HTML as Markdown made it, finished the same way under every engine: TeX becomes
    MathML, and pasted terminal output keeps its text while its colour codes and control
    characters go, as in feeds."""
    return xml_chars(render_math(html))
