"""The blog as a whole: post URLs, newest-first order, topics and listing pages.

Everything here is computed once per build in one pass over the posts; the
pages the adapter generates only slice these lists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Generic, Iterable, Sequence, TypeVar

from .model.authors import Author
from .diagnostics import Diagnostics, did_you_mean
from .model.posts import Post
from .model.topics import Topic, TopicIndex

T = TypeVar("T")


@dataclass(frozen=True)
class BlogOptions:
    posts_dir: str = "posts"
    post_url_format: str = "posts/{slug}"
    per_page: int = 10
    topics_dir: str = "tags"
    papers_dir: str = "papers"
    directory_urls: bool = True


def page_url(stem: str, directory_urls: bool = True) -> tuple[str, str]:
    """(URL, output path) of a page whose path without extension is `stem` ('' is home)."""
    stem = stem.strip("/")
    if not stem:
        return "", "index.html"
    if directory_urls:
        return f"{stem}/", f"{stem}/index.html"
    return f"{stem}.html", f"{stem}.html"


@dataclass
class ListingPage(Generic[T]):
    """One page of a paginated listing: which items, and its neighbours."""

    stem: str
    url: str
    dest: str
    number: int
    count: int
    items: Sequence[T]
    pages: list["ListingPage[T]"] = field(default_factory=list, repr=False)

    @property
    def previous(self) -> "ListingPage[T] | None":
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> "ListingPage[T] | None":
        return self.pages[self.number] if self.number < self.count else None

    def window(self, around: int = 2) -> list["ListingPage[T] | None"]:
        """First, last and nearby pages (None marks a gap): page links stay few at any size."""
        wanted = {1, self.count, *range(self.number - around, self.number + around + 1)}
        shown: list[ListingPage[T] | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.count):
            if shown and shown[-1] is not None and number > shown[-1].number + 1:
                # A gap of one page shows that page: '1 2 3 … 5' hides nothing worth hiding.
                skipped = shown[-1].number + 1
                shown.append(self.pages[skipped - 1] if number == skipped + 1 else None)
            shown.append(self.pages[number - 1])
        return shown


def paginate(items: Sequence[T], base_stem: str, per_page: int, directory_urls: bool = True) -> list[ListingPage[T]]:
    """Pages ``base``, ``base/page/2``, ... holding `per_page` items each (at least one page)."""
    per_page = max(1, per_page)
    count = max(1, math.ceil(len(items) / per_page))
    pages: list[ListingPage[T]] = []
    for number in range(1, count + 1):
        stem = base_stem if number == 1 else f"{base_stem}/page/{number}".strip("/")
        url, dest = page_url(stem, directory_urls)
        chunk = items[(number - 1) * per_page : number * per_page]
        pages.append(ListingPage(stem, url, dest, number, count, chunk, pages))
    return pages


@dataclass
class PostEntry:
    """A post placed in the site: its URL and topics, and later its rendering."""

    post: Post
    url: str
    dest: str
    topics: list[Topic]
    authors: list[Author]
    newer: "PostEntry | None" = None
    older: "PostEntry | None" = None
    rendered: object | None = None  # set by the adapter once the page is converted

    @property
    def title(self) -> str:
        return self.post.title


class Blog:
    """All posts of one build, with their URLs and topics."""

    def __init__(self, options: BlogOptions, authors: dict[str, Author], topics: TopicIndex) -> None:
        self.options = options
        self.authors = authors
        self.topics = topics
        self.entries: list[PostEntry] = []
        self.authors_file = "authors.yml"  # under docs/, named in messages
        self.authors_unreadable = False  # the authors file is broken: posts' authors are not checked against it
        self._by_url: dict[str, PostEntry] = {}

    def add(self, post: Post, diagnostics: Diagnostics) -> PostEntry | None:
        """Place a post; a URL already taken is an error naming both files."""
        stem = self._stem(post)
        url, dest = page_url(stem, self.options.directory_urls)
        if url in self._by_url:
            other = self._by_url[url].post
            diagnostics.error(
                post.path, post.line_of("slug") or post.line_of("title"),
                f"this post has the same URL '{url}' as {other.path}",
                "give one of them a different 'slug:'",
            )
            return None
        authors = []
        for index, ident in enumerate(post.meta.authors):
            author = self.authors.get(ident)
            if author is None:
                if not self.authors_unreadable:
                    diagnostics.warning(
                        post.path, post.line_of("authors", index) or post.line_of("authors"),
                        f"unknown author '{ident}'",
                        did_you_mean(ident, self.authors) or (
                            f"add '{ident}' to docs/{self.authors_file}, or set the plugin's authors_file option to the "
                            "file that lists it (a Material blog's is blog/.authors.yml)"
                        ),
                    )
                author = Author(name=ident, id=ident)
            authors.append(author)
        entry = PostEntry(post, url, dest, self.topics.topics_of(post.tag_names), authors)
        self._by_url[url] = entry
        self.entries.append(entry)
        return entry

    def _stem(self, post: Post) -> str:
        created = post.created
        stem_name = post.src_uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return self.options.post_url_format.format(
            slug=post.slug, year=f"{created.year:04d}", month=f"{created.month:02d}",
            day=f"{created.day:02d}", file=stem_name,
        )

    def finalize(self) -> None:
        """Sort newest first (pinned posts on top) and link neighbours and topics.

        A post's "Newer" and "Older" follow the dates: a pin puts a post first in listings, not
        between other posts in time.
        """
        self.entries.sort(key=lambda e: (_age(e), e.post.title.lower()))
        for newer, older in zip(self.entries, self.entries[1:]):
            newer.older, older.newer = older, newer
        self.entries.sort(key=lambda e: not e.post.meta.pin)  # stable: each group stays newest first
        for entry in self.entries:
            for topic in entry.topics:
                topic.posts.append(entry)

    def home_pages(self, directory_urls: bool) -> list[ListingPage[PostEntry]]:
        return paginate(self.entries, "", self.options.per_page, directory_urls)

    def topic_pages(self, topic: Topic, directory_urls: bool) -> list[ListingPage[PostEntry]]:
        return paginate(topic.posts, self.topic_stem(topic), self.options.per_page, directory_urls)

    # A topic's addresses, computed here only: its pages, its feeds' folder, links to it.
    def topic_stem(self, topic: Topic) -> str:
        """A topic's first page, as a path without extension."""
        return f"{self.options.topics_dir}/{topic.slug}"

    def topic_folder(self, topic: Topic) -> str:
        """The site-relative folder of a topic's pages and feeds."""
        return self.topic_stem(topic) + "/"

    def topic_url(self, topic: Topic) -> str:
        """The site-relative URL of a topic's first page."""
        return page_url(self.topic_stem(topic), self.options.directory_urls)[0]


def newest_first(entries: Iterable[PostEntry]) -> list[PostEntry]:
    return sorted(entries, key=_age)


def _age(entry: PostEntry) -> dt.timedelta:
    """Sorts newest first. A date without a zone is read as UTC, as feeds read it; unlike
    `timestamp()`, this holds for any year a writer types (`0001-01-01` included)."""
    created = entry.post.created
    if created.tzinfo is not None:
        try:
            created = created.astimezone(dt.timezone.utc).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:00-05:00 is after the last datetime in UTC
            created = created.replace(tzinfo=None)
    return dt.datetime.min - created
