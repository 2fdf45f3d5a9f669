"""A post's title from its first `# heading`, as Material's blog plugin (and MkDocs) take it.

A Material blog post usually has no `title:`: its title is the first
level-one heading of the body. papernotes prints the title in the post's
header, so the heading is taken out of the body (its line left blank, so
line numbers in messages stay right) and shows once, on the page and in
listing excerpts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..views.sanitize import xml_text

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}#(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}=+[ \t]*$")
_ATTR_LIST = re.compile(r"\s*\{:?[^{}]*\}\s*$")  # `# Title { #id .class }` (attr_list)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`|~~|==)")


@dataclass(frozen=True)
class Heading:
    title: str  # plain text
    body: str  # the body with the heading's line(s) blanked
    line: int  # 0-based line of the heading within the body


def first_heading(body: str) -> Heading | None:
    """The body's first level-one heading outside code, or None."""
    lines = body.split("\n")
    fence: str | None = None
    previous = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            previous = ""
            continue
        atx = _ATX.match(line)
        if atx and not line.lstrip().startswith("#" * 2):
            title = plain_heading(atx.group("text") or "")
            if title:
                return Heading(title, _blank(lines, index, index), index)
        elif _SETEXT.match(line) and previous.strip() and not previous.startswith((" " * 4, "\t")):
            title = plain_heading(previous)
            if title:
                return Heading(title, _blank(lines, index - 1, index), index - 1)
        previous = line
    return None


def plain_heading(text: str) -> str:
    """Heading Markdown as plain text: no attribute list, links as their text, no emphasis marks,
    and, like every text read from a file, no terminal colour codes or control characters."""
    text = _ATTR_LIST.sub("", xml_text(text))
    text = _LINK.sub(r"\1", text)
    return " ".join(_MARKS.sub("", text).split())


def title_from_heading(data: dict[str, Any], lines: dict[tuple, int], body: str, body_line: int) -> str:
    """Fill in a missing `title` of frontmatter `data` from the body's first heading; the body to show.

    A post with `title:` that also opens with the same `# heading` loses that
    heading too. `lines` (paths to file lines) learns where the title was
    written; `body_line` is the file line the body starts on.
    """
    heading = first_heading(body)
    if heading is None:
        return body
    if data.get("title") in (None, ""):
        data["title"] = heading.title
        lines[("title",)] = body_line + heading.line
        return heading.body
    before = body.split("\n")[: heading.line]
    if isinstance(data["title"], str) and not "".join(before).strip() and _same(heading.title, data["title"]):
        return heading.body
    return body


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _blank(lines: list[str], first: int, last: int) -> str:
    return "\n".join("" if first <= i <= last else line for i, line in enumerate(lines))
