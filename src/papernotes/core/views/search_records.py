"""What the site's search finds, as plain records: one per post, paper, topic and writer's page.

Search engines that index records (Pagefind, see mkdocs_plugin/pagefind.py) get
these instead of the built HTML: a record holds the words a reader may type,
never markup, so nothing a writer wrote can become a tag in a search result.
Listings (home pages, a topic's later pages, the papers index) get no record:
they repeat the excerpts of posts that have their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..blog import page_url
from ..model.records import Record, display_name
from .sanitize import xml_chars, xml_text
from .text import searchable_text

POST, PAPER, TOPIC, PAGE = "post", "paper", "topic", "page"


@dataclass(frozen=True)
class SearchRecord:
    url: str  # site-relative, as the page's links give it ("posts/moa/")
    kind: str  # POST, PAPER, TOPIC or PAGE: shown in results, and a filter
    title: str
    content: str  # plain text: every word the record is found by, besides its title
    topics: tuple[str, ...] = ()  # topic names: a filter
    year: str = ""  # a filter
    date: str = ""  # ISO date, shown in results
    extra: dict[str, str] = field(default_factory=dict)  # more meta shown in results (authors of a paper)


def arxiv_words(arxiv: str | None) -> str:
    """An arXiv id as readers type it, bare and with its prefix: Pagefind finds `2309.17453` as one word only if it is one."""
    return f"{arxiv} arXiv:{arxiv}" if arxiv else ""


def sentences(parts: Iterable[str]) -> str:
    """Parts of a record's text, each ended as a sentence: an excerpt spanning two reads as two, not one run-on."""
    parts = [part.strip() for part in parts]
    # Ended already: by ., ! or ?, maybe inside a closing quote or bracket ('He said "hi."').
    return " ".join(part if part.rstrip("\"'”’)]»")[-1:] in (".", "!", "?") else part + "." for part in parts if part)


def paper_text(record: Record, *, title: bool = True, abstract: bool = True) -> str:
    """A paper's searchable words: its abstract unless not `abstract`, then title, authors, id, venue, year.

    The abstract first: an excerpt from the top of a paper's record reads as
    prose, not as the author list a result already shows under it.
    """
    # A paper with no title is labelled `arXiv:ID` (its record's heading, or the title here): the bare id is what is left to add.
    ids = record.arxiv if record.arxiv and record.label == f"arXiv:{record.arxiv}" else arxiv_words(record.arxiv)
    names = [
        record.label if title else "", ", ".join(display_name(a) for a in record.authors),
        ids, f"doi:{record.doi}" if record.doi else "", record.venue or "", str(record.year or ""),
    ]
    return sentences([(record.abstract or "") if abstract else "", ", ".join(name for name in names if name)])


def post_record(entry: Any) -> SearchRecord:
    """A post: its title, description, topics, the papers it reviews and its text.

    A reviewed paper by what names it, not its abstract: the paper's own record
    has that, and each copy would add to every search for its words.
    """
    post = entry.post
    papers = [paper_text(record, abstract=False) for record in post.papers if isinstance(record, Record)]
    body = searchable_text(entry.rendered.content_html) if entry.rendered is not None else ""
    topics = tuple(topic.name for topic in entry.topics)
    # The text first: a result's excerpt shows the post's own words unless the match is further on.
    content = sentences([post.meta.description or "", body, ", ".join(topics), *papers])
    created = post.created
    return SearchRecord(
        url=entry.url, kind=POST, title=post.title, content=content, topics=topics,
        year=str(created.year), date=created.isoformat() if isinstance(created, (dt.date, dt.datetime)) else "",
    )


def found(entry: Any) -> bool:
    """Whether search finds a post, and its title on the papers it reviews: not a draft, not opted out."""
    return not entry.post.draft and not (entry.post.meta.search or {}).get("exclude")


def published(paper: Any) -> bool:
    """Whether a paper's page is one a build publishes: not one shown only because drafts review it (under serve)."""
    return not paper.posts or not all(entry.post.draft for entry in paper.posts)


def paper_record(paper: Any) -> SearchRecord:
    record = paper.record
    reviews = [entry.post.title for entry in paper.posts if found(entry)]
    return SearchRecord(
        url=paper.url, kind=PAPER, title=record.label, content=sentences([paper_text(record, title=False), *reviews]),
        topics=tuple(topic.name for topic in paper.topics), year=str(record.year or ""),
        extra={"authors": ", ".join(display_name(a) for a in record.authors[:6])} if record.authors else {},
    )


def topic_record(topic: Any, url: str, published_papers: set[int]) -> SearchRecord | None:
    """A topic, by its name; None for a page a build does not publish (under serve, one only drafts make).

    `published_papers`: the `id()` of each paper whose page is published.
    """
    posts = [entry for entry in topic.posts if not entry.post.draft]
    papers = [paper for paper in topic.papers if id(paper) in published_papers]
    if not posts and not papers:
        return None
    counts = f"{len(posts)} post{'s' if len(posts) != 1 else ''}, {len(papers)} paper{'s' if len(papers) != 1 else ''}"
    return SearchRecord(url=url, kind=TOPIC, title=topic.name, content=counts, topics=(topic.name,))


def page_record(url: str, title: str, html: str) -> SearchRecord:
    """A page the writer wrote (not a post): its own content, without what papernotes appended.

    Its title as MkDocs read it: without the terminal colours and control characters
    papernotes takes out of posts' titles.
    """
    return SearchRecord(url=url, kind=PAGE, title=xml_text(title), content=xml_chars(searchable_text(html)))


def site_records(
    entries: Iterable[Any], papers: Iterable[Any], topics: Iterable[tuple[Any, str]], pages: Iterable[tuple[str, str, str]],
) -> list[SearchRecord]:
    """Every record of a site, drafts and posts that opt out of search left out, in a stable order."""
    records = [post_record(entry) for entry in entries if found(entry)]
    papers = [paper for paper in papers if published(paper)]
    records += [paper_record(paper) for paper in papers]
    # Asked once a paper: each topic asking of each of its papers sorted their posts 31,000 times at 2,000 posts (1 s).
    ids = {id(paper) for paper in papers}
    records += [record for record in (topic_record(topic, url, ids) for topic, url in topics) if record is not None]
    records += [page_record(*page) for page in pages]
    return records


def blog_records(blog: Any, papers: Iterable[Any], pages: Iterable[tuple[str, str, str]], *, directory_urls: bool) -> list[SearchRecord]:
    """The records of a built blog: its posts, `papers`, its topics at their pages' addresses, and the writer's `pages` (url, title, HTML)."""
    topics = [(topic, page_url(blog.topic_stem(topic), directory_urls)[0]) for topic in blog.topics.sorted()]
    return site_records(blog.entries, papers, topics, pages)
