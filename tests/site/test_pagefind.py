"""`search: pagefind` builds a Pagefind index in place of Material's search (SPEC section 8).

What a writer meets: a clear message when the option and Material's search
plugin are both on or Pagefind is not installed; the index written into the
site, from posts, papers, topics and their own pages but never a draft; a
rebuild with nothing changed keeping the index, and giving what a build
without the cache gives. The browser side is tests/browser/test_pagefind_search.py.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BASE_CONFIG, ENV, NO_CACHE, SiteMaker, running, tree
from pagefind_site import pagefind_site

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def pagefind_build(tmp_path_factory: pytest.TempPathFactory):
    maker = pagefind_site(SiteMaker(tmp_path_factory.mktemp("pagefind") / "src"))
    return maker, maker.build("--strict", "-v")


def test_the_index_is_written_in_place_of_materials(pagefind_build) -> None:
    _, build = pagefind_build
    assert build.returncode == 0, build.output
    assert (build.site / "pagefind" / "pagefind.js").is_file()
    assert (build.site / "assets" / "papernotes" / "search.js").is_file()
    assert not (build.site / "search" / "search_index.json").exists()
    assert '<script src="../assets/papernotes/search.js"' in build.page("about")
    # Posts, the paper, the topic and the writer's page; not the draft, its paper, or listings.
    assert "Pagefind indexed 6 records" in build.output  # 2 posts, 2 papers, 1 topic, about


def indexed(site: Path) -> dict[str, str]:
    """What Pagefind stored of each record, by the address search.js links it to."""
    found = {}
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["meta"]["href"]] = data["content"]
    return found


@pytest.mark.parametrize("parallel", [True, False])
def test_the_writers_pages_read_after_the_posts_are_indexed_too(site_maker: SiteMaker, parallel: bool) -> None:
    """Indexing starts once posts and the writer's pages are converted, before papernotes' own pages:
    a page MkDocs reads after the posts (files sort by path) is still found by its words."""
    pagefind_site(site_maker)
    if not parallel:
        config = site_maker.root / "mkdocs.yml"
        config.write_text(config.read_text().replace("      search: pagefind\n", "      search: pagefind\n      parallel: false\n"))
    site_maker.write("docs/zebra.md", "# Zebra notes\n\nStripes of an okapi-free page.\n")
    site_maker.write("docs/zz/last.md", "# The last page\n\nA pangolin closes the site.\n")
    build = site_maker.build("-v")
    assert build.returncode == 0, build.output
    assert build.output.index("Reading: zz/last.md") > build.output.index("Reading: posts/sinks.md")
    found = indexed(build.site)
    assert "okapi-free" in found["zebra/"] and "pangolin" in found["zz/last/"], found
    assert "capybara" in found["about/"] and "marmoset" in found["posts/attention-sinks-explained/"]
    assert "Pagefind indexed 8 records" in build.output


def test_a_new_post_leaves_the_other_records_excerpt_files_as_they_were(site_maker: SiteMaker) -> None:
    """A deploy uploads, and a reader's browser fetches again, only what a new post changed."""
    pagefind_site(site_maker)
    first = site_maker.build()
    assert first.returncode == 0, first.output
    before = {path for path in tree(first.site) if path.startswith("pagefind/fragment/")}
    site_maker.write("docs/posts/new.md", "---\ntitle: A newer post\ndate: 2024-08-01\n---\nNothing in common.\n")
    second = site_maker.build()
    assert second.returncode == 0, second.output
    after = {path for path in tree(second.site) if path.startswith("pagefind/fragment/")}
    assert len(after - before) == 1 and before <= after, (sorted(before), sorted(after))


@pytest.mark.parametrize("posts", ["none", "a draft only"])
def test_a_site_with_nothing_to_find_yet_builds(site_maker: SiteMaker, posts: str) -> None:
    """A writer's first build, before any post is published: no index of nothing, and no error."""
    from pagefind_site import PAGEFIND_CONFIG

    site_maker.config(text=PAGEFIND_CONFIG.format(per_page=10))
    if posts == "a draft only":
        site_maker.post("first", "First thoughts", draft="true")
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    assert "nothing to index for search yet" in build.output and "Pagefind could not" not in build.output
    assert not (build.site / "pagefind").exists()
    assert (build.site / "assets" / "papernotes" / "search.js").is_file()  # the box says search is not available


