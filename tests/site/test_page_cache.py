"""The page cache and the helper process never change what a build writes.

papernotes reuses the theme's output and the search entries of its pages
between builds (`page_cache.py`), and on a machine with several cores a forked
helper renders pages from the far end of the build (`helper.py`). Both must be
invisible: every build writes what a build with the cache off writes, and an
edit to anything a page shows (a post, the configuration, a template, the
navigation) shows up on the next build.

Builds run as separate `mkdocs build` processes, as a writer runs them (the
helper only forks from a single-threaded process).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Build, NO_CACHE, SiteMaker, running, tree
from papernotes.mkdocs_plugin.helper import Helper

pytestmark = pytest.mark.slow

def reused(build: Build) -> tuple[int, int, int]:
    """(pages reused, search entries reused, pages rendered) from a `-v` build's log."""
    match = re.search(r"papernotes: (\d+) pages and (\d+) search entries reused, (\d+) pages rendered", build.output)
    assert match, build.output[-3000:]
    return int(match[1]), int(match[2]), int(match[3])


@pytest.fixture
def site(site_maker: SiteMaker) -> SiteMaker:
    papers = "\n".join(
        f"- id: paper{i}\n  title: Paper number {i}\n  authors: [Author {i}]\n  year: {2000 + i}\n  abstract: What paper {i} found."
        for i in range(120)
    )
    site_maker.write("library/papers.yaml", papers + "\n")
    site_maker.config(extra="""
        copyright: Copyright one
    """)
    text = (site_maker.root / "mkdocs.yml").read_text()
    text = text.replace("      per_page: 10\n", "      per_page: 4\n      library: [library/papers.yaml]\n")
    (site_maker.root / "mkdocs.yml").write_text(text)
    for n in range(12):
        cites = " ".join(f"[@paper{(n * 10 + k) % 120}]" for k in range(10))  # every paper gets its page
        site_maker.post(
            f"post-{n:02d}", f"Post number {n}", date=f"2024-05-{n + 1:02d}", tags=f"[Topic {n % 3}, Shared]",
            papers=f"[paper{n}]",
            body=f"Post {n} discusses things {cites}.\n\n## A section\n\nMath $a_{n}^2$ and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        )
    site_maker.write("docs/about.md", "# About\n\nA page of the writer's own.\n")
    return site_maker


def test_cold_warm_serial_and_uncached_builds_write_the_same_site(site: SiteMaker, tmp_path: Path) -> None:
    uncached = site.build("--strict", site=tmp_path / "uncached", env=NO_CACHE)
    assert uncached.returncode == 0, uncached.output
    reference = tree(uncached.site)
    assert "search/search_index.json" in reference and "papers/paper7/index.html" in reference

    cold = site.build("--strict", "-v", site=tmp_path / "cold")
    assert cold.returncode == 0, cold.output
    assert tree(cold.site) == reference
    hits, _, rendered = reused(cold)
    if (os.cpu_count() or 1) > 1 and hasattr(os, "fork") and sys.platform != "darwin":
        assert hits > 0, "the helper rendered no page ahead of the build"
    assert rendered > 0

    warm = site.build("--strict", "-v", site=tmp_path / "warm")
    assert tree(warm.site) == reference
    hits, search_hits, rendered = reused(warm)
    assert rendered == 0 and hits > 50 and search_hits > 10

    text = (site.root / "mkdocs.yml").read_text()
    (site.root / "mkdocs.yml").write_text(text.replace("      per_page: 4\n", "      per_page: 4\n      parallel: false\n"))
    (site.root / ".cache").rename(tmp_path / "old-cache")
    serial = site.build("--strict", "-v", site=tmp_path / "serial")
    assert tree(serial.site) == reference
    assert reused(serial)[0] == 0


def test_an_edited_post_shows_on_every_page_that_shows_it(site: SiteMaker) -> None:
    assert site.build().returncode == 0
    post = site.root / "docs" / "posts" / "post-05.md"
    post.write_text(post.read_text().replace("Post number 5", "A renamed fifth post").replace("Post 5 discusses", "Post 5 now argues"))
    build = site.build("-v")
    assert build.returncode == 0
    assert "Post 5 now argues" in build.page("posts/a-renamed-fifth-post")
    for url in ("page/2", "tags/topic-2", "papers/paper5"):  # newest first, four to a page: post 5 is on page 2
        page = build.page(url)
        assert "A renamed fifth post" in page and "Post number 5<" not in page, url
    index = (build.site / "search" / "search_index.json").read_text()
    assert "now argues" in index and "Post 5 discusses" not in index
    for feed in ("feed.xml", "tags/topic-2/feed.xml"):
        xml = (build.site / feed).read_text()
        assert "A renamed fifth post" in xml and "now argues" in xml and "Post 5 discusses" not in xml, feed
    untouched = (build.site / "tags/topic-0/feed.xml").read_text()
    assert "Post number 3" in untouched and "A renamed fifth post" not in untouched


def test_site_configuration_changes_show_on_cached_pages(site: SiteMaker) -> None:
    assert "Copyright one" in site.build().page("papers/paper3")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("Copyright one", "Copyright two"))
    build = site.build()
    for url in ("posts/post-number-1", "papers/paper3", "tags/shared"):
        assert "Copyright two" in build.page(url) and "Copyright one" not in build.page(url), url


