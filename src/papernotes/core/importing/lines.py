"""A notes file as lines, with what each line is: code (fenced, or pasted without a fence),
blank, or short enough to be a title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..views.sanitize import xml_chars

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_COMMENT = re.compile(r"^#+(?:\s|$)|^//")  # a `# comment` (or a Markdown heading: context decides)
# Lines only code starts with: keywords, assignments, calls, decorators, braces. Prose ends with a period.
_CODE = re.compile(
    r"""^\s*(?:
        (?:def|class|async\s+def)\s+\w+.*:\s*$ | (?:import|from)\s+[\w.]+ | return\b | (?:raise|yield|pass|break|continue)\b
      | (?:for|while|if|elif|with|try|except|finally|else)\b.*:\s*$ | @\w[\w.]*(?:\(.*\))?\s*$ | print\( | assert\s
      | [A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:\s*,\s*[A-Za-z_]\w*)*\s*(?:[-+*/%@]|//|\*\*)?=\s*[^\s=] (?!.*\.\s*$)
      | [A-Za-z_][\w.]*\(.*\)\s*$ | [{}()\[\]]+[,;]?\s*$ | \w[\w.]*\s*=\s*$
    )""",
    re.VERBOSE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_URL = re.compile(r"https?://\S+|\barxiv\.org/\S+|\barxiv:\s?\d{4}\.\d{4,5}|\bdoi\.org/\S+", re.IGNORECASE)


def clean(text: str) -> str:
    """The text without a byte-order mark, terminal colours or control characters, with \\n line ends.

    A PDF's form feed (and a vertical tab) stands between words: it becomes a space.
    """
    return xml_chars(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


def has_link(text: str) -> bool:
    return _URL.search(text) is not None


# A reference marker, `[9]` or `[1, 3]`: no words of a title's, though two papers' heading holds two.
_MARKER = re.compile(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]")


def looks_like_title(line: str) -> bool:
    """A short line that ends no sentence: a paper's name, a section's, a post's."""
    text = line.strip()
    words = _MARKER.sub("", text)
    return (
        0 < len(words) <= 110 and len(words.split()) <= 16 and not line[:1].isspace()
        and text[-1] not in ".,;:" and not _LIST_ITEM.match(text) and not has_link(text)
        and not text.startswith(("#", ">", "|", "!", "<", "`", "[@")) and not _CODE.match(text)
    )


def list_item(line: str) -> str | None:
    """The text of a bulleted or numbered line, else None."""
    match = _LIST_ITEM.match(line)
    return line[match.end():].strip() if match else None


@dataclass
class Lines:
    """The lines of a file and which of them are code, so nothing inside code is taken for structure."""

    lines: list[str]
    code: list[bool]
    fenced: list[bool]  # inside a fence the writer wrote (the fence lines included)

    @classmethod
    def of(cls, text: str) -> "Lines":
        lines = clean(text).split("\n")
        fenced = _fenced(lines)
        return cls(lines, _pasted_code(lines, fenced), fenced)

    def blank(self, i: int) -> bool:
        return not self.lines[i].strip()

    def text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start:end])


def _fenced(lines: list[str]) -> list[bool]:
    inside, fence = [], None
    for line in lines:
        opened = _FENCE.match(line)
        if fence is not None:
            inside.append(True)
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        else:
            inside.append(bool(opened))
            fence = opened.group(1) if opened else None
    return inside


def _pasted_code(lines: list[str], fenced: list[bool]) -> list[bool]:
    """Fenced lines, and runs of code pasted without a fence: code-like lines, with the
    `# comments`, indented lines and blank lines between them. A run needs two code lines, or
    one with a comment or an indented line, so one sentence that looks like code stays text;
    a `# line` is a comment only when code comes next (else it is a Markdown heading)."""
    code = list(fenced)
    like = [not f and bool(_CODE.match(line)) for line, f in zip(lines, fenced)]
    follows = _code_follows(lines, like)
    i = 0
    while i < len(lines):
        if fenced[i] or not (like[i] or (_COMMENT.match(lines[i]) and follows[i])):
            i += 1
            continue
        # Grow a run from here: code-like lines, comments, indented lines; blank lines only inside.
        j, last, count = i, i - 1, 0
        while j < len(lines) and not fenced[j]:
            line = lines[j]
            if like[j]:
                count, last = count + 1, j
            elif line[:1] in (" ", "\t") and line.strip():
                last = j
            elif _COMMENT.match(line):
                if not follows[j]:
                    break  # a heading after the code, not a comment in it
                last = j
            elif line.strip():
                break
            j += 1
        if count >= 2 or (count == 1 and last > i):
            for k in range(i, last + 1):
                code[k] = True
            i = last + 1
        else:
            i += 1
    return code


def _code_follows(lines: list[str], like: list[bool]) -> list[bool]:
    """For each line, whether the next line after it that is neither blank nor a comment is code."""
    follows, after = [False] * len(lines), False
    for k in range(len(lines) - 1, -1, -1):
        follows[k] = after
        if lines[k].strip() and not _COMMENT.match(lines[k]):
            after = like[k]
    return follows
