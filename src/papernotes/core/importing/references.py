"""A numbered reference list at the end of a post, and the `[n]` markers that point into it.

Newsletter platforms export a post as text with `[1]`, `[9, 10]` markers and a
"Bibliography" or "References" heading over `[1] Author, "Title", ... (2023).`
lines. The list becomes bibliography records: the reference as written in `text`,
with the arXiv id, DOI and URL found in it as fields of their own (so the reference
links out and the paper gets its page); the markers become `[@key]` citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..model.records import key_word, normalize_arxiv, normalize_doi
from .lines import Lines

_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:bibliography|references|works cited|sources|citations)\s*:?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+(?=\S)")
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([\w./-]+?)(?:v\d+)?(?:\.pdf)?(?=[\s,;)\]]|\.?$)|\barxiv:\s?(\d{4}\.\d{4,5})", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+?)(?=[.,;)\]]?(?:\s|$))")
_URL = re.compile(r"https?://[^\s<>\"]+?(?=[.,;)\]]?(?:\s|$))")
_QUOTES = "\"“”„"
_QUOTED = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]{{3,}}?)[{_QUOTES}]")
_YEAR = re.compile(r"\((?:19|20)\d\d\)|\b(?:19|20)\d\d\b")
# Not a Markdown link `[2](url)` or image, nor a link definition `[1]: https://...`.
_MARKER = re.compile(r"(?<![\\!\w])\[(\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*)\](?!\(|:[ \t]*<?https?://)")
_CLOSERS = "”\"’'),.;:"
_SKIPPED_WORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "is", "are", "with", "from", "by"}


@dataclass
class ReferenceList:
    start: int  # the heading's line
    end: int  # the line after the last reference
    records: list[dict[str, str]]  # bibliography entries, in the list's order
    keys: dict[int, str]  # a reference's number -> its key


def find_references(lines: Lines) -> ReferenceList | None:
    """The last "References"/"Bibliography" heading followed by references numbered 1, 2, ..."""
    for start in range(len(lines.lines) - 1, -1, -1):
        if lines.code[start] or not _HEADING.match(lines.lines[start]):
            continue
        items, end = _items(lines, start + 1)
        if items:
            records, keys = _records(items)
            return ReferenceList(start, end, records, keys)
    return None


def _items(lines: Lines, i: int) -> tuple[list[tuple[int, str]], int]:
    items: list[tuple[int, str]] = []
    end = i
    while i < len(lines.lines) and not lines.code[i]:
        line = lines.lines[i].strip()
        match = _ITEM.match(line)
        if match and int(match.group(1) or match.group(2)) == len(items) + 1:
            items.append((len(items) + 1, line[match.end():]))
        elif line and items and _unfinished(items[-1][1], line):
            glue = "" if line[0] in _CLOSERS else " "
            items[-1] = (items[-1][0], items[-1][1] + glue + line)
        elif line or not items:
            if items or line:
                break
            i += 1
            continue
        i += 1
        end = i
    return items, end


def _unfinished(reference: str, next_line: str) -> bool:
    """Whether `next_line` carries on `reference` (a title broken over two lines), rather than
    being text after the list (footnotes, comments)."""
    return next_line[0] in _CLOSERS or next_line[0].islower() or not reference.rstrip().endswith((".", ")", "]"))


def _records(items: list[tuple[int, str]]) -> tuple[list[dict[str, str]], dict[int, str]]:
    records, keys, used = [], {}, set()
    for number, text in items:
        text = " ".join(text.split())
        key = base = _key(text) or f"ref{number}"
        suffix = ord("b")  # the second xiao2023efficient is xiao2023efficientb
        while key in used:
            key, suffix = f"{base}{chr(suffix)}", suffix + 1
        used.add(key)
        keys[number] = key
        record = {"id": key, "text": text}
        title = _title(text)
        if title:  # the paper's own page and card show it; the list shows `text`, as written
            record["title"] = title
        record.update(_identifiers(text))
        records.append(record)
    return records, keys


def _identifiers(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ARXIV.finditer(text):
        try:
            found["arxiv"] = normalize_arxiv(match.group(1) or match.group(2))
            break
        except ValueError:
            continue
    for match in _DOI.finditer(text):
        try:
            found["doi"] = normalize_doi(match.group(1))
            break
        except ValueError:
            continue
    for match in _URL.finditer(text):
        url = match.group(0)
        if not re.search(r"arxiv\.org/|doi\.org/", url, re.IGNORECASE):
            found["url"] = url
            break
    return found


def _title(text: str) -> str | None:
    """The title in quotes, when the reference quotes exactly one thing."""
    if sum(text.count(q) for q in _QUOTES) != 2:
        return None  # `"The Reversal Curse: LLMs trained on" A is B" ...`: no telling where it ends
    match = _QUOTED.search(text)
    return match.group(1).strip().rstrip(".,").strip() or None if match else None


def _key(text: str) -> str:
    """`xiao2023efficient`: the first author's surname, the year, the title's first word."""
    author = key_word(re.split(r"[,\s]", text.strip(), maxsplit=1)[0])
    years = _YEAR.findall(text)
    year = years[-1].strip("()") if years else ""
    title = _QUOTED.search(text)
    words = [key_word(w) for w in (title.group(1) if title else "").split()]
    word = next((w for w in words if w and w not in _SKIPPED_WORDS), "")
    return f"{author}{year}{word}" if author and (year or word) else ""


def cite_markers(text: str, keys: dict[int, str], plain: Callable[[str], str] = str) -> str:
    """`[4]` -> `[@xu2023qalora]`, `[9, 10]` -> `[@a; @b]`, `[3–5]` -> three keys; other brackets
    stay. `plain` turns the text between markers into Markdown (escapes it, for copied text)."""

    def cite(match: re.Match[str]) -> str:
        numbers: list[int] = []
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            bounds = [int(n) for n in re.split(r"\s*[–—-]\s*", part)]
            numbers += range(bounds[0], bounds[-1] + 1) if len(bounds) == 2 and bounds[0] < bounds[1] else bounds
        if not numbers or any(n not in keys for n in numbers):
            return plain(match.group(0))
        return "[" + "; ".join(f"@{keys[n]}" for n in numbers) + "]"

    out, position = [], 0
    for match in _MARKER.finditer(text):
        out += [plain(text[position : match.start()]), cite(match)]
        position = match.end()
    return "".join(out) + plain(text[position:])
