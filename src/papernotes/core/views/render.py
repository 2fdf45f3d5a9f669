"""Turning converted posts into pages, and post lists into listing pages, for any engine.

Everything rendered here goes through papernotes' autoescaping fragments;
only HTML that came out of the Markdown conversion is marked safe. The
engine adapters (the MkDocs plugin, the Zensical extension) hand over a
post's converted HTML and its citation session and place what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from . import fragments
from .article import excerpt_html, intro_end, split_html, unwrap_paragraph
from ..blog import Blog, ListingPage, PostEntry
from ..citations import CitationExtension, CitationSession
from ..diagnostics import Diagnostics
from ..digest import Digests, digest
from .newsletter import newsletter_parts
from ..papers import Paper, PaperIndex, bibtex_entry
from .sanitize import sanitize_html
from .text import first_paragraph, reading_time, strip_anchors
from ..model.topics import Topic
from .urls import rebase_links, relative_url


FILL_MARKER = "<!-- papernotes:fill -->"
TITLE_ID = "post-title"  # the post title's <h1>: what "Skip to content" and the table of contents lead to


def filled(content: str, fill: str) -> str:
    """A page's content with what papernotes lists on it: at its marker comment, else at the end."""
    head, marker, tail = content.partition(FILL_MARKER)
    return head + fill + tail if marker else content + fill


def post_html(made: dict[str, Any]) -> str:
    """A post's page content from its assembled parts."""
    return made["header"] + with_cards(made["content_html"], made["cards"], made["cards_at"]) + made["footer"]


def with_cards(content: str, cards: str, at: int) -> str:
    """The paper cards after the post's introduction (`at`), on its page and in feeds: its first screen shows prose."""
    return content[:at] + cards + content[at:]


@dataclass
class RenderedPost:
    """What other pages reuse of a post, so it is never converted twice."""

    content_html: str  # body, takeaways and references
    summary_html: str  # for listings, with links relative to the post's own URL
    readtime: int
    # The parts the e-mail edition and link previews show on their own (see core/views/newsletter.py):
    # where the body ends in `content_html`, the takeaways' items, each card's note, the references.
    parts: dict[str, Any] = field(default_factory=dict)
    feed_cards: str = ""  # the paper cards as feeds show them, at `cards_at` in `content_html`
    cards_at: int = 0

    @property
    def feed_html(self) -> str:
        """The post as feeds carry it: as on its page, but for the header and the links to other posts."""
        return with_cards(self.content_html, self.feed_cards, self.cards_at)

    @classmethod
    def stored(cls, made: dict[str, Any]) -> "RenderedPost":
        """From an assembled post (`PageRenderer.assemble`), as caches keep it."""
        return cls(made["content_html"], made["summary_html"], made["readtime"], made.get("parts", {}), made["feed_cards"], made["cards_at"])


