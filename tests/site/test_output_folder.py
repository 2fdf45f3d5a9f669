"""A rebuild keeps the last output folder and writes only changed pages (output.py).

Whatever it kept, the folder must end up holding exactly what a clean build
writes: the same files with the same bytes, nothing a deleted post, an
uncited paper or a removed image left behind, no empty folders.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import NO_CACHE, SiteMaker, tree
from papernotes.mkdocs_plugin import output

pytestmark = pytest.mark.slow

def folders(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir()}


def mtimes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*.html")}


@pytest.fixture
def site(site_maker: SiteMaker) -> SiteMaker:
    site_maker.write("library/papers.yaml", "".join(f"- id: p{i}\n  title: Paper {i}\n  year: 2020\n" for i in range(6)))
    text = (site_maker.root / "mkdocs.yml").read_text()
    (site_maker.root / "mkdocs.yml").write_text(text.replace("      per_page: 10\n", "      per_page: 2\n      library: [library/papers.yaml]\n"))
    for n in range(5):
        site_maker.post(f"post-{n}", f"Post {n}", date=f"2024-05-0{n + 1}", tags=f"[Topic {n % 2}]", body=f"Body {n} [@p{n}].")
    site_maker.write("docs/posts/figure.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site_maker.write("docs/about.md", "# About\n")
    return site_maker


def same_as_clean_build(maker: SiteMaker, site: Path, tmp_path: Path) -> None:
    clean = maker.build(site=tmp_path / "clean", env=NO_CACHE)
    assert clean.returncode == 0, clean.output
    assert tree(site) == tree(clean.site)
    assert folders(site) == folders(clean.site)


def test_a_rebuild_writes_no_unchanged_page_and_says_nothing_about_it(site: SiteMaker, tmp_path: Path) -> None:
    first = site.build()
    assert first.returncode == 0, first.output
    before = mtimes(first.site)
    again = site.build("-v")
    assert again.returncode == 0, again.output
    assert "Page skipped" not in again.output
    after = mtimes(again.site)
    assert after["papers/p3/index.html"] == before["papers/p3/index.html"]
    assert after["posts/post-3/index.html"] == before["posts/post-3/index.html"]
    same_as_clean_build(site, again.site, tmp_path)


def test_an_edited_post_is_written_and_the_rest_kept(site: SiteMaker, tmp_path: Path) -> None:
    first = site.build()
    before = mtimes(first.site)
    site.post("post-3", "Post 3", date="2024-05-04", tags="[Topic 1]", body="Body 3 rewritten [@p3].")
    again = site.build()
    assert again.returncode == 0, again.output
    after = mtimes(again.site)
    assert after["posts/post-3/index.html"] != before["posts/post-3/index.html"]
    assert "Body 3 rewritten" in again.page("posts/post-3")
    assert after["papers/p0/index.html"] == before["papers/p0/index.html"]
    same_as_clean_build(site, again.site, tmp_path)


def test_what_a_clean_build_would_not_write_is_removed(site: SiteMaker, tmp_path: Path) -> None:
    first = site.build()
    assert (first.site / "posts/post-4/index.html").exists() and (first.site / "papers/p4/index.html").exists()
    (site.root / "docs/posts/post-4.md").unlink()  # its page and its only cited paper's page go
    (site.root / "docs/posts/figure.svg").unlink()
    (first.site / "stray.txt").write_text("dropped here by hand")
    again = site.build()
    assert again.returncode == 0, again.output
    assert not (again.site / "posts/post-4").exists() and not (again.site / "papers/p4").exists()
    assert not (again.site / "posts/figure.svg").exists() and not (again.site / "stray.txt").exists()
    same_as_clean_build(site, again.site, tmp_path)


def test_turning_search_off_removes_its_index(site: SiteMaker, tmp_path: Path) -> None:
    first = site.build()
    assert (first.site / "search/search_index.json").exists()
    text = (site.root / "mkdocs.yml").read_text()
    (site.root / "mkdocs.yml").write_text(text.replace("  - search\n", ""))
    again = site.build()
    assert again.returncode == 0, again.output
    assert not (again.site / "search/search_index.json").exists()
    same_as_clean_build(site, again.site, tmp_path)


def test_files_are_dated_by_the_clock_of_the_disk_they_are_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A network disk dates files by its own clock: this machine's may be far behind it.
    monkeypatch.setattr(output, "time", SimpleNamespace(time_ns=lambda: 0))
    site = tmp_path / "site"
    (site / "gone").mkdir(parents=True)
    (site / "gone" / "index.html").write_text("a page of the last build")
    written = (site / "gone" / "index.html").stat().st_mtime_ns - 60 * 10**9
    os.utime(site / "gone" / "index.html", ns=(written, written))
    config = SimpleNamespace(site_dir=str(site), theme=SimpleNamespace(static_templates=set()))
    folder = output.OutputFolder(config)  # type: ignore[arg-type]
    folder.set_aside()
    folder.put_back()
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text("{}")  # written by this build, outside the site's files
    folder.finish([], config, lambda inclusion: True)  # type: ignore[arg-type]
    assert not (site / "gone").exists()
    assert (site / "search" / "search_index.json").exists()


def test_hidden_files_at_the_top_stay_as_with_mkdocs_clean(site: SiteMaker) -> None:
    """MkDocs' clean leaves `site/.git` and other hidden entries at the top alone; so does papernotes."""
    first = site.build()
    (first.site / ".git").mkdir()
    (first.site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (first.site / ".deployed").write_text("yes")
    (first.site / "posts" / ".stray").write_text("not at the top: goes, as with MkDocs")
    again = site.build()
    assert (again.site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (again.site / ".deployed").exists() and not (again.site / "posts" / ".stray").exists()


def test_a_page_changed_by_hand_in_the_output_is_written_again(site: SiteMaker, tmp_path: Path) -> None:
    first = site.build()
    page = first.site / "papers/p2/index.html"
    page.write_text(page.read_text().replace("Paper 2", "Paper Z"))  # same size: only the bytes tell
    again = site.build()
    assert "Paper Z" not in again.page("papers/p2")
    same_as_clean_build(site, again.site, tmp_path)


def test_other_plugins_get_mkdocs_own_clean_build(site: SiteMaker, tmp_path: Path) -> None:
    text = (site.root / "mkdocs.yml").read_text()
    (site.root / "mkdocs.yml").write_text(text.replace("  - search\n", "  - search\n  - tags\n"))
    first = site.build()
    assert first.returncode == 0, first.output
    before = mtimes(first.site)
    again = site.build()
    assert again.returncode == 0, again.output
    assert mtimes(again.site)["papers/p3/index.html"] != before["papers/p3/index.html"]  # written again
    assert not any(name.endswith(".papernotes-previous") for name in os.listdir(site.root))


def test_without_the_cache_mkdocs_cleans_as_usual(site: SiteMaker) -> None:
    first = site.build(env=NO_CACHE)
    before = mtimes(first.site)
    again = site.build(env=NO_CACHE)
    assert mtimes(again.site)["papers/p3/index.html"] != before["papers/p3/index.html"]  # written again


def test_a_failed_build_leaves_no_folder_aside(site: SiteMaker) -> None:
    assert site.build().returncode == 0
    site.write("docs/posts/broken.md", "---\ntitle: [unclosed\n---\nText.\n")
    failed = site.build()
    assert failed.returncode != 0
    assert not any(name.endswith(".papernotes-previous") for name in os.listdir(site.root))
    (site.root / "docs/posts/broken.md").unlink()
    assert site.build().returncode == 0


@pytest.mark.parametrize(
    "change, page, shows",
    [
        pytest.param(
            lambda m: m.write("library/papers.yaml", "".join(
                f"- id: p{i}\n  title: {'Renamed Paper' if i == 2 else f'Paper {i}'}\n  year: 2020\n" for i in range(6))),
            "posts/post-2", "Renamed Paper", id="a cited library record",
        ),
        pytest.param(
            lambda m: m.write("docs/authors.yml", "authors:\n  mara:\n    name: Mara Renamed\n"),
            "posts/post-1", "Mara Renamed", id="an author",
        ),
        pytest.param(
            lambda m: m.post("post-2", "Post Two Renamed", date="2024-05-03", tags="[Topic 0]", body="Body 2 [@p2]."),
            "posts/post-1", "Post Two Renamed", id="a neighbour's title",
        ),
    ],
)
def test_what_a_page_shows_from_elsewhere_is_never_left_stale(site: SiteMaker, tmp_path: Path, change, page, shows) -> None:
    """Pages are left alone by the key of what they are made from; these edits leave each post's text alone."""
    site.write("docs/authors.yml", "authors:\n  mara:\n    name: Mara Before\n")
    for n in range(5):
        site.post(f"post-{n}", f"Post {n}", date=f"2024-05-0{n + 1}", tags=f"[Topic {n % 2}]", body=f"Body {n} [@p{n}].", authors="[mara]")
    assert site.build().returncode == 0
    assert site.build().returncode == 0  # a rebuild: every page left alone
    change(site)
    again = site.build()
    assert again.returncode == 0, again.output
    assert shows in again.page(page)
    same_as_clean_build(site, again.site, tmp_path)
