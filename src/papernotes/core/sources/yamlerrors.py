"""PyYAML's parse errors in the writer's words: what is wrong on which line, and the fixed line.

PyYAML says "while parsing a block collection expected <block end>, but found
'<block mapping start>'". A writer made one of a few mistakes: a ': ' inside
a value, a line indented differently from its neighbours, a tab, a quote or
bracket left open, a value starting with a character YAML reserves. Each is
recognised from PyYAML's message and the text of the line, and said plainly
with a fix, usually the corrected line itself.
"""

from __future__ import annotations

import re
from typing import Callable

from yaml import MarkedYAMLError
from yaml.error import Mark

# `key: value` and `- value` lines (the key part of a list item's mapping too).
_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s:#\"'\[{][^:]*?):(?:\s+(?P<value>.*?))?\s*$")
_ITEM_LINE = re.compile(r"^(?P<lead>\s*-\s+)(?P<value>.*?)\s*$")
# Where PyYAML names the place a construct was opened, that is the line to fix.
_OPENED_AT = ("while parsing a flow", "while scanning a quoted")
_RESERVED = {
    "@": "'@' is reserved in YAML",
    "`": "'`' is reserved in YAML",
    "*": "a value starting with '*' is read as a reference to an '&anchor'",
    "&": "a value starting with '&' is read as an anchor",
    "!": "a value starting with '!' is read as a type tag",
    "%": "'%' at the start of a line is a YAML directive",
    "|": "a value starting with '|' starts a block of text on the next lines",
    ">": "a value starting with '>' starts a block of text on the next lines",
}


