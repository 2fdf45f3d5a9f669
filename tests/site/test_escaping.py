"""Every string a writer or a library gives is shown as text, never run as markup (SPEC section 5).

One throwaway site carries the same hostile string in every field of a post, of
authors.yml, of a BibTeX library entry (and a post's own .bib) and of a JSON Lines
row. After a --strict build, every page, feed and the search index is parsed:
no injected <script>, no on* attribute, no script URL; and the text reads as
written (`<script>` shows as `<script>`, `&` as `&`, never `&amp;amp;`).
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import BASE_CONFIG, Build, SiteMaker
from htmlscan import dangerous, scan, scan_file

pytestmark = pytest.mark.slow

H = """<script>alert(1)</script><img src=x onerror=alert(1)> "dq" 'sq' & &amp; javascript:alert(1)"""
JS_LINK = "[click](javascript:alert(1))"
EVIL_URL = 'https://example.com/?q="><script>alert(1)</script>'


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


POST = f"""\
---
title: {q("Title " + H)}
date: 2024-06-01
description: {q("Desc " + H)}
subtitle: {q("Sub " + H)}
authors: [eve]
tags: [{q("Tag " + H)}]
papers:
  - id: hostile
    title: {q("PaperTitle " + H)}
    authors: [{q("Author " + H)}]
    venue: {q("Venue " + H)}
    year: 2024
    abstract: {q("Abstract " + H)}
    note: {q("Note " + H + " " + JS_LINK)}
    url: {q(EVIL_URL)}
    tags: [{q("PaperTag " + H)}]
  - arxiv: 2401.00001
takeaways:
  - {q("Takeaway " + H + " " + JS_LINK + " [@hostile, p. <b>4</b> & 5] <input type=password name=pw> `<b>code</b>` $x<y$")}
  - "Cited [@bibhostile, chapter <i>2</i>] and [@hostile, p. 4 & 5]."
bibliography:
  - id: freetext
    text: {q("FreeText " + H)}
    url: {q('https://example.com/?a=1&b="2"')}
  - refs/post.bib
---
Body cites [@hostile], [@freetext, p. 4 & "5"], [@bibhostile], [@postbib] and [@arxiv:2401.00001]. AT&T.
"""

AUTHORS = f"""\
authors:
  eve:
    name: {q("Eve " + H)}
    description: {q("Bio " + H)}
    url: {q(EVIL_URL)}
