"""Every use papernotes makes of MkDocs' and Material's private parts, in one place.

MkDocs 1.6 offers no event or public function for any of these; each says why
papernotes needs it. `tests/site/test_mkdocs_private.py` checks each against
the installed MkDocs and Material and fails loudly when an upgrade changes one.
"""

from __future__ import annotations

from typing import Any, Callable

from mkdocs.commands.build import _build_page, _populate_page, get_context

__all__ = [
    "build_page", "current_page", "get_context", "pause_search", "populate_page", "served_paths",
    "set_current_page", "write_search_index_with",
]


def populate_page(page: Any, config: Any, files: Any) -> None:
    """Read and convert one page again, as MkDocs' first page loop does.

    Serve's quick rebuild (live.py) redoes one page; MkDocs only rebuilds all of them.
    """
    _populate_page(page, config, files)


def build_page(page: Any, config: Any, doc_files: Any, nav: Any, env: Any, *, excluded: bool) -> None:
    """Render and write one page with every plugin's page events, as MkDocs' second page loop does (live.py)."""
    _build_page(page, config, doc_files, nav, env, excluded=excluded)


def set_current_page(config: Any, page: Any) -> None:
    """Make `page` the page being built: Markdown extensions and templates read it from the config.

    A forked helper (ahead.py) converts and renders pages outside MkDocs' loop, which sets it otherwise.
    """
    config._current_page = page


def current_page(config: Any) -> Any:
    return config._current_page


def served_paths(server: Any) -> list[str]:
    """Every path `mkdocs serve` watches (a change to any of them starts a rebuild); MkDocs 1.x keeps no public list."""
    return list(getattr(server, "_watched_paths", None) or ())


def write_search_index_with(index: Any, write: Callable[[Any], str]) -> None:
    """Have Material's search plugin write its index file with `write` (page_cache.py's `_search_json`).

    Material encodes every entry again on each build; papernotes keeps each page's
    entries as JSON text and joins them. Material has no hook for this.
    """
    index.generate_search_index = write


def write_search_index_as_material(index: Any, prev: Any) -> str:
    """Material's own index writer, whatever `write_search_index_with` set."""
    return type(index).generate_search_index(index, prev)


def pause_search(search_plugin: Any, paused: bool) -> None:
    """Keep Material's search plugin from reading a page papernotes has indexed already (page_cache.py).

    A page's `search: exclude` meta makes the plugin skip indexing, but it still
    scans every byte of the content for `data-search-*` attributes; with none
    there, the plugin is switched off for that page and on again after it.
    """
    search_plugin.config.enabled = not paused
