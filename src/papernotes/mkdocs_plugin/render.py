"""The MkDocs side of a post's page: a conversion in, the page's content and table of contents out.

What a page shows is made by the core (`papernotes.core.views.render`); this
adds what only MkDocs has: the page object, its table of contents, and the
cache entry a page is reused from.
"""

from __future__ import annotations

from dataclasses import asdict
from html import escape
from typing import TYPE_CHECKING, Any

from mkdocs.structure.toc import AnchorLink

from papernotes.core.citations import CitationSession
from papernotes.core.diagnostics import Diagnostic
from papernotes.core.digest import digest
from papernotes.core.views.render import TITLE_ID, PageRenderer, RenderedPost, post_html

if TYPE_CHECKING:
    from .pages import PostPage


class PostRenderer(PageRenderer):
    """Builds each post's article around its one Markdown conversion, reusing it from the cache."""

    # The citation extension sits in every page's Markdown; only posts give it a session.
    def before_render(self, page: "PostPage") -> None:
        self.citations.session = CitationSession.for_post(page.entry.post, page.composed, self.library, self.diagnostics)

    def after_render(self, page: "PostPage", conversion: Any = None) -> bool:
        """Make the post's page around its conversion; True when its cache entry took a new page.

        The page is reused from `conversion` (its cache entry) when its key
        (everything the page shows besides the conversion) and the records its
        citations resolve to are the same as when it was made.
        """
        session, self.citations.session = self.citations.session, None
        if page.content is None or session is None:
            return False
        cached = conversion.entry if conversion is not None else None
        key = self.assembly_key(page.entry) if cached is not None else None
        stored = cached.assembled if cached is not None else None
        if stored is not None and stored.get("key") == key and all(
            self.digests.record(session.resolve(cited)) == found for cited, found in stored["resolutions"]
        ):
            self._restore(page, stored)
            page.state.content = (page.content, digest(conversion.key, key, stored["resolutions"]))
            return False
        before = len(self.diagnostics)
        made = self._assemble(page, session)
        if cached is None:
            return False
        made.update(
            key=key,
            resolutions=[[cited, self.digests.record(session.resolve(cited))] for cited in session.keys()],
            diagnostics=[asdict(d) for d in self.diagnostics.items[before:]],
        )
        cached.assembled = made
        # The content is a function of these: the page cache keys it by them instead of hashing it.
        page.state.content = (page.content, digest(conversion.key, key, made["resolutions"]))
        return True

    def _restore(self, page: "PostPage", stored: dict[str, Any]) -> None:
        for title, anchor, level in stored["toc"]:
            page.toc.items.append(AnchorLink(title, anchor, level))
        # The title heads the table of contents, the headings under it, as for a page whose Markdown
        # starts with `# Title`: Material's "Skip to content" goes to the first entry (it went to the
        # first section, or past the whole post to the references), and its sidebar lists that entry's children.
        title = AnchorLink(escape(page.entry.post.title), TITLE_ID, 1)
        title.children = page.toc.items[:]
        page.toc.items[:] = [title]
        page.content = post_html(stored)
        page.entry.rendered = RenderedPost.stored(stored)
        self.diagnostics.extend(Diagnostic(**d) for d in stored["diagnostics"])

    def _assemble(self, page: "PostPage", session: CitationSession) -> dict[str, Any]:
        made = self.assemble(page.entry, page.content, session)
        self._restore(page, made)
        return made