"""

BIB = r"""@article{bibhostile,
  title = {BibTitle <script>alert(1)</script><img src=x onerror=alert(1)> "dq" 'sq' \& javascript:alert(1)},
  author = {Eve <img src=x onerror=alert(1)> and O'Brien, Mallory},
  journal = {BibVenue <script>alert(1)</script>},
  year = {2024},
  abstract = {BibAbstract <script>alert(1)</script> \& "dq"},
  url = {https://example.com/?x=<script>alert(1)</script>},
  keywords = {BibTag <script>alert(1)</script>}
}
"""

ROW = {
    "arxiv_id": "2401.00001",
    "title": "RowTitle " + H,
    "abstract": "RowAbstract " + H,
    "authors": "RowAuthor <script>alert(1)</script>; B & C",
    "tags": "RowTag <script>alert(1)</script>; x&y",
    "venue": "RowVenue " + H,
    "url": 'https://example.com/"onmouseover=alert(1)',
}

CONFIG = BASE_CONFIG.format(per_page=10).replace(
    "      per_page: 10\n",
    "      per_page: 10\n      library:\n        - library/hostile.bib\n        - library/hostile.jsonl\n",
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Build:
    maker = SiteMaker(tmp_path_factory.mktemp("hostile") / "src")
    maker.config(text=CONFIG)
    maker.write("docs/posts/hostile.md", POST)
    maker.write("docs/authors.yml", AUTHORS)
    maker.write("docs/posts/refs/post.bib", BIB.replace("bibhostile", "postbib").replace("Bib", "PostBib"))
    maker.write("library/hostile.bib", BIB)
    maker.write("library/hostile.jsonl", json.dumps(ROW) + "\n")
    build = maker.build("--strict")
    assert build.returncode == 0, build.output
    return build


def _pages(build: Build) -> list[Path]:
    pages = sorted(build.site.rglob("*.html"))
    assert len(pages) > 10
    return pages


def _post_page(build: Build) -> Path:
    (page,) = (build.site / "posts").glob("title-*/index.html")
    return page


# -- nothing runs ------------------------------------------------------------------


def test_no_page_has_an_injected_script_handler_or_script_url(hostile: Build) -> None:
    problems = {str(p.relative_to(hostile.site)): dangerous(scan_file(p)) for p in _pages(hostile)}
    assert not {page: found for page, found in problems.items() if found}


def test_attributes_and_text_are_never_double_escaped(hostile: Build) -> None:
    for path in _pages(hostile):
        found = scan_file(path)
        values = [v for e in found.elements for v in e.attrs.values() if v]
        for text in [found.text, *values]:
            assert "&amp;amp;" not in text and "&lt;script" not in text, path


# -- the text reads as written -------------------------------------------------------


def test_post_page_shows_every_field_as_written(hostile: Build) -> None:
    found = scan_file(_post_page(hostile))
    for shown in (
        f"Title {H}", f"Eve {H}", f"Tag {H}", f"PaperTitle {H}", f"Author {H}", f"Venue {H}",
        f"Abstract {H}", f"FreeText {H}", "BibTitle <script>alert(1)</script>", "PostBibTitle <script>",
        "RowTitle <script>alert(1)</script>", 'p. 4 & "5"', "AT&T",
    ):  # fmt: skip
        assert shown in found.text, shown
    (description,) = found.find("meta", name="description")
    assert description.attrs["content"] == f"Desc {H}"
    assert found.find("title")  # the <title> element's text is in found.text
    assert f"Title {H} - Test Notes" in found.text


def test_takeaways_and_notes_are_markdown_without_raw_markup(hostile: Build) -> None:
    """Markdown works in them (links, citations); raw HTML shows as text; a javascript: link loses its target."""
    found = scan_file(_post_page(hostile))
    assert "Takeaway <script>alert(1)</script>" in found.text
    assert "Note <script>alert(1)</script>" in found.text
    links = [e for e in found.elements if e.tag == "a" and e.attrs.get("href") is None]
    assert len(links) == 2  # [click](javascript:...) in the note and the takeaway: text kept, no href
    takeaway_citations = [e for e in found.elements if e.attrs.get("class") == "citation"]
    assert any("BibTitle <script>" in (e.attrs.get("title") or "") for e in takeaway_citations)
    assert "chapter 2" in found.text or "chapter <i>2</i>" in found.text
    # Not made, even with their scripts removed: an image loading from anywhere, a password field.
    made = [e for e in found.elements if (e.tag == "img" and e.attrs.get("src") == "x") or e.attrs.get("type") == "password"]
    assert not made, made
    assert "Takeaway <script>alert(1)</script><img src=x onerror=alert(1)>" in found.text and "<input type=password name=pw>" in found.text
    # Markdown's own: a code span shows its tags as code.
    assert "<b>code</b>" in found.text and not [e for e in found.elements if e.tag == "b" and not e.attrs]


def test_citation_hover_titles_hold_the_plain_reference(hostile: Build) -> None:
    found = scan_file(_post_page(hostile))
    titles = [e.attrs["title"] or "" for e in found.find("a") if e.attrs.get("class") == "citation"]
    assert any(f"PaperTitle {H}" in t for t in titles)
    assert any(f"FreeText {H}" in t for t in titles)
    assert any(EVIL_URL in t for t in titles)


def test_links_from_fields_stay_inside_their_attribute(hostile: Build) -> None:
    found = scan_file(_post_page(hostile))
    hrefs = {e.attrs.get("href") for e in found.find("a")}
    assert EVIL_URL in hrefs and 'https://example.com/?a=1&b="2"' in hrefs


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("papers/hostile/index.html", [f"PaperTitle {H}", f"Abstract {H}", f"Venue {H}", f"PaperTag {H}"]),
        ("papers/2401.00001/index.html", [f"RowTitle {H}", f"RowAbstract {H}", "RowAuthor <script>alert(1)</script>", "x&y"]),
        ("papers/bibhostile/index.html", ["BibTitle <script>alert(1)</script>", "BibAbstract <script>alert(1)</script> & \"dq\"", "O'Brien"]),
        ("papers/index.html", [f"PaperTitle {H}", f"RowTitle {H}", "RowTag <script>alert(1)</script>"]),
        ("tags/index.html", [f"Tag {H}", f"PaperTag {H}", "BibTag <script>alert(1)</script>"]),
        ("index.html", [f"Title {H}", f"Desc {H}", f"Eve {H}", f"Tag {H}"]),
    ],
)
def test_generated_pages_show_fields_as_written(hostile: Build, page: str, expected: list[str]) -> None:
    found = scan_file(hostile.site / page)
    for shown in expected:
        assert shown in found.text, shown


def test_topic_pages_show_the_topic_name_as_written(hostile: Build) -> None:
    pages = {p.parent.name: scan_file(p) for p in (hostile.site / "tags").glob("*/index.html")}
    (name,) = [slug for slug in pages if slug.startswith("tag-")]
    assert f"Tag {H}" in pages[name].text
    assert f"Title {H}" in pages[name].text


# -- feeds and search ----------------------------------------------------------------

DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


def test_feed_items_carry_the_literal_text(hostile: Build) -> None:
    (item,) = ET.parse(hostile.site / "feed.xml").getroot().iter("item")
    assert item.findtext("title") == f"Title {H}"
    # A description is HTML to every feed reader (SPEC section 6): the text, with no element in it.
    description = scan(item.findtext("description") or "")
    assert description.text == f"Desc {H}" and not description.elements
    assert [c.text for c in item.iter("category")] == [f"Tag {H}"]
    assert [c.text for c in item.iter(f"{DC}creator")] == [f"Eve {H}"]
    content = scan(item.findtext(f"{CONTENT}encoded") or "")
    assert not dangerous(content)
    assert "Takeaway <script>alert(1)</script>" in content.text and f"FreeText {H}" in content.text


def test_topic_feeds_are_well_formed_and_safe(hostile: Build) -> None:
    feeds = list((hostile.site / "tags").glob("*/feed.xml"))
    assert len(feeds) >= 5
    for feed in feeds:
        channel = ET.parse(feed).getroot().find("channel")
        assert "&lt;" not in (channel.findtext("title") or "")
        for item in channel.iter("item"):
            assert item.findtext("title") == f"Title {H}"
            assert not dangerous(scan(item.findtext(f"{CONTENT}encoded") or ""))


def test_search_index_holds_escaped_text_only(hostile: Build) -> None:
    docs = json.loads((hostile.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    for doc in docs:
        for key in ("title", "text"):
            value = doc.get(key, "")
            assert "<script" not in value and "<img" not in value, (doc["location"], key, value[:200])
            assert not dangerous(scan(value)), doc["location"]
            assert "&amp;amp;" not in html.unescape(value)
    titles = {html.unescape(doc["title"]) for doc in docs}
    assert f"Title {H}" in titles and f"PaperTitle {H}" in titles


def test_a_right_to_left_override_in_a_title_stays_inside_it(site_maker: SiteMaker) -> None:
    """U+202E in a title reverses what follows it; left open it ran on over the site's name in the tab's title and the feed."""
    site_maker.write("docs/authors.yml", 'authors:\n  eve: {name: "Eve \\u202Eevil"}\n')
    site_maker.write("docs/posts/rlo.md", '---\ntitle: "Report \\u202Egnp.exe"\ndate: 2024-06-01\nauthors: [eve]\ntags: ["Tag \\u202Ex"]\n---\nBody.\n')
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    page = build.page("posts/report-gnp-exe")
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.startswith("Report \u202egnp.exe\u202c - "), repr(title)
    assert "Report \u202egnp.exe\u202c</h1>" in page and "Eve \u202eevil\u202c" in page and "Tag \u202ex\u202c" in page
    feed = (build.site / "feed.xml").read_text(encoding="utf-8")
    assert "<title>Report \u202egnp.exe\u202c</title>" in feed