def explain(exc: MarkedYAMLError, text: str, line_of: Callable[[Mark], int]) -> tuple[int | None, str, str]:
    """(file line, what is wrong, how to fix it) for a PyYAML error in `text`."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and (context.startswith(_OPENED_AT) or "<stream end>" in problem):
        # A bracket or quote left open is only noticed at the end: the writer needs where it opened.
        mark = exc.context_mark
    if mark is None:
        return None, f"YAML cannot read this ({' '.join(p for p in (context, problem) if p)})", _GENERIC
    lines = text.split("\n")
    source = lines[mark.line] if mark.line < len(lines) else ""
    at, column = line_of(mark), mark.column
    words = _explain(problem, context, source, column, lines, mark.line)
    if words is None:
        return at, f"YAML cannot read line {at} ({' '.join(p for p in (context, problem) if p)})", _GENERIC
    return at, *words


_GENERIC = "check the quoting and the indentation of this line and the one above it"


def _explain(
    problem: str, context: str, source: str, column: int, lines: list[str], index: int
) -> tuple[str, str] | None:
    if "\\t" in problem or "tab" in problem:
        return "this line has a tab: YAML indents with spaces only", "replace the tab with spaces (two per level)"
    if "unknown escape character" in problem:
        return (
            "a backslash inside double quotes starts a YAML escape, and this one is not a YAML escape",
            "quote the value with single quotes ('...'), where a backslash stays a backslash, as TeX math needs: "
            + (_fixed(source, strip_quotes=True, single=True) or "'$\\sqrt{x}$'"),
        )
    if context.startswith("while scanning a quoted"):
        quote = source[column] if column < len(source) else '"'
        return f"the {quote} opening this value is never closed", f"end the value with {quote} on the same line: {source.strip()}{quote}"
    if context.startswith("while parsing a flow"):
        opened = source[column] if column < len(source) and source[column] in "[{" else "["
        closing = "]" if opened == "[" else "}"
        return (
            f"the '{opened}' on this line is not closed, or text follows its '{closing}'",
            f"close it with '{closing}' on the same line; for text that starts with '{opened}', "
            f"quote the whole value: {_fixed(source)}" if _fixed(source) else f"close it with '{closing}' on the same line",
        )
    value = _value_of(source)
    if "cannot start any token" in problem or "while scanning an alias" in context or "undefined alias" in problem:
        first = (value or source.strip()[:1] or "?")[0]
        if first in "[{":
            return f"the value starts with '{first}', so YAML reads a list or mapping", f"quote the whole value: {_fixed(source)}"
        reason = _RESERVED.get(first, f"'{first}' cannot start a value in YAML")
        return f"{reason}, so the value cannot start with it", f"quote the whole value: {_fixed(source)}"
    if problem.startswith("mapping values are not allowed"):
        key = _KEY_LINE.match(source)
        if key and key.group("value") and source.find(": ") < column:
            return (
                f"the value of '{key.group('key').strip()}' contains ': ', which YAML reads as the start of another key",
                f"quote the whole value: {_fixed(source)}",
            )
        return _misaligned(source, column, lines, index)
    if "expected <block end>" in problem or "expected key" in problem or "expected '-' indicator" in problem:
        closing = re.match(r"""^\s*(?:-\s+)?[^:]*:\s*(["'])(?:(?!\1).)*\1\s*\S""", source)
        if "<scalar>" in problem and closing:
            quote = closing.group(1)
            return (
                f"text follows the closing {quote} of this value: a {quote} inside a value quoted with {quote} ends it",
                f"quote with the other kind: {_fixed(source, strip_quotes=True)}",
            )
        return _misaligned(source, column, lines, index)
    if "could not find expected ':'" in problem:
        return (
            "this line is neither 'key: value' nor a list item '- ...' (a value going on over several lines "
            "must be indented under its key)",
            "add ': ' after the key, indent the line under the value it continues, or quote the whole value",
        )
    return None


def _misaligned(source: str, column: int, lines: list[str], index: int) -> tuple[str, str]:
    """A line indented differently from the block it belongs to, and the column it likely means."""
    indent = len(source) - len(source.lstrip(" "))
    columns = []
    for previous in reversed(lines[:index]):
        if not previous.strip() or previous.lstrip().startswith("#"):
            continue
        lead = len(previous) - len(previous.lstrip(" "))
        item = re.match(r"^\s*-\s+", previous)
        columns.append(item.end() if item else lead)
        if lead == 0:
            break
    choices = [c for c in columns if c != indent]
    message = "this line is not lined up with the lines above it"
    if not choices:
        return message, "keys of one block, and the '-' of one list, start in the same column"
    wanted = min(choices, key=lambda c: (abs(c - indent), c))
    return (
        f"{message}: it starts in column {indent + 1}",
        f"start it in column {wanted + 1}, like the block it belongs to: "
        "keys of one block, and the '-' of one list, start in the same column",
    )


def _value_of(source: str) -> str | None:
    key = _KEY_LINE.match(source)
    if key:
        return key.group("value")
    item = _ITEM_LINE.match(source)
    return item.group("value") if item else None


def _fixed(source: str, strip_quotes: bool = False, single: bool = False) -> str:
    """The line with its value quoted, as the writer should write it ('' when it has no value)."""
    key = _KEY_LINE.match(source)
    match = key if key and key.group("value") else _ITEM_LINE.match(source)
    if match is None or not match.group("value"):
        return ""
    value = match.group("value")
    if strip_quotes and len(value) > 1 and value[0] in "\"'":
        value = value[1:-1] if value[-1] == value[0] else value[1:]
    head = source[: match.start("value")].strip() if key and key.group("value") else match.group("lead").strip()
    if single:
        quoted = "'" + value.replace("'", "''") + "'"
    elif '"' not in value:
        quoted = f'"{value}"'
    elif "'" not in value:
        quoted = f"'{value}'"
    else:
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{head} {quoted}".strip()


def folded_items(text: str, folded: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(line, joined to line) for each '- item' line YAML silently joined to the plain value above it.

    `folded` holds the (first, last) file lines of each plain value written
    over several lines; `text` starts on line 1. A continuation line starting
    with '- ' was meant as a list item, indented one space too far.
    """
    lines = text.split("\n")
    return [
        (number, first)
        for first, last in folded
        for number in range(first + 1, last + 1)
        if number <= len(lines) and re.match(r"\s*-\s", lines[number - 1] + " ")
    ]


# YAML's one-letter escapes: in double quotes `\frac` is a form feed and "rac", `\alpha` a bell and "lpha".
_ESCAPES = {"a": "a bell", "b": "a backspace", "t": "a tab", "n": "a line break", "v": "a vertical tab",
            "f": "a form feed", "r": "a carriage return", "e": "an escape character", "N": "a line break",
            "L": "a line separator", "P": "a paragraph separator", "_": "a no-break space", "0": "a null"}  # fmt: skip
# A TeX command, or standing alone (`"a bell \a"`) an escape that makes a control character.
_TEX_IN_QUOTES = re.compile(r"(?<!\\)(?:\\\\)*\\([abtnvfreNLP0_][A-Za-z]+|[abefv0](?![A-Za-z0-9]))")


def tex_in_double_quotes(text: str, quoted: list[tuple[int, int, int]]) -> list[tuple[int, str, str]]:
    """(line, command, what YAML made of it) for TeX commands and control characters YAML read as escapes in double-quoted values.

    `quoted` holds (line, start, end) of each double-quoted value in `text`.
    """
    found = {}  # one each: `"\e[31m red \e[0m"` says the same of its line twice
    for line, start, end in quoted:
        for match in _TEX_IN_QUOTES.finditer(text, start, end):
            command = match.group(1)
            found[(line + text.count("\n", start, match.start()), command, _ESCAPES[command[0]])] = None
    return list(found)
