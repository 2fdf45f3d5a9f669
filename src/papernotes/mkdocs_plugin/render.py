"""Turning converted posts into pages, and post lists into listing pages.

Everything rendered here goes through papernotes' autoescaping fragments;
only HTML that came out of the Markdown conversion is marked safe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from mkdocs.structure.toc import AnchorLink

from papernotes.core import fragments
from papernotes.core.article import excerpt_html, split_html, unwrap_paragraph
from papernotes.core.blog import Blog, ListingPage, PostEntry
from papernotes.core.citations import CitationExtension, CitationSession
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.papers import Paper, PaperIndex, bibtex_entry, paper_links
from papernotes.core.records import display_name, first_authors
from papernotes.core.sanitize import sanitize_html
from papernotes.core.text import first_paragraph, reading_time, strip_anchors
from papernotes.core.topics import Topic
from papernotes.core.urls import rebase_links, relative_url

if TYPE_CHECKING:
    from .pages import PostPage


def longdate(value: dt.datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def authors_short(names: list[str]) -> str:
    shown, more = first_authors(names)
    return ", ".join(shown) + (" et al." if more else "")


_env = fragments.environment()
_env.filters["longdate"] = longdate
_env.filters["display_name"] = display_name
_env.globals.update(authors_short=authors_short, paper_links=paper_links)


@dataclass
class RenderedPost:
    """What other pages reuse of a post, so it is never converted twice."""

    content_html: str  # body, takeaways and references: what feeds carry
    summary_html: str  # for listings, with links relative to the post's own URL
    readtime: int


class PostRenderer:
    """Builds each post's article around its one Markdown conversion."""

    def __init__(
        self, blog: Blog, diagnostics: Diagnostics, citations: CitationExtension, library: Any, papers: PaperIndex
    ) -> None:
        self.blog = blog
        self.diagnostics = diagnostics
        self.citations = citations
        self.library = library
        self.papers = papers

    def urls_for(self, page_url: str) -> dict[str, Any]:
        """Template helpers that link relative to the page being rendered."""
        topics_dir = self.blog.options.topics_dir

        def url(target: str) -> str:
            return relative_url(target, page_url)

        def topic_url(topic: Topic) -> str:
            return url(f"{topics_dir}/{topic.slug}/" if self.blog.options.directory_urls else f"{topics_dir}/{topic.slug}.html")

        return {"url": url, "topic_url": topic_url}

    # The citation extension sits in every page's Markdown; only posts give it a session.
    def before_render(self, page: "PostPage") -> None:
        post = page.entry.post
        self.citations.session = CitationSession(
            post.bibliography, post.papers, self.library, file=post.path,
            source=page.composed.markdown, line_map=page.composed.line_map, diagnostics=self.diagnostics,
        )

    def after_render(self, page: "PostPage") -> None:
        session, self.citations.session = self.citations.session, None
        if page.content is None or session is None:
            return
        cited = session.finish(page.content)
        entry = page.entry
        post = entry.post
        parts = split_html(cited.html)
        # Takeaways and notes are Markdown from frontmatter or a library: raw markup in them is shown as text.
        parts.sections = {name: sanitize_html(html) for name, html in parts.sections.items()}
        body = parts.body
        readtime = post.meta.readtime or reading_time(body)
        helpers = self.urls_for(entry.url)

        takeaways = ""
        if parts.sections.get("takeaways"):
            takeaways = fragments.render("takeaways.html", items_html=parts.sections["takeaways"])
            page.toc.items.append(AnchorLink("Key takeaways", "key-takeaways", 2))

        if cited.references_html:
            page.toc.items.append(AnchorLink(cited.toc_title, cited.toc_id, 2))

        cards = self._paper_cards(entry, parts.sections, helpers)
        header = fragments.render("post-header.html", entry=entry, readtime=readtime, **helpers) + cards
        footer = fragments.render("post-nav.html", entry=entry, **helpers)
        content = body + takeaways + cited.references_html
        page.content = header + content + footer
        entry.rendered = RenderedPost(content, self._summary(entry, body), readtime)

    def _paper_cards(self, entry: PostEntry, sections: dict[str, str], helpers: dict[str, Any]) -> str:
        if not entry.post.papers:
            return ""
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
        return fragments.render("paper-cards.html", cards=cards, **helpers)

    def paper_page(self, paper: Paper, page_url: str) -> str:
        return fragments.render("paper-page.html", paper=paper, bibtex=bibtex_entry(paper.record), **self.urls_for(page_url))

    def paper_posts(self, paper: Paper, page_url: str) -> str:
        reviewed = {entry.url for entry in paper.reviewed_in}
        return fragments.render("paper-posts.html", paper=paper, reviewed=reviewed, **self.urls_for(page_url))

    def papers_index(self, papers: Sequence[Paper], topics: Sequence[Topic], page_url: str) -> str:
        years = sorted({p.record.year for p in papers if p.record.year}, reverse=True)
        used = [t for t in topics if t.papers]
        return fragments.render("papers-index.html", papers=papers, years=years, topics=used, **self.urls_for(page_url))

    def topic_papers(self, topic: Topic, page_url: str) -> str:
        return fragments.render("topic-papers.html", topic=topic, **self.urls_for(page_url))

    def _summary(self, entry: PostEntry, body: str) -> str:
        """Excerpt before <!-- more -->, else the description, else the first paragraph."""
        excerpt = excerpt_html(body)
        if excerpt is None and entry.post.meta.description:
            return fragments.render("description.html", text=entry.post.meta.description)
        return strip_anchors(excerpt if excerpt is not None else first_paragraph(body))

    def listing(self, page: ListingPage[PostEntry], page_url: str) -> str:
        """A listing page's HTML: every summary was rendered once, with its own post."""
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


def topics_index(topics: Sequence[Topic], page_url: str, renderer: PostRenderer) -> str:
    return fragments.render("topics-index.html", topics=topics, **renderer.urls_for(page_url))
