"""Reading JSON that is valid but past what Python reads, as a message with its line.

Python's JSON decoder recurses once per nesting level and refuses integers
of more than 4300 digits: a crafted row (`[[[[...` a hundred thousand deep)
raised RecursionError out of the build. `decode_json` turns both into
`JsonLimit` with the line to fix, so a JSON Lines file skips just that row.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from .yamlsource import MAX_DEPTH


class JsonLimit(Exception):
    """JSON that is valid but beyond what Python reads: nested past its recursion limit, or a huge integer."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem


_LONG_NUMBER = re.compile(r"\d{4000,}")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|\n')


def decode_json(decoder: json.JSONDecoder, text: str) -> Any:
    """`decoder.decode(text)`, with Python's own limits turned into `JsonLimit` with the line to fix."""
    try:
        return decoder.decode(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise JsonLimit(_too_deep_line(text), f"values are nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # int(): Python refuses integers of more than 4300 digits
        match = _LONG_NUMBER.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        raise JsonLimit(line, f"a number has more than {sys.get_int_max_str_digits()} digits") from None


def _too_deep_line(text: str) -> int:
    """The line where `text` first nests deeper than `MAX_DEPTH` (strings skipped, no recursion)."""
    depth, line = 0, 1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group(0)
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif token in "]}":
            depth -= 1
        else:
            line += token.count("\n")
    return line
