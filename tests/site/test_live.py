"""Quick rebuilds under `mkdocs serve` (live.py): an edited post body rebuilds its own pages only.

Serve is run in-process, as MkDocs' serve command does it (the plugins are
kept between builds, a fresh config for each full rebuild), with a stand-in
for the HTTP server: its builder is what papernotes wraps. After every quick
rebuild the site folder must hold exactly what a full serve build of the same
files writes; and every edit the quick path cannot vouch for must take the
full build.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import BASE_CONFIG, SiteMaker

SERVE_URL = "http://127.0.0.1:8000/notes/"

CONFIG = BASE_CONFIG.format(per_page=2).replace(
    "      per_page: 2\n", "      per_page: 2\n      library: [library/papers.yaml]\n"
)

LIBRARY = """\
- id: sinks
  title: Attention Sinks
  year: 2023
  arxiv: 2309.17453
- id: lora
  title: Low-Rank Adaptation
  year: 2021
- id: ring
  title: Ring Attention
  year: 2023
"""


def post(title: str, date: str, tags: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\n{extra}---\n{body}\n"


class FakeServer:
    """What papernotes' on_serve sees of MkDocs' LiveReloadServer (test_mkdocs_private.py checks the private part)."""

    def __init__(self, builder: Any) -> None:
        self.builder = builder
        self._watched_paths: dict[str, int] = {}

    def watch(self, path: str) -> None:
        path = os.path.abspath(path)
        self._watched_paths[path] = self._watched_paths.get(path, 0) + 1


class Serve:
    """`mkdocs serve` without the HTTP part: an initial build, then `rebuild()` after each edit."""

    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site = root, site
        self.full_builds = 0
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=False)
        self._full(config)
        self.server = config.plugins.on_serve(FakeServer(self._full), config=config, builder=self._full)
        self.plugin = config.plugins["papernotes"]

    def _config(self) -> Any:
        config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def _full(self, config: Any = None) -> None:
        self.full_builds += 1
        build(config or self._config(), serve_url=SERVE_URL)

    def rebuild(self) -> bool:
        """Run the server's builder as it does after a change; True when the quick path did it."""
        before = self.full_builds
        self.server.builder()
        return self.full_builds == before


def reference(root: Path, tmp: Path) -> Path:
    """A full serve build of the same files, in a folder of its own."""
    site = tmp / "reference"
    shutil.rmtree(site, ignore_errors=True)
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL)
    return site


def differences(left: Path, right: Path) -> list[str]:
    found = []
    compared = filecmp.dircmp(left, right)
    stack = [("", compared)]
    while stack:
        prefix, node = stack.pop()
        found += [f"only in one: {prefix}{name}" for name in node.left_only + node.right_only]
        _, mismatch, errors = filecmp.cmpfiles(node.left, node.right, node.common_files, shallow=False)
        found += [f"differs: {prefix}{name}" for name in mismatch + errors]
        stack += [(f"{prefix}{name}/", sub) for name, sub in node.subdirs.items()]
    return sorted(found)


@pytest.fixture
def live(site_maker: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SiteMaker, Serve]:
    monkeypatch.chdir(site_maker.root)
    site_maker.config(text=CONFIG)
    site_maker.write("library/papers.yaml", LIBRARY)
    site_maker.write("docs/posts/a.md", post("Alpha", "2024-01-01", "[LLM]", "Alpha opens. [@sinks]\n\n<!-- more -->\n\nAlpha body."))
    site_maker.write("docs/posts/b.md", post("Beta", "2024-01-02", "[LLM, Vision]", "Beta opens. [@lora]\n\n## Details\n\nBeta body."))
    site_maker.write("docs/posts/c.md", post("Gamma", "2024-01-03", "[Vision]", "Gamma opens.", extra="description: Gamma in a line.\n"))
    # Titled by its heading, as Material's blog writes posts.
    site_maker.write("docs/posts/d.md", "---\ndate: 2024-01-04\ntags: [LLM]\n---\n# Delta\n\nDelta opens.\n")
    site_maker.write("docs/about.md", "# About\n\nSee [Beta](posts/b.md#details).\n")
    return site_maker, Serve(site_maker.root, tmp_path / "served")


def edit(maker: SiteMaker, name: str, old: str, new: str) -> None:
    path = maker.root / "docs" / "posts" / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()  # a save within the same clock tick still counts as a change
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def assert_same_as_full_build(serve: Serve, tmp_path: Path) -> None:
    assert differences(serve.site, reference(serve.root, tmp_path)) == []


