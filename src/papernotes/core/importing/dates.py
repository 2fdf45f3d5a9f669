"""The date a piece of writing gives in its opening lines: "February 15, 2024.", "Oct 10, 2023",
"15 March 2024", "2024-02-15", "October 10th, 2023"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE = re.compile(
    rf"\b(?:(?P<month>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}"  # February 15, 2024 / Oct 10 2023
    rf"|{_DAY.replace('day', 'day2')}\s+(?P<month2>{_MONTH})\.?,?\s+{_YEAR.replace('year', 'year2')}"  # 15 Feb 2024
    rf"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d))\b",
    re.IGNORECASE,
)


def find_date(lines: Iterable[str]) -> dt.date | None:
    """The first real date in `lines` (a writer's opening lines), or None."""
    for line in lines:
        for match in _DATE.finditer(line):
            try:
                if match.group("iso"):
                    return dt.date.fromisoformat(match.group("iso"))
                month = match.group("month") or match.group("month2")
                day = match.group("day") or match.group("day2")
                year = match.group("year") or match.group("year2")
                return dt.date(int(year), _MONTHS[month.lower()], int(day))
            except ValueError:  # February 30th: not a date, look further
                continue
    return None


def is_date_line(line: str) -> bool:
    """A line that is only a date ("February 15, 2024."): the post's date, not its text."""
    match = _DATE.search(line)
    return match is not None and not (line[: match.start()] + line[match.end():]).strip(" \t.,;:-–—()")
