"""An on-disk cache of post conversions, so that a rebuild converts only what changed.

Converting Markdown is most of the work of building a post, and its result
depends on few things: the Markdown text, the post's place in the site, the
Markdown configuration and the code doing the conversion. Everything else a
post page shows (citation numbers and the reference list, paper cards,
authors, neighbours, topics) is assembled from fresh data on top of the cached
conversion. An entry may also carry that assembled page (`assembled`), but
only with the digests of the records, authors, topics and neighbours it was
made from: the adapter uses it only while those digests are unchanged, so an
edited library entry, `.bib` file or `authors.yml` is never served stale.

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

import contextlib
import logging
import marshal
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from .diagnostics import Diagnostic
from .digest import checksum, code_stamp as code_stamp, fingerprint, stable  # code_stamp: importable from here, as before

log = logging.getLogger("mkdocs.plugins.papernotes")
# Bump when the layout of an entry, or what a conversion produces, changes.
FORMAT = 2


def write_atomically(path: str | os.PathLike[str], data: bytes) -> bool:
    """Write `data` to `path` through a temporary file renamed into place; False if it could not be written.

    An interrupted build, or two at once, leave the whole old file or the whole
    new one, never half of one: what every cache file here relies on.
    """
    folder = os.path.dirname(os.fspath(path))
    temp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
        return True
    except OSError:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        return False


# Every file papernotes keeps in its cache starts with a checksum of the rest and of its own
# name: a damaged file (a flipped byte, a half-copied folder) or one moved to another's name
# (whose name is its key) is a miss, never a wrong page, a `zlib.error` or an unpickled surprise.
_CHECK = 16
_told: set[str] = set()


def seal(data: bytes, name: str) -> bytes:
    """`data` behind its checksum, bound to `name`, the file's name: as every cache file is written."""
    return checksum(name.encode("utf-8") + b"\0" + data, _CHECK) + data


def unseal(blob: bytes, path: str | os.PathLike[str]) -> bytes | None:
    """What `seal` wrapped in the file at `path`, or None when the checksum does not match (logged once per file, at debug level)."""
    data = blob[_CHECK:]
    name = os.fspath(path)
    if len(blob) >= _CHECK and checksum(os.path.basename(name).encode("utf-8") + b"\0" + data, _CHECK) == blob[:_CHECK]:
        return data
    if name not in _told:
        _told.add(name)
        log.debug(f"papernotes: damaged or misplaced cache file {name} ignored; it is made again")
    return None


def read_sealed(path: str | os.PathLike[str]) -> bytes | None:
    """A cache file's content, or None when it is missing, unreadable, damaged or not the file of its name."""
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    return unseal(blob, path)


