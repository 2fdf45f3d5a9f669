"""An on-disk cache of post conversions, so that a rebuild converts only what changed.

Converting Markdown is most of the work of building a post, and its result
depends on few things: the Markdown text, the post's place in the site, the
Markdown configuration and the code doing the conversion. Everything else a
post page shows (citation numbers and the reference list, paper cards,
authors, neighbours, topics) is rebuilt from fresh data on every build, on top
of the cached conversion. So editing a library entry, a `.bib` file or
`authors.yml` never needs to invalidate anything here, and cannot be served
stale.

An entry is found by `key`: a hash of everything the conversion read that is
known up front (the adapter passes the text, the post's URL and a fingerprint
of the configuration and versions). What the conversion looked up along the
way (other pages a link points to) is recorded in the entry as `lookups` and
checked against the current site before the entry is used.

Entries are marshal files under ``.cache/papernotes/posts/`` in the project
(plain data, read several times faster than JSON; the key carries the Python
version, whose marshal format they follow),
written atomically (a temporary file renamed into place), so an interrupted
build or two builds at once leave whole entries or none. After a complete
build, `prune` deletes the entries that build did not use, which bounds the
cache to one entry per post.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .diagnostics import Diagnostic

# Bump when the layout of an entry, or what a conversion produces, changes.
FORMAT = 2


def stable(value: Any) -> Any:
    """`value` as plain JSON data that is the same in every process.

    Functions and classes (YAML's ``!!python/name:`` options) become their
    dotted names, never a repr with a memory address; sets are sorted.
    """
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, str):  # Markup and other subclasses: their text (marshal takes only exact types)
        return str(value)
    if isinstance(value, (int, float)) and not hasattr(type(value), "__members__"):  # not an IntEnum
        return int(value) if isinstance(value, int) else float(value)
    if isinstance(value, dict):
        return {str(k): stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [stable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((stable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    kind = type(value)
    name = f"{kind.__module__}.{kind.__qualname__}"
    configs = getattr(value, "getConfigs", None)  # a Python-Markdown extension instance
    if callable(configs):
        return {"type": name, "config": stable(configs())}
    if hasattr(value, "value") and hasattr(kind, "__members__"):  # an Enum
        return {"type": name, "value": stable(value.value)}
    return {"type": name}


def fingerprint(*parts: Any) -> str:
    """A hex digest of `parts`, stable across processes and machines."""
    data = json.dumps(stable(list(parts)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def code_stamp() -> list[Any]:
    """papernotes' version and a digest of its code and templates (a development checkout changes without a new version)."""
    import papernotes

    root = Path(papernotes.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".html", ".md") and p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return [papernotes.__version__, digest.hexdigest()]


@dataclass
class CachedConversion:
    """What one post's conversion produced, as plain data.

    `payload` is the adapter's (converted HTML, table of contents, anchors,
    citation placeholders...). `lookups` maps what the conversion asked the
    site about (e.g. a linked page's path) to the answer it got; `logs` are
    the log records it emitted, (logger, level, message), and `diagnostics`
    the problems it reported, both replayed when the entry is used.
    `assembled` is the adapter's: the page last made around this conversion,
    with the key of everything else it was made from.
    """

    payload: dict[str, Any]
    lookups: dict[str, Any] = field(default_factory=dict)
    logs: list[tuple[str, int, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assembled: dict[str, Any] | None = None

    def is_fresh(self, lookup: Callable[[str], Any]) -> bool:
        """Whether every recorded lookup still gets the same answer."""
        return all(stable(lookup(question)) == answer for question, answer in self.lookups.items())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "payload": self.payload,
            "lookups": self.lookups,
            "logs": [list(item) for item in self.logs],
            "diagnostics": [asdict(d) for d in self.diagnostics],
            "assembled": self.assembled,
        }

    @classmethod
    def from_json(cls, data: Any) -> "CachedConversion | None":
        """The entry, or None for anything unexpected (an old format, a damaged file)."""
        try:
            if data["format"] != FORMAT or not isinstance(data["payload"], dict):
                return None
            return cls(
                payload=data["payload"],
                lookups=dict(data["lookups"]),
                logs=[(str(name), int(level), str(message)) for name, level, message in data["logs"]],
                diagnostics=[Diagnostic(**d) for d in data["diagnostics"]],
                assembled=data.get("assembled") if isinstance(data.get("assembled"), dict) else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


class ConversionCache:
    """Cached conversions under `directory`, one marshal file per key.

    `context` is folded into every key: a fingerprint of whatever applies to
    all posts of a build (configuration, versions). A cache that cannot be
    written (a read-only checkout) silently stops writing; a build never
    fails because of its cache.
    """

    def __init__(
        self, directory: str | os.PathLike[str], context: str = "", memory: dict[str, CachedConversion] | None = None
    ) -> None:
        self.directory = Path(directory)
        self._folder = os.fspath(directory)
        self.context = context
        # Entries already read or written, by key: `mkdocs serve` passes the same dict to
        # every rebuild, so an unchanged post costs no file read. An entry changes only
        # through `put` (which writes it again).
        self.memory = memory
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self.skipped = 0  # posts that cannot be cached (see `skip`)
        self._writable = True

    def key(self, *parts: Any) -> str:
        return fingerprint(self.context, *parts)

    def _path(self, key: str) -> str:
        # A string, not a Path: thousands of entries are opened per build.
        return os.path.join(self._folder, key[:2], f"{key}.marshal")

    def get(
        self, key: str, lookup: Callable[[str], Any] | None = None, accept: Callable[[CachedConversion], bool] | None = None
    ) -> CachedConversion | None:
        """The entry for `key` if there is one, it is still fresh (given `lookup`) and `accept` takes it."""
        entry = self.memory.get(key) if self.memory is not None else None
        if entry is None:
            try:
                with open(self._path(key), "rb") as handle:
                    entry = CachedConversion.from_json(marshal.load(handle))
            except (OSError, ValueError, EOFError, TypeError):
                entry = None
            if entry is not None and self.memory is not None:
                self.memory[key] = entry
        if entry is not None and lookup is not None and not entry.is_fresh(lookup):
            entry = None
        if entry is not None and accept is not None and not accept(entry):
            entry = None
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
            self.used.add(key)
        return entry

    def skip(self) -> None:
        """Count a post converted without the cache, so that `prune` knows the build was complete."""
        self.skipped += 1

    def put(self, key: str, entry: CachedConversion) -> None:
        self.used.add(key)
        if self.memory is not None:
            self.memory[key] = entry
        if not self._writable:
            return
        path = self._path(key)
        data = marshal.dumps(entry.to_json())
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".marshal", dir=os.path.dirname(path))
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, path)
            except BaseException:
                os.unlink(temp)
                raise
        except OSError:
            self._writable = False

    def prune(self, expected: int) -> int:
        """Delete every entry (and stray temporary file) this build did not use; how many went.

        `expected` is the number of posts in the build: when fewer went through
        the cache (a `--dirty` build, an aborted one) nothing is deleted, or
        entries of posts that were simply not rendered this time would go too.
        """
        removed = 0
        if self.hits + self.misses + self.skipped < expected:
            return 0
        for key in [key for key in self.memory or () if key not in self.used]:
            del self.memory[key]
        if not self.directory.is_dir():
            return 0
        for folder in self.directory.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.suffix in (".marshal", ".json") and path.stem not in self.used:
                    try:
                        path.unlink()
                        removed += 1
                    except OSError:
                        pass
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                pass
        return removed


class Pack:
    """Many small cached values (rendered page frames, search entries) in one file.

    A build reads the file once at its start and writes it once at its end,
    keeping only the entries that build used; thousands of tiny files would
    cost more in opening and renaming than the values are worth. Values are
    plain data (str, bytes, lists, dicts) stored with `marshal`, whose format
    is tied to the Python version: the file name carries it, and a file that
    does not load is treated as empty.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.values: dict[str, Any] = {}
        self.used: set[str] = set()
        self.fresh: list[str] = []  # keys put since `take_fresh`: what a helper process sends back
        self._loaded_mtime: int | None = None
        self._changed = False  # put since the last save
        self._writable = True

    def load(self) -> None:
        """Read the file, unless it is the one this object last read or wrote (serve keeps it in memory)."""
        try:
            stat = self.path.stat()
        except OSError:
            self.values = {}
            return
        if stat.st_mtime_ns == self._loaded_mtime:
            return
        try:
            with open(self.path, "rb") as handle:
                data = marshal.load(handle)
            self.values = data if isinstance(data, dict) and data.get("format") == FORMAT else {}
        except (OSError, EOFError, ValueError, TypeError):
            self.values = {}
        self.values.pop("format", None)
        self._loaded_mtime = stat.st_mtime_ns

    def get(self, key: str) -> Any:
        value = self.values.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.values[key] = value
        self.used.add(key)
        self.fresh.append(key)
        self._changed = True

    def take_fresh(self) -> list[list[Any]]:
        """The entries put since the last call, as [key, value] pairs."""
        fresh, self.fresh = self.fresh, []
        return [[key, self.values[key]] for key in fresh]

    def receive(self, pairs: list[list[Any]]) -> None:
        """Entries made elsewhere (a helper process); used only if a page asks for their key."""
        for key, value in pairs:
            self.values[key] = value
        self._changed = self._changed or bool(pairs)

    def save(self, *, prune: bool = True) -> None:
        """Write the entries, atomically; with `prune`, only those this build used.

        A build that skipped pages (`--dirty`) passes ``prune=False``, or it would
        drop the entries of every page it did not render this time.
        """
        changed = self._changed
        if prune and len(self.used) < len(self.values):
            self.values = {key: value for key, value in self.values.items() if key in self.used}
            changed = True
        self.used, self.fresh, self._changed = set(), [], False
        if not self._writable or not changed:
            return  # a rebuild that changed nothing rewrites nothing
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    marshal.dump({"format": FORMAT, **self.values}, handle)
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise
            self._loaded_mtime = self.path.stat().st_mtime_ns
        except (OSError, ValueError):
            self._writable = False
