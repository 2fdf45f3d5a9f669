"""Messages for the writer: every problem names a file, a line and a fix.

The core never logs or raises on bad input; it records a `Diagnostic` in a
`Diagnostics` collector and carries on, so one build reports every mistake
at once. The MkDocs adapter decides what an error means for the build.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal

# An "info" is a note for the writer that never fails a build, not even `--strict`.
Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    file: str
    line: int | None
    message: str
    hint: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return self.text()

    def text(self, *, level: bool = False) -> str:
        """`file:line: [level: ]message (hint)`, with the control characters a quoted value brought in
        (a NUL from a CSV cell, a terminal colour code) written as escapes, never sent to the terminal."""
        text = f"{self.where}: {self.level + ': ' if level else ''}{self.message}"
        return _visible(f"{text} ({self.hint})" if self.hint else text)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics for one build (or one file)."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, file: str, line: int | None, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic("error", file, line, message, hint))

    def warning(self, file: str, line: int | None, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic("warning", file, line, message, hint))

    def info(self, file: str, line: int | None, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic("info", file, line, message, hint))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "warning"]

    @property
    def has_errors(self) -> bool:
        return any(d.level == "error" for d in self.items)

    def for_file(self, file: str) -> list[Diagnostic]:
        return [d for d in self.items if d.file == file]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean ..." hint for a misspelt name, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