def test_a_template_override_shows_on_the_next_build(site: SiteMaker) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    override = site.write("overrides/main.html", '{% extends "base.html" %}\n{% block footer %}FOOTER-ONE{% endblock %}\n')
    assert "FOOTER-ONE" in site.build().page("posts/post-number-2")
    override.write_text('{% extends "base.html" %}\n{% block footer %}FOOTER-TWO{% endblock %}\n')
    build = site.build()
    for url in ("posts/post-number-2", "papers/paper9", "tags/topic-1"):
        assert "FOOTER-TWO" in build.page(url) and "FOOTER-ONE" not in build.page(url), url


def test_a_new_page_in_the_navigation_shows_on_cached_pages(site: SiteMaker) -> None:
    assert "Colophon" not in site.build().page("posts/post-number-3")
    site.write("docs/colophon.md", "# Colophon\n\nHow this site is made.\n")
    build = site.build()
    assert "Colophon" in build.page("posts/post-number-3") and "Colophon" in build.page("papers/paper4")


def test_a_template_that_prints_the_build_date_is_rendered_every_time(site: SiteMaker) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    site.write("overrides/main.html", '{% extends "base.html" %}\n{% block footer %}Built in {{ build_date_utc.year }}{% endblock %}\n')
    first = site.build(env={"SOURCE_DATE_EPOCH": "946684800"})  # 2000
    assert "Built in 2000" in first.page("posts/post-number-1")
    second = site.build("-v", env={"SOURCE_DATE_EPOCH": "1262304000"})  # 2010
    assert "Built in 2010" in second.page("posts/post-number-1") and "Built in 2010" in second.page("papers/paper1")
    assert reused(second)[0] == 0  # not even the helper's pages: the cache is off


def _matches_an_uncached_build(site: SiteMaker, tmp_path: Path, env: dict[str, str] | None = None) -> Build:
    """Build (with the cache), build again with the cache off, and check the two sites are the same."""
    build = site.build(site=tmp_path / "cached", env=env)
    assert build.returncode == 0, build.output
    uncached = site.build(site=tmp_path / "uncached", env={**(env or {}), **NO_CACHE})
    assert tree(build.site) == tree(uncached.site)
    return build


def _override(site: SiteMaker, template: str) -> None:
    config = site.root / "mkdocs.yml"
    if "custom_dir" not in config.read_text():
        config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    site.write("overrides/main.html", '{% extends "base.html" %}\n{% block footer %}' + template + "{% endblock %}\n")


def test_hooks_and_what_they_give_templates_are_followed(site: SiteMaker, tmp_path: Path) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks: [hooks.py]\n")
    site.write("hooks.py", """
        import os

        def on_env(env, config, files):
            env.globals["release"] = os.environ.get("RELEASE", "none")
            return env
    """)
    _override(site, "Release {{ release }}")
    first = site.build(env={"RELEASE": "1.0"})
    assert first.returncode == 0, first.output
    assert "Release 1.0" in first.page("papers/paper7")
    second = _matches_an_uncached_build(site, tmp_path, env={"RELEASE": "2.0"})
    assert "Release 2.0" in second.page("papers/paper7") and "Release 2.0" in second.page("posts/post-number-4")


def test_a_date_in_extra_is_followed(site: SiteMaker, tmp_path: Path) -> None:
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "extra:\n  released: 2024-05-01\n")
    _override(site, "Released {{ config.extra.released }}")
    assert "Released 2024-05-01" in site.build().page("posts/post-number-2")
    config.write_text(config.read_text().replace("2024-05-01", "2024-06-01"))
    build = _matches_an_uncached_build(site, tmp_path)
    assert "Released 2024-06-01" in build.page("posts/post-number-2")