class PageRenderer:
    """Builds each post's article around its one Markdown conversion, and the pages listing posts and papers."""

    def __init__(
        self, blog: Blog, diagnostics: Diagnostics, citations: CitationExtension, library: Any, papers: PaperIndex,
        store: Any = None, context: str = "",
    ) -> None:
        self.blog = blog
        self.diagnostics = diagnostics
        self.citations = citations
        self.library = library
        self.papers = papers
        self.digests = Digests()
        # Fragments made last time (a `Pack`), found by the fingerprint of what they show and of
        # `context`: the configuration and versions (papernotes' code included) every page
        # depends on. None: always render.
        self.store = store
        self.context = context
        self._last: tuple[str, str] | None = None  # the last fragment `_reuse` returned, and its key

    def _reuse(self, kind: str, parts: Callable[[], list[Any]], make: Callable[[], str]) -> str:
        """The fragment `make` renders, reused when the values `parts` lists are the same as last time."""
        if self.store is None:
            return make()
        key = digest(kind, self.context, parts())
        html = self.store.get(key)
        if html is None:
            html = make()
            self.store.put(key, html)
        self._last = (html, key)
        return html

    def key_of(self, html: str) -> str | None:
        """The key the fragment `html` (this very string, just returned by `_reuse`) was made from."""
        last = self._last
        return last[1] if last is not None and last[0] is html else None

    def urls_for(self, page_url: str) -> dict[str, Any]:
        """Template helpers that link relative to the page being rendered."""

        def url(target: str) -> str:
            return relative_url(target, page_url)

        def topic_url(topic: Topic) -> str:
            return url(self.blog.topic_url(topic))

        return {"url": url, "topic_url": topic_url}

    def assembly_key(self, entry: PostEntry) -> str:
        """Everything a post's page shows besides its conversion and what its citations resolve to."""
        post, digests = entry.post, self.digests
        cards = [[digests.record(r), getattr(self.papers.by_identity.get(r.identity), "url", "")] for r in post.papers]
        neighbours = [[n.url, n.title] if n else None for n in (entry.newer, entry.older)]
        # papernotes' code is in the key of the conversion entry that holds the page.
        return digest(
            post.frontmatter_text, post.path, digests.entry_face(entry), post.meta.readtime,
            [digests.record(r) for r in post.bibliography], cards, neighbours,
        )

    def assemble(self, entry: PostEntry, html: str, session: CitationSession) -> dict[str, Any]:
        """The post's page from its conversion `html`: header, paper cards, body, takeaways, references, neighbours.

        Also sets `entry.rendered`, which listings and feeds read.
        """
        cited = session.finish(html)
        post = entry.post
        parts = split_html(cited.html)
        # Takeaways and notes are Markdown from frontmatter or a library: raw markup in them is shown as text.
        parts.sections = {name: sanitize_html(html) for name, html in parts.sections.items()}
        body = parts.body
        readtime = post.meta.readtime or reading_time(body)
        helpers = self.urls_for(entry.url)

        takeaways = ""
        toc = []
        if parts.sections.get("takeaways"):
            takeaways = fragments.render("takeaways.html", items_html=parts.sections["takeaways"])
            toc.append(["Key takeaways", "key-takeaways", 2])
        if cited.references_html:
            toc.append([cited.toc_title, cited.toc_id, 2])

        cards, feed_cards = self._paper_cards(entry, parts.sections, helpers)
        made = {
            "toc": toc,
            "header": fragments.render("post-header.html", entry=entry, readtime=readtime, title_id=TITLE_ID, **helpers),
            "cards": cards,
            "feed_cards": feed_cards,
            "cards_at": intro_end(body),
            "content_html": body + takeaways + cited.references_html,
            "footer": fragments.render("post-nav.html", entry=entry, **helpers),
            "summary_html": self._summary(entry, body),
            "readtime": readtime,
            "diagnostics": [],
            "parts": newsletter_parts(body, parts.sections, len(post.papers), cited.references),
        }
        entry.rendered = RenderedPost.stored(made)
        return made

    def _paper_cards(self, entry: PostEntry, sections: dict[str, str], helpers: dict[str, Any]) -> tuple[str, str]:
        """The paper cards as the page shows them, and as feeds do: their readers show no styles,
        so no folded abstracts, and the dots between a card's parts written out."""
        if not entry.post.papers:
            return "", ""
        cards = []
        for index, record in enumerate(entry.post.papers):
            paper = self.papers.by_identity.get(record.identity)
            cards.append(
                {
                    "record": record,
                    "url": paper.url if paper else "",
                    "note_html": unwrap_paragraph(sections.get(f"note-{index}", "")),
                }
            )
        page = fragments.render("paper-cards.html", cards=cards, feed=False, **helpers)
        return page, fragments.render("paper-cards.html", cards=cards, feed=True, **helpers)

    def paper_page(self, paper: Paper, page_url: str) -> str:
        return self._reuse(
            "paper", lambda: [page_url, self.digests.record(paper.record), [self.digests.topic(t) for t in paper.topics]],
            lambda: fragments.render(
                "paper-page.html", paper=paper, bibtex=bibtex_entry(paper.record), posts_marker=FILL_MARKER, **self.urls_for(page_url)
            ),
        )

    def paper_posts(self, paper: Paper, page_url: str) -> str:
        reviewed = {entry.url for entry in paper.reviewed_in}
        # The posts in the order found (their shown order follows from their dates, which the key has).
        mentions = [*paper.reviewed_in, *paper.cited_in]
        return self._reuse(
            "paper-posts", lambda: [page_url, [[self.digests.entry_face(e), e.url in reviewed] for e in mentions]],
            lambda: fragments.render("paper-posts.html", paper=paper, reviewed=reviewed, **self.urls_for(page_url)),
        )

    def papers_index(self, papers: Sequence[Paper], topics: Sequence[Topic], page_url: str) -> str:
        years = sorted({p.record.year for p in papers if p.record.year}, reverse=True)
        used = [t for t in topics if t.papers]
        return self._reuse(
            "papers-index",
            lambda: [page_url, [self.digests.topic(t) for t in used], [
                [p.url, self.digests.record(p.record), p.post_count, [self.digests.topic(t) for t in p.topics]] for p in papers
            ]],
            lambda: fragments.render("papers-index.html", papers=papers, years=years, topics=used, **self.urls_for(page_url)),
        )

    def topic_papers(self, topic: Topic, page_url: str) -> str:
        return self._reuse(
            "topic-papers", lambda: [page_url, [[p.url, self.digests.record(p.record)] for p in topic.papers]],
            lambda: fragments.render("topic-papers.html", papers=topic.papers, **self.urls_for(page_url)),
        )

    def topics_index(self, topics: Sequence[Topic], page_url: str) -> str:
        return self._reuse(
            "topics-index", lambda: [page_url, [[t.name, t.slug, len(t.posts), len(t.papers)] for t in topics]],
            lambda: fragments.render("topics-index.html", topics=topics, **self.urls_for(page_url)),
        )

    def _summary(self, entry: PostEntry, body: str) -> str:
        """Excerpt before <!-- more -->, else the description, else the first paragraph."""
        excerpt = excerpt_html(body)
        if excerpt is None and entry.post.meta.description:
            return fragments.render("description.html", text=entry.post.meta.description)
        return strip_anchors(excerpt if excerpt is not None else first_paragraph(body))

    def listing(self, page: ListingPage[PostEntry], page_url: str) -> str:
        """A listing page's HTML: every summary was rendered once, with its own post."""
        shown = [entry.rendered for entry in page.items]
        return self._reuse(
            "listing",
            lambda: [page_url, page.number, page.count, [
                [self.digests.entry_face(e), r.summary_html, r.readtime] if isinstance(r, RenderedPost) else None
                for e, r in zip(page.items, shown)
            ]],
            lambda: self._listing(page, page_url),
        )

    def _listing(self, page: ListingPage[PostEntry], page_url: str) -> str:
        items = []
        for entry in page.items:
            rendered = entry.rendered
            if not isinstance(rendered, RenderedPost):
                continue  # not converted (a broken post under serve)
            items.append(
                {
                    "entry": entry,
                    "readtime": rendered.readtime,
                    "summary_html": rebase_links(rendered.summary_html, entry.url, page_url),
                }
            )
        return fragments.render("listing.html", items=items, page=page, **self.urls_for(page_url))
