"""Keys for reusing work between builds: the one hashing scheme of papernotes.

Every key is a BLAKE2b hash (`hash_bytes`) of bytes made one of two ways:

- `digest` for plain values computed thousands of times per build (marshal,
  fast; the same within one Python version, which the stores it keys follow);
- `fingerprint` for anything else, configurations included (`stable` JSON:
  the same in every process and on every machine).

`Digests` fingerprints the site's objects (records, authors, topics) once per
build; `code_stamp` identifies papernotes' own code, part of every store's key.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model.authors import Author
    from .blog import PostEntry
    from .model.records import Record
    from .model.topics import Topic


def checksum(data: bytes, size: int = 16) -> bytes:
    """The hash every key and check is made of: BLAKE2b, `size` bytes."""
    return hashlib.blake2b(data, digest_size=size).digest()


def hash_bytes(data: bytes, size: int = 16) -> str:
    return checksum(data, size).hex()


def hash_text(text: str) -> str:
    return hash_bytes(text.encode("utf-8", "surrogatepass"))


def digest(*parts: Any) -> str:
    """A hex fingerprint of `parts`: str, bytes, int, float, bool, None, and lists or tuples of them.

    Equal values give equal fingerprints in one Python version (marshal's
    format 2 has no back-references, so sharing inside a value does not
    change its bytes); what stores these keys is tied to the Python version.
    """
    try:
        data = marshal.dumps(parts, 2)
    except ValueError:  # a subclass of str or int (Markup...) somewhere: as plain values
        data = marshal.dumps(stable(parts), 2)
    return hash_bytes(data)


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
        return {"bytes": hash_bytes(value)}
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
    return hash_text(data)


@lru_cache(maxsize=1)
def code_stamp() -> list[Any]:
    """papernotes' version and a digest of its code and templates, e-mail text and styles included
    (a development checkout changes without a new version)."""
    import papernotes

    root = Path(papernotes.__file__).parent
    templates = root / "templates"
    files = sorted(p for p in root.rglob("*") if p.is_file() and (p.suffix == ".py" or templates in p.parents))
    return [papernotes.__version__, hash_bytes(b"".join(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0" for p in files))]


class Digests:
    """Fingerprints of records, authors and topics, each computed once per build.

    Keyed by object identity: the objects live as long as the build that
    made them, and none is changed once pages are being rendered.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, str]] = {}

    def _of(self, value: Any, make: Any) -> str:
        found = self._memo.get(id(value))
        if found is None or found[0] is not value:
            found = (value, make(value))
            self._memo[id(value)] = found
        return found[1]

    def record(self, record: "Record | None") -> str | None:
        if record is None:
            return None
        return self._of(record, lambda r: digest(r.model_dump_json()))

    def author(self, author: "Author") -> str:
        return self._of(author, lambda a: digest(a.model_dump_json()))

    def topic(self, topic: "Topic") -> tuple[str, str]:
        return (topic.name, topic.slug)

    def entry_face(self, entry: "PostEntry") -> list[Any]:
        """What other pages show of a post from its frontmatter: address, title, dates, authors, topics, draft."""
        post = entry.post
        return [
            entry.url, post.title, post.created.isoformat(), post.updated.isoformat() if post.updated else None,
            [self.author(a) for a in entry.authors], [self.topic(t) for t in entry.topics], post.draft,
        ]
