"""`feed_format: rss | atom | both` (SPEC section 6): the site's feed and every topic's, in the chosen formats.

One small site is built per format, with a hostile title, description and tag, a
code span showing an `<img onerror>` and links to another post and an image. A
feed reader's view (feedparser) must find valid feeds with full HTML content and
absolute links; the raw XML must keep every writer's string as text; and each
page's <head> must point feed finders at exactly the files that were written.
"""

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from conftest import NO_CACHE, Build, SiteMaker, tree
from htmlscan import dangerous, scan, scan_file
from papernotes.core.model.topics import topic_slug

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/notes/"
H = """<script>alert(1)</script> & "dq" 'sq'"""
IMG = "<img src=x onerror=alert(1)>"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"

AUTHORS = "authors:\n  ada: {name: Ada Lovelace}\n  bob: {name: Bob}\n"

HOSTILE = f"""\
---
title: {json.dumps("Hostile " + H)}
date: 2024-06-03
authors: [ada, bob]
tags: [LLM, {json.dumps("Tag " + H)}]
description: {json.dumps("Desc " + IMG)}
---
A code span: `{IMG}`. See [the first post](first.md) and ![a figure](fig.png).
"""

FILES = {"rss": ["feed.xml"], "atom": ["atom.xml"], "both": ["feed.xml", "atom.xml"]}
MEDIA = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}


def make_site(maker: SiteMaker, feed_format: str) -> None:
    text = (maker.root / "mkdocs.yml").read_text()
    (maker.root / "mkdocs.yml").write_text(text.replace("      per_page: 10\n", f"      per_page: 10\n      feed_format: {feed_format}\n"))
    maker.write("docs/authors.yml", AUTHORS)
    maker.post("first", "First post", "2024-06-01", "The first body.", authors="[ada]", tags="[LLM]")
    maker.post("second", "Second post", "2024-06-02", "The second body, without an author.", tags="[Vision]", papers=(
        "[{arxiv: '2309.17453', title: Efficient Streaming, authors: [Guangxuan Xiao], year: 2023, venue: ICLR,"
        " abstract: An abstract the page folds., note: 'Worth *reading* for the sinks.'}]"
    ))
    maker.write("docs/posts/hostile.md", HOSTILE)
    maker.write("docs/posts/fig.png", b"\x89PNG\r\n\x1a\n")


