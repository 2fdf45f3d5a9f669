"""The site-wide paper library (SPEC section 2): files named under ``library``.

Each loader turns one file into Records, each remembering its file and line (or
row), and reports every problem into a `Diagnostics` instead of raising: a
broken entry is left out, the rest still load. `Library` merges the records of
all files into one paper per identity and indexes them by key and arXiv id.

Parsed files are cached by (path, mtime, size), so `mkdocs serve` re-parses a
library file only when it changed; its diagnostics are replayed on every build.
Records in the cache are shared between builds: treat them as read-only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .bibtex import parse_bibtex
from .cache import read_sealed, write_sealed
from .digest import code_stamp, hash_bytes
from .diagnostics import Diagnostic, Diagnostics, did_you_mean
from .records import RECORD_FIELDS, FieldProblem, Origin, Record, normalize_arxiv, parse_record
from .jsonlimits import JsonLimit, decode_json
from .yamlsource import SourceFloat, YamlSyntaxError, load_yaml

Parser = Callable[[str, str, Diagnostics], list[Record]]

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
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records, end = [], 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # an unclosed quote or a huge field: reported, and the rows after it still read
            diagnostics.error(file, end + 1, f"broken CSV: {exc}", "check the quotes on this line")
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


# -- files and the cache ---------------------------------------------------------

PARSERS: dict[str, Parser] = {
    ".bib": parse_bibtex,
    ".yaml": parse_yaml_library,
    ".yml": parse_yaml_library,
    ".json": parse_json_table,
    ".jsonl": parse_jsonl_table,
    ".csv": parse_csv_table,
}


@dataclass
class _Parsed:
    stamp: tuple[int, int]
    records: list[Record]
    diagnostics: list[Diagnostic]


# Keyed by (absolute path, name shown in messages); one entry per file, so an
# edited file replaces its old parse instead of piling up under `mkdocs serve`.
_CACHE: dict[tuple[str, str], _Parsed] = {}


def clear_cache() -> None:
    _CACHE.clear()


def load_file(
    path: str | os.PathLike[str], diagnostics: Diagnostics, name: str | None = None, store: str | os.PathLike[str] | None = None
) -> list[Record]:
    """The records of one library file, parsed once per (path, mtime, size).

    `name` is how messages and origins show the file (default: the path).
    With a `store` folder, a parse also outlives the process (see `_stored_parse`).
    """
    path = Path(path)
    name = name or str(path)
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        diagnostics.error(
            name,
            None,
            f"papernotes cannot read library files of type '{path.suffix or path.name}'",
            "use .bib, .yaml/.yml, .json, .jsonl or .csv",
        )
        return []
    try:
        stat = path.stat()
    except FileNotFoundError:
        diagnostics.error(
            name,
            None,
            f"library file not found: {path}",
            "library paths are relative to the folder of mkdocs.yml; end a path with '?' if the file is optional",
        )
        return []
    except OSError as exc:
        diagnostics.error(name, None, f"cannot read library file: {exc.strerror}", "check that the file is readable")
        return []
    key = (os.path.abspath(path), name)
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is not None and cached.stamp == stamp:
        diagnostics.extend(cached.diagnostics)
        return list(cached.records)
    local = Diagnostics()
    raw = _read(path, name, local)
    if raw is None:
        records = []
    elif store:
        records = _stored_parse(raw, path, name, parser, local, Path(store))
    else:
        records = _parse_bytes(raw, name, parser, local)
    _CACHE[key] = _Parsed(stamp, records, list(local))
    diagnostics.extend(local)
    return list(records)


def _stored_parse(raw: bytes, path: Path, name: str, parser: Parser, diagnostics: Diagnostics, store: Path) -> list[Record]:
    """`_parse_bytes`, kept in `store` by the file's bytes: a rebuild skips parsing a large `.bib`.

    One pickle per library file (by path and name), replaced when the file's
    content or papernotes' code changes. The store is papernotes' own folder
    in the project (`.cache/papernotes`), trusted as the project's other files
    are; anything unreadable there is parsed again.
    """
    source = hash_bytes(f"{os.path.abspath(path)}\0{name}".encode(), 8)
    content = hash_bytes(raw + repr((code_stamp(), _versions())).encode())
    target = store / f"library-{source}-{content}.pickle"
    stored = read_sealed(target)  # checked: a damaged file is never unpickled
    try:
        if stored is not None:
            records, found = pickle.loads(stored)
            diagnostics.extend(found)
            return records
    except Exception:  # from other code: parse again
        pass
    local = Diagnostics()
    records = _parse_bytes(raw, name, parser, local)
    diagnostics.extend(local)
    try:
        for old in store.glob(f"library-{source}-*.pickle"):
            old.unlink()
        write_sealed(target, pickle.dumps((records, list(local)), protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a cache that cannot be written never fails a build
        pass
    return records


@lru_cache(maxsize=1)
def _versions() -> list[str | None]:
    """The libraries a parsed record depends on besides papernotes itself."""
    found = []
    for name in ("pydantic", "PyYAML", "bibtexparser", "pylatexenc"):
        try:
            found.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            found.append(None)
    return found


def _read(path: Path, name: str, diagnostics: Diagnostics) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        diagnostics.error(name, None, f"cannot read library file: {exc.strerror}", "check that it is a readable file")
        return None


def _parse_bytes(raw: bytes, name: str, parser: Parser, diagnostics: Diagnostics) -> list[Record]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        diagnostics.error(
            name, line, f"library file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", "save the file with UTF-8 encoding"
        )
        return []
    return parser(text, name, diagnostics)


# -- the merged library -----------------------------------------------------------

# Fields compared to tell a harmless repeat of a key from a clash; tags add up.
_COMPARED = tuple(name for name in RECORD_FIELDS if name not in ("id", "tags"))


def _given(value: Any) -> bool:
    return value not in (None, "", [])


def _clashing_fields(first: Record, second: Record) -> list[str]:
    return [
        name
        for name in _COMPARED
        if _given(a := getattr(first, name)) and _given(b := getattr(second, name)) and a != b
    ]


def _combined(members: list[Record]) -> Record:
    """One paper from records of the same paper: the first given value of each field wins."""
    if len(members) == 1:
        return members[0]
    data = members[0].model_dump()
    fields_set = set(members[0].model_fields_set)
    for other in members[1:]:
        for name in other.model_fields_set:
            value = getattr(other, name)
            if name == "tags":
                seen = {tag.casefold() for tag in data["tags"]}
                data["tags"] += [tag for tag in value if tag.casefold() not in seen]
            elif not _given(data[name]):
                data[name] = value
            fields_set.add(name)
    # Every value was validated when its record was made.
    return Record.model_construct(_fields_set=fields_set, **data).at(members[0].origin or Origin("library"))


class Library:
    """The papers of all library files: one per identity, found by key or arXiv id."""

    def __init__(self, records: Iterable[Record] = (), diagnostics: Diagnostics | None = None) -> None:
        self.files: list[Path] = []
        self._papers: list[Record] = []
        self._by_key: dict[str, Record] = {}
        self._by_identity: dict[str, Record] = {}
        self._merge(list(records), diagnostics if diagnostics is not None else Diagnostics())

    @classmethod
    def load(
        cls, sources: Iterable[str | os.PathLike[str]], base_dir: str | os.PathLike[str], diagnostics: Diagnostics,
        store: str | os.PathLike[str] | None = None,
    ) -> "Library":
        """Load the files named under ``library`` in mkdocs.yml (relative to `base_dir`).

        A source ending in ``?`` is optional: skipped silently when the file is missing.
        Files listed first win where two files give different values for a field.
        Parses are kept in the `store` folder, when given, for the next build.
        """
        records: list[Record] = []
        files: list[Path] = []
        for source in sources:
            name = os.fspath(source)
            optional = name.endswith("?")
            name = name[:-1] if optional else name
            path = Path(base_dir, name)
            if (optional and not path.exists()) or path in files:
                continue
            records += load_file(path, diagnostics, name, store)
            files.append(path)
        library = cls(records, diagnostics)
        library.files = files
        return library

    def _merge(self, records: list[Record], diagnostics: Diagnostics) -> None:
        kept: list[Record] = []
        keyed: list[bool] = []  # whether the record's key finds its paper
        claims: dict[str, Record] = {}
        for record in records:
            origin = record.origin or Origin("library")
            if not (record.id or record.arxiv or record.doi):
                diagnostics.error(
                    origin.file,
                    origin.line,
                    "this record has no id, arxiv or doi, so nothing can cite it",
                    "add an id (a citation key), an arXiv id or a DOI",
                )
                continue
            earlier = claims.get(record.id) if record.id else None
            if earlier is not None:
                first = earlier.origin or Origin("library")
                if first.file == origin.file:
                    diagnostics.error(
                        origin.file,
                        origin.line,
                        f"citation key '{record.id}' is used twice in this file "
                        f"(lines {first.line} and {origin.line})",
                        "rename one of them or delete the repeat; the first one is used",
                    )
                    continue
                clash = _clashing_fields(earlier, record)
                if clash:
                    diagnostics.error(
                        origin.file,
                        origin.line,
                        f"citation key '{record.id}' is used for different papers: at {first} and at {origin} "
                        f"({', '.join(clash)} differ)",
                        "rename one of them, or make them agree; the one in the file listed first is used",
                    )
                    if not (record.arxiv or record.doi):
                        continue  # its key was its only identity
                    kept.append(record)
                    keyed.append(False)
                    continue
            elif record.id:
                claims[record.id] = record
            kept.append(record)
            keyed.append(bool(record.id))
        self._group(kept, keyed)

    def _group(self, kept: list[Record], keyed: list[bool]) -> None:
        # Records sharing an arXiv id, a DOI or a key are one paper (union-find,
        # the earliest record as the root so that its values come first).
        parent = list(range(len(kept)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict[str, int] = {}
        for index, record in enumerate(kept):
            for token in self._tokens(record, keyed[index]):
                other = owner.setdefault(token, index)
                a, b = root(other), root(index)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        groups: dict[int, list[int]] = {}
        for index in range(len(kept)):
            groups.setdefault(root(index), []).append(index)
        for members in groups.values():
            paper = _combined([kept[i] for i in members])
            self._papers.append(paper)
            for token in self._tokens(paper, False):
                self._by_identity.setdefault(token, paper)
            for i in members:
                for token in self._tokens(kept[i], keyed[i]):
                    self._by_identity.setdefault(token, paper)
                if keyed[i]:
                    self._by_key.setdefault(kept[i].id or "", paper)

    @staticmethod
    def _tokens(record: Record, keyed: bool) -> list[str]:
        tokens = [f"arxiv:{record.arxiv}"] if record.arxiv else []
        if record.doi:
            tokens.append(f"doi:{record.doi}")
        if keyed and record.id:
            tokens.append(f"key:{record.id}")
        return tokens

    def get(self, key: str) -> Record | None:
        """The paper with this citation key (any key of any of its merged records)."""
        return self._by_key.get(key)

    def by_arxiv(self, arxiv_id: str) -> Record | None:
        """The paper with this arXiv id, in any accepted form (``arXiv:2309.17453v2``, URL, ...)."""
        try:
            return self._by_identity.get(f"arxiv:{normalize_arxiv(arxiv_id)}")
        except ValueError:
            return None

    def by_identity(self, identity: str) -> Record | None:
        """The paper with this `Record.identity` (``arxiv:...``, ``doi:...`` or ``key:...``)."""
        return self._by_identity.get(identity)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._papers)

    def __len__(self) -> int:
        return len(self._papers)
