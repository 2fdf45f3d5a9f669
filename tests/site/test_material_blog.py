"""A blog written for Material's blog plugin moves to papernotes by the guide's steps, posts untouched.

The fixture (tests/fixtures/material-blog) is first built by Material's own
`blog` plugin with --strict, which proves it is in Material's format; then
docs/guide/material-blog.md is followed: its `plugins:` block replaces
Material's, `docs/blog/index.md` goes, and the same posts build with --strict.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import NO_CACHE, ROOT, Build, run_mkdocs, tree

pytestmark = pytest.mark.slow

FIXTURE = ROOT / "tests" / "fixtures" / "material-blog"
GUIDE = ROOT / "docs" / "guide" / "material-blog.md"
POSTS = FIXTURE / "docs" / "blog" / "posts"


def guide_plugins() -> list:
    """The `plugins:` list the guide tells a writer to put in mkdocs.yml."""
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(r"<!-- migration-config -->\s*```yaml[^\n]*\n(.*?)\n\s*```", text, re.DOTALL)
    assert block, "the guide's migration snippet is missing"
    return yaml.safe_load(textwrap.dedent(block.group(1)))["plugins"]


def migrate(root: Path) -> None:
    """The guide's steps 2 and 3."""
    config = root / "mkdocs.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"] = guide_plugins()
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (root / "docs" / "blog" / "index.md").unlink()


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("material") / "blog"
    shutil.copytree(FIXTURE, root)
    return run_mkdocs(root, "--strict")


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("moved") / "blog"
    shutil.copytree(FIXTURE, root)
    migrate(root)
    return run_mkdocs(root, "--strict")


def main(html: str) -> str:
    """The page's article, without the theme's header, navigation and footer."""
    found = re.search(r'<article class="md-content__inner md-typeset">(.*)</article>.*?</main>', html, re.DOTALL)
    assert found, "no article in the page"
    return found.group(1)


def test_the_fixture_is_a_blog_materials_plugin_builds(material: Build) -> None:
    assert material.returncode == 0, material.output
    for url in ["blog/2024/03/04/adam-revisited", "blog/2024/02/12/why-warmup"]:
        assert (material.site / url / "index.html").is_file()


def test_the_posts_build_unchanged_with_papernotes(moved: Build, material: Build) -> None:
    assert moved.returncode == 0, moved.output
    # Material's addresses stay (a title underlined with === is the documented exception).
    for url in ["blog/2024/03/04/adam-revisited", "blog/2024/02/12/why-warmup"]:
        assert (material.site / url / "index.html").is_file() and (moved.site / url / "index.html").is_file()
    assert (moved.site / "blog/2024/01/15/learning-rate-schedules/index.html").is_file()
    # The draft is left out of the build, as Material leaves it out.
    assert "Unfinished thoughts" not in moved.page("")
    assert not list(moved.site.glob("blog/2024/03/20/*"))


def test_the_heading_is_the_title_and_shows_once(moved: Build) -> None:
    for url, title in [
        ("blog/2024/03/04/adam-revisited", "Adam, revisited"),
        ("blog/2024/01/15/learning-rate-schedules", "Learning-rate schedules"),
    ]:
        page = moved.page(url)
        article = main(page)
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", article) == [title]
        assert article.count(title) == 1, article
        assert f"<title>{title} - Gradient Notes</title>" in page
    adam = main(moved.page("blog/2024/03/04/adam-revisited"))
    assert "Not a heading: a comment in code" in adam  # a `#` line in code is code, never the title


def test_listing_shows_each_title_once_with_its_excerpt(moved: Build) -> None:
    home = main(moved.page(""))
    posts = re.findall(r'<article class="md-post md-post--excerpt.*?</article>', home, re.DOTALL)
    titles = [re.search(r'<h2 class="pn-listing__title"><a [^>]*>(.*?)</a>', p).group(1) for p in posts]
    # Pinned first, then newest first.
    assert titles == ["Why warm up the learning rate?", "Adam, revisited", "Learning-rate schedules"]
    adam = posts[1]
    assert adam.count("Adam, revisited") == 2  # the listing's heading and its screen-reader "Continue reading" label
    assert "<h1" not in adam and "second-moment estimate" in adam
    assert "The update" not in adam  # the excerpt ends at <!-- more -->


def test_dates_authors_categories_and_readtime_carry_over(moved: Build) -> None:
    adam = main(moved.page("blog/2024/03/04/adam-revisited"))
    assert '<time datetime="2024-03-04">' in adam and 'Updated <time datetime="2024-03-09">' in adam
    assert '<a href="https://example.org/ines/" class="md-meta__link" rel="author">Inès Okafor</a>' in adam
    assert "7 min read" in adam
    assert re.findall(r'class="md-tag">([^<]+)<', adam) == ["Optimization", "Training"]
    warmup = main(moved.page("blog/2024/02/12/why-warmup"))
    assert "Tomás Lindqvist" in warmup and "Inès Okafor" in warmup
    schedules = main(moved.page("blog/2024/01/15/learning-rate-schedules"))
    assert '<time datetime="2024-01-15">' in schedules and 'Updated <time datetime="2024-01-20">' in schedules
    topic = main(moved.page("tags/optimization"))
    assert "Adam, revisited" in topic and "Learning-rate schedules" in topic and "Unfinished" not in topic


def test_an_unknown_author_points_at_authors_file(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    shutil.copytree(FIXTURE, root)
    migrate(root)
    post = POSTS / "warmup-notes.md"
    (root / "docs/blog/posts/warmup-notes.md").write_text(
        post.read_text(encoding="utf-8").replace("authors: [tomas, ines]", "authors: [tomas, nobody]"), encoding="utf-8"
    )
    build = run_mkdocs(root, "--strict")
    assert build.returncode != 0
    assert re.search(r"docs/blog/posts/warmup-notes\.md:3: unknown author 'nobody' \(add 'nobody' to docs/blog/\.authors\.yml, or set the plugin's authors_file option", build.output), build.output


def test_cached_rebuilds_equal_a_build_without_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    shutil.copytree(FIXTURE, root)
    migrate(root)
    first, again = run_mkdocs(root, "--strict"), run_mkdocs(root, "--strict")
    fresh = run_mkdocs(root, "--strict", site=tmp_path / "fresh", env=NO_CACHE)
    assert first.returncode == again.returncode == fresh.returncode == 0, first.output + again.output + fresh.output
    assert tree(again.site) == tree(fresh.site)
