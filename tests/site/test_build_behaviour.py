"""What a writer sees when building: errors that stop the build, drafts, URLs, navigation size."""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import SiteMaker

pytestmark = pytest.mark.slow


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_broken_yaml_stops_the_build_names_file_and_line_and_leaves_file_alone(site_maker: SiteMaker) -> None:
    site_maker.post("good", "Fine post")
    bad = site_maker.write("docs/posts/bad.md", "---\ntitle: Oops\ndate: 2024-06-01\ntags: [LLM\n---\nBody\n")
    before = _digest(bad)
    build = site_maker.build()
    assert build.returncode != 0
    assert re.search(r"docs/posts/bad\.md:4: broken YAML", build.output), build.output
    assert _digest(bad) == before


def test_missing_title_and_unknown_key(site_maker: SiteMaker) -> None:
    site_maker.write("docs/posts/a.md", "---\ndate: 2024-06-01\n---\nBody\n")
    site_maker.write("docs/posts/b.md", "---\ntitle: B\ndate: 2024-06-01\ntagz: [x]\n---\nBody\n")
    build = site_maker.build()
    assert build.returncode != 0
    assert "docs/posts/a.md:1: missing required field 'title'" in build.output
    assert "docs/posts/b.md:4: unknown frontmatter key 'tagz' (did you mean 'tags'?)" in build.output


def test_unknown_key_is_a_warning_that_fails_only_strict(site_maker: SiteMaker) -> None:
    site_maker.write("docs/posts/b.md", "---\ntitle: B\ndate: 2024-06-01\ntagz: [x]\n---\nBody\n")
    assert site_maker.build().returncode == 0
    strict = site_maker.build("--strict")
    assert strict.returncode != 0
    assert "did you mean 'tags'?" in strict.output


def test_drafts_are_left_out_of_build(site_maker: SiteMaker) -> None:
    site_maker.post("pub", "Published post")
    site_maker.post("wip", "Secret draft", draft="true", tags="[Hidden]")
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    everything = "".join(p.read_text(errors="replace") for p in build.site.rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".xml"})
    assert "Secret draft" not in everything
    assert not (build.site / "tags" / "hidden").exists()
    assert "Published post" in everything


def test_posts_get_readable_urls_and_duplicates_are_errors(site_maker: SiteMaker) -> None:
    site_maker.post("one", "Same Title")
    site_maker.post("two", "Same Title")
    build = site_maker.build()
    assert build.returncode != 0
    assert "has the same URL 'posts/same-title/'" in build.output
    site_maker.post("two", "Same Title", slug="same-title-again")
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    assert (build.site / "posts" / "same-title" / "index.html").exists()
    assert (build.site / "posts" / "same-title-again" / "index.html").exists()


def _links(html: str) -> int:
    return len(re.findall(r"<a\s", html))


def test_pages_do_not_grow_with_the_number_of_posts(site_maker: SiteMaker) -> None:
    """Every post page links to a fixed number of places, whatever the size of the blog."""
    site_maker.config(per_page=10)
    for i in range(12):
        site_maker.post(f"p{i:03d}", f"Post {i}", date=f"2024-01-{1 + i % 28:02d}", tags="[Alpha]")
    small = site_maker.build("--strict")
    assert small.returncode == 0, small.output
    small_post = _links(small.page("posts/post-5"))
    small_home = _links(small.page(""))
    for i in range(12, 240):
        site_maker.post(f"p{i:03d}", f"Post {i}", date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", tags="[Alpha]")
    large = site_maker.build("--strict")
    assert large.returncode == 0, large.output
    assert _links(large.page("posts/post-5")) == small_post
    # The home page shows one page of posts; page links are windowed.
    assert _links(large.page("")) <= small_home + 8
    assert (large.site / "page" / "24" / "index.html").exists()


def test_index_md_keeps_its_content_with_the_listing_under_it(site_maker: SiteMaker) -> None:
    site_maker.write("docs/index.md", "# Welcome\n\nThis is **my** newsletter.\n")
    site_maker.post("a", "Alpha post")
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    home = build.page("")
    assert home.index("This is <strong>my</strong> newsletter.") < home.index("Alpha post")
