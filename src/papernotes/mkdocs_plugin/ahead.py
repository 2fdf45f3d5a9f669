"""When and on what the forked helpers (helper.py) work during one build.

Three jobs, each started at a point of the build and met by it later:

- the library files are parsed while MkDocs starts up (`parse_library`, met in ``on_files``);
- posts are converted from the last one while MkDocs converts from the first
  (`convert_posts`, armed in ``on_nav``);
- papernotes' pages are rendered into the theme and indexed from the last one
  (`render_pages`, armed in ``on_env``).

A helper's results reach the build only through the caches, so the output is
the same whatever it did; the build tells it which pages it has taken (`claim`).
"""

from __future__ import annotations

import os
from typing import Any, Callable

from papernotes.core.diagnostics import Diagnostics
from papernotes.core.sources.library import Library
from papernotes.core.site import SiteOptions

from . import helper as helpers
from .mkdocs_private import current_page, set_current_page


class Ahead:
    """The helpers of one plugin instance; none under serve, or with `parallel: false`."""

    def __init__(self) -> None:
        self.helper: helpers.Helper | None = None
        self.library_helper: helpers.Helper | None = None
        self._armed: tuple[int, Any, Any, Any] | None = None  # a helper to start once the build has done a page
        self._index: dict[int, int] = {}  # id(page) -> its place in the helper's list

    @staticmethod
    def may_fork(parallel: bool, serve: bool) -> bool:
        return parallel and not serve and helpers.available()

    def parse_library(self, options: SiteOptions) -> None:
        """Parse the library files in a helper while MkDocs starts up; `on_files` finds them in the store.

        A large `.bib` takes a while to parse and nothing else depends on it until
        `on_files`; the helper leaves its parse in `.cache/papernotes`, as a build would.
        """
        if options.cache_dir is None or not options.library:
            return

        def parse(_: int) -> None:
            Library.load(options.library, options.project_dir, Diagnostics(), options.cache_dir)

        self.library_helper = helpers.Helper(1, parse)

    def wait_library(self) -> None:
        if self.library_helper is not None:
            self.library_helper.wait()
            self.library_helper = None

    def convert_posts(self, posts: list[Any], config: Any, files: Any, first_missed: Callable[[], bool]) -> None:
        """Arm a helper that converts posts from the last one into the conversion cache."""
        if len(posts) <= 2:
            return
        self._number(posts)

        def convert(index: int) -> None:
            page = posts[index]
            set_current_page(config, page)
            page.read_source(config)
            page.render(config, files)  # lands in the on-disk conversion cache

        self._armed = (len(posts), convert, None, first_missed)

    def render_pages(self, pages: list[Any], render_one: Callable[[Any], None], pack: Any, config: Any, first_missed: Callable[[], bool]) -> None:
        """Arm a helper that renders and indexes `pages` from the last one, as MkDocs would."""
        self._number(pages)

        def render(index: int) -> list[Any]:
            page = pages[index]
            page.active = True
            set_current_page(config, page)
            try:
                render_one(page)
            finally:
                page.active = False
            return pack.take_fresh()

        def setup() -> None:
            current_page(config).active = False  # the page the build is on when the helper starts is the build's
            pack.take_fresh()  # the helper sends back only what it makes itself
            # Folders first, in the build's order: creating thousands of them is slow on
            # some disks, and the build then finds each one already made.
            for page in pages:
                os.makedirs(os.path.dirname(page.file.abs_dest_path), exist_ok=True)

        if len(pages) > 2:
            self._armed = (len(pages), render, setup, first_missed)

    def _number(self, pages: list[Any]) -> None:
        self._index.update((id(page), index) for index, page in enumerate(pages))

    def claim(self, page: Any) -> None:
        """Tell the helper the build has taken `page`; start the helper at the build's second page.

        Starting it then, not before, lets it inherit what the first page
        loaded and compiled (templates, Markdown extensions, lexers). And when
        the first page came from the cache, most others will too: a helper
        would only add the cost of forking.
        """
        index = self._index.get(id(page), -1)
        if self._armed is not None and index >= 1:
            count, work, setup, first_missed = self._armed
            self._armed = None
            if first_missed() and helpers.available():  # again: a plugin may have started a thread since
                self.helper = helpers.Helper(count, work, taken=index, setup=setup)
        elif self.helper is not None:
            self.helper.claim(index)

    def receive(self, page: Any, pack: Any) -> None:
        """Take what the helper rendered so far, and tell it this page is taken."""
        self.claim(page)
        if self.helper is not None:
            for pairs in self.helper.receive():
                pack.receive(pairs)

    def stop(self) -> None:
        self._armed = None
        self._index.clear()
        if self.library_helper is not None:
            self.library_helper.stop()
            self.library_helper = None
        if self.helper is not None:
            self.helper.stop()
            self.helper = None
