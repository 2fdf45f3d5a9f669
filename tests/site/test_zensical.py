"""`papernotes build|serve --engine zensical` on fresh sites, and `papernotes check` on sites Zensical would build.

What a writer moving to Zensical does: builds a site whose posts cite and
review papers, edits the library and rebuilds (Zensical's cache must not
keep the old card), serves and edits, and pushes a workflow that runs
`zensical build` by hand (check must say the plugin is ignored there).
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from conftest import ENV, SiteMaker
from engine_builds import papernotes
from serving import Server

pytestmark = pytest.mark.slow

LIBRARY = """\
- id: xiao2023streaming
  title: {title}
  authors: [Guangxuan Xiao, Song Han]
  year: 2023
  arxiv: "2309.17453"
"""

POST_BODY = "StreamingLLM [@xiao2023streaming] keeps sink tokens.\n\nA second citation [@xiao2023streaming, p. 4]."


def _site(site_maker: SiteMaker, title: str = "Efficient Streaming Language Models") -> SiteMaker:
    text = (site_maker.root / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - papernotes:\n", "  - papernotes:\n      library: [library.yaml]\n"
    )
    (site_maker.root / "mkdocs.yml").write_text(text, encoding="utf-8")
    site_maker.write("library.yaml", LIBRARY.format(title=title))
    site_maker.post(
        "streaming", "Attention sinks", body=POST_BODY, tags="[LLM, Long Context]",
        papers="[xiao2023streaming]", takeaways='["Sinks matter [@xiao2023streaming]."]',
    )
    return site_maker


def _build(site: SiteMaker, *args: str) -> subprocess.CompletedProcess[str]:
    return papernotes(site.root, "build", "--engine", "zensical", *args)


def test_a_fresh_site_gets_every_papernotes_page(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    proc = _build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = site.root / "site"
    post = (out / "posts/attention-sinks/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a class="citation" href="#ref-xiao2023streaming"[^>]* title="[^"]*Efficient Streaming', post)
    assert '<li id="ref-xiao2023streaming"' in post and 'class="paper-card' in post and "Key takeaways" in post
    for page in ("papers/2309.17453/index.html", "tags/index.html", "tags/long-context/index.html", "papers/index.html", "feed.xml"):
        assert (out / page).is_file(), page
    assert "Attention sinks" in (out / "papers/2309.17453/index.html").read_text(encoding="utf-8")
    # The pages papernotes adds to were generated for this build only, outside docs/.
    assert sorted(p.name for p in (site.root / "docs").rglob("*")) == ["posts", "streaming.md"]


def test_pasted_terminal_colours_and_form_feeds_leave_a_post_as_under_mkdocs(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    site.post("pasted", "Pasted output", body="The run printed \x1b[31mFAILED\x1b[0m twice.\x0c\n\nA second page.\n")
    proc = _build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = site.root / "site"
    post = (out / "posts/pasted-output/index.html").read_text(encoding="utf-8")
    assert "The run printed FAILED twice." in post
    for page in (post, (out / "feed.xml").read_text(encoding="utf-8"), (out / "index.html").read_text(encoding="utf-8")):
        assert "\x1b" not in page and "\x0c" not in page


def test_the_sources_papernotes_reads_are_not_published_as_under_mkdocs(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    text = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / "mkdocs.yml").write_text(text.replace("library: [library.yaml]", "library: [library.yaml, docs/lib/papers.json]"), encoding="utf-8")
    site.write("docs/lib/papers.json", '[{"id": "lib2024", "title": "From the library"}]')
    site.write("docs/.authors.yml", "authors:\n  eve: {name: Eve}\n")
    site.post("cites", "Cites the library", body="See [@lib2024].")
    proc = _build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "From the library" in (site.root / "site/posts/cites-the-library/index.html").read_text(encoding="utf-8")
    published = {p.name for p in (site.root / "site").rglob("*")}
    assert not {"papers.json", ".authors.yml"} & published


def test_a_library_edit_reaches_the_post_through_zensicals_cache(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    assert _build(site).returncode == 0
    site.write("library.yaml", LIBRARY.format(title="Attention Sinks, Renamed"))
    proc = _build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    post = (site.root / "site/posts/attention-sinks/index.html").read_text(encoding="utf-8")
    assert "Attention Sinks, Renamed" in post and "Efficient Streaming" not in post


def test_a_new_post_updates_the_neighbour_links_of_the_last_one(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    assert _build(site).returncode == 0
    site.post("later", "A later post", date="2024-07-01")
    assert _build(site).returncode == 0
    older = (site.root / "site/posts/attention-sinks/index.html").read_text(encoding="utf-8")
    assert "A later post" in older


def test_errors_stop_the_build_before_zensical_runs(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    site.write("docs/posts/broken.md", "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nText\n")
    proc = _build(site)
    assert proc.returncode == 1
    assert "docs/posts/broken.md:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (site.root / "site").exists()
    assert not (site.root / ".papernotes-zensical.yml").exists()


def test_strict_fails_on_an_unknown_citation(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    site.post("unknown", "Unknown key", body="See [@nobody2024].")
    relaxed = _build(site)
    assert relaxed.returncode == 0 and "unknown citation key 'nobody2024'" in relaxed.stderr
    assert _build(site, "--strict").returncode == 1


def test_strict_fails_without_site_url_as_under_mkdocs(site_maker: SiteMaker) -> None:
    """No site_url: no feeds, a warning; --strict fails on it as MkDocs' build does."""
    site = _site(site_maker)
    config = site.root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    relaxed = _build(site)
    assert relaxed.returncode == 0 and "set site_url in mkdocs.yml" in relaxed.stderr
    assert _build(site, "--strict").returncode == 1
    assert site.build("--strict").returncode != 0  # MkDocs' own, for the record


