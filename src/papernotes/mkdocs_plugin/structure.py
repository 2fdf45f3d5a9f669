"""The pages of one build, as MkDocs files and pages: posts at their URLs, and the pages papernotes generates.

As in Material's blog plugin, each kind of page is a page type (pages.py:
`PostPage` for posts, `GeneratedPage` for home, topic, paper and error
pages); this module decides which pages exist, where, and what each shows.
Their HTML comes from the renderer (render.py) and the core's fragments.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from mkdocs.structure.files import File, Files, InclusionLevel

from papernotes.core.views import fragments
from papernotes.core.addresses import generated_stem_source as src_uri_of
from papernotes.core.blog import ListingPage, PostEntry, page_url
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.digest import digest
from papernotes.core.views.render import filled
from papernotes.core.site import Site, SiteOptions
from papernotes.core.model.topics import Topic

from .config import PapernotesConfig
from .pages import GeneratedPage, PostPage
from .state import PageStates


def remove_sources(files: Files, options: SiteOptions) -> None:
    """Sources papernotes reads are not part of the published site: the authors and library files.

    Every kind of file: MkDocs copies a .bib or .yml as a media file, not a static page.
    """
    library = {os.path.abspath(os.path.join(options.project_dir, name.removesuffix("?"))) for name in options.library}
    for file in [f for f in files if not f.is_documentation_page()]:
        if file.src_uri in (options.authors_file, ".authors.yml") or file.src_uri.endswith(".bib") or (
            file.abs_src_path and os.path.abspath(file.abs_src_path) in library
        ):
            files.remove(file)


def place(file: File, url: str, dest: str) -> None:
    """Publish `file` at `url`, written to `dest` under the site folder."""
    file.dest_uri = dest
    file.url = url
    file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, dest))


class SiteStructure:
    """Every page papernotes adds to one build, and what is appended to the writer's own pages."""

    def __init__(
        self, options: PapernotesConfig, config: Any, site: Site, renderer: Any, diagnostics: Diagnostics, states: PageStates,
    ) -> None:
        self.options, self.config, self.site = options, config, site
        self.blog, self.papers = site.blog, site.papers
        self.renderer = renderer
        self.diagnostics = diagnostics
        self.states = states
        self.pages: list[Any] = []  # every page papernotes made, for the page cache
        self.listings: list[tuple[ListingPage, str]] = []  # every listing page, by the src_uri showing it
        self.fills: dict[str, Callable[[Any], str]] = {}  # src_uri of a writer's page -> what papernotes appends to it

    @property
    def posts(self) -> list[PostPage]:
        return [page for page in self.pages if isinstance(page, PostPage)]

    def add_posts(self, files: Files, posts: list[File], cache: Any, last_url: dict[str, str], serve: bool) -> None:
        """Place each valid post at its URL, out of the nav; a broken one shows its errors under serve."""
        for file in posts:
            entry = self.site.entries.get(file.src_uri)
            if entry is None:  # broken, a draft, or its URL taken
                files.remove(file)
                if serve and file.src_uri in self.site.broken:
                    self._add_error_page(files, file, self.site.broken[file.src_uri], last_url)
                continue
            place(file, entry.url, entry.dest)
            file.inclusion = InclusionLevel.NOT_IN_NAV
            self.pages.append(PostPage(entry, file, self.config, self.renderer, cache, state=self.states.at(file.src_uri)))
            last_url[file.src_uri] = entry.url

    def add_generated(self, files: Files) -> None:
        self._add_home_pages(files)
        self._add_topic_pages(files)
        self._add_paper_pages(files)

    def fill(self, page: Any) -> None:
        """Append what papernotes lists on `page` (listings of posts, topics, papers), after search has seen it."""
        fill = getattr(page, "fill", None) or self.fills.get(page.file.src_uri)
        if fill is None:
            return
        before = page.content or ""
        state = self.states.of(page)
        state.own_content = before  # what a search that indexes records keeps of a writer's page (pagefind.py)
        extra = fill(page)
        page.content = filled(before, extra)
        # Known content and a known fill: the page cache keys the whole by their keys.
        known, key = state.content, self.renderer.key_of(extra)
        state.content = (page.content, digest(known[1], key)) if known and known[0] is before and key else None

    def listing_pages(self, entry: PostEntry, files: Files) -> list[Any]:
        """The pages listing `entry` (home and topic pages, the writer's own included)."""
        return [
            files.get_file_from_path(src_uri).page
            for listing, src_uri in self.listings
            if any(item is entry for item in listing.items)
        ]

    def _generated(self, files: Files, stem: str, title: str, *, in_nav: bool = False, **kwargs: Any) -> GeneratedPage | None:
        """Add a page papernotes renders; a page the writer wrote at that place wins.

        The writer's page keeps its content, and what papernotes would have
        listed there (posts, topics, papers) is appended under it.
        """
        src_uri = src_uri_of(stem)
        own = files.src_uris.get(src_uri)  # the address is already in MkDocs' form
        if own is not None:
            content, fill = kwargs.get("content"), kwargs.get("fill")
            parts = [part for part in (content, fill) if callable(part)]
            heading = fragments.render("section-heading.html", title=title)
            self.fills[src_uri] = lambda page: heading + "".join(part(page) for part in parts)
            return None
        url, dest = page_url(stem, self.config.use_directory_urls)
        file = File.generated(self.config, src_uri, content="")
        place(file, url, dest)
        file.inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        files.append(file)
        page = GeneratedPage(title, file, self.config, key_of=self.renderer.key_of, state=self.states.at(file.src_uri), **kwargs)
        self.pages.append(page)
        return page

    def _add_home_pages(self, files: Files) -> None:
        home_title = self.options.home_title
        for page in self.blog.home_pages(self.config.use_directory_urls):
            title = home_title if page.number == 1 else f"{home_title}, page {page.number}"
            self._generated(files, page.stem, title, search=False, fill=self._listing_filler(page))
            self.listings.append((page, src_uri_of(page.stem)))

    def _add_topic_pages(self, files: Files) -> None:
        blog, config = self.blog, self.config
        topics = blog.topics.sorted()
        renderer = self.renderer
        self._generated(
            files, blog.options.topics_dir, "Topics", in_nav=True,
            content=lambda page: renderer.topics_index(topics, page.url),
        )
        for topic in topics:
            for listing in blog.topic_pages(topic, config.use_directory_urls):
                title = topic.name if listing.number == 1 else f"{topic.name}, page {listing.number}"
                self._generated(
                    files, listing.stem, title, search=listing.number == 1,
                    content=lambda page, topic=topic: fragments.render("topic-intro.html", topic=topic),
                    fill=self._topic_filler(topic, listing),
                    feed=(f"{config.site_name}: {topic.name}", blog.topic_folder(topic)),
                )
                self.listings.append((listing, src_uri_of(listing.stem)))

    def _add_paper_pages(self, files: Files) -> None:
        papers = self.papers.sorted()
        renderer = self.renderer
        self._generated(
            files, self.blog.options.papers_dir, "Papers", in_nav=True, search=False,
            content=lambda page: renderer.papers_index(papers, self.blog.topics.sorted(), page.url),
        )
        for paper in papers:
            stem = paper.url.removesuffix("/").removesuffix(".html")
            self._generated(
                files, stem, paper.record.label,
                description=f"Notes on {paper.record.label}",
                content=lambda page, paper=paper: renderer.paper_page(paper, page.url),
                fill=lambda page, paper=paper: renderer.paper_posts(paper, page.url),
            )

    def _listing_filler(self, listing: ListingPage) -> Callable[[Any], str]:
        return lambda page: self.renderer.listing(listing, page.url)

    def _topic_filler(self, topic: Topic, listing: ListingPage) -> Callable[[Any], str]:
        """A topic's posts, and on its first page its papers."""
        def fill(page: Any) -> str:
            posts = self.renderer.listing(listing, page.url)
            return posts + (self.renderer.topic_papers(topic, page.url) if listing.number == 1 else "")
        return fill

    def _add_error_page(self, files: Files, file: File, shown: str, last_url: dict[str, str]) -> None:
        """Under serve, a broken post shows its errors at its address instead of vanishing."""
        stem = last_url.get(file.src_uri, "").strip("/") or f"{self.options.posts_dir.strip('/')}/{file.name}"
        problems = [d for d in self.diagnostics if d.file == shown]
        self._generated(
            files, stem.removesuffix("/index.html").removesuffix(".html"), f"Error in {shown}",
            search=False, content=fragments.render("error-page.html", file=shown, problems=problems),
        )