def test_editing_a_body_below_the_excerpt_rebuilds_only_the_post(live, tmp_path: Path, caplog) -> None:
    maker, serve = live
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.papernotes"):
        edit(maker, "a", "Alpha body.", "Alpha body, edited while serving.")
        assert serve.rebuild()
    assert "Alpha body, edited while serving." in (serve.site / "posts/alpha/index.html").read_text()
    assert "rebuilt /posts/alpha/ in" in caplog.text or "rebuilt posts/alpha/ in" in caplog.text
    assert_same_as_full_build(serve, tmp_path)


def test_a_new_first_paragraph_rebuilds_the_listings_showing_it(live, tmp_path: Path) -> None:
    maker, serve = live
    edit(maker, "d", "Delta opens.", "Delta now opens differently.")
    assert serve.rebuild()
    assert "Delta now opens differently." in (serve.site / "index.html").read_text()
    assert "Delta now opens differently." in (serve.site / "tags/llm/index.html").read_text()
    assert_same_as_full_build(serve, tmp_path)


def test_new_headings_reach_the_search_index_in_place(live, tmp_path: Path) -> None:
    maker, serve = live
    edit(maker, "b", "## Details\n", "## Details\n\nMore.\n\n## Findings\n\nA finding.\n")
    assert serve.rebuild()
    index = (serve.site / "search/search_index.json").read_text()
    assert "posts/beta/#findings" in index
    assert_same_as_full_build(serve, tmp_path)


def test_several_edits_in_a_row_stay_identical_to_a_full_build(live, tmp_path: Path) -> None:
    maker, serve = live
    for number in range(3):
        edit(maker, "c", "Gamma opens" if number == 0 else f"Gamma take {number - 1}", f"Gamma take {number}")
        assert serve.rebuild()
    assert_same_as_full_build(serve, tmp_path)


def test_an_unknown_citation_is_shown_and_warned_about(live, tmp_path: Path, caplog) -> None:
    maker, serve = live
    with caplog.at_level(logging.WARNING):
        edit(maker, "d", "Delta opens.", "Delta opens. [@nosuchkey]")
        assert serve.rebuild()
    assert "citation--broken" in (serve.site / "posts/delta/index.html").read_text()
    assert "unknown citation key 'nosuchkey'" in caplog.text
    assert_same_as_full_build(serve, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m: edit(m, "a", "title: Alpha", "title: Alpha Prime"), id="a title"),
        pytest.param(lambda m: edit(m, "a", "tags: [LLM]", "tags: [LLM, Agents]"), id="tags"),
        pytest.param(lambda m: edit(m, "d", "# Delta", "# Delta Prime"), id="a title written as the heading"),
        pytest.param(lambda m: edit(m, "d", "Delta opens.", "Delta opens. [@ring]"), id="a newly cited paper"),
        pytest.param(lambda m: edit(m, "d", "Delta opens.", "Delta opens. [@sinks]"), id="a paper now cited here too"),
        pytest.param(lambda m: edit(m, "b", "Beta opens. [@lora]", "Beta opens."), id="a citation removed"),
        pytest.param(lambda m: edit(m, "a", "date: 2024-01-01", "date: 2024-01-01\ndate: [broken"), id="broken frontmatter"),
        pytest.param(lambda m: m.write("docs/posts/e.md", post("Epsilon", "2024-01-05", "[LLM]", "New.")), id="a new post"),
        pytest.param(lambda m: (m.root / "docs/posts/c.md").unlink(), id="a deleted post"),
        pytest.param(lambda m: m.write("library/papers.yaml", LIBRARY.replace("Ring Attention", "Ring Attn")), id="the library"),
        pytest.param(lambda m: m.write("docs/about.md", "# About us\n"), id="another page"),
        pytest.param(lambda m: m.write("mkdocs.yml", CONFIG.replace("Test Notes", "Test Notes 2")), id="mkdocs.yml"),
    ],
)
def test_other_changes_take_the_full_build(live, tmp_path: Path, change) -> None:
    maker, serve = live
    change(maker)
    assert not serve.rebuild()
    assert_same_as_full_build(serve, tmp_path)


def test_a_save_without_changes_anywhere_papernotes_looks_takes_the_full_build(live) -> None:
    _, serve = live
    assert not serve.rebuild()  # a template or a watched file changed: papernotes cannot tell what it shows


def test_after_a_full_build_edits_are_quick_again(live, tmp_path: Path) -> None:
    maker, serve = live
    edit(maker, "a", "title: Alpha", "title: Alpha Prime")
    assert not serve.rebuild()
    edit(maker, "a", "Alpha body.", "Alpha body again.")
    assert serve.rebuild()
    assert_same_as_full_build(serve, tmp_path)