def test_what_a_killed_build_left_for_pagefind_is_not_indexed_and_goes(site_maker: SiteMaker) -> None:
    """Pagefind reads its documents from beside the index: a build killed meanwhile leaves them in the
    site, never in the system's temporary folder, and the next build neither indexes nor keeps them."""
    pagefind_site(site_maker)
    left = site_maker.root / "site" / "pagefind.papernotes-new-source"
    left.mkdir(parents=True)
    (left / "stale.html").write_text("<html><body data-pagefind-body><h1>Stale</h1><p>wombatlike</p></body></html>")
    build = site_maker.build("-v", site=site_maker.root / "site")
    assert build.returncode == 0, build.output
    entry = json.loads((build.site / "pagefind" / "pagefind-entry.json").read_text())
    assert [language["page_count"] for language in entry["languages"].values()] == [6]  # what Pagefind read, not the stale page
    assert [path for path in tree(build.site) if "papernotes-" in path] == []
    # A `--dirty` rebuild (which leaves other stale files alone) clears them too: nothing is left to deploy.
    for leftover in ("pagefind.papernotes-again", "pagefind.papernotes-new-source"):
        (site_maker.root / "site" / leftover).mkdir()
        (site_maker.root / "site" / leftover / "stale.html").write_text("<p>stale</p>")
    again = site_maker.build("-v", "--dirty", site=site_maker.root / "site")
    assert again.returncode == 0, again.output
    assert [path for path in tree(again.site) if "papernotes-" in path] == []


def test_material_search_and_pagefind_together_is_an_error(site_maker: SiteMaker) -> None:
    site_maker.config(text=BASE_CONFIG.format(per_page=10).replace("  - papernotes:\n", "  - papernotes:\n      search: pagefind\n"))
    site_maker.post("one", "One")
    build = site_maker.build()
    assert build.returncode != 0
    assert "remove `- search` from `plugins:` in mkdocs.yml" in build.output
    assert "Traceback" not in build.output


