"""The private parts of MkDocs and Material papernotes uses (mkdocs_private.py) are still what it expects.

Each test fails loudly when an upgrade of MkDocs or Material renames, removes
or changes one of them, before a build or a serve session quietly goes wrong.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from mkdocs.commands import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer

from papernotes.mkdocs_plugin import mkdocs_private, page_cache


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_mkdocs_builds_one_page_with_the_steps_papernotes_calls() -> None:
    assert _parameters(build._build_page)[:5] == ["page", "config", "doc_files", "nav", "env"]
    assert "excluded" in _parameters(build._build_page)
    assert _parameters(build._populate_page)[:3] == ["page", "config", "files"]
    assert _parameters(build.get_context)[:4] == ["nav", "files", "config", "page"]


def test_mkdocs_tells_templates_and_extensions_the_page_being_built_through_the_config() -> None:
    # MkDocs' page loops set it before each page; the helpers (ahead.py) set it the same way.
    assert "config._current_page = page" in inspect.getsource(build)
    config = MkDocsConfig()
    page = object()
    mkdocs_private.set_current_page(config, page)
    assert mkdocs_private.current_page(config) is page


def test_the_server_lists_the_paths_it_watches_where_papernotes_reads_them(tmp_path: Path) -> None:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        server.watch(str(tmp_path))
        assert mkdocs_private.served_paths(server) == [str(tmp_path)]
    finally:
        server.server_close()


def test_material_writes_its_search_index_as_papernotes_writes_it() -> None:
    from material.plugins.search.plugin import SearchIndex

    assert callable(SearchIndex.generate_search_index)
    assert page_cache._writes_as_expected(), "Material's search_index.json changed form: papernotes must stop writing it"
