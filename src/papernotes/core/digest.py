"""Fingerprints of what a rendered fragment is made from, for reusing it on a rebuild.

A post's article, a listing or a paper's page is reused from the last build
when the fingerprint of every value it shows is the same. `digest` hashes
plain values quickly (marshal, not JSON: these keys are computed thousands of
times per build); `Digests` fingerprints the site's objects once per build.
"""

from __future__ import annotations

import hashlib
import marshal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .authors import Author
    from .blog import PostEntry
    from .records import Record
    from .topics import Topic


def digest(*parts: Any) -> str:
    """A hex fingerprint of `parts`: str, bytes, int, float, bool, None, and lists or tuples of them.

    Equal values give equal fingerprints in one Python version (marshal's
    format 2 has no back-references, so sharing inside a value does not
    change its bytes); what stores these keys is tied to the Python version.
    """
    try:
        data = marshal.dumps(parts, 2)
    except ValueError:  # a subclass of str or int (Markup...) somewhere: as plain values
        from .cache import stable

        data = marshal.dumps(stable(parts), 2)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
