"""The header search box on Pagefind's index (`search: pagefind`), in Chromium as a reader uses it.

A reader finds a paper by its arXiv id (bare and prefixed), an author and a word
of its abstract, and a post by its text; a draft is never found; hostile titles
and abstracts show as text; the keyboard walks and opens results, and the page
opened marks the words searched for; filters narrow by page type; the box sits in
the header on a phone and on a desktop, light and dark.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from browser.conftest import DESKTOP
from conftest import SiteMaker
from pagefind_site import H, LONG_WORD, pagefind_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAPER = "papers/2309.17453/"
POST = "posts/attention-sinks-explained/"


@pytest.fixture(scope="module")
def search_url(tmp_path_factory: pytest.TempPathFactory, serve_folder) -> Iterator[str]:
    build = pagefind_site(SiteMaker(tmp_path_factory.mktemp("pagefind-browser") / "src")).build("--strict")
    assert build.returncode == 0, build.output
    with serve_folder(build.site) as url:
        yield url


def search(page, query: str) -> list[dict[str, str]]:
    """Put `query` into the header box; the results shown (href, title, type, excerpt, text).

    At once, as a paste: typed key by key on a busy machine, the keys may come
    further apart than the box's pause and a prefix's answer ("No matching
    documents" for a letter) be read as the query's.
    """
    box = page.locator(".md-search__input")
    box.click()
    box.fill("")
    box.fill(query)
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.match(/matching|No /)")
    if "No matching" in meta.inner_text():
        return []
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_timeout(200)  # the rest of the batch
    return page.eval_on_selector_all(".md-search-result__item", """items => items.map(item => ({
        href: item.querySelector("a").getAttribute("href"),
        title: item.querySelector("h1").textContent,
        type: item.querySelector(".pn-search__type").textContent,
        excerpt: item.querySelector("article > p").textContent,
        text: item.textContent,
    }))""")


@pytest.mark.parametrize("query", ["2309.17453", "arXiv:2309.17453", "Guangxuan", "Beidi Chen", "quokkalike", "ICLR"])
def test_a_paper_is_found_by_id_author_venue_and_abstract(page, search_url: str, query: str) -> None:
    page.goto(search_url)
    results = search(page, query)
    paper = [r for r in results if r["href"].split("?")[0].endswith(PAPER)]
    assert paper, results
    assert paper[0]["title"] == "Efficient Streaming Language Models with Attention Sinks"
    assert paper[0]["type"] == "Paper"


@pytest.mark.parametrize("query", ["marmoset", "Long Context", "Efficient Streaming"])
def test_a_post_is_found_by_its_text_topics_and_the_papers_it_reviews(page, search_url: str, query: str) -> None:
    page.goto(search_url)
    results = search(page, query)
    assert any(r["href"].split("?")[0].endswith(POST) and r["type"] == "Post" for r in results), results


def test_an_excerpt_holds_the_writers_words_not_permalinks_or_back_references(page, search_url: str) -> None:
    """Headings' ¶ and footnotes' ↩ are marks to click, not words: never in an excerpt; a word split by emphasis is one word."""
    page.goto(search_url)
    assert any(r["href"].split("?")[0].endswith(POST) for r in search(page, "overloaded")), "written *over*loaded"
    for query in ("sink forms", "Measured"):  # next to a heading's permalink; in a footnote, before its back-reference
        results = [r for r in search(page, query) if r["href"].split("?")[0].endswith(POST)]
        assert results, query
        assert "¶" not in results[0]["text"] and "↩" not in results[0]["text"], results[0]["text"]


def test_a_title_is_found_first_and_not_repeated_in_its_excerpt(page, search_url: str) -> None:
    page.goto(search_url)
    results = search(page, "explained")  # a word of the post's title only
    assert results[0]["title"] == "Attention sinks, explained", results
    assert results[0]["excerpt"].startswith("Why the first tokens"), results[0]["excerpt"]
    paper = [r for r in search(page, "Streaming") if r["type"] == "Paper"]
    # Its abstract, not the author list shown under it again.
    assert paper and paper[0]["excerpt"].startswith("Deploying large language models"), paper


def test_topics_and_the_writers_pages_are_found(page, search_url: str) -> None:
    page.goto(search_url)
    assert any(r["type"] == "Topic" and r["title"] == "Long Context" for r in search(page, "Long Context"))
    assert [r["title"] for r in search(page, "capybara")] == ["About this site"]


@pytest.mark.parametrize("query", ["xylophonist", "zeppelinic", "Unfinished", "2401.99999"])
def test_a_draft_and_its_paper_are_never_found(page, search_url: str, query: str) -> None:
    page.goto(search_url)
    assert search(page, query) == []


def test_hostile_titles_and_abstracts_stay_text(page, search_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(search_url)
    results = search(page, "gnomonic")
    titles = {r["title"] for r in results}
    assert "Hostile " + H in titles and "Paper " + H in titles, titles
    # As written, `&amp;` included: Pagefind escapes only < and > in its excerpts.
    assert any(r["excerpt"].startswith("Abstract " + H + " gnomonic") for r in results), [r["excerpt"] for r in results]
    assert page.locator(".md-search-result script, .md-search-result img").count() == 0
    assert dialogs == []


def test_a_pasted_hash_does_not_fill_the_results(page, search_url: str) -> None:
    """A word of 2,000 letters in a post shows cut short, and its result stays the height of the others."""
    page.goto(search_url)
    (post,) = [r for r in search(page, "pasted") if r["title"].startswith("Hostile")]
    assert LONG_WORD[:40] + "…" in post["excerpt"] and LONG_WORD[:41] not in post["excerpt"], post["excerpt"]
    heights = page.eval_on_selector_all(".md-search-result__item", "items => items.map(item => item.getBoundingClientRect().height)")
    assert max(heights) < 200, heights


@pytest.mark.parametrize("query", ["2309.174", "2309.1745", "2309.17453v2", "arXiv:2309.17453v1"])
def test_an_arxiv_id_in_part_or_with_its_version_finds_the_paper(page, search_url: str, query: str) -> None:
    """Typed in part (each key of `2309.17453` searches), or copied with its version from a citation."""
    page.goto(search_url)
    assert any(r["href"].split("?")[0].endswith(PAPER) for r in search(page, query))


def test_a_paper_with_no_title_is_found_by_its_id_either_way(page, tmp_path, serve_folder) -> None:
    """Its heading is `arXiv:ID` and its text the bare id: both forms find it, and its excerpt does not repeat the id."""
    maker = pagefind_site(SiteMaker(tmp_path / "src"))
    maker.post("untitled", "Untitled paper notes", date="2024-08-01", papers='[{arxiv: "2402.08268"}]')
    build = maker.build()
    assert build.returncode == 0, build.output
    with serve_folder(build.site) as url:
        page.goto(url)
        for query in ("2402.08268", "arXiv:2402.08268"):
            found = [r for r in search(page, query) if r["type"] == "Paper"]
            assert [r["title"] for r in found] == ["arXiv:2402.08268"], (query, found)
            assert found[0]["excerpt"].count("2402.08268") <= 1, found[0]["excerpt"]


@pytest.mark.parametrize("query", ["2309.11111", "arXiv:2309.11111", "1706.03762"])
def test_an_arxiv_id_the_site_does_not_have_finds_nothing(page, search_url: str, query: str) -> None:
    """Not the papers of the same month (`2309`), nor a topic's "1 post" for the `1` of another id."""
    page.goto(search_url)
    assert search(page, query) == []


@pytest.mark.parametrize("damage", ["metadata zeroed", "excerpt files missing"])
def test_a_damaged_index_says_search_is_not_available(page, tmp_path, serve_folder, damage: str) -> None:
    """A file corrupted or a deploy cut short: the box says so, and shows nothing of an earlier query.

    Not a word chunk missing: Pagefind only logs that (in its worker), and answers "no results".
    """
    import shutil

    maker = pagefind_site(SiteMaker(tmp_path / "src"))
    build = maker.build()
    assert build.returncode == 0, build.output
    if damage == "metadata zeroed":
        for meta in (build.site / "pagefind").glob("*.pf_meta"):
            meta.write_bytes(b"\0" * meta.stat().st_size)
    else:
        shutil.rmtree(build.site / "pagefind" / "fragment")
    with serve_folder(build.site) as url:
        page.goto(url)
        box = page.locator(".md-search__input")
        box.click()
        box.fill("marmoset")
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('not available')")
        assert page.locator(".md-search-result__item").count() == 0


@pytest.mark.parametrize("width,scheme", [(1400, "light"), (1400, "dark"), (390, "light"), (390, "dark")])
def test_the_box_sits_in_the_header_on_phone_and_desktop(browser, search_url: str, screenshots, width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": DESKTOP["height"]}, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(search_url)
        if width < 960:  # Material hides the box behind the header's search button on small screens
            page.locator("label.md-header__button[for='__search']").click()
            assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
        results = search(page, "attention")
        assert results
        box = page.locator(".md-search__inner").bounding_box()
        header = page.locator(".md-header").bounding_box()
        assert box["y"] < header["y"] + header["height"]  # in the header, where Material's is
        first = page.locator(".md-search-result__item").first.bounding_box()
        assert 0 <= first["x"] and first["x"] + first["width"] <= width + 1
        page.screenshot(path=str(screenshots / f"pagefind-search-{width}-{scheme}.png"))
    finally:
        context.close()
    assert errors == []


def test_serve_finds_what_an_edit_added(page, tmp_path) -> None:
    """Under `mkdocs serve`, a word saved into a post is found once the quick rebuild is done."""
    import socket
    import subprocess
    import sys
    import time

    from conftest import ENV

    maker = pagefind_site(SiteMaker(tmp_path / "src"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(maker.root / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
            cwd=maker.root, env=ENV, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/notes/"  # the mount path comes from site_url
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                page.goto(url)
                if page.locator(".md-search__input").count():
                    break
            except Exception:  # noqa: BLE001 - the server is still starting
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        assert search(page, "okapi") == []
        post = maker.root / "docs" / "posts" / "sinks.md"
        post.write_text(post.read_text().replace("marmoset", "okapi"), encoding="utf-8")
        deadline = time.monotonic() + 60
        while True:
            time.sleep(1)
            page.goto(url)
            found = search(page, "okapi")
            if found:
                break
            assert time.monotonic() < deadline, log.read_text()
        assert found[0]["href"].split("?")[0].endswith(POST)
        assert "rebuilt" in log.read_text()  # by the quick rebuild, not a full one
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_with_materials_instant_navigation(page, tmp_path, serve_folder) -> None:
    """With `navigation.instant`, Material swaps the content only: the box stays, a result opens and is marked."""
    maker = pagefind_site(SiteMaker(tmp_path / "src"))
    config = maker.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  features: [navigation.instant]\n"))
    build = maker.build("--strict")
    assert build.returncode == 0, build.output
    with serve_folder(build.site) as url:
        page.goto(url)
        assert search(page, "marmoset")
        page.locator(".md-search-result__link").first.click()
        page.wait_for_url("**/" + POST + "?h=marmoset")
        assert not page.is_checked("#__search")
        assert page.locator("mark.pn-highlight").count() >= 1
        assert page.locator(".pn-search").count() == 1
        assert [r["title"] for r in search(page, "capybara")] == ["About this site"]


QUERIES = [("2309.17453", {}), ("attention", {}), ("attention", {"type": "paper"}), ("gnomonic", {"type": "post"}),
           ("", {"topic": "Long Context"}), ("", {"year": "2024"}), ("capybara", {"type": "page"})]

_FIND = """async ([root, queries]) => {
  const pagefind = await import(root + "pagefind/pagefind.js");
  const found = { filters: await pagefind.filters() };
  for (const [query, filters] of queries) {
    const search = await pagefind.search(query || null, { filters });
    found[query + " " + JSON.stringify(filters)] = await Promise.all(search.results.map(async (result) => {
      const data = await result.data();
      return [data.meta.href, result.score, data.meta.title, data.excerpt, data.filters];
    }));
  }
  return found;
}"""


def test_a_build_without_the_cache_finds_the_same(page, tmp_path, serve_folder) -> None:
    """Pagefind writes its filter index in another order on each run (a hash map's, seeded at random), so
    `pagefind/` is not the same bytes from two builds (tests/site/test_pagefind.py checks all else is);
    what a reader finds, filters included, is the same from a cached build and one without the cache."""
    from conftest import NO_CACHE

    maker = pagefind_site(SiteMaker(tmp_path / "src"))
    assert maker.build().returncode == 0
    cached = maker.build()  # from the cache
    fresh = maker.build(site=tmp_path / "fresh", env=NO_CACHE)
    assert cached.returncode == 0 and fresh.returncode == 0, cached.output + fresh.output
    found = []
    for build in (cached, fresh):
        with serve_folder(build.site) as url:
            page.goto(url)
            found.append(page.evaluate(_FIND, [url, QUERIES]))
    assert found[0] == found[1]
    assert set(found[0]["filters"]["type"]) == {"post", "paper", "topic", "page"}
    assert [r[2] for r in found[0]['attention {"type":"paper"}']] == ["Efficient Streaming Language Models with Attention Sinks"]
    assert all(result for key, result in found[0].items() if key != "filters"), found[0]  # every query finds something
