"""Site-relative links: the built site works under any base path and from file://."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papernotes.core.views.urls import _relpath, file_links, rebase_links, relative_url, resolve_url

SITE = "https://example.org/base/"


def browser(href: str, page: str) -> str:
    """What a browser makes of `href` on `page`, as a site path (the oracle)."""
    absolute = urljoin(SITE + page, href)
    assert absolute.startswith(SITE), absolute
    return absolute[len(SITE):]


# -- relative_url -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "from_page", "expected"),
    [
        # from home
        ("posts/a/", "", "posts/a/"),
        ("", "", "./"),
        ("tags/llm/", "", "tags/llm/"),
        ("assets/x.css", "", "assets/x.css"),
        # from nested pages
        ("", "posts/a/", "../../"),
        ("posts/b/", "posts/a/", "../b/"),
        ("posts/a/", "posts/a/", "./"),
        ("tags/llm/", "tags/x/page/2/", "../../../llm/"),
        ("", "tags/x/page/2/", "../../../../"),
        ("papers/2309.17453/", "2024/06/moa/", "../../../papers/2309.17453/"),
        ("assets/x.css", "tags/x/page/2/", "../../../../assets/x.css"),
        # fragments
        ("posts/a/#ref-xiao", "posts/a/", "#ref-xiao"),
        ("posts/b/#ref-xiao", "posts/a/", "../b/#ref-xiao"),
        ("#top", "posts/a/", "../../#top"),  # '' is home: its fragment, seen from a post
        ("posts/a/#fn:1", "", "posts/a/#fn:1"),
        ("#x", "", "#x"),
        # absolute stays
        ("https://arxiv.org/abs/2309.17453", "posts/a/", "https://arxiv.org/abs/2309.17453"),
        ("mailto:a@b.org", "posts/a/", "mailto:a@b.org"),
        ("/root", "posts/a/", "/root"),
        ("//cdn.example.org/x.js", "posts/a/", "//cdn.example.org/x.js"),
    ],
)
def test_relative_url(target, from_page, expected):
    assert relative_url(target, from_page) == expected


@pytest.mark.parametrize(
    ("target", "from_page", "expected"),
    [
        ("posts/a.html", "index.html", "posts/a.html"),
        ("index.html", "posts/a.html", "../index.html"),
        ("posts/b.html", "posts/a.html", "b.html"),
        ("tags/llm.html", "posts/2024/a.html", "../../tags/llm.html"),
        ("tags/llm/page/2.html", "tags/llm.html", "llm/page/2.html"),
        ("posts/a.html#ref-x", "posts/a.html", "#ref-x"),
        ("posts/a.html#ref-x", "tags/llm.html", "../posts/a.html#ref-x"),
        ("", "posts/a.html", "../"),
    ],
)
def test_relative_url_without_directory_urls(target, from_page, expected):
    assert relative_url(target, from_page) == expected


@pytest.mark.parametrize(
    ("target", "from_page"),
    [
        ("posts/a/", ""), ("", "posts/a/"), ("posts/b/", "posts/a/"), ("tags/llm/", "tags/x/page/2/"),
        ("posts/a/#fn:1", "tags/x/page/2/"), ("posts/a.html", "index.html"), ("index.html", "posts/a.html"),
        ("tags/llm.html#x", "posts/2024/a.html"), ("posts/a/", "posts/a/"), ("", ""), ("assets/x.css", "p/q/"),
    ],
)
def test_relative_url_is_what_a_browser_resolves_back(target, from_page):
    assert browser(relative_url(target, from_page), from_page) == target


# -- resolve_url -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "page", "expected"),
    [
        ("img.png", "posts/a/", "posts/a/img.png"),
        ("../b/", "posts/a/", "posts/b/"),
        ("../../", "posts/a/", ""),
        ("./", "posts/a/", "posts/a/"),
        ("..", "posts/a/", "posts/"),
        (".", "posts/a/", "posts/a/"),
        ("", "posts/a/", "posts/a/"),
        ("#fn:1", "posts/a/", "posts/a/#fn:1"),
        ("?q=1", "posts/a.html", "posts/a.html?q=1"),
        ("b.html", "posts/a.html", "posts/b.html"),
        ("../x/y.png#z", "posts/2024/a/", "posts/2024/x/y.png#z"),
        ("https://x.org/", "posts/a/", None),
        ("mailto:a@b.org", "posts/a/", None),
        ("/abs", "posts/a/", None),
    ],
)
def test_resolve_url(href, page, expected):
    assert resolve_url(href, page) == expected
    if expected is not None:
        assert expected == browser(href, page)


# -- rebase_links -----------------------------------------------------------------------

EXCERPT = (
    '<p>See <a href="../b/">the other post</a>, the figure <img alt="fig" src="fig.png" />, '
    '<a href="https://arxiv.org/abs/2309.17453">arXiv</a>, <a href="mailto:me@example.org">mail</a>, '
    '<a href="/root/">root</a>, <a href="../../papers/2309.17453/">paper</a> '
    'and a note<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>'
)


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def test_rebase_to_home():
    out = rebase_links(EXCERPT, "posts/a/", "")
    assert hrefs(out) == [
        "posts/b/", "posts/a/fig.png", "https://arxiv.org/abs/2309.17453", "mailto:me@example.org",
        "/root/", "papers/2309.17453/", "posts/a/#fn:1",
    ]


def test_rebase_to_a_nested_listing_page():
    out = rebase_links(EXCERPT, "posts/a/", "tags/x/page/2/")
    assert hrefs(out) == [
        "../../../../posts/b/", "../../../../posts/a/fig.png", "https://arxiv.org/abs/2309.17453",
        "mailto:me@example.org", "/root/", "../../../../papers/2309.17453/", "../../../../posts/a/#fn:1",
    ]


@pytest.mark.parametrize("shown_on", ["", "page/2/", "tags/x/", "tags/x/page/2/", "posts/b/"])
def test_rebased_links_reach_the_same_site_path(shown_on):
    before = [browser(h, "posts/a/") for h in hrefs(EXCERPT) if resolve_url(h, "posts/a/") is not None]
    out = rebase_links(EXCERPT, "posts/a/", shown_on)
    after = [browser(h, shown_on) for h in hrefs(out) if resolve_url(h, shown_on) is not None]
    assert after == before


def test_footnote_link_points_at_the_post():
    out = rebase_links('<a class="footnote-ref" href="#fn:1">1</a>', "posts/a/", "")
    assert out == '<a class="footnote-ref" href="posts/a/#fn:1">1</a>'


def test_rebase_keeps_everything_else_byte_for_byte():
    out = rebase_links(EXCERPT, "posts/a/", "")
    assert re.sub(r'(href|src)="[^"]*"', "", out) == re.sub(r'(href|src)="[^"]*"', "", EXCERPT)


def test_rebase_on_the_same_page_changes_nothing():
    assert rebase_links(EXCERPT, "posts/a/", "posts/a/") is EXCERPT


def test_rebase_without_directory_urls():
    html = '<a href="b.html">b</a><img src="img/f.png"><a href="#fn:1">1</a>'
    out = rebase_links(html, "posts/a.html", "tags/llm.html")
    assert hrefs(out) == ["../posts/b.html", "../posts/img/f.png", "../posts/a.html#fn:1"]


def test_rebase_does_not_touch_text_that_looks_like_a_link():
    html = '<p>write href="x" in text</p><a data-href="y" href="z/">z</a>'
    out = rebase_links(html, "posts/a/", "")
    assert out == '<p>write href="x" in text</p><a data-href="y" href="posts/a/z/">z</a>'


def test_rebase_leaves_html_shown_as_code_alone():
    # What Python-Markdown makes of `<img src="fig.png">` in backticks.
    html = '<p>Use <code>&lt;img src="fig.png"&gt;</code> like <img src="fig.png" /></p>'
    out = rebase_links(html, "posts/a/", "")
    assert out == '<p>Use <code>&lt;img src="fig.png"&gt;</code> like <img src="posts/a/fig.png" /></p>'


# -- properties ---------------------------------------------------------------------------

_SEGMENT = st.sampled_from(["a", "b", "posts", "img.png", "x.html", "..", "."])
_PAGE = st.lists(st.sampled_from(["posts", "a", "tags", "x", "page", "2"]), max_size=4).map(
    lambda parts: "/".join(parts) + "/" if parts else ""
)
_HTML_PAGE = st.lists(st.sampled_from(["posts", "a", "tags"]), min_size=0, max_size=3).map(
    lambda parts: "/".join([*parts, "p.html"])
)


@st.composite
def relative_hrefs(draw):
    parts = draw(st.lists(_SEGMENT, min_size=1, max_size=5))
    href = "/".join(parts)
    if draw(st.booleans()):
        href += "/"
    if draw(st.booleans()):
        href += "#" + draw(st.sampled_from(["fn:1", "ref-x", "top"]))
    return href


def _stays_in_site(href: str, page: str) -> bool:
    # Links that climb above the site root are not what a writer means; skip them.
    depth = page.count("/")
    for part in href.split("#")[0].split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return False
        elif part not in ("", "."):
            depth += 1
    return True


@settings(max_examples=400, deadline=None)
@given(relative_hrefs(), st.one_of(_PAGE, _HTML_PAGE), st.one_of(_PAGE, _HTML_PAGE))
def test_rebased_link_resolves_to_the_same_site_path(href, written_on, shown_on):
    if not _stays_in_site(href, written_on):
        return
    original = browser(href, written_on)
    assert resolve_url(href, written_on) == original
    rebased = hrefs(rebase_links(f'<a href="{href}">x</a>', written_on, shown_on))[0]
    assert browser(rebased, shown_on) == original


@settings(max_examples=300, deadline=None)
@given(_PAGE, st.one_of(_PAGE, _HTML_PAGE))
def test_relative_url_round_trips(target, from_page):
    assert browser(relative_url(target, from_page), from_page) == target


def test_property_oracle_agrees_with_posixpath():
    # The oracle itself: urljoin resolves like a browser.
    assert browser("../b/", "posts/a/") == posixpath.normpath("posts/a/../b") + "/"
    assert browser("..", "posts/a/") == "posts/"


@given(
    st.lists(st.sampled_from(["a", "b", "posts", "x.html", "..", ".", "", "é"]), max_size=5).map("/".join),
    st.lists(st.sampled_from(["a", "b", "posts", "page", "..", ".", ""]), max_size=5).map("/".join),
)
def test_the_fast_relative_path_agrees_with_posixpath(path: str, base: str) -> None:
    assert _relpath(path, base) == posixpath.relpath("/" + path, "/" + base)


def test_file_links_resolve_as_mkdocs_does_for_a_post_published_away_from_its_file() -> None:
    urls = {"posts/2024-06-01-sinks.md": "posts/attention-sinks/"}
    html = (
        '<a href="2024-06-01-sinks.md#references">a</a> <img src="fig.png"> <a href="../guide/index.md">g</a> '
        '<a href="../about.md">b</a> <a href="#ref-x">1</a> <a href="https://example.org/x.md">e</a> <code>href="x.md"</code>'
    )
    out = file_links(html, "posts/2024-07-01-later.md", "posts/a-later-post/", urls)
    assert out == (
        '<a href="../attention-sinks/#references">a</a> <img src="../fig.png"> <a href="../../guide/">g</a> '
        '<a href="../../about/">b</a> <a href="#ref-x">1</a> <a href="https://example.org/x.md">e</a> <code>href="x.md"</code>'
    )
    flat = file_links('<a href="../about.md">b</a>', "posts/later.md", "posts/later.html", {}, directory_urls=False)
    assert flat == '<a href="../about.html">b</a>'
