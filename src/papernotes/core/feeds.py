"""RSS 2.0 feeds of the newest posts, with full content, written by feedgen.

feedgen builds the XML with lxml, so every string (titles, categories,
authors, content) is escaped by construction. Every string first goes through
`xml_text`: a post may hold what XML cannot (pasted terminal output), and lxml
refuses it. A reader treats an item's description and content as HTML, so the
plain-text summary is escaped as HTML before XML escapes it again. Feed readers
resolve nothing relative, so every link inside the content is made absolute first.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from feedgen.feed import FeedGenerator

from .sanitize import xml_text
from .urls import absolute_links


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str  # site-relative
    created: dt.datetime
    updated: dt.datetime | None
    summary: str  # plain text
    content_html: str  # with links relative to `url`
    authors: Sequence[str]
    categories: Sequence[str]


def _aware(value: dt.datetime) -> dt.datetime:
    # Frontmatter dates have no zone; the writer means their own day, read as UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


T = TypeVar("T")


def newest(items: Sequence[T], limit: int, created: Callable[[T], dt.datetime] = lambda item: item.created) -> list[T]:
    """The `limit` newest items, newest first: what a feed shows.

    `created` reads an item's date, so that a caller can pick the posts of a
    feed before making feed items of just those.
    """
    return sorted(items, key=lambda item: _aware(created(item)), reverse=True)[:limit]


def rss_feed(
    items: Sequence[FeedItem], *, title: str, description: str, site_url: str, feed_url: str,
    page_url: str = "", language: str = "en", limit: int = 20,
) -> bytes:
    """An RSS 2.0 document of the newest `limit` items; URLs are resolved against `site_url`."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    title, description = xml_text(title), xml_text(description)
    fg = FeedGenerator()
    fg.title(title)
    fg.description(description or title)
    # feedgen takes the last link given as the channel's <link>: the page, not the feed.
    fg.link(href=base + feed_url, rel="self")
    fg.link(href=base + page_url, rel="alternate")
    fg.load_extension("dc")
    fg.language(language)
    fg.generator("papernotes")
    shown = newest(items, limit)
    if shown:
        fg.lastBuildDate(max(_aware(i.updated or i.created) for i in shown))
    # feedgen prepends entries, so add the oldest first to keep newest first in the XML.
    for item in reversed(shown):
        entry = fg.add_entry()
        link = base + item.url
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(xml_text(item.title))
        entry.link(href=link)
        entry.published(_aware(item.created))
        entry.updated(_aware(item.updated or item.created))
        entry.description(html.escape(xml_text(item.summary or item.title), quote=False))
        # `]]>` would end the CDATA section; `]]&gt;` is the same HTML.
        content = xml_text(absolute_links(item.content_html, item.url, base)).replace("]]>", "]]&gt;")
        entry.content(content, type="CDATA")
        # RSS <author> must be an e-mail address; Dublin Core's creator takes a name.
        for name in item.authors:
            entry.dc.dc_creator(xml_text(name))
        for category in item.categories:
            entry.category(term=xml_text(category))
    return fg.rss_str(pretty=True)
