"""What Pagefind search indexes, from plain data: which pages get a record, and what each holds."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from papernotes.core.blog import Blog
from papernotes.core.model.records import Record
from papernotes.core.views.search_records import PAPER, POST, TOPIC, blog_records, site_records
from papernotes.mkdocs_plugin.pagefind import record_html

H = '<script>alert(1)</script><img src=x onerror=alert(1)> "dq" & &amp;'
SINKS = Record(arxiv="2309.17453", title="Efficient Streaming Language Models with Attention Sinks",
               authors=["Xiao, Guangxuan", "Mike Lewis"], year=2023, venue="ICLR 2024", abstract="Attention sinks " + H)


def entry(title: str, *, draft: bool = False, exclude: bool = False, papers: list[Record] = ()) -> SimpleNamespace:
    meta = SimpleNamespace(description=None, search={"exclude": True} if exclude else None)
    post = SimpleNamespace(title=title, draft=draft, meta=meta, created=dt.datetime(2024, 6, 12), papers=list(papers))
    rendered = SimpleNamespace(content_html=f"<p>Text of {title} &amp; more</p>")
    return SimpleNamespace(post=post, url=f"posts/{title.lower()}/", topics=[SimpleNamespace(name="Long Context")], rendered=rendered)


def test_drafts_posts_left_out_of_search_and_their_only_papers_get_no_record() -> None:
    shown, draft, hidden = entry("Shown", papers=[SINKS]), entry("Draft", draft=True), entry("Hidden", exclude=True)
    paper = SimpleNamespace(record=SINKS, url="papers/2309.17453/", posts=[shown], topics=[])
    draft_paper = SimpleNamespace(record=Record(id="only", title="Only in a draft"), url="papers/only/", posts=[draft], topics=[])
    topic = SimpleNamespace(name="Long Context", posts=[shown, draft], papers=[paper])
    records = site_records([shown, draft, hidden], [paper, draft_paper], [(topic, "tags/long-context/")], [("about/", "About", "<p>Hi</p>")])
    assert [(r.kind, r.url) for r in records] == [
        (POST, "posts/shown/"), (PAPER, "papers/2309.17453/"), (TOPIC, "tags/long-context/"), ("page", "about/"),
    ]
    post, paper_record, topic_record, _ = records
    # A post is found by the papers it reviews: title, authors, both forms of the arXiv id.
    for words in ("Text of Shown & more", "Efficient Streaming", "Guangxuan Xiao", "2309.17453 arXiv:2309.17453", "Long Context"):
        assert words in post.content
    assert post.year == "2024" and post.topics == ("Long Context",)
    # Text, topics and each paper end as sentences: an excerpt across them does not read as one.
    assert post.content.startswith("Text of Shown & more. Long Context. Efficient Streaming"), post.content
    described = entry("Quoted")
    described.post.meta.description = 'As they said: "it works."'
    assert site_records([described], [], [], [])[0].content.startswith('As they said: "it works." Text of Quoted')
    assert "Attention sinks" not in post.content  # the abstract: found on the paper's record, not again on each post
    for words in ("Guangxuan Xiao, Mike Lewis", "2309.17453 arXiv:2309.17453", "ICLR 2024", "2023", "Attention sinks " + H, "Shown"):
        assert words in paper_record.content
    assert topic_record.content == "1 post, 1 paper"  # the draft is not counted


def test_a_record_reaches_pagefind_as_escaped_text() -> None:
    paper = SimpleNamespace(record=Record(id="x", title="Paper " + H, abstract=H, authors=[H]), url="papers/x/", posts=[], topics=[])
    (record,) = site_records([], [paper], [], [])
    html = record_html(record, "en")
    assert "<script>" not in html and "<img" not in html
    assert 'data-pagefind-meta="title[content]" content="Paper &lt;script&gt;' in html
    assert 'data-pagefind-filter="type[content]" content="paper"' in html


def test_a_topic_record_points_at_the_topic_page_as_the_site_addresses_it() -> None:
    shown = entry("Shown")
    topic = SimpleNamespace(name="Long Context", slug="long-context", posts=[shown], papers=[])
    blog = SimpleNamespace(entries=[shown], options=SimpleNamespace(topics_dir="topics"), topics=SimpleNamespace(sorted=lambda: [topic]))
    blog.topic_stem = lambda topic: Blog.topic_stem(blog, topic)  # the blog's own rule for a topic's address
    urls = {directory_urls: [r.url for r in blog_records(blog, [], [], directory_urls=directory_urls) if r.kind == TOPIC] for directory_urls in (True, False)}
    assert urls == {True: ["topics/long-context/"], False: ["topics/long-context.html"]}


def test_a_posts_text_for_search_leaves_out_marks_a_reader_never_types() -> None:
    """As Python-Markdown and papernotes render them: a heading's permalink, footnote and reference back-links."""
    html = (
        '<h2 id="how">How it works<a class="headerlink" href="#how" title="Permanent link">&para;</a></h2>'
        '<p>The <em>un</em>fair sink<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> grows'
        ' <span class="citation-group">[<a class="citation" href="#ref-x" title="X">1</a>]</span>.</p>'
        '<h2 id="notes">Notes</h2><p>Kept <span class="citation-backrefs">↩ <a class="citation-backref" href="#c1">a</a>'
        ' <a class="citation-backref" href="#c2">b</a></span></p>'
        # Out of search, as under Material's search: a reference list is not a snippet to land on.
        '<h2 id="references" data-search-exclude>References</h2><ol class="references"><li>Xiao, “Sinks.”</li></ol>'
        '<div class="footnote"><ol><li id="fn:1"><p>Four models.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li></ol></div>'
    )
    (record,) = site_records([], [], [], [("how/", "How", html)])
    assert record.content == "How it works The unfair sink 1 grows [1]. Notes Kept Four models."


