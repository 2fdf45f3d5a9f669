"""RSS 2.0 and Atom feeds of the newest posts, with full content, written by feedgen.

feedgen builds the XML with lxml, so every string (titles, categories,
authors, content) is escaped by construction. Every string first goes through
`xml_text` (the content, a whole document, `xml_chars`): a post may hold what
XML cannot (pasted terminal output), and lxml refuses it. A reader treats an item's description and content as HTML, so the
plain-text summary is escaped as HTML before XML escapes it again. Feed readers
resolve nothing relative, so every link inside the content is made absolute first.
Both formats share one list of entries (`_generator`); each writer adds
only what its format needs.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from feedgen.feed import FeedGenerator

from ..blog import Blog, PostEntry
from . import fragments
from .sanitize import xml_chars, xml_text
from .text import plain_text
from .urls import absolute_links, relative_url


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


def rss_feed(items: Sequence[FeedItem], **options: Any) -> bytes:
    """An RSS 2.0 document of the newest `limit` items (`options` as `_generator` takes them)."""
    # CDATA keeps the content readable for people who open the file.
    return _generator(items, content_type="CDATA", **options).rss_str(pretty=True)


def atom_feed(items: Sequence[FeedItem], **options: Any) -> bytes:
    """An Atom 1.0 document of the newest `limit` items (`options` as `_generator` takes them)."""
    fg = _generator(items, content_type="html", **options)
    entries = fg.entry()
    # The feed's own URL is its id: unique per feed, and stable across builds.
    fg.id(next(link["href"] for link in fg.link() if link["rel"] == "self"))
    if not all(e.author() for e in entries):
        fg.author(name=fg.title())  # Atom wants an author for every entry; the feed's name stands in
    return fg.atom_str(pretty=True)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _generator(
    items: Sequence[FeedItem], *, content_type: str, title: str, description: str, site_url: str, feed_url: str,
    page_url: str = "", language: str = "en", limit: int = 20,
) -> FeedGenerator:
    """The feed with its newest `limit` items as entries, as both formats write it; URLs are resolved against `site_url`."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    title, description = xml_text(title), xml_text(description)
    fg = FeedGenerator()
    fg.title(title)
    fg.description(description or title)
    # feedgen takes the last link given as the channel's <link>: the page, not the feed.
    fg.link(href=base + feed_url, rel="self")
    fg.link(href=base + page_url, rel="alternate")
    fg.load_extension("dc", atom=False)
    fg.language(language)
    fg.generator("papernotes")
    shown = newest(items, limit)
    # An empty feed (a topic of papers only) is dated 1970, not "now" (feedgen's default): a rebuild writes the same bytes.
    # feedgen's lastBuildDate is Atom's <updated> too.
    fg.lastBuildDate(max(_aware(i.updated or i.created) for i in shown) if shown else _EPOCH)
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
        summary = html.escape(xml_text(item.summary or item.title), quote=False)
        entry.description(summary)
        content = xml_chars(absolute_links(item.content_html, item.url, base))
        # `]]>` would end a CDATA section, and `]]&gt;` is not the same HTML inside a comment: such content is escaped instead.
        entry.content(content, type="html" if content_type == "CDATA" and "]]>" in content else content_type)
        # Atom's summary; RSS keeps the description above. Plain text, escaped as the HTML readers take it for.
        entry.summary(summary, type="html")
        # RSS <author> must be an e-mail address; Dublin Core's creator takes a name.
        for name in item.authors:
            entry.dc.dc_creator(xml_text(name))
            entry.author(name=xml_text(name))  # Atom's; RSS shows only authors with an e-mail address
        for category in item.categories:
            entry.category(term=xml_text(category))
    return fg


@dataclass(frozen=True)
class FeedFormat:
    """One way to write a feed: its file name (in the site's root and in each topic's folder) and media type."""

    name: str
    label: str
    file: str
    media_type: str  # for the <link rel="alternate"> that lets readers find the feed
    write: Callable[..., bytes]


RSS = FeedFormat("rss", "RSS", "feed.xml", "application/rss+xml", rss_feed)
ATOM = FeedFormat("atom", "Atom", "atom.xml", "application/atom+xml", atom_feed)

# `feed_format` in mkdocs.yml: the formats written for the site and for every topic.
FEED_FORMATS: dict[str, tuple[FeedFormat, ...]] = {"rss": (RSS,), "atom": (ATOM,), "both": (RSS, ATOM)}


def feed_links(feed_format: str, feeds: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(title, site-relative URL, media type) of the files written for `feeds`, given as (title, folder).

    With two formats, each link's title names its format, so a reader's feed finder tells them apart.
    """
    formats = FEED_FORMATS[feed_format]
    return [
        (f"{title} ({fmt.label})" if len(formats) > 1 else title, folder + fmt.file, fmt.media_type)
        for title, folder in feeds for fmt in formats
    ]


@dataclass(frozen=True)
class FeedSpec:
    """One feed of the site: the site's own, or a topic's. Each format in `feed_format` writes it once."""

    folder: str  # site-relative folder of its files ("" for the site's)
    entries: Sequence[PostEntry]
    title: str
    description: str
    page_url: str  # the page the feed stands for

    def options(self, fmt: "FeedFormat", *, site_url: str, language: str, limit: int) -> dict[str, Any]:
        """What `fmt.write` needs besides the items, for this feed's file in that format."""
        return dict(title=self.title, description=self.description, site_url=site_url, feed_url=self.folder + fmt.file,
                    page_url=self.page_url, language=language, limit=limit)


def feed_specs(blog: Blog, site_name: str, site_description: str | None) -> list[FeedSpec]:
    """The site's feed, then one per topic."""
    specs = [FeedSpec("", blog.entries, site_name, site_description or site_name, "")]
    for topic in blog.topics.sorted():
        specs.append(FeedSpec(blog.topic_folder(topic), topic.posts, f"{site_name}: {topic.name}", f"Posts about {topic.name}", blog.topic_url(topic)))
    return specs


def feed_items(entries: Sequence[PostEntry], limit: int) -> list[FeedItem]:
    """The newest `limit` converted posts of `entries`, as feed items."""
    shown = newest([e for e in entries if e.rendered is not None], limit, lambda e: e.post.created)
    return [
        FeedItem(
            title=e.post.title, url=e.url, created=e.post.created, updated=e.post.updated,
            summary=e.post.meta.description or plain_text(e.rendered.summary_html)[:300],  # type: ignore[attr-defined]
            content_html=e.rendered.feed_html, authors=[a.name for a in e.authors],  # type: ignore[attr-defined]
            categories=[t.name for t in e.topics],
        )
        for e in shown
    ]


def feed_link_tags(feeds: Sequence[tuple[str, str, str]], page_url: str) -> str:
    """The <link> tags announcing `feeds` ((title, site-relative URL, media type)) in the <head> of the page at `page_url`."""
    return "".join(_feed_link(title, relative_url(url, page_url), media_type) for title, url, media_type in feeds)


@functools.lru_cache(maxsize=4096)
def _feed_link(title: str, href: str, media_type: str) -> str:
    """One feed's <link> tag; pages at the same depth share theirs."""
    return fragments.render("feed-link.html", title=title, href=href, media_type=media_type)
