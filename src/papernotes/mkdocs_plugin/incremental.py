"""The speed machinery behind one object: what the plugin's events call so that rebuilds reuse work.

Four parts, each in its own module, all keyed from `.cache/papernotes`:

- the conversion cache (cache.py): a post's Markdown conversion and its page;
- the page pack (page_cache.py): the theme's output and search entries of papernotes' pages,
  feeds (feeds.py asks `feed_store`) and e-mail editions (newsletter.py);
- the output folder (output.py): a page whose file already holds its output is not written again;
- forked helpers (ahead.py, helper.py) doing the same work from the other end of the site.

With caching off (`cache: false`, PAPERNOTES_NO_CACHE=1) every call here does
nothing and the build is MkDocs' own; the output is the same either way.
Serve's quick rebuilds (live.py) use the last build's state kept here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

from mkdocs.structure.files import Files, InclusionLevel

from papernotes.core.cache import Pack
from papernotes.core.digest import digest, hash_bytes
from papernotes.core.site import SiteOptions

from .ahead import Ahead
from .cache import cache_dir, open_cache, pack_path
from .config import PapernotesConfig
from .mkdocs_private import get_context
from .output import OutputFolder
from .page_cache import KEPT, PageOutputs, TemplateBytecode
from .state import PageStates

log = logging.getLogger("mkdocs.plugins.papernotes")

ContextHook = Callable[..., dict]


class Incremental:
    """The caches, output folder and helpers of one plugin instance; `start` begins each build."""

    def __init__(self) -> None:
        self.options = PapernotesConfig()  # the plugin's, from on_config on
        self.serve = self.dirty = False  # from on_startup
        self.pack: Pack | None = None  # rendered frames and search entries, kept in memory under serve
        self.ahead = Ahead()
        self.forget(PageStates())

    def forget(self, states: PageStates) -> None:
        """Let go of what the last build made; `states` is the next build's, owned by the plugin."""
        self.states = states
        self.cache: Any = None  # the conversion cache (a ConversionCache), when on
        self.outputs: PageOutputs | None = None
        self.output_folder: OutputFolder | None = None

    def may_fork(self) -> bool:
        return Ahead.may_fork(self.options.parallel, self.serve)

    # -- on_config and on_shutdown ---------------------------------------------

    def configure(self, options: PapernotesConfig, site: SiteOptions) -> None:
        """Take the plugin's options; parse the library in a helper while MkDocs starts up."""
        self.options = options
        if self.may_fork():
            self.ahead.parse_library(site)

    def shutdown(self) -> None:
        if self.output_folder is not None:  # serve stopped mid-build: nothing set aside stays behind
            self.output_folder.abandon()

    # -- on_pre_build and on_files ---------------------------------------------

    # MkDocs deletes the output folder right after on_pre_build; papernotes keeps it (see output.py).
    def start(self, config: Any) -> None:
        root = cache_dir(config, dict(self.options))
        if root is not None and OutputFolder.applies(config, self.dirty):  # `cache: false`: MkDocs' own clean build
            # serve builds into a new temporary folder each time it starts: one manifest for all of them
            site = "serve" if self.serve else hash_bytes(os.path.abspath(config.site_dir).encode(), 8)
            self.output_folder = OutputFolder(config, os.path.join(root, f"output-{site}.marshal"))
            self.output_folder.set_aside()

    def open(self, config: Any) -> None:
        """Open the conversion cache and load the page pack (kept in memory under serve)."""
        self.cache = open_cache(config, dict(self.options))
        root = cache_dir(config, dict(self.options))
        if root is None:
            self.pack = None
            return
        path = Path(pack_path(root))
        if self.pack is None or self.pack.path != path:
            self.pack = Pack(path)
        self.pack.load()

    def wait_library(self) -> None:
        """The library is about to be read: let the helper parsing it finish."""
        self.ahead.wait_library()

    @property
    def fragment_store(self) -> tuple[Pack | None, str]:
        """Where the renderer keeps fragments, and the conversion context their keys include."""
        return (self.pack, self.cache.context) if self.cache is not None else (None, "")

    @property
    def feed_store(self) -> Pack | None:
        """Where feeds are kept between builds: with the pages' outputs, when those are kept."""
        return self.pack if self.outputs is not None else None

    # -- the page loops ----------------------------------------------------------

    def convert_ahead(self, posts: list[Any], config: Any, files: Files) -> None:
        """The files are final: arm a helper converting posts from the last one."""
        if self.cache is not None and self.may_fork():
            cache = self.cache
            self.ahead.convert_posts(posts, config, files, lambda: cache.misses + cache.skipped > 0)

    def claim(self, page: Any) -> None:
        self.ahead.claim(page)

    def output_in_place(self) -> None:
        """The last build's output folder back in place (see output.py), before anything writes into it."""
        if self.output_folder is not None:
            self.output_folder.put_back()

    def converted(self, posts: int) -> None:
        """Every post is converted: MkDocs writes from here on; the helper stops."""
        self.output_in_place()
        self.ahead.stop()
        if self.cache is not None:
            self.cache.prune(posts)  # drop unused entries
            log.debug(f"papernotes: {self.cache.hits} posts reused from .cache/papernotes, {self.cache.misses + self.cache.skipped} converted")

    def ready(self, config: Any, nav: Any, env: Any, pages: list[Any]) -> None:
        """Before the page loop: render papernotes' pages through the page cache."""
        if self.cache is None:
            return
        root = cache_dir(config, dict(self.options))
        self.outputs = PageOutputs(self.pack, config, nav, env, self.states)
        for page in pages:
            self.outputs.wrap(page)
        # MkDocs makes a new template environment for every build, serve's rebuilds
        # included; compiled templates are kept (Jinja checks each against its source).
        if env.bytecode_cache is None:
            env.bytecode_cache = TemplateBytecode(os.path.join(root, "templates"))

    def render_ahead(self, config: Any, files: Files, nav: Any, env: Any, hooks: tuple[ContextHook, ContextHook, ContextHook]) -> None:
        """Arm a helper that renders and indexes papernotes' pages from the last one, as MkDocs would.

        `hooks` are the plugin's own page-context steps: before search, after it, and last.
        """
        if self.outputs is None or not self.may_fork():
            return
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [file.page for file in doc_files if self.states.wrapped(file.page)]
        search, outputs = self.outputs.search_plugin, self.outputs
        before, after, last = hooks

        def render_one(page: Any) -> None:
            # The steps of MkDocs' _build_page up to the template, with papernotes' and search's hooks.
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = before(context, page=page, config=config, nav=nav)
            if search is not None:
                search.on_page_context(context, page=page, config=config, nav=nav)
            context = after(context, page=page, config=config, nav=nav)
            context = last(context, page=page, config=config, nav=nav)
            outputs.after_render(page, template.render(context))

        self.ahead.render_pages(pages, render_one, self.pack, config, lambda: outputs.misses > 0)

    # Before the search plugin: a page whose search entries are stored is added to the index directly.
    def before_search(self, page: Any) -> None:
        if self.outputs is not None and self.states.wrapped(page):
            self.ahead.receive(page, self.pack)
            self.outputs.before_search(page)

    def after_search(self, page: Any) -> None:
        if self.outputs is not None:
            self.outputs.after_search(page)

    # Last, when the page and its context are final: reuse its stored theme output.
    def before_render(self, page: Any, context: dict, feeds: Callable[[], Any]) -> None:
        if self.outputs is not None and self.states.wrapped(page):
            self.outputs.before_render(page, context, excluded=page.file.inclusion.is_excluded())
            # When the output folder already holds what this page gives, nothing is made (output.py).
            state = self.states.of(page)
            if self.output_folder is not None and state.frame_key is not None:
                if self.output_folder.unchanged(page, digest(state.frame_key, feeds())):
                    state.frame = KEPT

    # First of on_post_page: the theme's output of a page that missed, before other plugins change it.
    def after_render(self, page: Any, output: str) -> None:
        if self.outputs is not None:
            self.outputs.after_render(page, output)

    # Last of on_post_page: a page whose file already holds this output is not written again.
    def keep_output(self, page: Any, output: str) -> str:
        return self.output_folder.output(page, output) if self.output_folder is not None else output

    def rewrap(self, page: Any) -> None:
        """Serve's quick rebuild read `page` again: the page cache wraps it as before."""
        if self.outputs is not None and self.states.wrapped(page):
            self.outputs.wrap(page)

    # -- on_post_build and on_build_error --------------------------------------

    def finish(self, config: Any, files: Files, pages: int) -> None:
        """Stored frames and search entries are written for the next build; stale files are removed."""
        self.ahead.stop()
        if self.output_folder is not None:
            inclusion = InclusionLevel.is_in_serve if self.serve else InclusionLevel.is_included
            self.output_folder.finish(files, config, inclusion)
        outputs = self.outputs
        if outputs is not None:
            log.debug(f"papernotes: {outputs.hits} pages and {outputs.search_hits} search entries reused, {outputs.misses} pages rendered")
            outputs.pack.save(prune=outputs.seen >= pages)

    def stop_helpers(self) -> None:
        self.ahead.stop()

    def failed(self) -> None:
        """A failed build leaves no helper behind."""
        self.ahead.stop()
        if self.output_folder is not None:
            self.output_folder.abandon()
