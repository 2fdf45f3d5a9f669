"""The pages of one build, as MkDocs files and pages: posts at their URLs, and the pages papernotes generates.

As in Material's blog plugin, each kind of page is a page type (pages.py:
`PostPage` for posts, `GeneratedPage` for home, topic, paper and error
pages). Which pages papernotes generates, and what each shows, is the core's
(core/views/site_pages.py, shared with the Zensical staging); this module
makes MkDocs files and pages of them, and places the posts at their URLs.
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
from papernotes.core.views.site_pages import GeneratedPageSpec, generated_pages
from papernotes.core.site import Site, SiteOptions

from .config import PapernotesConfig
from .pages import GeneratedPage, PostPage
from .state import PageStates


def remove_sources(files: Files, options: SiteOptions) -> None:
    """Sources papernotes reads are not part of the published site (the authors and library files), nor editors' backups.

    Every kind of file: MkDocs copies a .bib, a .yml or a `post.md~` as a media file, not a page.
    """
    for file in [f for f in files if not f.is_documentation_page()]:
        if options.never_published(file.src_uri, file.abs_src_path):
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

    def add_generated(self, files: Files) -> None:
        """Home, topic and paper pages, as the core lists them (core/views/site_pages.py)."""
        for spec in generated_pages(
            self.site, self.renderer, home_title=self.options.home_title, site_name=self.config.site_name,
            directory_urls=self.config.use_directory_urls,
        ):
            self._generated(files, spec)
            if spec.listing is not None:
                self.listings.append((spec.listing, src_uri_of(spec.stem)))

    def _generated(self, files: Files, spec: GeneratedPageSpec) -> GeneratedPage | None:
        """Add a page papernotes renders; a page the writer wrote at that place wins.

        The writer's page keeps its content, and what papernotes would have
        listed there (posts, topics, papers) is appended under it.
        """
        src_uri = src_uri_of(spec.stem)
        if src_uri in files.src_uris:  # the address is already in MkDocs' form
            self.fills[src_uri] = lambda page: spec.under_writer_page(page.url)
            return None
        url, dest = page_url(spec.stem, self.config.use_directory_urls)
        file = File.generated(self.config, src_uri, content="")
        place(file, url, dest)
        file.inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(file)
        content, fill = spec.content, spec.fill
        page = GeneratedPage(
            spec.title, file, self.config, search=spec.search, description=spec.description, feed=spec.feed,
            content=(lambda page: content(page.url)) if content is not None else "",
            fill=(lambda page: fill(page.url)) if fill is not None else None,
            key_of=self.renderer.key_of, state=self.states.at(file.src_uri),
        )
        self.pages.append(page)
        return page

    def _add_error_page(self, files: Files, file: File, shown: str, last_url: dict[str, str]) -> None:
        """Under serve, a broken post shows its errors at its address instead of vanishing."""
        stem = last_url.get(file.src_uri, "").strip("/") or f"{self.options.posts_dir.strip('/')}/{file.name}"
        html = fragments.render("error-page.html", file=shown, problems=[d for d in self.diagnostics if d.file == shown])
        stem = stem.removesuffix("/index.html").removesuffix(".html")
        self._generated(files, GeneratedPageSpec(stem, f"Error in {shown}", content=lambda url: html, search=False))
