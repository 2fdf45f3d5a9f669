"""Library files other than BibTeX: YAML lists and tables (JSON Lines, JSON, CSV) of records.

Each parser turns one file's text into Records, each remembering its file and
line (or row), and reports every problem into a `Diagnostics` instead of
raising: a broken entry is left out, the rest still load (library.py merges them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from ..diagnostics import Diagnostics, did_you_mean
from ..model.records import RECORD_FIELDS, FieldProblem, Origin, Record, parse_record
from .jsonlimits import JsonLimit, decode_json
from .yamlsource import SourceFloat, YamlSyntaxError, load_yaml

_LEFT_OUT = "this record is left out of the library until it is fixed"


def _collapse(text: str) -> str:
    """Runs of whitespace (scraped abstracts have stray gaps and line breaks) as one space."""
    return " ".join(text.split())


def _problem_text(problem: FieldProblem, label: str) -> tuple[str, str]:
    """Message and hint for one validation problem; `label` names the field ("column 'x'")."""
    if problem.message.startswith("unknown field"):
        name = str(problem.path[-1])
        hint = did_you_mean(name, RECORD_FIELDS) or f"the fields of a record are: {', '.join(RECORD_FIELDS)}"
        return problem.message, hint
    return (f"{label}: {problem.detail}" if problem.path else problem.detail), _LEFT_OUT


# -- YAML -----------------------------------------------------------------------


def parse_yaml_library(text: str, file: str, diagnostics: Diagnostics) -> list[Record]:
    """A YAML list of records, or a mapping with a ``records:`` (or ``papers:``) list."""
    try:
        loaded = load_yaml(text)
    except YamlSyntaxError as exc:
        diagnostics.error(file, exc.line, f"broken YAML: {exc.problem}", exc.hint or "check the indentation and quoting near this line")
        return []
    data, base = loaded.data, ()
    if data is None:
        return []
    if isinstance(data, dict):
        base = next(((name,) for name in ("records", "papers") if isinstance(data.get(name), list)), ())
        data = data[base[0]] if base else data
    if not isinstance(data, list):
        diagnostics.error(
            file,
            1,
            "a YAML library file must be a list of records, or have a 'records:' list",
            "write each paper as an item: '- id: ...' with title, authors, arxiv, ...",
        )
        return []
    broken = set()
    for path, first, second in loaded.duplicates:
        diagnostics.error(
            file, second, f"'{path[-1]}' is given twice (lines {first} and {second})", "keep one of them"
        )
        if len(path) > len(base) and tuple(path[: len(base)]) == base:
            broken.add(path[len(base)])
    records = []
    for index, item in enumerate(data):
        path = base + (index,)
        if index in broken:
            continue
        record, problems = parse_record(item)
        for problem in problems:
            message, hint = _problem_text(problem, f"field '{problem.field}'")
            diagnostics.error(file, loaded.line_of(path + problem.path), message, hint)
        if record is not None:
            records.append(record.at(Origin(file, loaded.line_of(path))))
    return records


# -- tables -----------------------------------------------------------------------

# Table columns papernotes reads; any other column of an export is ignored.
_COLUMNS = {
    "arxiv_id": "arxiv", "arxiv": "arxiv", "id": "id", "key": "id", "title": "title",
    "authors": "authors", "year": "year", "venue": "venue", "doi": "doi", "url": "url",
    "pdf": "pdf", "code": "code", "abstract": "abstract", "tags": "tags",
}  # fmt: skip


def _number(text: str) -> SourceFloat:
    # JSON numbers keep their digits, so that 2305.18290 stays 2305.18290 when it was written so.
    return SourceFloat(float(text), text)


_JSON = json.JSONDecoder(parse_float=_number)


def _cell(field: str, value: Any) -> Any:
    if isinstance(value, str):
        if field == "authors":
            return value.split(";") if ";" in value else value
        if field == "tags":
            return [tag.strip() for tag in re.split(r"[,;]", value) if tag.strip()]
        if field in ("title", "abstract", "venue"):
            return _collapse(value)
    return value


def _row_record(row: dict[Any, Any], file: str, line: int | None, diagnostics: Diagnostics, prefix: str = "") -> Record | None:
    """One table row as a Record; None (reported) when a value is wrong, or when the row is empty."""
    data: dict[str, Any] = {}
    columns: dict[str, str] = {}
    for column, value in row.items():
        field = _COLUMNS.get(str(column).strip().lower())
        if field is None or field in data or value is None or (isinstance(value, str) and not value.strip()):
            continue
        data[field] = _cell(field, value)
        columns[field] = str(column)
    if not data:
        if any(value not in (None, "") for value in row.values()):
            diagnostics.error(
                file,
                line,
                f"{prefix}this row has none of the columns papernotes reads",
                f"name the columns {', '.join(sorted(_COLUMNS))}; other columns are ignored",
            )
        return None
    record, problems = parse_record(data)
    for problem in problems:
        field = str(problem.path[0]) if problem.path else ""
        message, hint = _problem_text(problem, f"column '{columns.get(field, field)}'")
        if isinstance(data.get(field), float):
            hint = 'write the arXiv id as text, e.g. "2305.18290": a number loses its trailing zeros'
        diagnostics.error(file, line, prefix + message, hint)
    return record.at(Origin(file, line)) if record is not None else None


def parse_jsonl_table(text: str, file: str, diagnostics: Diagnostics) -> list[Record]:
    """JSON Lines: one object per line; a broken line is reported and skipped."""
    records = []
    # Not splitlines(): JSON strings may hold U+2028, which it would split on.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = decode_json(_JSON, line)
        except json.JSONDecodeError as exc:
            diagnostics.error(file, number, f"not valid JSON: {exc.msg} (column {exc.colno})", "each line of a .jsonl file is one JSON object")
            continue
        except JsonLimit as exc:
            diagnostics.error(file, number, exc.problem, "a library row needs only a few levels and short numbers; this line is skipped")
            continue
        if not isinstance(row, dict):
            diagnostics.error(file, number, "this line is not a JSON object", 'write each row as {"arxiv_id": "...", "abstract": "..."}')
            continue
        record = _row_record(row, file, number, diagnostics)
        if record is not None:
            records.append(record)
    return records


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _element_starts(text: str, pos: int) -> list[int]:
    """Offsets of the elements of the (valid) JSON array that starts at `pos`."""
    starts = []
    pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    while text[pos] != "]":
        starts.append(pos)
        pos = _JSON_SPACE.match(text, _JSON.raw_decode(text, pos)[1]).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    return starts


def _member_start(text: str, name: str) -> int:
    """Offset of the value of top-level member `name` of a (valid) JSON object (the last, as json does)."""
    found = -1
    pos = _JSON_SPACE.match(text, _JSON_SPACE.match(text).end() + 1).end()  # type: ignore[union-attr]
    while text[pos] != "}":
        key, pos = _JSON.raw_decode(text, pos)
        pos = _JSON_SPACE.match(text, _JSON_SPACE.match(text, pos).end() + 1).end()  # type: ignore[union-attr]
        if key == name:
            found = pos
        pos = _JSON_SPACE.match(text, _JSON.raw_decode(text, pos)[1]).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    return found


def parse_json_table(text: str, file: str, diagnostics: Diagnostics) -> list[Record]:
    """A JSON list of objects, or an object holding one such list (``records``, ``papers``, ...).

    Rows are named "record N" and located by the line where their object starts.
    """
    try:
        data = decode_json(_JSON, text)
    except json.JSONDecodeError as exc:
        diagnostics.error(file, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})", "check the commas, brackets and quotes here")
        return []
    except JsonLimit as exc:
        diagnostics.error(file, exc.line, exc.problem, "a library record needs only a few levels and short numbers")
        return []
    start = 0 if isinstance(data, list) else -1
    if isinstance(data, dict):
        lists = [name for name, value in data.items() if isinstance(value, list)]
        name = next((n for n in ("records", "papers") if n in lists), lists[0] if len(lists) == 1 else None)
        if name is not None:
            data, start = data[name], _member_start(text, name)
    if start < 0:
        diagnostics.error(
            file,
            1,
            "a JSON library file must be a list of objects, or an object with one such list (e.g. 'records')",
            'write [{"arxiv_id": "...", "abstract": "..."}, ...]',
        )
        return []
    starts = _element_starts(text, _JSON_SPACE.match(text, start).end())  # type: ignore[union-attr]
    records, line, counted = [], 1, 0
    for index, (row, offset) in enumerate(zip(data, starts), start=1):
        line += text.count("\n", counted, offset)
        counted = offset
        if not isinstance(row, dict):
            diagnostics.error(file, line, f"record {index} is not a JSON object", 'write each row as {"arxiv_id": "...", ...}')
            continue
        record = _row_record(row, file, line, diagnostics, prefix=f"record {index}: ")
        if record is not None:
            records.append(record)
    return records


def parse_csv_table(text: str, file: str, diagnostics: Diagnostics) -> list[Record]:
    """CSV with a header row; rows are located by the file line where they start."""
    # Strict: an unclosed quote would otherwise swallow every row after it into one value, unseen.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    # A cell may be as long as a JSON Lines value (a long abstract): the csv module's own limit is 128 KB.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    header: list[str] | None = None
    records, end = [], 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # an unclosed quote or a huge field: reported, and the rows after it still read
            said = "a quote opened on this line is never closed" if "unexpected end of data" in str(exc) else f"broken CSV: {exc}"
            diagnostics.error(file, end + 1, said, "check the quotes on this line")
            if reader.line_num == end:  # no progress: nothing more can be read
                break
            end = reader.line_num
            continue
        line, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = row
            continue
        if len(row) > len(header):
            diagnostics.error(
                file,
                line,
                f"this row has {len(row)} values but the header has {len(header)} columns",
                'quote values that contain commas: "Hu, Edward"',
            )
            continue
        record = _row_record(dict(zip(header, row)), file, line, diagnostics)
        if record is not None:
            records.append(record)
    return records
