"""Text copied from a web page or a notes app, as Markdown: paragraphs, lists, section
headings and code, with every character shown as written."""

from __future__ import annotations

import re
from typing import Callable

from .lines import Lines, looks_like_title

_SENTENCE_END = tuple('.!?:;"”’)]…')
# What would open a heading, quote or list at the start of a line (backslash-escapable in Markdown).
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([#>+*.)-])")
_INLINE = re.compile(r"([\\`*_\[\]])")
_LONG = 20  # words: a paragraph, not a heading or a list item


def one_paragraph_per_line(lines: Lines, start: int, end: int) -> bool:
    """Text copied from a newsletter page: paragraphs one per line, hardly a blank line between."""
    body = [line for line in lines.lines[start:end] if line.strip()]
    blanks = (end - start) - len(body)
    return len(body) >= 8 and blanks * 10 < len(body) and sum(len(line.split()) >= _LONG * 2 for line in body) >= 3


def escape_text(text: str) -> str:
    """Plain text that Markdown shows as written."""
    text = _INLINE.sub(r"\\\1", text).replace("<", "&lt;")
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def page_to_markdown(lines: Lines, start: int, end: int, inline: Callable[[str], str]) -> str:
    """Lines start..end of a copied page (a paragraph per line) as Markdown; `inline` turns a
    paragraph's text into Markdown (escaping, citations)."""
    blocks = _join_fragments([line.strip() for line in lines.lines[start:end] if line.strip()])
    out: list[str] = []
    for i, block in enumerate(blocks):
        before = blocks[i - 1] if i else ""
        after = blocks[i + 1] if i + 1 < len(blocks) else ""
        short = looks_like_title(block) or block.endswith("?") and len(block.split()) < 12
        in_list = bool(out) and out[-1].startswith("- ")
        listed = (short and (before.endswith(":") or in_list or looks_like_title(after))) or (
            in_list and len(block.split()) < _LONG and not block.endswith(".")
        )
        if listed:
            out.append("- " + inline(block))
        elif short and block[0].isupper() and len(after.split()) >= _LONG // 2 and (not before or before.endswith(_SENTENCE_END)):
            out.append("## " + inline(block))
        else:
            out.append(inline(block))
    # List items sit together; everything else is its own block.
    text = ""
    for i, block in enumerate(out):
        joined = i and block.startswith("- ") and out[i - 1].startswith("- ")
        text += ("\n" if joined else "\n\n" if i else "") + block
    return text


def _join_fragments(lines: list[str]) -> list[str]:
    """Join the pieces a copy breaks a sentence into (inline maths, formulas: "where W0",
    "is the original weight") back into one line."""
    joined: list[str] = []
    for line in lines:
        if joined and not joined[-1].endswith(_SENTENCE_END) and (
            line[0].islower() or line[0] in ",.;:)”’" or len(line.split()) <= 3
        ):
            joined[-1] += " " + line
        else:
            joined.append(line)
    return joined


def notes_to_markdown(lines: Lines, start: int, end: int, *, headings: bool) -> str:
    """Lines start..end of notes with blank lines between blocks, kept as written: Markdown
    notes stay Markdown. Code pasted without a fence gets one. With `headings`, a block that
    starts with a title line (a paper's name over its notes) gets that line as a `##` heading."""
    out: list[str] = []
    i = start
    while i < end:
        if lines.code[i] and not lines.fenced[i]:
            j = i
            while j < end and lines.code[j] and not lines.fenced[j]:
                j += 1
            while j > i and not lines.lines[j - 1].strip():
                j -= 1  # blank lines after the code stay outside the fence
            out += ["```", *lines.lines[i:j], "```"]
            i = j
            continue
        line = lines.lines[i]
        starts_block = i == start or not lines.lines[i - 1].strip()
        if (
            headings and starts_block and not lines.code[i] and looks_like_title(line)
            and i + 1 < end and lines.lines[i + 1].strip()
        ):
            out += ["## " + line.strip(), ""]
        else:
            out.append(line)
        i += 1
    return "\n".join(out).strip()