def test_a_comment_in_a_post_is_no_part_of_its_text() -> None:
    """A comment the writer left, even one holding `>`, is not text a reader sees: none of it reaches search."""
    html = "<p>Alpha <!-- hidden secret --> beta <!-- a > b, ]]> --> delta.</p><!--\nmulti\nline\n-->"
    (record,) = site_records([], [], [], [("c/", "C", html)])
    assert record.content == "Alpha beta delta."


def test_a_post_left_out_of_search_is_not_found_by_its_title_on_the_papers_it_reviews() -> None:
    shown, hidden = entry("Shown", papers=[SINKS]), entry("Zzhidden", exclude=True, papers=[SINKS])
    paper = SimpleNamespace(record=SINKS, url="papers/2309.17453/", posts=[shown, hidden], topics=[])
    (_, paper_record) = site_records([shown, hidden], [paper], [], [])
    assert "Shown" in paper_record.content and "Zzhidden" not in paper_record.content


def test_under_serve_a_topic_only_drafts_make_is_not_found() -> None:
    """`mkdocs serve` shows drafts, their papers and their topics' pages; search finds none of them."""
    draft = entry("Draft", draft=True)
    draft_paper = SimpleNamespace(record=Record(id="only", title="Only in a draft"), url="papers/only/", posts=[draft], topics=[])
    secret = SimpleNamespace(name="Secret", posts=[draft], papers=[draft_paper])
    shown = entry("Shown", papers=[SINKS])
    paper = SimpleNamespace(record=SINKS, url="papers/2309.17453/", posts=[shown], topics=[])
    mixed = SimpleNamespace(name="Mixed", posts=[shown, draft], papers=[paper, draft_paper])
    records = site_records([draft, shown], [draft_paper, paper], [(secret, "tags/secret/"), (mixed, "tags/mixed/")], [])
    assert [r.title for r in records if r.kind == TOPIC] == ["Mixed"]
    assert [r.content for r in records if r.kind == TOPIC] == ["1 post, 1 paper"]


def test_a_writers_page_title_pasted_from_a_terminal_is_clean_text() -> None:
    (record,) = site_records([], [], [], [("about/", "About \x1b[31mred\x1b[0m\x0cpage\x07", "<p>Colour \x1b[1mbold\x1b[0m\x00</p>")])
    assert record.title == "About red page" and record.content == "Colour bold"


def test_a_paper_with_no_title_names_its_id_once_beside_its_heading() -> None:
    untitled = Record(arxiv="2402.08268", year=2024)
    paper = SimpleNamespace(record=untitled, url="papers/2402.08268/", posts=[], topics=[])
    shown = entry("Shown", papers=[untitled])
    post, record = site_records([shown], [paper], [], [])
    assert record.title == "arXiv:2402.08268" and record.content == "2402.08268, 2024."
    assert post.content.endswith("arXiv:2402.08268, 2402.08268, 2024."), post.content
