"""The demo on three engines: `papernotes build --engine mkdocs | properdocs | zensical`.

ProperDocs must give the MkDocs site byte for byte (its generator tag aside).
Zensical must give every page papernotes makes, with the same article on
each page: numbered citations with hover titles, references with back-links,
takeaways, paper cards; and say what it cannot do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from engine_builds import EngineBuild, demo_on, writer_files  # noqa: F401 - demo_on is a fixture

pytestmark = pytest.mark.slow

GENERATOR = re.compile(rb'\s*<meta name="generator" content="[^"]*">')


def _pages(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.suffix in (".html", ".xml")}


def _article(html: str) -> list[str]:
    """The page's article, line by line without indentation: what the page says, not the theme around it."""
    found = re.search(r"<article[^>]*>(.*?)</article>", html, re.S)
    assert found, "no <article> in the page"
    # Zensical's own markup: its skip-link target, and Material's search hint, which its search reads and removes.
    text = found.group(1).replace('<a id="__skip" tabindex="-1"></a>', "")
    # The newsletter's blocks, added to MkDocs' pages only (said by the build and the Engines guide).
    text = re.sub(r'<section class="pn-cite".*?</section>|<form class="pn-subscribe".*?</form>', "", text, flags=re.S)
    # What MkDocs appends after search (listings) comes to Zensical in a <div> its search leaves out (site_pages.py):
    # bare <div> and </div> are not compared.
    text = text.replace(" data-search-exclude", "").replace("<div>", "\n").replace("</div>", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_every_engine_builds_the_demo_with_strict(demo_on: dict[str, EngineBuild]) -> None:
    for engine, build in demo_on.items():
        assert build.returncode == 0, f"{engine}:\n{build.output}"
        assert (build.site / "index.html").is_file(), engine


def test_properdocs_builds_the_same_site_as_mkdocs(demo_on: dict[str, EngineBuild]) -> None:
    mkdocs, properdocs = demo_on["mkdocs"].site, demo_on["properdocs"].site
    files = sorted(str(p.relative_to(mkdocs)) for p in mkdocs.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(properdocs)) for p in properdocs.rglob("*") if p.is_file())
    differing = [
        name for name in files
        if GENERATOR.sub(b"", (mkdocs / name).read_bytes()) != GENERATOR.sub(b"", (properdocs / name).read_bytes())
    ]
    assert differing == []
    # The one difference: the generator tag names the engine that built the page.
    assert b'content="mkdocs-ProperDocs' in (properdocs / "index.html").read_bytes()


def test_zensical_makes_every_page_mkdocs_makes(demo_on: dict[str, EngineBuild]) -> None:
    mkdocs = _pages(demo_on["mkdocs"].site)
    assert {"feed.xml", "tags/index.html", "papers/index.html", "papers/2405.04434/index.html"} <= mkdocs
    # E-mail editions are MkDocs-only, and said so by the build (NOT_DONE) and the Engines guide.
    editions = {name for name in mkdocs if name.endswith("/email.html") or name.startswith("email/")}
    assert editions
    assert _pages(demo_on["zensical"].site) == mkdocs - editions


def test_zensical_pages_say_what_the_mkdocs_pages_say(demo_on: dict[str, EngineBuild]) -> None:
    """Posts, paper pages, topic pages and listings: the same article, once lines are joined."""
    mkdocs, zensical = demo_on["mkdocs"].site, demo_on["zensical"].site
    different = []
    for name in sorted(_pages(mkdocs)):
        if not name.endswith(".html") or name == "index.html" or name.endswith("/email.html"):
            continue
        ours = "".join(_article((mkdocs / name).read_text(encoding="utf-8")))
        theirs = "".join(_article((zensical / name).read_text(encoding="utf-8")))
        if ours != theirs:
            different.append(name)
    assert different == []
    # The home page is the writer's index.md with the listing under it: the same once lines are joined.
    home = ["".join(_article((site / "index.html").read_text(encoding="utf-8"))) for site in (mkdocs, zensical)]
    assert home[0] == home[1]