def test_a_missing_pagefind_package_is_named_with_its_install_command(site_maker: SiteMaker) -> None:
    pagefind_site(site_maker)
    hide = "import sys; sys.modules['pagefind'] = None; from mkdocs.__main__ import cli; cli()"
    proc = subprocess.run([sys.executable, "-c", hide, "build", "-f", str(site_maker.root / "mkdocs.yml")],
                          cwd=site_maker.root, env=ENV, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "pip install 'papernotes[pagefind]'" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_rebuild_keeps_the_index_and_matches_a_build_without_cache(site_maker: SiteMaker, tmp_path: Path) -> None:
    pagefind_site(site_maker)
    first = site_maker.build("-v")
    assert first.returncode == 0, first.output
    assert "Pagefind indexed" in first.output
    pages = lambda site: {path: path.stat().st_mtime_ns for path in site.rglob("index.html")}  # noqa: E731
    written = pages(first.site)
    again = site_maker.build("-v")
    assert again.returncode == 0, again.output
    assert "Pagefind indexed" not in again.output  # nothing changed: the index in the folder is kept
    # and so is every page: the index is made while the last build's folder is back in place (output.py)
    assert pages(again.site) == written and len(written) > 5
    fresh = site_maker.build(site=tmp_path / "fresh", env=NO_CACHE)
    assert stable(tree(again.site)) == stable(tree(fresh.site))

    site_maker.write("docs/posts/sinks.md", (site_maker.root / "docs/posts/sinks.md").read_text().replace("marmoset", "okapi"))
    edited = site_maker.build("-v")
    assert "Pagefind indexed" in edited.output  # a post changed: indexed again
    fresh = site_maker.build(site=tmp_path / "fresh-edited", env=NO_CACHE)
    assert stable(tree(edited.site)) == stable(tree(fresh.site))


def test_indexing_in_a_forked_helper_or_in_the_build_writes_the_same(site_maker: SiteMaker, tmp_path: Path) -> None:
    """A build that may fork hands the records and Pagefind to a helper; with `parallel: false` the build does it all."""
    pagefind_site(site_maker)
    forked = site_maker.build("-v", site=tmp_path / "forked", env=NO_CACHE)
    assert forked.returncode == 0, forked.output
    assert "Pagefind indexed 6 records" in forked.output  # the helper's outcome, logged by the build
    if os.cpu_count() > 1 and sys.platform.startswith("linux"):  # where helper.available() lets a build fork
        assert "Pagefind ran from a forked helper" in forked.output
    config = site_maker.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      search: pagefind\n", "      search: pagefind\n      parallel: false\n"))
    alone = site_maker.build("-v", site=tmp_path / "alone", env=NO_CACHE)
    assert alone.returncode == 0, alone.output
    assert "Pagefind indexed 6 records" in alone.output
    assert "forked helper" not in alone.output
    assert stable(tree(forked.site)) == stable(tree(alone.site))


@pytest.mark.parametrize("parallel", [True, False])
def test_pagefind_failing_stops_the_build_with_what_it_said(site_maker: SiteMaker, tmp_path: Path, parallel: bool) -> None:
    pagefind_site(site_maker)
    if not parallel:
        config = site_maker.root / "mkdocs.yml"
        config.write_text(config.read_text().replace("      search: pagefind\n", "      search: pagefind\n      parallel: false\n"))
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: the disk is full' >&2\nexit 3\n")
    broken.chmod(0o755)
    build = site_maker.build(env={**NO_CACHE, "PAGEFIND_BINARY_PATH": str(broken)})
    assert build.returncode != 0
    assert "Pagefind could not index the site (exit status 3): Error: the disk is full" in build.output
    assert "Traceback" not in build.output


def stable(files: dict[str, bytes]) -> dict[str, bytes]:
    """A site's files, less what differs between any two Pagefind runs on the same records.

    Pagefind writes its filter index (and so the metadata file naming it, and
    the entry file naming that) in an arbitrary order each run (Pagefind issue
    #638): it iterates a hash map seeded at random per process, whatever the
    order of its input or RAYON_NUM_THREADS=1. Pages, fragments and word index
    chunks are the same bytes; tests/browser/test_pagefind_search.py checks that
    both builds find the same, filters included.
    """
    varying = ("pagefind/filter/", "pagefind/pagefind-entry.json")
    kept = {path: data for path, data in files.items() if not path.startswith(varying) and not path.endswith(".pf_meta")}
    assert any(path.startswith("pagefind/fragment/") for path in kept)
    return kept


def test_under_serve_pagefind_failing_after_an_edit_is_said(site_maker: SiteMaker, tmp_path: Path, monkeypatch) -> None:
    """A quick rebuild indexes in the background, with no build waiting to report a failure: it is logged when it happens."""
    import time

    import serving
    from pagefind.service import get_executable

    pagefind_site(site_maker)
    runs = tmp_path / "runs"
    flaky = tmp_path / "pagefind"  # indexes the first time, fails after the edit
    flaky.write_text(
        f"#!/bin/sh\nif [ -e {runs} ]; then echo 'Error: the disk is full' >&2; exit 3; fi\n"
        f"touch {runs}\nexec {get_executable()} \"$@\"\n"
    )
    flaky.chmod(0o755)
    monkeypatch.setattr(serving, "ENV", {**serving.ENV, "PAGEFIND_BINARY_PATH": str(flaky)})
    log = tmp_path / "serve.log"
    server = serving.Server(site_maker.root, log)
    try:
        server.wait_for("posts/attention-sinks-explained/", lambda body: "marmoset" in body, "the post")
        post = site_maker.root / "docs" / "posts" / "sinks.md"
        post.write_text(post.read_text().replace("marmoset", "okapi"), encoding="utf-8")
        server.wait_for("posts/attention-sinks-explained/", lambda body: "okapi" in body, "the edit")
        deadline = time.monotonic() + 30
        while "Pagefind could not index the site (exit status 3): Error: the disk is full" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert "rebuilt" in log.read_text() and "Traceback" not in log.read_text()
    finally:
        server.stop()


def test_a_build_killed_outright_takes_pagefind_with_it(site_maker: SiteMaker, tmp_path: Path) -> None:
    """A SIGKILLed build runs no cleanup: the indexer it started must not go on writing into the site."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux tells a process its parent ended")
    pagefind_site(site_maker)
    pid_file = tmp_path / "pagefind.pid"
    fake = tmp_path / "pagefind"  # stands in for Pagefind's program: says where it runs, then takes its time
    fake.write_text(f"#!{sys.executable}\nimport os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)\n")
    fake.chmod(0o755)
    run = f"import pagefind.service as s; s.get_executable = lambda: {str(fake)!r}; from mkdocs.__main__ import cli; cli()"
    build = subprocess.Popen([sys.executable, "-c", run, "build", "-q"], cwd=site_maker.root, env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not pid_file.is_file() or not pid_file.read_text():
            assert build.poll() is None and time.monotonic() < deadline, "the build never started Pagefind"
            time.sleep(0.05)
        indexer = int(pid_file.read_text())
        build.kill()
        build.wait(timeout=30)
        deadline = time.monotonic() + 10
        while running(indexer) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(indexer), "Pagefind's program outlived the build"
    finally:
        if build.poll() is None:
            build.kill()
