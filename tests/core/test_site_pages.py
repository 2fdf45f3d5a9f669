"""The pages papernotes adds to a site (core/views/site_pages.py): the one list both engines build from."""

from __future__ import annotations

import pytest

from papernotes.core.blog import BlogOptions
from papernotes.core.citations import CitationExtension
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.site import PostSource, SiteOptions, load_site
from papernotes.core.views.render import PageRenderer, RenderedPost
from papernotes.core.views.site_pages import GeneratedPageSpec, generated_pages

POSTS = {
    "posts/sinks.md": "---\ntitle: Sinks\ndate: 2024-01-01\ntags: [Agents]\npapers:\n"
    "  - title: Attention Sinks\n    arxiv: 2309.17453\n---\n\nA body.\n",
    "posts/second.md": "---\ntitle: Second\ndate: 2024-01-02\ntags: [Agents]\n---\n\nB body.\n",
    "posts/third.md": "---\ntitle: Third\ndate: 2024-01-03\n---\n\nC body.\n",
}


@pytest.fixture
def pages(tmp_path) -> dict[str, GeneratedPageSpec]:
    diagnostics = Diagnostics()
    options = SiteOptions(str(tmp_path), str(tmp_path / "docs"), blog=BlogOptions(per_page=2))
    site = load_site([PostSource(uri, None, text.encode()) for uri, text in POSTS.items()], options, diagnostics, remember=False)
    assert not diagnostics.items, [str(d) for d in diagnostics]
    for entry in site.blog.entries:  # as after conversion: listings show each post's summary
        entry.rendered = RenderedPost(f"<p>{entry.post.title} body</p>", f"<p>Summary of {entry.post.title}</p>", 1)
    renderer = PageRenderer(site.blog, diagnostics, CitationExtension(), site.library, site.papers)
    specs = generated_pages(site, renderer, home_title="Latest", site_name="Notes", directory_urls=True)
    return {spec.stem: spec for spec in specs}


def test_home_topic_and_paper_pages_in_order_with_their_place_in_nav_and_search(pages: dict[str, GeneratedPageSpec]) -> None:
    shown = [(stem, p.title, p.in_nav, p.search, p.description) for stem, p in pages.items()]
    assert shown == [
        ("", "Latest", False, False, None),
        ("page/2", "Latest, page 2", False, False, None),
        ("tags", "Topics", True, True, None),
        ("tags/agents", "Agents", False, True, None),
        ("papers", "Papers", True, False, None),
        ("papers/2309.17453", "Attention Sinks", False, True, "Notes on Attention Sinks"),
    ]
    assert pages["tags/agents"].feed == ("Notes: Agents", "tags/agents/")  # the topic's own feeds, linked from its pages
    assert [p.feed for stem, p in pages.items() if stem != "tags/agents"] == [None] * 5


def test_listings_show_the_posts_of_their_page_only(pages: dict[str, GeneratedPageSpec]) -> None:
    first, second, topic = pages[""].html(""), pages["page/2"].html("page/2/"), pages["tags/agents"].html("tags/agents/")
    assert "Summary of Third" in first and "Summary of Second" in first and "Summary of Sinks" not in first
    assert "Summary of Sinks" in second and "Summary of Third" not in second
    assert "Summary of Sinks" in topic and "Summary of Second" in topic and "Summary of Third" not in topic
    assert "Attention Sinks" in topic  # a topic's first page lists its papers too
    assert [p.listing is not None for p in pages.values()] == [True, True, False, True, False, False]


def test_a_paper_page_shows_the_post_reviewing_it(pages: dict[str, GeneratedPageSpec]) -> None:
    html = pages["papers/2309.17453"].html("papers/2309.17453/")
    assert "Attention Sinks" in html and "2309.17453" in html
    assert 'href="../../posts/sinks/">Sinks' in html  # linked relative to the paper's own URL
    assert "papernotes:fill" not in html  # the posts went in at the page's marker


def test_under_a_writers_own_page_a_heading_then_what_the_page_would_show(pages: dict[str, GeneratedPageSpec]) -> None:
    topic = pages["tags/agents"]
    under = topic.under_writer_page("tags/agents/")
    assert under.startswith('<h2 class="pn-section-heading" id="agents">Agents</h2>')
    assert "Summary of Sinks" in under and "Summary of Second" in under


def test_under_a_writers_own_page_at_a_papers_address_its_posts_come_where_the_paper_page_shows_them(
    pages: dict[str, GeneratedPageSpec],
) -> None:
    paper = pages["papers/2309.17453"]
    under = paper.under_writer_page("papers/2309.17453/")
    assert under.startswith('<h2 class="pn-section-heading"')
    assert under.endswith(paper.html("papers/2309.17453/"))  # the same order as on papernotes' own paper page
    assert "papernotes:fill" not in under


def test_a_topic_lists_its_papers_newest_first_then_by_title(tmp_path) -> None:
    """As the papers index orders them, not in the order a post or the library happened to name them."""
    post = (
        "---\ntitle: Three\ndate: 2024-01-01\ntags: [Agents]\npapers:\n"
        "  - {title: Beta older, arxiv: '2101.00001', year: 2021}\n  - {title: No year, arxiv: '2101.00002'}\n"
        "  - {title: zeta newest, arxiv: '2401.00003', year: 2024}\n  - {title: Alpha newest, arxiv: '2401.00004', year: 2024}\n"
        "---\n\nBody.\n"
    )
    diagnostics = Diagnostics()
    options = SiteOptions(str(tmp_path), str(tmp_path / "docs"))
    site = load_site([PostSource("posts/three.md", None, post.encode())], options, diagnostics, remember=False)
    for entry in site.blog.entries:
        entry.rendered = RenderedPost("<p>Body</p>", "<p>Body</p>", 1)
    renderer = PageRenderer(site.blog, diagnostics, CitationExtension(), site.library, site.papers)
    specs = {spec.stem: spec for spec in generated_pages(site, renderer, home_title="Latest", site_name="Notes", directory_urls=True)}
    html = specs["tags/agents"].html("tags/agents/")
    shown = [title for title in ("Alpha newest", "zeta newest", "Beta older", "No year") if title in html]
    assert sorted(shown, key=html.index) == ["Alpha newest", "zeta newest", "Beta older", "No year"]
