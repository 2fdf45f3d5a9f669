"""The feed writers on their own: what Atom needs beyond the entries both formats share."""

from __future__ import annotations

import datetime as dt

import feedparser

from papernotes.core.views.feeds import FeedItem, atom_feed, feed_links, rss_feed

OPTIONS = dict(title="Notes: LLM", description="Posts about LLM", site_url="https://example.org/notes",
               feed_url="tags/llm/atom.xml", page_url="tags/llm/")


def item(title: str, day: int, authors: list[str]) -> FeedItem:
    return FeedItem(
        title=title, url=f"posts/{title.lower()}/", created=dt.datetime(2024, 6, day), updated=None,
        summary=f"About {title}", content_html=f'<p>{title} <a href="../other/">other</a></p>',
        authors=authors, categories=["LLM"],
    )


def test_an_atom_feed_has_its_own_id_and_the_newest_date() -> None:
    feed = feedparser.parse(atom_feed([item("Old", 1, ["Ada"]), item("New", 2, ["Bob"])], **OPTIONS))
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.feed.id == "https://example.org/notes/tags/llm/atom.xml"
    assert feed.feed.updated.startswith("2024-06-02")
    assert [e.title for e in feed.entries] == ["New", "Old"]
    assert feed.entries[0].content[0].value == '<p>New <a href="https://example.org/notes/posts/other/">other</a></p>'
    assert "author" not in feed.feed  # every entry names its own


def test_entries_without_authors_take_the_feeds_name() -> None:
    feed = feedparser.parse(atom_feed([item("Lone", 1, [])], **OPTIONS))
    assert feed.bozo == 0
    assert feed.feed.author_detail.name == "Notes: LLM"


def test_an_empty_feed_is_the_same_on_every_build() -> None:
    """A topic of papers only has a feed with no items: dated 1970 in both formats, not the build's time."""
    first = atom_feed([], **OPTIONS)
    assert feedparser.parse(first).bozo == 0
    assert atom_feed([], **OPTIONS) == first
    assert b"<updated>1970-01-01T00:00:00+00:00</updated>" in first
    rss = rss_feed([], **OPTIONS)
    assert feedparser.parse(rss).bozo == 0
    assert b"<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>" in rss


def test_rss_keeps_its_dublin_core_authors_and_atom_has_none() -> None:
    items = [item("One", 1, ["Ada"])]
    assert b"<dc:creator>Ada</dc:creator>" in rss_feed(items, **OPTIONS)
    assert b"dc:" not in atom_feed(items, **OPTIONS)


def test_links_name_each_format_only_when_there_are_two() -> None:
    feeds = [("Notes", ""), ("Notes: LLM", "tags/llm/")]
    assert feed_links("atom", feeds) == [("Notes", "atom.xml", "application/atom+xml"), ("Notes: LLM", "tags/llm/atom.xml", "application/atom+xml")]
    assert [title for title, _, _ in feed_links("both", feeds)] == ["Notes (RSS)", "Notes (Atom)", "Notes: LLM (RSS)", "Notes: LLM (Atom)"]


def test_content_holding_the_end_of_a_cdata_section_reaches_readers_as_written() -> None:
    """`]]>` in a post's HTML (inside a comment, or raw HTML) cannot sit in CDATA: the RSS content is escaped instead, unchanged."""
    html = "<p>a ]]&gt; b <!-- c ]]> d --> e</p>"
    entry = FeedItem(title="T", url="posts/t/", created=dt.datetime(2024, 6, 1), updated=None, summary="s",
                     content_html=html, authors=[], categories=[])
    for written in (rss_feed([entry], **OPTIONS), atom_feed([entry], **OPTIONS)):
        feed = feedparser.parse(written)
        assert feed.bozo == 0 and feed.entries[0].content[0].value == html