def test_an_icon_on_a_navigation_entry_is_followed(site: SiteMaker, tmp_path: Path) -> None:
    assert site.build().returncode == 0
    site.write("docs/about.md", "---\nicon: material/home\n---\n# About\n\nA page of the writer's own.\n")
    _matches_an_uncached_build(site, tmp_path)


def test_strict_fails_and_each_warning_is_printed_once(site: SiteMaker, tmp_path: Path) -> None:
    site.post("post-11", "Post number 11", date="2024-05-12", body="A link to [nowhere](missing.md).")
    for attempt in ("cold", "warm"):
        build = site.build("--strict", site=tmp_path / attempt)
        assert build.returncode != 0, attempt
        assert build.output.count("contains a link 'missing.md'") == 1, (attempt, build.output)


# -- the helper process itself ------------------------------------------------

forks = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper forks (POSIX only)")



def _collect(helper: Helper, seconds: float) -> list:
    got, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        for message in helper.receive():
            got += message
        time.sleep(0.01)
    return got


@forks
def test_the_helper_works_from_the_end_until_it_meets_the_build() -> None:
    def work(index: int) -> list[int]:
        time.sleep(0.1)
        return [index]

    helper = Helper(8, work)
    try:
        for index in range(4):  # the build took the first four at once
            helper.claim(index)
        assert _collect(helper, 1.2) == [7, 6, 5, 4]
    finally:
        helper.stop()


@forks
def test_a_failing_helper_sends_nothing_and_leaves_no_process() -> None:
    helper = Helper(3, lambda index: [1 // 0])
    pid = helper.pid
    assert _collect(helper, 0.3) == []
    helper.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@forks
def test_stopping_ends_a_busy_helper() -> None:
    helper = Helper(3, lambda index: time.sleep(30))
    pid = helper.pid
    start = time.monotonic()
    helper.stop()
    assert time.monotonic() - start < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@forks
def test_waiting_lets_the_helper_finish(tmp_path: Path) -> None:
    def work(index: int) -> None:
        time.sleep(0.2)
        (tmp_path / "parsed").write_text("done")

    helper = Helper(1, work)
    pid = helper.pid
    helper.wait()
    assert (tmp_path / "parsed").read_text() == "done"
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_clock_given_to_templates_turns_the_page_cache_off(site: SiteMaker) -> None:
    # `datetime.now` is written in C: it has no module of its own to judge it by.
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks: [hooks.py]\n")
    site.write("hooks.py", """
        import datetime

        def on_env(env, config, files):
            env.globals["now"] = datetime.datetime.now
            return env
    """)
    _override(site, "Printed {{ now().microsecond }}")
    assert site.build().returncode == 0
    second = site.build("-v")
    assert second.returncode == 0, second.output
    assert reused(second)[0] == 0


def test_mkdocs_own_themes_are_read_like_a_writers_templates() -> None:
    # They print the build date; Material's templates and MkDocs' sitemap change only with their versions.
    import material
    import mkdocs
    from jinja2 import Environment, FileSystemLoader

    from papernotes.mkdocs_plugin.page_keys import templates_data

    mkdocs_dir, material_dir = Path(mkdocs.__file__).parent, Path(material.__file__).parent
    shipped = [str(material_dir / "templates"), str(mkdocs_dir / "templates")]
    assert templates_data(Environment(loader=FileSystemLoader(shipped))) is not None
    own_theme = [str(mkdocs_dir / "themes" / "mkdocs"), str(mkdocs_dir / "templates")]
    assert templates_data(Environment(loader=FileSystemLoader(own_theme))) is None


@forks
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux tells a process its parent ended")
def test_a_helper_ends_with_a_build_killed_outright(tmp_path: Path) -> None:
    """A build killed with SIGKILL runs no cleanup: its helper must not go on working for nobody."""
    script = (
        "import os, signal, time\n"
        "from papernotes.mkdocs_plugin.helper import Helper\n"
        "helper = Helper(3, lambda index: time.sleep(60))\n"
        "print(helper.pid, flush=True)\n"
        "time.sleep(0.5)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr
    pid = int(run.stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and running(pid):
        time.sleep(0.05)
    assert not running(pid), "the helper outlived the build"