def test_zensical_posts_have_citations_references_takeaways_and_cards(demo_on: dict[str, EngineBuild]) -> None:
    page = (demo_on["zensical"].site / "posts/do-state-space-models-actually-keep-state/index.html").read_text(encoding="utf-8")
    citations = re.findall(r'<a class="citation" href="#ref-([^"]+)" id="(cite-[^"]+)" title="([^"]+)">(\d+)</a>', page)
    assert len(citations) >= 3
    numbers = [int(n) for *_, n in citations]
    assert numbers[0] == 1 and max(numbers) == len({key for key, *_ in citations})
    for key, anchor, title, _ in citations:
        assert "“" in title  # the plain-text reference, shown on hover
        assert f'<li id="ref-{key}"' in page
        assert f'href="#{anchor}"' in page  # the reference's way back
    assert '<ol class="references">' in page and 'id="references"' in page
    assert 'class="admonition abstract takeaways" id="key-takeaways"' in page and 'class="paper-card' in page
    # Takeaways and references are in the table of contents, as under MkDocs.
    assert 'href="#key-takeaways"' in page and 'href="#references"' in page


def test_zensical_feed_is_the_mkdocs_feed(demo_on: dict[str, EngineBuild]) -> None:
    feeds = [feedparser.parse((demo_on[e].site / "feed.xml").read_bytes()) for e in ("mkdocs", "zensical")]
    assert not feeds[1].bozo, feeds[1].bozo_exception
    assert [e.link for e in feeds[1].entries] == [e.link for e in feeds[0].entries]
    assert [e.title for e in feeds[1].entries] == [e.title for e in feeds[0].entries]
    assert len(feeds[1].entries) >= 8


def test_zensical_build_says_once_what_it_cannot_do(demo_on: dict[str, EngineBuild]) -> None:
    output = demo_on["zensical"].output
    assert output.count("what it does not do yet for a papernotes site") == 1
    assert "theme overrides" in output
    for engine in ("mkdocs", "properdocs"):
        assert "what it does not do yet" not in demo_on[engine].output


def test_no_engine_touches_the_writers_files(demo_on: dict[str, EngineBuild]) -> None:
    for engine, build in demo_on.items():
        assert writer_files(build.project) == build.before, engine
        assert not (build.project / ".papernotes-zensical.yml").exists()


def test_zensical_pages_link_the_same_feeds_as_mkdocs_pages(demo_on: dict[str, EngineBuild]) -> None:
    mkdocs, zensical = demo_on["mkdocs"].site, demo_on["zensical"].site
    feed_link = re.compile(r'<link rel="alternate" type="application/(?:rss|atom)\+xml"[^>]*>')
    for name in ("index.html", "posts/do-state-space-models-actually-keep-state/index.html", "tags/llm/index.html",
                 "tags/llm/page/2/index.html", "papers/2405.04434/index.html", "404.html"):
        ours = feed_link.findall((mkdocs / name).read_text(encoding="utf-8"))
        assert bool(ours) == (name != "404.html"), name
        assert feed_link.findall((zensical / name).read_text(encoding="utf-8")) == ours, name


def test_zensical_search_finds_posts_papers_and_topics(demo_on: dict[str, EngineBuild]) -> None:
    index = json.loads((demo_on["zensical"].site / "search.json").read_text(encoding="utf-8"))
    by_location = {item["location"]: item for item in index["items"]}
    assert "2405.04434" in by_location["papers/2405.04434/"]["text"]
    assert "tags/tokenization/" in by_location and "posts/do-state-space-models-actually-keep-state/" in by_location
    # Listings are left out, as under MkDocs: results point at the posts, not at every page listing them.
    assert not [loc for loc in by_location if loc.startswith("page/") or loc == "papers/"]
    # Sections papernotes marks data-search-exclude (a paper's BibTeX) stay out, as under Material.
    assert not [item for item in index["items"] if item["title"] == "BibTeX"]