def test_the_build_names_what_zensical_leaves_out_of_this_site(site_maker: SiteMaker, tmp_path: Path) -> None:
    """Hooks and plugins Zensical has no part for are named; what the site does not use is not."""
    site = _site(site_maker)
    site.write("hook.py", "def on_page_content(html, **kwargs):\n    return html\n")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks: [hook.py]\n", encoding="utf-8")
    said = _build(site).stderr
    assert "the hooks hook.py: Zensical does not run them" in said
    assert "search: pagefind" not in said  # the site does not use it
    assert "MkDocs' checks of links and anchors" in said
    # -d relative to mkdocs.yml's folder, as MkDocs reads it, wherever the command runs from.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run([sys.executable, "-m", "papernotes.cli", "build", "--engine", "zensical", "-f", str(config), "-d", "out"],
                          cwd=elsewhere, env=ENV, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (site.root / "out" / "index.html").is_file() and not (elsewhere / "out").exists()


def test_hostile_frontmatter_is_escaped_in_zensicals_pages(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    site.write("docs/posts/evil.md", """\
        ---
        title: "Evil </title><script>alert(1)</script> & co"
        date: 2024-06-02
        description: 'say "hi" <img src=x onerror=alert(2)>'
        tags: ["<i>x</i>"]
        papers:
          - id: k1
            title: "Paper <svg onload=alert(3)>"
            year: 2024
        ---
        Text [@k1].
        """)
    assert _build(site).returncode == 0
    for path in (site.root / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for raw in ("<script>alert", "<svg onload", "<img src=x", "<i>x</i>"):
            assert raw not in html, (path, raw)


def test_an_engine_not_installed_is_named_with_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from papernotes import engines

    monkeypatch.setattr(engines.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(engines.EngineMissing, match=r"pip install 'papernotes\[zensical\]'"):
        engines.require("zensical")


# -- check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "text", "warns"),
    [
        ("zensical.toml", "[project]\nsite_name = 'x'\n", True),
        (".github/workflows/publish.yml", "steps:\n  - run: pip install zensical\n  - run: zensical build --clean\n", True),
        (".github/workflows/publish.yml", "steps:\n  - run: papernotes build --engine zensical\n", False),
        (".github/workflows/publish.yml", "steps:\n  - run: mkdocs gh-deploy --force\n", False),
    ],
)
def test_check_warns_when_zensical_would_skip_the_plugin(site_maker: SiteMaker, where: str, text: str, warns: bool) -> None:
    site = _site(site_maker)
    site.write(where, text)
    proc = papernotes(site.root, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = re.search(r"^mkdocs\.yml:(\d+): warning: .*ignores the papernotes plugin.*papernotes build --engine zensical", proc.stdout, re.M)
    assert bool(found) == warns, proc.stdout
    if warns:
        line = int(found.group(1))
        assert "papernotes" in (site.root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()[line - 1]
        assert papernotes(site.root, "check", "--strict").returncode == 1


# -- serve ----------------------------------------------------------------------------


def test_serve_makes_the_pages_again_when_a_post_or_the_library_changes(site_maker: SiteMaker, tmp_path: Path) -> None:
    site = _site(site_maker)
    server = Server(site.root, tmp_path / "serve.log", engine="zensical", mount="/", wait=90)
    try:
        server.wait_for("posts/attention-sinks/", lambda page: "keeps sink tokens" in page, "the post")
        site.post("streaming", "Attention sinks", body=POST_BODY + "\n\nAn edit while serving.",
                  tags="[LLM]", papers="[xiao2023streaming]")
        server.wait_for("posts/attention-sinks/", lambda page: "An edit while serving." in page, "the edit")
        site.write("library.yaml", LIBRARY.format(title="Renamed While Serving"))
        server.wait_for("posts/attention-sinks/", lambda page: "Renamed While Serving" in page, "the renamed paper on the post")
        server.wait_for("papers/2309.17453/", lambda page: "Renamed While Serving" in page, "the renamed paper on its page")
        site.post("draft", "A draft shown by serve", draft="true")
        server.wait_for("", lambda page: "A draft shown by serve" in page, "the draft on the home page")
        # mkdocs.yml read again: the site's name on every page, not only in the feeds papernotes writes.
        config = site.root / "mkdocs.yml"
        config.write_text(re.sub(r"(?m)^site_name: .*$", "site_name: Renamed Notes", config.read_text(encoding="utf-8")), encoding="utf-8")
        server.wait_for("posts/attention-sinks/", lambda page: "Renamed Notes</title>" in page, "the new site name on the post")
    finally:
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(30)
    assert not (site.root / ".papernotes-zensical.yml").exists()
    _port_is_free(server.port)


def _port_is_free(port: int) -> None:
    """The engine's server stopped with papernotes: nothing listens on its port any more."""
    deadline = time.monotonic() + 15
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        assert time.monotonic() < deadline, f"something still serves on port {port}"
        time.sleep(0.2)


def test_properdocs_serve_runs_the_plugin_and_shows_an_edit(site_maker: SiteMaker, tmp_path: Path) -> None:
    """ProperDocs serves with the plugin's own quick rebuilds (its `mkdocs` modules are ProperDocs')."""
    site = _site(site_maker)
    server = Server(site.root, tmp_path / "serve.log", engine="properdocs", wait=90)
    try:
        page = server.wait_for("posts/attention-sinks/", lambda page: "keeps sink tokens" in page, "the post")
        assert 'class="citation"' in page and 'class="paper-card' in page
        site.post("streaming", "Attention sinks", body=POST_BODY + "\n\nAn edit under ProperDocs.",
                  tags="[LLM]", papers="[xiao2023streaming]")
        server.wait_for("posts/attention-sinks/", lambda page: "An edit under ProperDocs." in page, "the edit")
    finally:
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(30)
    _port_is_free(server.port)


def test_check_finds_the_workflow_at_the_root_of_the_repository(tmp_path) -> None:
    repo = tmp_path / "repo"
    site = _site(SiteMaker(repo / "newsletter"))
    (repo / ".git").mkdir()
    site.write("../.github/workflows/pages.yml", "steps:\n  - run: python -m zensical build\n")
    proc = papernotes(site.root, "check")
    assert "../.github/workflows/pages.yml:2 builds the site with Zensical" in proc.stdout, proc.stdout


def test_feed_format_both_writes_and_links_rss_and_atom(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    text = (site.root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - papernotes:\n", "  - papernotes:\n      feed_format: both\n")
    (site.root / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert _build(site).returncode == 0
    out = site.root / "site"
    for feed in ("feed.xml", "atom.xml", "tags/llm/feed.xml", "tags/llm/atom.xml"):
        assert feedparser.parse((out / feed).read_bytes()).entries, feed
    topic = (out / "tags/llm/index.html").read_text(encoding="utf-8")
    for href in ("../../feed.xml", "../../atom.xml", "feed.xml", "atom.xml"):
        assert f'href="{href}"' in topic, href


def test_links_written_to_post_files_and_images_beside_a_post_still_work(site_maker: SiteMaker) -> None:
    site = _site(site_maker)
    site.write("docs/posts/fig.png", b"\x89PNG\r\n\x1a\n")
    site.post("later", "A later post", date="2024-07-01",
              body="See [the earlier post](streaming.md#references) and ![a figure](fig.png).")
    site.write("docs/about.md", "# About\n\nStart with [attention sinks](posts/streaming.md).\n")
    proc = _build(site, "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    later = (site.root / "site/posts/a-later-post/index.html").read_text(encoding="utf-8")
    assert 'href="../attention-sinks/#references"' in later
    assert 'src="../fig.png"' in later and (site.root / "site/posts/fig.png").is_file()
    about = (site.root / "site/about/index.html").read_text(encoding="utf-8")
    assert 'href="../posts/attention-sinks/"' in about
    # The MkDocs build links the same places.
    mkdocs = site.build("--strict")
    assert mkdocs.returncode == 0, mkdocs.output
    assert 'href="../attention-sinks/#references"' in mkdocs.page("posts/a-later-post")
    assert 'href="../posts/attention-sinks/"' in mkdocs.page("about")


def test_search_finds_a_topic_by_its_name_not_by_the_posts_it_lists(site_maker: SiteMaker) -> None:
    """As under MkDocs (search.md): a topic page is a record of its name; the excerpts it lists are the posts'."""
    site = _site(site_maker)
    proc = _build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = json.loads((site.root / "site" / "search.json").read_text(encoding="utf-8"))["items"]
    topic = [item for item in items if item["location"].startswith("tags/llm/")]
    assert topic and "sink tokens" not in json.dumps(topic), topic
    assert [item for item in items if item["location"].startswith("posts/attention-sinks/") and "sink tokens" in item["text"]]
    # The headings of what a page lists are no entries either: each was one, empty, titled with the page's title.
    assert not [item["location"] for item in items if not item["text"].strip()]
    assert not [item for item in items if item["location"].endswith(("#posts", "#papers", "#latest-posts"))]


def test_search_results_show_an_apostrophe_in_a_title_as_written(site_maker: SiteMaker) -> None:
    """Zensical's search box shows the titles of search.json as they are: no `&#x27;` for an apostrophe."""
    site = _site(site_maker)
    site.post("qlora", "Quick note: QLoRA's paged optimisers", body="Paged optimisers.")
    site.write("docs/posts/quote.md", '---\ntitle: \'Say "hi" <b>bold</b>\'\ndate: 2024-06-03\n---\nQuoted.\n')
    proc = _build(site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = json.loads((site.root / "site" / "search.json").read_text(encoding="utf-8"))["items"]
    titles = {item["title"] for item in items if item["location"].startswith("posts/quick-note")}
    assert titles == {"Quick note: QLoRA's paged optimisers"}, titles  # the page's entry and its title's section
    [page] = [p.read_text(encoding="utf-8") for p in (site.root / "site" / "posts").glob("say-hi*/index.html")]
    assert "<b>bold</b>" not in page and "Say &quot;hi&quot; &lt;b&gt;bold&lt;/b&gt;" in page
