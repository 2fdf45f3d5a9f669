"""The pages papernotes adds to a site, as plain data each engine adapter turns into its own pages.

Home pages, the topics index, each topic's pages, the papers index and a page
per paper, in this order: each a `GeneratedPageSpec` with its address (stem),
title, place in the nav and in search, and the functions that render its HTML
for the URL it ends up at. The MkDocs plugin makes MkDocs pages of them
(mkdocs_plugin/structure.py), the Zensical staging Markdown files
(engines/site_files.py); neither decides which pages exist or what they show.
Zensical reads nav placement from its configuration, not from each page:
engines/zensical.py keeps the same pages out of its navigation by path patterns.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Callable

from ..blog import ListingPage, PostEntry
from ..site import Site
from . import fragments
from .render import PageRenderer, filled


@dataclass(frozen=True)
class GeneratedPageSpec:
    """One page papernotes renders; where the writer wrote a page at its place, what it appends there."""

    stem: str  # the page's path without extension ('' is home); see blog.page_url
    title: str
    # Page URL -> HTML. `content` is what search indexes; `fill` is appended after search has seen
    # the page (listings of other pages' excerpts), at the content's fill marker if it has one.
    content: Callable[[str], str] | None = None
    fill: Callable[[str], str] | None = None
    in_nav: bool = False
    search: bool = True
    description: str | None = None
    feed: tuple[str, str] | None = None  # (title, site-relative folder) of the page's own feeds
    listing: ListingPage[PostEntry] | None = None  # the posts it lists, for serve's rebuilds of listings

    def html(self, url: str, *, unsearched: bool = False) -> str:
        """The whole page, at `url`.

        `unsearched`: for an engine whose search indexes whole pages (Zensical), the
        fill is marked out of search, as MkDocs' plugin appends it after search.
        """
        fill = self.fill(url) if self.fill else ""
        return filled(self.content(url) if self.content else "", out_of_search(fill) if unsearched else fill)

    def under_writer_page(self, url: str, *, unsearched: bool = False) -> str:
        """What goes under the writer's own page at this place: a heading, then what this page would show."""
        html = fragments.render("section-heading.html", title=self.title) + self.html(url)
        return out_of_search(html) if unsearched else html


def out_of_search(html: str) -> str:
    """HTML that Material's and Zensical's search leave out (`data-search-exclude`).

    Its headings are marked too: Zensical's search still made each one an entry, empty
    and titled with the page's title, so a paper showed twice in results.
    """
    if not html:
        return html
    return "<div data-search-exclude>\n" + _UNMARKED_HEADING.sub(r"\1 data-search-exclude", html) + "\n</div>"


_UNMARKED_HEADING = re.compile(r"(<h[1-6]\b(?![^>]*\sdata-search-exclude))")


def generated_pages(site: Site, renderer: PageRenderer, *, home_title: str, site_name: str, directory_urls: bool) -> list[GeneratedPageSpec]:
    """Every page papernotes adds to `site`, rendered by `renderer` when an adapter asks."""
    blog, papers = site.blog, site.papers
    pages = []
    for listing in blog.home_pages(directory_urls):
        title = home_title if listing.number == 1 else f"{home_title}, page {listing.number}"
        pages.append(GeneratedPageSpec(
            listing.stem, title, fill=lambda url, listing=listing: renderer.listing(listing, url), search=False, listing=listing,
        ))
    topics = blog.topics.sorted()
    pages.append(GeneratedPageSpec(
        blog.options.topics_dir, "Topics", content=lambda url: renderer.topics_index(topics, url), in_nav=True,
    ))
    for topic in topics:
        feed = (f"{site_name}: {topic.name}", blog.topic_folder(topic))
        for listing in blog.topic_pages(topic, directory_urls):
            first = listing.number == 1
            pages.append(GeneratedPageSpec(
                listing.stem, topic.name if first else f"{topic.name}, page {listing.number}",
                content=lambda url, topic=topic: fragments.render("topic-intro.html", topic=topic),
                # A topic's posts, and on its first page its papers.
                fill=lambda url, topic=topic, listing=listing, first=first: renderer.listing(listing, url) + (
                    renderer.topic_papers(topic, url) if first else ""
                ),
                search=first, feed=feed, listing=listing,
            ))
    every_paper = papers.sorted()
    pages.append(GeneratedPageSpec(
        blog.options.papers_dir, "Papers", content=lambda url: renderer.papers_index(every_paper, topics, url),
        in_nav=True, search=False,
    ))
    for paper in every_paper:
        pages.append(GeneratedPageSpec(
            paper.url.removesuffix("/").removesuffix(".html"), paper.record.label,
            content=lambda url, paper=paper: renderer.paper_page(paper, url),
            fill=lambda url, paper=paper: renderer.paper_posts(paper, url),
            description=f"Notes on {paper.record.label}",
        ))
    return pages
