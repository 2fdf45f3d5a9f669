"""The papernotes MkDocs plugin: its events, in the order MkDocs calls them, each handing work to the core.

The comment above each event says what papernotes does there and why then;
docs/architecture.md follows one post from file to page, feed and search entry.
Everything that makes rebuilds fast (caches, the output folder, forked helpers) sits behind
`self.incremental` (incremental.py), called at a handful of points; with caching off those calls do nothing.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files

from papernotes.core.addresses import check_addresses
from papernotes.core.citations import CitationExtension
from papernotes.core.blog import Blog
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.views.mathml import render_math
from papernotes.core.site import PostSource, SiteOptions, load_site, note_untitled_papers

from . import assets
from .cache import cache_dir
from .config import PapernotesConfig, site_options
from .page_cache import search_index
from . import live
from .feeds import SiteFeeds
from .incremental import Incremental
from .messages import report
from . import pagefind
from .newsletter import Newsletter
from .pages import PostPage
from .render import PostRenderer
from .state import PageStates
from .structure import SiteStructure, remove_sources


class PapernotesPlugin(BasePlugin[PapernotesConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self.incremental = Incremental()  # caches, output folder and helpers (incremental.py)
        self._forget_build()
        self.diagnostics = Diagnostics()
        self._reported = 0
        self._last_url: dict[str, str] = {}  # src_uri -> URL, so a broken post keeps its address under serve
        self.citations = CitationExtension()
        self.server: Any = None  # `mkdocs serve`'s server, once it serves
        self.pagefind: pagefind.PagefindSearch | None = None  # with `search: pagefind`

    def _forget_build(self) -> None:
        """Let go of everything one build made, so that the next one starts from nothing."""
        self.blog: Blog | None = None
        self.papers = self._nav = self._env = self._files = None
        self.live: live.LiveSite | None = None  # the last complete serve build, for quick rebuilds
        self.structure: SiteStructure | None = None  # every page papernotes adds, and what it appends to the writer's
        self.states = PageStates()  # what papernotes knows of each page, by src_uri (state.py)
        self.incremental.forget(self.states)
        self._entries: dict[str, Any] = {}  # src_uri -> the post placed there
        self.feeds: SiteFeeds | None = None
        self.newsletter: Newsletter | None = None  # e-mail editions, link previews, cite and subscribe blocks
        self._inputs: tuple[list[str], dict[str, Any]] | None = None  # serve: what the build reads, and its stamps

    # Serve shows drafts and keeps going on errors; build leaves drafts out and stops.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.is_serve = self.incremental.serve = command == "serve"
        self.incremental.dirty = dirty

    # Set up once per configuration: the citation extension, Pagefind, the caches.
    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        assets.link(config)
        # One extension instance for the whole build; it acts only while a post has a session.
        if self.citations not in config.markdown_extensions:
            config.markdown_extensions.append(self.citations)
        self.pagefind = pagefind.configure(config, self.config.search, cache_dir(config, dict(self.config)))
        self.incremental.configure(self.config, self.site_options(config))
        return config

    # Under serve, the inputs' stamps are taken before anything is read, so an
    # edit made during the build is seen by the next one.
    # MkDocs deletes the output folder right after this; papernotes keeps it (see output.py).
    def on_pre_build(self, *, config: Any) -> None:
        # Under serve, the last build's pages and posts go before the next build makes its own.
        # They are full of reference cycles (pages and files point at each other), which only
        # the cycle collector frees: run it now, or both builds are in memory at once.
        rebuild = self.blog is not None
        if self.pagefind is not None:
            self.pagefind.wait()  # serve: a quick rebuild's indexing writes into the folder this build sets aside
        self._forget_build()
        if rebuild:
            gc.collect()
        if not self.config.enabled:
            return
        if self.is_serve:
            roots = live.watched_roots(config, self.config, self.server)
            self._inputs = (roots, live.snapshot(roots))
        self.incremental.start(config)

    # Posts are read here, before MkDocs builds its navigation, so that they can
    # be kept out of it and so that every error is known before any conversion.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: Any) -> Files:
        if not self.config.enabled:
            return files
        self.diagnostics = Diagnostics()
        self._reported = 0
        options = self.site_options(config)
        prefix = options.blog.posts_dir + "/"
        remove_sources(files, options)
        posts = [file for file in files.documentation_pages() if file.src_uri.startswith(prefix)]
        self.incremental.wait_library()
        site = load_site(
            (PostSource(file.src_uri, file.abs_src_path, file.content_bytes) for file in posts), options, self.diagnostics
        )
        self.blog, self.library, self.papers = site.blog, site.library, site.papers
        note_untitled_papers(site, self.diagnostics)
        check_addresses(site, files, config, options, self.diagnostics)
        self._entries = site.entries
        # Conversions reused from .cache/papernotes/.
        self.incremental.open(config)
        renderer = PostRenderer(
            site.blog, self.diagnostics, self.citations, site.library, site.papers, *self.incremental.fragment_store,
        )
        self.structure = SiteStructure(self.config, config, site, renderer, self.diagnostics, self.states)
        self.structure.add_posts(files, posts, self.incremental.cache, self._last_url, self.is_serve)
        self.structure.add_generated(files)
        self.feeds = SiteFeeds(self.config.feed_format, self.config.feed_length)
        self.feeds.add(files, config, site.blog)
        self.newsletter = Newsletter(self.config.newsletter, site.blog, site.papers, self.config.feed_length)
        self.newsletter.add_files(files, config, list(site.entries.values()))
        assets.add(files, config)
        if self.pagefind is not None:
            self.pagefind.add_files(files, config)
        self._report(abort=not self.is_serve)
        return files

    # The navigation is final here; the page cache's signature includes it. The
    # files are final too: a helper starts converting posts from the last one.
    @event_priority(-100)
    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        self._nav = nav
        self.incremental.convert_ahead(self.structure.posts if self.structure is not None else [], config, files)
        if self.pagefind is not None:
            self.pagefind.expect(files, serve=self.is_serve)
        return nav

    # Search records need the content of posts and the writer's pages only: Pagefind
    # starts before the page after the last of them, while MkDocs converts papernotes'
    # other pages on one core, not at `on_env`. Not on a build that is failing.
    def on_pre_page(self, page: Any, *, config: Any, files: Files) -> Any:
        if self.pagefind is not None and self.pagefind.ready() and self.blog is not None and not self.diagnostics.has_errors:
            self.index_search(config, files)
        return page

    # First of the page's Markdown events: tell the helper this post is taken.
    @event_priority(100)
    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if isinstance(page, PostPage):
            self.incremental.claim(page)
        return markdown

    # Posts get MathML in their conversion (so feeds and the cache carry it);
    # the writer's other pages get it here.
    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if self.pagefind is not None:
            self.pagefind.converted(page)
        return html if isinstance(page, PostPage) else render_math(html)

    # Errors found while converting (citations, bibliography files) stop a build here,
    # before any page is written. Last of the plugins' on_env, so that the
    # template environment the page cache signs is the one pages render with.
    @event_priority(-100)
    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        self._files, self._env = files, env
        self.incremental.converted(len(self.blog.entries) if self.blog is not None else 0)
        self._report(abort=not self.is_serve)
        if self.blog is not None:
            self.incremental.ready(config, self._nav, env, self.structure.pages)
        if self.feeds is not None:
            self.feeds.fill(config, self.incremental.feed_store)
        if self.newsletter is not None:
            self.newsletter.fill(config, self.incremental.feed_store)
        if self.pagefind is not None and self.blog is not None and self.pagefind.ready(at_last=True):
            self.index_search(config, files)  # not started while pages were converted (the last one needed was last)
        hooks = (self._search_from_cache, self._fill_listings, self._output_from_cache)
        self.incremental.render_ahead(config, files, self._nav, env, hooks)
        return env

    # Before the search plugin (priority 0): a page whose search entries are
    # stored is added to the index directly, and the plugin skips it.
    @event_priority(50)
    def _search_from_cache(self, context: dict, *, page: Any, config: Any, nav: Any) -> dict:
        self.incremental.before_search(page)
        return context

    # Listings go in after the search plugin (priority 0) indexed the page, so
    # search results point at posts, not at every page that lists them.
    @event_priority(-50)
    def _fill_listings(self, context: dict, *, page: Any, config: Any, nav: Any) -> dict:
        self.incremental.after_search(page)
        if self.structure is not None:
            self.structure.fill(page)
        return context

    # Last of all, when the page and its context are final: reuse its stored theme output.
    @event_priority(-1000)
    def _output_from_cache(self, context: dict, *, page: Any, config: Any, nav: Any) -> dict:
        self.incremental.before_render(page, context, lambda: self.feeds.links(page, config) if self.feeds is not None else [])
        return context

    on_page_context = CombinedEvent(_search_from_cache, _fill_listings, _output_from_cache)

    # First of all: store the theme's output of a page that missed the cache,
    # before other plugins change it (they run again on every build).
    @event_priority(100)
    def _store_output(self, output: str, *, page: Any, config: Any) -> str:
        self.incremental.after_render(page, output)
        return output

    # Feed links go into every page's <head>, so readers' feed finders see them.
    def _add_feed_links(self, output: str, *, page: Any, config: Any) -> str:
        return self.feeds.add_links(output, page, config) if self.feeds is not None else output

    # Link previews, "Cite this post" and the subscribe form: after the page cache stored the output.
    def _add_newsletter(self, output: str, *, page: Any, config: Any) -> str:
        return self.newsletter.add_to_page(output, page, config) if self.newsletter is not None else output

    # Last of all: a page whose file already holds this output is not written again.
    @event_priority(-10000)
    def _keep_output(self, output: str, *, page: Any, config: Any) -> str:
        return self.incremental.keep_output(page, output)

    on_post_page = CombinedEvent(_store_output, _add_feed_links, _add_newsletter, _keep_output)

    # Stored frames and search entries are written once, for the next build; after
    # the search index is written, files a clean build would not have are removed.
    @event_priority(-100)
    def on_post_build(self, *, config: Any) -> None:
        self.incremental.stop_helpers()
        if self.pagefind is not None:
            self.pagefind.indexed(serve=self.is_serve)
        self.incremental.finish(config, self._files, len(self.structure.pages) if self.structure is not None else 0)
        if self._inputs is not None and self.blog is not None:
            search = search_index(config)
            self.live = live.LiveSite(
                config, self._files, self._nav, self._env, *self._inputs,
                {page.file.abs_src_path: page.file.src_uri for page in self.structure.posts},
                search[0] if search else None,
            )
        self._inputs = None

    # A failed build leaves no helper behind, and no state for a quick rebuild. Its
    # search index is let finish: the next build writes where it writes.
    def on_build_error(self, *, error: Exception) -> None:
        self.incremental.failed()
        if self.pagefind is not None:
            self.pagefind.wait()
        self.live = None

    # `mkdocs serve` watches only docs/ and mkdocs.yml; library files (and an
    # authors file moved out of docs/) are read too, so edits to them rebuild.
    # An edit of a post's text rebuilds only the pages showing it (see live.py).
    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.blog is None:
            return server
        sources = [*self.library.files, os.path.join(config.docs_dir, self.config.authors_file)]
        for path in sources:
            if os.path.isfile(path):
                server.watch(str(path))
        server.builder = live.LiveUpdater(self, server.builder)
        self.server = server
        return server

    # The last event of `mkdocs build` and `gh-deploy`: the process ends right after. Python
    # would first run its cycle collector over every object the build made (about 1.5 s
    # at 2,000 posts); frozen, they are left for the system to reclaim. Never under serve,
    # which goes on building.
    def on_shutdown(self) -> None:
        self.incremental.shutdown()
        if getattr(self, "command", None) in ("build", "gh-deploy"):
            gc.freeze()

    # -- for quick rebuilds under serve (live.py) -------------------------------

    def entry_for(self, src_uri: str) -> Any:
        return self._entries.get(src_uri)

    def listing_pages(self, entry: Any) -> list[Any]:
        """The pages listing `entry` (home and topic pages, the writer's own included)."""
        return self.structure.listing_pages(entry, self._files)

    def refill_feeds(self, config: Any, entries: list[Any]) -> list[tuple[File, bytes]]:
        """Fill again the feeds and e-mail editions carrying any of `entries`; the (file, content) of those that changed."""
        changed = self.feeds.refill(config, self.incremental.feed_store, entries) if self.feeds is not None else []
        return changed + (self.newsletter.fill(config, self.incremental.feed_store, entries) if self.newsletter is not None else [])

    def report(self) -> None:
        self._report(abort=False)

    def index_search(self, config: Any, files: Files, *, background: bool = False) -> None:
        """With `search: pagefind`: start indexing the site's pages as they are now (a build, or serve's quick rebuilds)."""
        pages = pagefind.writer_pages(files, self.states, serve=self.is_serve)
        self.incremental.output_in_place()  # the index goes into it, and the one there may be kept
        self.pagefind.start(config, self.blog, self.papers.sorted(), pages, background=background, fork=self.incremental.may_fork())

    # -- helpers ---------------------------------------------------------------

    def site_options(self, config: Any) -> SiteOptions:
        return site_options(self.config, config, drafts=self.is_serve)

    def _report(self, *, abort: bool) -> None:
        """Log what is new since the last report; stop the build on errors unless serving."""
        self._reported = report(self.diagnostics, self._reported, abort=abort)