@pytest.fixture(scope="module", params=["rss", "atom", "both"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Build]:
    maker = SiteMaker(tmp_path_factory.mktemp(request.param) / "src")
    make_site(maker, request.param)
    build = maker.build("--strict")
    assert build.returncode == 0, build.output
    return request.param, build


HOSTILE_FOLDERS = ("", "tags/llm/", f"tags/{topic_slug('Tag ' + H)}/")  # the feeds carrying the hostile post


def feeds_of(feed_format: str, folders: tuple[str, ...] = (*HOSTILE_FOLDERS, "tags/vision/")) -> list[str]:
    """The feed files of `folders` in `feed_format`: by default every feed of the site."""
    return [f"{folder}{name}" for folder in folders for name in FILES[feed_format]]


def test_the_chosen_formats_and_only_they_are_written(built: tuple[str, Build]) -> None:
    feed_format, build = built
    written = sorted(str(p.relative_to(build.site)) for p in build.site.rglob("*.xml") if p.name != "sitemap.xml")
    assert written == sorted(feeds_of(feed_format))


def test_feeds_validate_with_full_html_content_and_absolute_links(built: tuple[str, Build]) -> None:
    feed_format, build = built
    for name in feeds_of(feed_format):
        feed = feedparser.parse(str(build.site / name))
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        assert feed.version == ("atom10" if name.endswith("atom.xml") else "rss20"), name
        assert feed.feed.link.startswith(SITE_URL)
        for entry in feed.entries:
            assert entry.link.startswith(SITE_URL + "posts/") and entry.id == entry.link
            assert entry.published_parsed
            (content,) = entry.content
            assert content.type == "text/html"
            hrefs = [v for e in scan(content.value).elements for k, v in e.attrs.items() if k in ("href", "src")]
            assert all(h.startswith((SITE_URL, "https://arxiv.org/")) for h in hrefs), hrefs  # the site's, or a paper's own
    site = feedparser.parse(str(build.site / FILES[feed_format][-1]))
    assert [e.title for e in site.entries] == [f"Hostile {H}", "Second post", "First post"]  # newest first
    hostile, second, first = site.entries
    assert [t.term for t in hostile.tags] == ["LLM", f"Tag {H}"]
    assert "The first body." in first.content[0].value
    assert f"{SITE_URL}posts/first-post/" in hostile.content[0].value
    assert f"{SITE_URL}posts/fig.png" in hostile.content[0].value
    if site.version == "atom10":
        assert [a.name for a in hostile.authors] == ["Ada Lovelace", "Bob"]
        assert [a.name for a in first.authors] == ["Ada Lovelace"]
        assert plain(hostile.summary) == f"Desc {IMG}"
        assert second.summary == "The second body, without an author."
    topic = feedparser.parse(str(build.site / "tags" / "llm" / FILES[feed_format][-1]))
    assert topic.feed.title == "Test Notes: LLM"
    assert [e.title for e in topic.entries] == [f"Hostile {H}", "First post"]


def test_feed_items_carry_the_paper_cards_and_the_writers_notes(built: tuple[str, Build]) -> None:
    """A reader of the feed sees the papers a post reviews and what the writer says of each, as on the page."""
    feed_format, build = built
    for name in feeds_of(feed_format, ("", "tags/vision/")):
        (second,) = [e for e in feedparser.parse(str(build.site / name)).entries if e.title == "Second post"]
        content = second.content[0].value
        found = scan(content)
        assert "Papers in this post" in found.text or "Paper in this post" in found.text, name
        assert "Worth reading for the sinks." in " ".join(found.text.split()) and "<em>reading</em>" in content
        assert "Guangxuan Xiao · 2023 · ICLR · arXiv · PDF" in " ".join(found.text.split())  # no stylesheet draws the dots there
        assert f"{SITE_URL}papers/2309.17453/" in [e.attrs.get("href") for e in found.find("a")]
        assert "An abstract the page folds." not in content  # one click away, on the paper's page
        assert found.text.index("The second body") < found.text.index("Efficient Streaming")  # after the introduction


def plain(html_text: str) -> str:
    return scan(html_text).text


def hostile_fields(path: Path) -> dict[str, str]:
    """The hostile post's fields in one feed file, as the XML holds them: text fields, and HTML ones by name."""
    root = ET.parse(path).getroot()
    if root.tag == f"{ATOM}feed":
        entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title", "").startswith("Hostile"))
        assert entry.find(f"{ATOM}title").get("type") in (None, "text")
        assert entry.find(f"{ATOM}content").get("type") == entry.find(f"{ATOM}summary").get("type") == "html"
        return {
            "title": entry.findtext(f"{ATOM}title"), "categories": [c.get("term") for c in entry.iter(f"{ATOM}category")],
            "content": entry.findtext(f"{ATOM}content"), "summary": entry.findtext(f"{ATOM}summary"),
        }
    item = next(i for i in root.iter("item") if i.findtext("title", "").startswith("Hostile"))
    # The RSS description's escaping is checked in test_escaping.py.
    return {"title": item.findtext("title"), "categories": [c.text for c in item.iter("category")], "content": item.findtext(f"{CONTENT}encoded")}


def test_writers_strings_stay_text_in_every_feed(built: tuple[str, Build]) -> None:
    feed_format, build = built
    for name in feeds_of(feed_format, HOSTILE_FOLDERS):
        fields = hostile_fields(build.site / name)
        assert fields["title"] == f"Hostile {H}", name
        assert fields["categories"] == ["LLM", f"Tag {H}"], name
        for field in ("content", "summary"):
            if field in fields:
                found = scan(fields[field])
                assert not dangerous(found) and not found.find("img", src="x"), (name, field)
                assert IMG in found.text, (name, field)  # the code span (and the description) read as written


def test_page_heads_point_at_the_feeds_written(built: tuple[str, Build]) -> None:
    feed_format, build = built
    for page, expected in (
        ("index.html", ["feed.xml", "atom.xml"]),
        ("posts/first-post/index.html", ["feed.xml", "atom.xml"]),
        ("tags/llm/index.html", ["feed.xml", "atom.xml", "tags/llm/feed.xml", "tags/llm/atom.xml"]),
    ):
        links = scan_file(build.site / page).find("link", rel="alternate")
        found = sorted(
            (posixpath.normpath(posixpath.join(posixpath.dirname(page), link.attrs["href"])), link.attrs["type"]) for link in links
        )
        wanted = sorted((url, MEDIA[Path(url).name]) for url in expected if Path(url).name in FILES[feed_format])
        assert found == wanted, page
        assert all((build.site / url).is_file() for url, _ in found)
        titles = [link.attrs["title"] for link in links]
        assert len(set(titles)) == len(titles), titles  # with both formats, each title names its own


def test_cached_rebuilds_and_uncached_builds_write_the_same_feeds(tmp_path: Path) -> None:
    maker = SiteMaker(tmp_path / "src")
    make_site(maker, "both")
    cold = maker.build("--strict", site=tmp_path / "cold")
    warm = maker.build("--strict", site=tmp_path / "warm")
    uncached = maker.build("--strict", site=tmp_path / "uncached", env=NO_CACHE)
    assert cold.returncode == warm.returncode == uncached.returncode == 0, cold.output + warm.output + uncached.output
    assert tree(cold.site) == tree(warm.site) == tree(uncached.site)
    switched = maker.root / "mkdocs.yml"
    switched.write_text(switched.read_text().replace("feed_format: both", "feed_format: atom"))
    atom_only = maker.build("--strict", site=tmp_path / "warm")  # over the last output, with the cache
    assert atom_only.returncode == 0, atom_only.output
    assert not (atom_only.site / "feed.xml").exists() and (atom_only.site / "atom.xml").read_bytes() == (cold.site / "atom.xml").read_bytes()
    assert "application/rss+xml" not in atom_only.page("")


def test_an_unknown_feed_format_is_a_clear_config_error(site_maker: SiteMaker) -> None:
    make_site(site_maker, "atom10")
    build = site_maker.build()
    assert build.returncode != 0
    assert "feed_format" in build.output and "'atom10'" in build.output and "'both'" in build.output
    assert "Traceback" not in build.output
