"""What papernotes knows about each page during one build, kept beside MkDocs' pages rather than on them.

The plugin owns one `PageStates` per build (keyed by the page's src_uri); the
page types, the renderer and the page cache read and write it. Nothing is set
on MkDocs' own objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class PageState:
    # (content, key): the page's content and the key it was made from, while it is still that very
    # string; the page cache then keys the page by it instead of hashing the content (page_cache.py).
    content: tuple[str, str] | None = None
    # The page cache: the page's own template while it renders through the wrapper (None: not wrapped);
    template: str | None = None
    frame: Any = None  # its stored output, KEPT, or None (render as usual);
    frame_key: str | None = None  # on a hit, the key its output is made from;
    key: str | None = None  # on a miss, the key to store its output under;
    search: tuple[str, int | None, Any] | None = None  # (key, first entry, meta.search) while search indexes it
    # A page papernotes appends to: its own content, what a search that indexes records keeps (pagefind.py).
    own_content: str | None = None


class PageStates(dict[str, PageState]):
    """src_uri -> PageState, for every page papernotes renders, fills or caches in one build."""

    def of(self, page: Any) -> PageState:
        """The state of `page`, made on first use."""
        return self.at(page.file.src_uri)

    def at(self, src_uri: str) -> PageState:
        """The state of the page at `src_uri`, made on first use."""
        state = self.get(src_uri)
        if state is None:
            state = self[src_uri] = PageState()
        return state

    def wrapped(self, page: Any) -> bool:
        """Whether the page cache renders `page` (papernotes' pages, not a writer's)."""
        state = self.get(page.file.src_uri)
        return state is not None and state.template is not None
