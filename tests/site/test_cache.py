"""The conversion cache (`cache: true`, the default) never serves stale content.

Builds run in-process so that conversions can be counted: a cache hit must
really skip Python-Markdown, and everything a post shows that does not come
from its own Markdown (references, cards, authors, neighbours) must follow
edits to the files it comes from.
"""

from __future__ import annotations

import logging
import marshal
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page

from conftest import BASE_CONFIG, SiteMaker
from papernotes.core.cache import FORMAT, read_sealed, unseal, write_sealed
from papernotes.mkdocs_plugin.pages import PostPage

pytestmark = pytest.mark.slow


@dataclass
class InProcessBuild:
    site: Path
    converted: list[str] = field(default_factory=list)  # src_uri of every post converted
    warnings: list[str] = field(default_factory=list)

    def page(self, url: str) -> str:
        return (self.site / url / "index.html").read_text(encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_here(maker: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> InProcessBuild:
    """Build the site in this process, counting the posts Python-Markdown converts."""
    result = InProcessBuild(maker.root / "site")
    original = Page.render

    def counting_render(self: Page, config, files) -> None:
        if isinstance(self, PostPage):
            result.converted.append(self.file.src_uri)
        original(self, config, files)

    monkeypatch.setattr(Page, "render", counting_render)
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(maker.root / "mkdocs.yml"), site_dir=str(result.site))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    finally:
        logger.removeHandler(handler)
        monkeypatch.setattr(Page, "render", original)
    result.warnings = handler.messages
    return result


def entries(maker: SiteMaker) -> list[Path]:
    return sorted((maker.root / ".cache" / "papernotes" / "posts").rglob("*.marshal"))


# Conversions are counted in this process (the helper's own test is test_page_cache.py).
CONFIG = BASE_CONFIG.format(per_page=10).replace(
    "      per_page: 10\n", "      per_page: 10\n      library: [library/papers.yaml]\n      parallel: false\n"
)


@pytest.fixture
def site(site_maker: SiteMaker) -> SiteMaker:
    site_maker.write("library/papers.yaml", """
        - id: lib2024
          title: The Library Title
          authors: [Ada Lovelace]
          year: 2024
    """)
    site_maker.config(text=CONFIG)
    site_maker.write("docs/authors.yml", """
        authors:
          ada:
            name: Ada Writer
    """)
    site_maker.write("docs/posts/refs/extra.bib", "@misc{bib2023, title = {The Bib Title}, year = {2023}}\n")
    site_maker.post("first", "First post", date="2024-06-01", authors="[ada]",
                    body="Cites the library [@lib2024].\n\n## Details\n\nAnd the bib file [@bib2023].",
                    bibliography="[refs/extra.bib]")
    site_maker.post("second", "Second post", date="2024-06-02", body="Nothing cited here.")
    site_maker.post("third", "Third post", date="2024-06-03", body="A third one.",
                    takeaways='["A takeaway citing [@lib2024]."]')
    return site_maker


def test_a_rebuild_converts_nothing_and_writes_the_same_pages(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = build_here(site, monkeypatch)
    assert sorted(cold.converted) == ["posts/first.md", "posts/second.md", "posts/third.md"]
    assert len(entries(site)) == 3
    pages = {url: cold.page(url) for url in ("posts/first-post", "posts/second-post", "posts/third-post", "")}
    warm = build_here(site, monkeypatch)
    assert warm.converted == []
    for url, html in pages.items():
        assert warm.page(url) == html, url


def test_editing_a_post_reconverts_that_post_only(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    build_here(site, monkeypatch)
    site.post("second", "Second post", date="2024-06-02", body="Now with **new words**.")
    warm = build_here(site, monkeypatch)
    assert warm.converted == ["posts/second.md"]
    assert "<strong>new words</strong>" in warm.page("posts/second-post")
    assert "Nothing cited here" not in warm.page("posts/second-post")
    assert len(entries(site)) == 3  # the old entry of the edited post was pruned


def test_editing_takeaways_reconverts(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    build_here(site, monkeypatch)
    site.post("third", "Third post", date="2024-06-03", body="A third one.", takeaways='["A *changed* takeaway."]')
    warm = build_here(site, monkeypatch)
    assert warm.converted == ["posts/third.md"]
    assert "<em>changed</em>" in warm.page("posts/third-post")


def test_a_library_entry_it_cites_shows_its_new_text(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = build_here(site, monkeypatch)
    assert "The Library Title" in cold.page("posts/first-post")
    site.write("library/papers.yaml", """
        - id: lib2024
          title: A Renamed Library Paper
          authors: [Ada Lovelace, Charles Babbage]
          year: 2024
    """)
    warm = build_here(site, monkeypatch)
    html = warm.page("posts/first-post")
    assert "A Renamed Library Paper" in html and "The Library Title" not in html
    assert "Charles Babbage" in html
    # Citations are numbered from fresh records on every build: the conversion itself is reused.
    assert warm.converted == []


def test_an_entry_of_the_posts_bib_file_shows_its_new_text(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    build_here(site, monkeypatch)
    site.write("docs/posts/refs/extra.bib", "@misc{bib2023, title = {A Changed Bib Title}, year = {2021}}\n")
    html = build_here(site, monkeypatch).page("posts/first-post")
    assert "A Changed Bib Title" in html and "The Bib Title" not in html


def test_a_library_entry_removed_becomes_a_broken_citation(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    build_here(site, monkeypatch)
    site.write("library/papers.yaml", "[]\n")
    warm = build_here(site, monkeypatch)
    assert 'citation--broken' in warm.page("posts/first-post")
    assert any("unknown citation key 'lib2024'" in w for w in warm.warnings), warm.warnings


def test_authors_file_changes_show(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Ada Writer" in build_here(site, monkeypatch).page("posts/first-post")
    site.write("docs/authors.yml", """
        authors:
          ada:
            name: Ada Renamed
    """)
    html = build_here(site, monkeypatch).page("posts/first-post")
    assert "Ada Renamed" in html and "Ada Writer" not in html


def test_a_neighbours_new_title_shows_in_the_post_navigation(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Second post" in build_here(site, monkeypatch).page("posts/first-post")
    site.post("second", "Second post, retitled", date="2024-06-02", body="Nothing cited here.", slug="renamed-second")
    warm = build_here(site, monkeypatch)
    first = warm.page("posts/first-post")
    assert "Second post, retitled" in first and "renamed-second/" in first
    assert warm.converted == ["posts/second.md"]


@pytest.mark.parametrize(
    ("old", "new", "url", "shown"),
    [
        pytest.param("permalink: true", 'permalink: "§"', "posts/first-post", "§", id="markdown extensions"),
        pytest.param(
            "  - papernotes:\n", '  - papernotes:\n      post_url_format: "notes/{slug}"\n', "notes/first-post",
            "Cites the library", id="plugin options",
        ),
    ],
)
def test_options_in_mkdocs_yml_are_part_of_the_key(
    site: SiteMaker, monkeypatch: pytest.MonkeyPatch, old: str, new: str, url: str, shown: str
) -> None:
    build_here(site, monkeypatch)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace(old, new))
    warm = build_here(site, monkeypatch)
    assert len(warm.converted) == 3
    assert shown in warm.page(url)


def test_an_unknown_citation_warns_again_from_the_cache(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    site.post("second", "Second post", date="2024-06-02", body="Cites [@nosuchkey] here.")
    cold = build_here(site, monkeypatch)
    warm = build_here(site, monkeypatch)
    assert warm.converted == []
    expected = [w for w in cold.warnings if "nosuchkey" in w]
    assert expected and [w for w in warm.warnings if "nosuchkey" in w] == expected
    assert "citation--broken" in warm.page("posts/second-post")


def test_strict_still_fails_on_a_cached_build(site: SiteMaker) -> None:
    site.post("second", "Second post", date="2024-06-02", body="Cites [@nosuchkey] here.")
    first = site.build("--strict")
    assert first.returncode != 0 and "nosuchkey" in first.output
    assert entries(site)
    second = site.build("--strict", "-v")
    assert second.returncode != 0 and "nosuchkey" in second.output
    assert "3 posts reused from .cache/papernotes, 0 converted" in second.output


def test_mkdocs_link_warnings_are_replayed_and_follow_the_linked_page(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    site.post("second", "Second post", date="2024-06-02", body="See [the guide](../guide.md).")
    cold = build_here(site, monkeypatch)
    assert any("guide.md" in w for w in cold.warnings), cold.warnings
    warm = build_here(site, monkeypatch)
    assert warm.converted == []
    assert [w for w in warm.warnings if "guide.md" in w] == [w for w in cold.warnings if "guide.md" in w]
    # The page it links to appears: the recorded lookup no longer holds, so the post is converted again.
    site.write("docs/guide.md", "# Guide\n")
    fixed = build_here(site, monkeypatch)
    assert fixed.converted == ["posts/second.md"]
    assert not any("guide.md" in w for w in fixed.warnings), fixed.warnings
    assert 'href="../../guide/"' in fixed.page("posts/second-post")


def test_a_quiet_build_does_not_hide_warnings_from_the_next_one(site: SiteMaker) -> None:
    site.post("second", "Second post", date="2024-06-02", body="See [the guide](../guide.md).")
    assert site.build("-q").returncode == 0  # MkDocs emits no warnings at all under -q
    assert "guide.md" in site.build().output
    assert "guide.md" in site.build().output


def test_table_of_contents_and_anchors_are_restored(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    site.post("second", "Second post", date="2024-06-02", body="## Part one\n\nText.\n\n## Part two\n\nMore [@lib2024].")
    cold = build_here(site, monkeypatch).page("posts/second-post")
    warm = build_here(site, monkeypatch)
    assert warm.converted == []
    html = warm.page("posts/second-post")
    assert html == cold
    for anchor in ("#part-one", "#part-two", "#references"):
        assert f'href="{anchor}"' in html


def test_cache_false_converts_every_time_and_writes_nothing(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - papernotes:\n", "  - papernotes:\n      cache: false\n"))
    build_here(site, monkeypatch)
    assert len(build_here(site, monkeypatch).converted) == 3
    assert not (site.root / ".cache").exists()


def test_the_environment_variable_turns_the_cache_off_for_one_build(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    build_here(site, monkeypatch)
    before = {p: p.read_bytes() for p in entries(site)}
    monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
    assert len(build_here(site, monkeypatch).converted) == 3
    assert {p: p.read_bytes() for p in entries(site)} == before


def test_a_damaged_entry_is_converted_again(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = build_here(site, monkeypatch)
    for path in entries(site):
        path.write_bytes(marshal.dumps({"format": FORMAT, "payload": {}})[:-3])
    warm = build_here(site, monkeypatch)
    assert len(warm.converted) == 3
    assert warm.page("posts/first-post") == cold.page("posts/first-post")
    assert all(marshal.loads(unseal(p.read_bytes(), p))["format"] == FORMAT for p in entries(site))


def test_a_deleted_post_leaves_no_entry_behind(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    build_here(site, monkeypatch)
    (site.root / "docs" / "posts" / "third.md").unlink()
    build_here(site, monkeypatch)
    assert len(entries(site)) == 2


def test_a_markdown_extension_of_the_project_is_part_of_the_key(site: SiteMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    # An extension kept next to mkdocs.yml has no version: its source is what changes.
    extension = """
        from markdown.extensions import Extension
        from markdown.preprocessors import Preprocessor

        class Stamp(Preprocessor):
            def run(self, lines):
                return [line.replace("Nothing cited", "STAMP-{0} cited") for line in lines]

        class StampExtension(Extension):
            def extendMarkdown(self, md):
                md.preprocessors.register(Stamp(md), "stamp", 30)

        def makeExtension(**kwargs):
            return StampExtension(**kwargs)
    """
    site.write("stamp_ext.py", extension.format("one"))
    monkeypatch.syspath_prepend(str(site.root))
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - pymdownx.superfences\n", "  - pymdownx.superfences\n  - stamp_ext\n"))
    first = build_here(site, monkeypatch)
    assert "STAMP-one cited" in first.page("posts/second-post")
    site.write("stamp_ext.py", extension.format("two"))
    monkeypatch.delitem(sys.modules, "stamp_ext")  # a new `mkdocs build` imports the edited file
    second = build_here(site, monkeypatch)
    assert "STAMP-two cited" in second.page("posts/second-post")
    assert len(second.converted) == 3



def test_a_cache_file_moved_to_another_files_name_is_a_miss(tmp_path: Path) -> None:
    """A cache file's name is its key: one copied over another's name (by hand, by a sync tool) is not read as that one."""
    first, second = tmp_path / "library-aaaa.pickle", tmp_path / "library-bbbb.pickle"
    assert write_sealed(first, b"records of file A") and write_sealed(second, b"records of file B")
    assert read_sealed(first) == b"records of file A"
    second.write_bytes(first.read_bytes())
    assert read_sealed(second) is None  # made again, not file A's records under file B's key