def test_other_plugins_turn_the_quick_path_off(live, tmp_path: Path) -> None:
    maker, serve = live
    maker.write("mkdocs.yml", CONFIG.replace("  - search\n", "  - search\n  - tags\n"))
    assert not serve.rebuild()
    edit(maker, "a", "Alpha body.", "Alpha body again.")
    assert not serve.rebuild()


def test_a_page_left_alone_by_the_last_full_build_is_written_by_a_quick_one(live, tmp_path: Path) -> None:
    maker, serve = live
    delta = serve.site / "posts/delta/index.html"
    written = delta.stat().st_mtime_ns
    edit(maker, "a", "title: Alpha", "title: Alpha Prime")
    assert not serve.rebuild()
    assert delta.stat().st_mtime_ns == written  # Delta's page and the first home page were left as they were
    edit(maker, "d", "Delta opens.", "Delta opens anew.")  # its summary: the home page is rebuilt too
    assert serve.rebuild()
    assert "Delta opens anew." in delta.read_text() and "Delta opens anew." in (serve.site / "index.html").read_text()
    assert_same_as_full_build(serve, tmp_path)


def test_quick_rebuilds_work_with_the_cache_off(site_maker: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
    monkeypatch.chdir(site_maker.root)
    site_maker.config(text=CONFIG)
    site_maker.write("library/papers.yaml", LIBRARY)
    site_maker.write("docs/posts/a.md", post("Alpha", "2024-01-01", "[LLM]", "Alpha opens. [@sinks]"))
    site_maker.write("docs/posts/b.md", post("Beta", "2024-01-02", "[LLM]", "Beta opens."))
    serve = Serve(site_maker.root, tmp_path / "served")
    edit(site_maker, "a", "Alpha opens.", "Alpha opens, edited.")
    assert serve.rebuild()
    assert "Alpha opens, edited." in (serve.site / "index.html").read_text()
    assert_same_as_full_build(serve, tmp_path)


def test_quick_rebuilds_refill_atom_feeds_too(site_maker: SiteMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site_maker.root)
    site_maker.config(text=CONFIG.replace("      per_page: 2\n", "      per_page: 2\n      feed_format: both\n"))
    site_maker.write("library/papers.yaml", LIBRARY)
    site_maker.write("docs/posts/a.md", post("Alpha", "2024-01-01", "[LLM]", "Alpha opens."))
    site_maker.write("docs/posts/b.md", post("Beta", "2024-01-02", "[Vision]", "Beta opens."))
    serve = Serve(site_maker.root, tmp_path / "served")
    edit(site_maker, "a", "Alpha opens.", "Alpha opens, edited.")
    assert serve.rebuild()
    for feed in ("atom.xml", "feed.xml", "tags/llm/atom.xml", "tags/llm/feed.xml"):
        assert "Alpha opens, edited." in (serve.site / feed).read_text(), feed
    assert "Alpha" not in (serve.site / "tags/vision/atom.xml").read_text()
    assert_same_as_full_build(serve, tmp_path)


def test_a_folder_watched_since_the_last_build_is_looked_at_too(live, tmp_path: Path) -> None:
    # `mkdocs serve --watch-theme` watches the theme's folders, which papernotes does not read itself.
    maker, serve = live
    theme = maker.write("theme/main.html", "{% extends 'base.html' %}\n")
    serve.server.watch(str(theme.parent))
    edit(maker, "a", "Alpha body.", "Alpha body again.")
    assert not serve.rebuild()  # the last build's stamps do not cover the theme folder yet
    edit(maker, "a", "Alpha body again.", "Alpha body once more.")
    assert serve.rebuild()
    theme.write_text("{% extends 'base.html' %}\n{# changed #}\n")
    edit(maker, "a", "Alpha body once more.", "Alpha body for the last time.")
    assert not serve.rebuild()  # a theme file changed with the post
    assert_same_as_full_build(serve, tmp_path)


def test_a_listing_page_of_the_writers_own_is_rebuilt_as_a_full_build_makes_it(live, tmp_path: Path) -> None:
    maker, serve = live
    maker.write("docs/index.md", "# Welcome\n\nThe newest notes first.\n")
    assert not serve.rebuild()
    edit(maker, "d", "Delta opens.", "Delta opens anew.")  # its summary is on the writer's home page
    assert serve.rebuild()
    assert "Delta opens anew." in (serve.site / "index.html").read_text()
    assert_same_as_full_build(serve, tmp_path)
