"""Small facts about rendered HTML: plain text, word counts, reading time, excerpts."""

from __future__ import annotations

import html as html_lib
import math
import re

_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)  # whole: one holding `>` (`<!-- a > b -->`) is no tag's end
_SCRIPT_OR_CODE = re.compile(r"<(script|style|pre)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.DOTALL)
_PERMALINK = r'<a class="headerlink"[^>]*>.*?</a>'  # a heading's ¶, as Python-Markdown's toc writes it
# Marks a reader never types: a heading's permalink, the back-references of
# footnotes and of the reference list (↩ a b).
_NOT_WORDS = re.compile(
    _PERMALINK + r'|<a class="footnote-backref"[^>]*>.*?</a>|<span class="citation-backrefs">.*?</span>', re.DOTALL,
)
# A section whose heading is marked out of search, as Material's search leaves it out (a
# post's reference list): up to the next heading or the footnotes Python-Markdown puts last.
_EXCLUDED_SECTION = re.compile(r"<h[1-6]\b[^>]*\sdata-search-exclude\b.*?(?=<h[1-6]\b|<div class=\"footnote\"|\Z)", re.DOTALL)
# Markup inside a line of text: a word split by it (<em>un</em>fair) is one word.
# Not sup and sub, whose footnote numbers would join the word before them.
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|cite|code|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|time|u|var)\b[^>]*>", re.IGNORECASE)
WORDS_PER_MINUTE = 265  # the figure Material's blog plugin uses, so times agree


def plain_text(html: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub(" ", _COMMENT.sub(" ", html))).split())


def searchable_text(html: str) -> str:
    """The words of rendered HTML as a search indexes and excerpts them.

    No section marked out of search, no ¶ or ↩, no word split by inline markup.
    """
    return plain_text(_INLINE_TAG.sub("", _NOT_WORDS.sub("", _EXCLUDED_SECTION.sub("", html))))


def reading_time(html: str) -> int:
    """Minutes to read, counting prose but not code listings; at least 1."""
    words = len(plain_text(_SCRIPT_OR_CODE.sub(" ", html)).split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def first_paragraph(html: str) -> str:
    match = _FIRST_PARAGRAPH.search(html)
    return match.group(0) if match else ""


def strip_anchors(html: str) -> str:
    """Excerpts are shown on listing pages, several to a page: their permalinks and ids would clash."""
    html = re.sub(_PERMALINK, "", html)
    return re.sub(r'(<[a-z][a-z0-9]*\b[^>]*?)\s+id="[^"]*"', r"\1", html)
