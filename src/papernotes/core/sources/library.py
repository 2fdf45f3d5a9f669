"""The site-wide paper library (SPEC section 2): files named under ``library``.

Each file is read by the parser for its kind (bibtex.py for .bib, tables.py for
YAML, JSON Lines, JSON and CSV), which reports every problem into a
`Diagnostics` instead of raising. `Library` merges the records of all files
into one paper per identity and indexes them by key and arXiv id.

Parsed files are cached by (path, mtime, size), so `mkdocs serve` re-parses a
library file only when it changed; its diagnostics are replayed on every build.
Records in the cache are shared between builds: treat them as read-only.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .bibtex import parse_bibtex
from .tables import parse_csv_table, parse_json_table, parse_jsonl_table, parse_yaml_library
from ..cache import read_sealed, write_sealed
from ..digest import code_stamp, hash_bytes
from ..diagnostics import Diagnostic, Diagnostics
from ..model.records import RECORD_FIELDS, Origin, Record, normalize_arxiv

Parser = Callable[[str, str, Diagnostics], list[Record]]

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
