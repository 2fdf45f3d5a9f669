"""The demo newsletter builds cleanly and reads like one."""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import pytest

from conftest import ROOT, Build

pytestmark = pytest.mark.slow


def _posts() -> list[frontmatter.Post]:
    return [frontmatter.load(p) for p in sorted((ROOT / "docs" / "posts").rglob("*.md"))]


def test_demo_builds_with_strict(demo_build: Build) -> None:
    assert demo_build.returncode == 0, demo_build.output
    assert (demo_build.site / "index.html").exists()


def test_home_lists_posts_newest_first_and_paginates(demo_build: Build) -> None:
    published = [p for p in _posts() if not p.get("draft")]
    assert len(published) >= 8
    home = (demo_build.site / "index.html").read_text(encoding="utf-8")
    dates = re.findall(r'<li class="md-meta__item"><time datetime="([0-9-]+)"', home)
    assert dates and dates == sorted(dates, reverse=True)
    assert (demo_build.site / "page" / "2" / "index.html").exists()
    assert 'href="page/2/"' in home


def test_drafts_appear_nowhere_in_the_built_site(demo_build: Build) -> None:
    drafts = [p for p in _posts() if p.get("draft")]
    assert drafts, "the demo has a draft post"
    for draft in drafts:
        title = draft["title"]
        for path in demo_build.site.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".xml", ".json", ".txt"}:
                assert title not in path.read_text(encoding="utf-8", errors="replace"), path


def test_every_post_page_has_title_date_and_tags(demo_build: Build) -> None:
    posts_dir = demo_build.site / "posts"
    pages = list(posts_dir.rglob("index.html"))
    assert len(pages) == len([p for p in _posts() if not p.get("draft")])
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<h1 id="post-title">' in html
        assert "<time datetime=" in html
        assert "min read" in html


def test_skip_to_content_leads_to_the_post_and_the_sidebar_lists_its_sections(demo_build: Build) -> None:
    """A keyboard reader's "Skip to content" lands on the title; it jumped to the first section, or past the post to its references."""
    for page in (demo_build.site / "posts").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        assert re.findall(r'<a href="([^"]*)" class="md-skip"', html) == ["#post-title"], page
        sidebar = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>', html, re.DOTALL).group(0)
        listed = re.findall(r'<a href="([^"]*)" class="md-nav__link"', sidebar)
        assert "#post-title" not in listed and listed[-1] == "#references", page