def write_sealed(path: str | os.PathLike[str], data: bytes) -> bool:
    """`write_atomically` for a cache file: `data` behind its checksum."""
    return write_atomically(path, seal(data, os.path.basename(os.fspath(path))))


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

    def __init__(self, directory: str | os.PathLike[str], context: str = "") -> None:
        self.directory = Path(directory)
        self._folder = os.fspath(directory)
        self.context = context
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
        data = read_sealed(self._path(key))
        try:
            entry = CachedConversion.from_json(marshal.loads(data)) if data is not None else None
        except (ValueError, EOFError, TypeError):
            entry = None
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
        if not self._writable:
            return
        if not write_sealed(self._path(key), marshal.dumps(entry.to_json())):
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
        if not self.directory.is_dir():
            return 0
        for folder in self.directory.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(".tmp-") or (path.suffix in (".marshal", ".json") and path.stem not in self.used):
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
    """Many small cached values (page frames, search entries, fragments) in a folder of shards.

    A build reads the folder once at its start and, at its end, writes again
    only the shards holding an entry that changed or went: thousands of tiny
    files would cost more in opening and renaming than the values are worth,
    and one file would be written whole after any edit. Entries are sharded
    by the first two characters of their key (hex digests: 256 shards).
    Values are plain data (str, bytes, lists, dicts) stored with `marshal`,
    whose format is tied to the Python version: the folder name carries it,
    and a shard that does not load is treated as empty.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)  # the folder
        self.values: dict[str, Any] = {}
        self.used: set[str] = set()
        self.fresh: list[str] = []  # keys put since `take_fresh`: what a helper process sends back
        self._stamps: dict[str, int] = {}  # shard file -> its time, as this object last read or wrote it
        self._dirty: set[str] = set()  # shards to write again
        self._writable = True

    @staticmethod
    def _shard(key: str) -> str:
        head = key[:2]
        return head if len(head) == 2 and all(c in "0123456789abcdef" for c in head) else "__"

    def _shard_stamps(self) -> dict[str, int] | None:
        try:
            names = [name for name in os.listdir(self.path) if name.endswith(".marshal")]
        except OSError:
            return None
        stamps = {}
        for name in names:
            try:
                stamps[name] = os.stat(os.path.join(self.path, name)).st_mtime_ns
            except OSError:
                pass
        return stamps

    def load(self) -> None:
        """Read the shards, unless they are the ones this object last read or wrote (serve keeps them in memory)."""
        stamps = self._shard_stamps()
        if stamps is None:
            self.values, self._stamps, self._dirty = {}, {}, set()
            return
        if stamps == self._stamps:
            return
        values: dict[str, Any] = {}
        for name in stamps:
            blob = read_sealed(os.path.join(self.path, name))
            try:
                data = marshal.loads(blob) if blob is not None else None
            except (EOFError, ValueError, TypeError):
                continue
            if isinstance(data, dict) and data.pop("format", None) == FORMAT:
                values.update(data)
        self.values, self._stamps, self._dirty = values, stamps, set()

    def get(self, key: str) -> Any:
        value = self.values.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.values[key] = value
        self.used.add(key)
        self.fresh.append(key)
        self._dirty.add(self._shard(key))

    def take_fresh(self) -> list[list[Any]]:
        """The entries put since the last call, as [key, value] pairs."""
        fresh, self.fresh = self.fresh, []
        return [[key, self.values[key]] for key in fresh]

    def receive(self, pairs: list[list[Any]]) -> None:
        """Entries made elsewhere (a helper process); used only if a page asks for their key."""
        for key, value in pairs:
            self.values[key] = value
            self._dirty.add(self._shard(key))

    def save(self, *, prune: bool = True) -> None:
        """Write the shards that changed, atomically; with `prune`, keeping only the entries this build used.

        A build that skipped pages (`--dirty`) passes ``prune=False``, or it would
        drop the entries of every page it did not render this time.
        """
        if prune and len(self.used) < len(self.values):
            for key in [key for key in self.values if key not in self.used]:
                del self.values[key]
                self._dirty.add(self._shard(key))
        dirty, self._dirty = self._dirty, set()
        self.used, self.fresh = set(), []
        if not self._writable or not dirty:
            return  # a rebuild that changed nothing rewrites nothing
        shards: dict[str, dict[str, Any]] = {shard: {} for shard in dirty}
        for key, value in self.values.items():
            shard = shards.get(self._shard(key))
            if shard is not None:
                shard[key] = value
        try:
            if self.path.is_file():  # the single file of an older papernotes
                self.path.unlink()
            self.path.mkdir(parents=True, exist_ok=True)
            for shard, values in shards.items():
                target = os.path.join(self.path, f"{shard}.marshal")
                if not values:
                    if os.path.exists(target):
                        os.unlink(target)
                    self._stamps.pop(f"{shard}.marshal", None)
                    continue
                if not write_sealed(target, marshal.dumps({"format": FORMAT, **values})):
                    raise OSError(f"cannot write {target}")
                self._stamps[f"{shard}.marshal"] = os.stat(target).st_mtime_ns
        except (OSError, ValueError):
            self._writable = False
