"""The demo newsletter shows what SPEC promises a reader: citations, papers, topics, feeds.

These walk the built demo site the way a reader clicks through it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import frontmatter
import pytest

from conftest import ROOT, Build
from papernotes.core.citations import cited_keys
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.model.posts import read_post
from papernotes.core.model.topics import topic_slug

pytestmark = pytest.mark.slow

DEEP_DIVE = "posts/do-state-space-models-actually-keep-state/"


class Links(HTMLParser):
    """Collects hrefs (optionally only inside elements with a given class) and ids."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.citations: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = {k: v or "" for k, v in attrs}
        if "id" in data:
            self.ids.add(data["id"])
        if tag == "a" and "href" in data:
            self.hrefs.append(data["href"])
            if "citation" in data.get("class", "").split():
                self.citations.append(data)


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_deep_dive_numbers_references_by_first_citation(demo_build: Build) -> None:
    html = demo_build.page(DEEP_DIVE)
    page = parse(html)
    # Numbers appear in ascending order of first use as one reads the body.
    numbers = [int(re.sub(r"\D", "", c.get("id", "").rsplit("-", 1)[-1]) or 0) for c in page.citations]
    assert page.citations, "the deep dive cites papers"
    first_seen: list[str] = []
    for citation in page.citations:
        key = citation["href"].removeprefix("#ref-")
        if key not in first_seen:
            first_seen.append(key)
    reference_ids = re.findall(r'<li id="ref-([^"]+)">', html)
    assert reference_ids[: len(first_seen)] == first_seen
    assert numbers  # each citation has an id for its back-link


def test_every_citation_has_hover_text_and_a_backlink(demo_build: Build) -> None:
    html = demo_build.page(DEEP_DIVE)
    page = parse(html)
    for citation in page.citations:
        assert citation["title"].strip(), citation
        assert citation["href"].removeprefix("#") in page.ids
        backlink = f'href="#{citation["id"]}"'
        assert backlink in html, f"no back-link to {citation['id']}"


def test_references_heading_is_in_the_table_of_contents(demo_build: Build) -> None:
    html = demo_build.page(DEEP_DIVE)
    assert re.search(r'<h2 id="references"[^>]*>References</h2>', html)
    toc = html[html.index('data-md-component="toc"') :]
    assert 'href="#references"' in toc
    assert 'href="#key-takeaways"' in toc


def test_takeaways_box_lists_items_in_order_with_numbered_citations(demo_build: Build) -> None:
    post = frontmatter.load(ROOT / "docs/posts/2024-06-21-the-state-of-state.md")
    html = demo_build.page(DEEP_DIVE)
    box = html[html.index('class="admonition abstract takeaways"') :]
    box = box[: box.index("</div>")]
    items = re.findall(r"<li>(.*?)</li>", box, re.DOTALL)
    assert len(items) == len(post["takeaways"])
    for item, source in zip(items, post["takeaways"]):
        first_words = re.sub(r"\[@[^\]]*\]", "", source).split()[:3]
        assert re.sub(r"<[^>]+>", "", item).split()[:3] == first_words
        assert "[@" not in item
    assert 'class="citation"' in box


def _demo_posts() -> list[tuple[Path, frontmatter.Post]]:
    return [(p, frontmatter.load(p)) for p in sorted((ROOT / "docs/posts").rglob("*.md"))]


def test_every_reviewed_paper_has_a_page_that_links_back(demo_build: Build) -> None:
    pages = {p.parent.name for p in (demo_build.site / "papers").glob("*/index.html")}
    assert len(pages) >= 20
    for path, post in _demo_posts():
        if post.get("draft"):
            continue
        # papernotes' own reader: plain YAML would turn an unquoted 2405.00200 into 2405.002.
        parsed = read_post(path.read_bytes(), str(path), path.name, Diagnostics())
        for ref in parsed.papers:
            if ref.arxiv:
                assert ref.arxiv in pages, f"{path.name}: no page for {ref.arxiv}"
    deepseek = demo_build.page("papers/2405.04434")
    assert "DeepSeek-V2" in deepseek
    assert 'id="posts"' in deepseek and "reviewed" in deepseek
    assert "@misc{" in deepseek or "@article{" in deepseek  # the BibTeX to copy


def test_paper_pages_show_abstracts_from_the_shared_table(demo_build: Build) -> None:
    table = ROOT.parent / "shared" / "data" / "arxiv-abstracts.jsonl"
    if not table.exists():
        pytest.skip("the shared data table is not beside the repository")
    rows = {json.loads(line)["arxiv_id"]: json.loads(line)["abstract"] for line in table.read_text().splitlines()}
    page = demo_build.page("papers/2405.04434")
    opening = " ".join(rows["2405.04434"].split()[:6])
    assert opening in page


def test_topic_pages_agree_with_post_tags(demo_build: Build) -> None:
    expected: dict[str, set[str]] = {}
    for _, post in _demo_posts():
        if post.get("draft"):
            continue
        for tag in post.get("tags", []) + post.get("categories", []):
            slug = topic_slug({"LLMs": "LLM"}.get(tag, tag))
            expected.setdefault(slug, set()).add(post["title"])
    index = demo_build.page("tags")
    for slug, titles in expected.items():
        assert f'href="{slug}/"' in index, slug
        html = "".join(p.read_text() for p in (demo_build.site / "tags" / slug).rglob("index.html"))
        for title in titles:
            assert title.replace("&", "&amp;").replace("'", "&#39;") in html, (slug, title)
    # 'long context' and 'Long Context' are one topic.
    assert not (demo_build.site / "tags" / "long-context-2").exists()


def test_feeds_validate_and_carry_full_content(demo_build: Build) -> None:
    feed = feedparser.parse(str(demo_build.site / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version.startswith("rss")
    assert feed.feed.link.startswith("https://")
    assert len(feed.entries) >= 8
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    for entry in feed.entries:
        assert entry.title and entry.link.startswith("https://") and entry.published
        assert len(entry.content[0].value) > 200
        assert 'href="../' not in entry.content[0].value  # links are absolute for feed readers
    topic_feed = feedparser.parse(str(demo_build.site / "tags" / "llm" / "feed.xml"))
    assert not topic_feed.bozo and topic_feed.entries


def test_a_reader_can_walk_post_paper_post_topic_feed(demo_build: Build) -> None:
    """post -> paper -> every other post about it -> topic -> feed, without a dead end."""
    post_html = demo_build.page("posts/the-weekly-stack-1-deepseek-v2-xlstm-yoco-and-multi-token-prediction")
    card = re.search(r'<p class="paper-card__title"><a href="([^"]+)">', post_html)
    assert card, "the roundup shows paper cards"
    paper_url = (Path("posts/the-weekly-stack-1-deepseek-v2-xlstm-yoco-and-multi-token-prediction") / card.group(1))
    paper_path = (demo_build.site / paper_url).resolve() / "index.html"
    assert paper_path.exists(), paper_url
    paper_html = paper_path.read_text()
    post_links = re.findall(r'<ul class="pn-paper-posts">(.*?)</ul>', paper_html, re.DOTALL)[0]
    others = re.findall(r'href="([^"]+)"', post_links)
    assert len(others) >= 2, "DeepSeek-V2 is discussed in more than one post"
    for href in others:
        assert (paper_path.parent / href).resolve().joinpath("index.html").exists(), href
    topic_href = re.search(r'<nav class="md-tags pn-tags"[^>]*>\s*<a href="([^"]+)"', paper_html).group(1)
    topic_dir = (paper_path.parent / topic_href).resolve()
    topic_html = (topic_dir / "index.html").read_text()
    feed_href = re.search(r'<link rel="alternate" type="application/rss\+xml" title="[^"]*: [^"]*" href="([^"]+)"', topic_html).group(1)
    assert (topic_dir / feed_href).resolve().exists()


def test_search_index_has_posts_papers_and_topics(demo_build: Build) -> None:
    index = json.loads((demo_build.site / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    assert any(loc.startswith("posts/") for loc in locations)
    assert "papers/2405.04434/" in locations
    assert "tags/llm/" in locations
    paper_text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("papers/2405.04434/"))
    assert "2405.04434" in paper_text
    # Listings are not indexed: results lead to posts, not to every page listing them.
    assert "page/2/" not in locations
    home = " ".join(d["text"] for d in index["docs"] if d["location"] == "")
    assert "Machine learning research" in home and "Continue reading" not in home
    separator = index["config"]["separator"]
    assert not re.search(separator, "2309.17453"), "an arXiv id must stay one search token"


def test_every_cited_key_in_the_demo_resolves(demo_build: Build) -> None:
    assert "unknown citation key" not in demo_build.output
    html = "".join(p.read_text() for p in (demo_build.site / "posts").rglob("index.html"))
    assert "citation--broken" not in html
    cited = sum(len(cited_keys(post.content)) for _, post in _demo_posts() if not post.get("draft"))
    assert html.count('class="citation"') >= cited > 20


def test_math_is_mathml_on_the_page_and_in_the_feed(demo_build: Build) -> None:
    html = demo_build.page(DEEP_DIVE)
    assert html.count("<math ") >= 5
    assert "\\(" not in html.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    feed = feedparser.parse(str(demo_build.site / "feed.xml"))
    state = next(e for e in feed.entries if "state-space" in e.link)
    assert "<math" in state.content[0].value
