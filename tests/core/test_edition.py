"""The e-mail edition's pieces on small inputs: what mail gets of a post's HTML, text, BibTeX and JSON-LD."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re

import bibtexparser
import markdown
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from papernotes.core.views.edition import email_html, email_message, email_text, html_text, mail_html
from papernotes.core.views.mathml import render_math
from papernotes.core.papers import _format_by_bibtexparser
from papernotes.core.views.newsletter import Card, Issue, citation_line, json_ld, post_bibtex


def issue(**changes) -> Issue:
    fields = dict(
        title="Attention & sinks: 100% of the <cache>", url="https://ex.org/n/posts/sinks/", site_name="Paper Trail",
        site_url="https://ex.org/n/", description="One line.", created=dt.datetime(2024, 6, 21), updated=None,
        authors=["Ada Lovelace", "Alan Turing", "Grace Hopper"], tags=["LLM"], readtime=3,
        body_html="<p>Body.</p>", takeaways_html="", cards=[], references=[], image=None, page_url="posts/sinks/",
    )
    fields.update(changes)
    return Issue(**fields)


def converted(text: str) -> str:
    md = markdown.Markdown(extensions=["pymdownx.arithmatex", "pymdownx.details", "pymdownx.tasklist", "toc"],
                           extension_configs={"pymdownx.arithmatex": {"generic": True}, "toc": {"permalink": True}})
    return render_math(md.convert(text))


def test_mail_html_keeps_prose_and_drops_what_mail_cannot_show() -> None:
    html = converted(
        "## Part\n\nSee [the paper](../../papers/x/), [a note](#part), [mail](mailto:a@b.org) and "
        "[bad](javascript:alert(1)).\n\n![chart](chart.png) ![inline](data:image/png;base64,AAAA)\n\n"
        "<script>alert(1)</script>\n\n<form action='/x'><input name=q></form>\n\n"
        "??? note \"Fold\"\n    Hidden text.\n\n- [x] done\n- [ ] todo\n"
    )
    out = mail_html(html, issue())
    assert "<script" not in out and "<form" not in out and "<input" not in out and "headerlink" not in out
    assert 'href="https://ex.org/n/papers/x/"' in out and 'href="https://ex.org/n/posts/sinks/#part"' in out
    assert 'href="mailto:a@b.org"' in out and "javascript:" not in out and "<span>bad</span>" in out
    assert 'src="https://ex.org/n/posts/sinks/chart.png"' in out and "data:image" not in out and "inline" in out
    assert "<details" not in out and "Hidden text." in out and "☑" in out and "☐" in out


def test_what_mail_cannot_play_becomes_a_link_to_the_post() -> None:
    html = (
        '<p>Watch: <iframe src="https://www.youtube.com/embed/x" title="Talk <b>"></iframe></p>'
        '<video src="demo.mp4" controls>Your browser cannot play it.</video><audio src="a.mp3"></audio>'
        '<svg viewBox="0 0 10 10"><text>Plot</text></svg>'
        '<p>Icons: <span class="twemoji" title=":smile:"><svg><path/></svg></span> '
        '<a href="https://ex.org/"><svg><path/></svg>site</a></p>'
    )
    out = mail_html(html, issue())
    links = re.findall(r'<a href="([^"]*)" class="embed">([^<]*)</a>', out)
    assert links == [
        ("https://ex.org/n/posts/sinks/", "▶ Embedded content (Talk &lt;b&gt;): see it in the post on the web"),
        ("https://ex.org/n/posts/sinks/", "▶ A video: see it in the post on the web"),
        ("https://ex.org/n/posts/sinks/", "▶ A recording: see it in the post on the web"),
        ("https://ex.org/n/posts/sinks/", "▶ A drawing: see it in the post on the web"),
    ]
    assert "<iframe" not in out and "<video" not in out and "<svg" not in out and "Your browser" not in out
    assert ":smile:" in out and '<a href="https://ex.org/">site</a>' in out
    # An icon in a link goes; the link's own words stay, not its title.
    titled = mail_html('<p><a href="https://ex.org/" title="Open the repository">See the code <svg><path/></svg></a></p>', issue())
    assert '<a href="https://ex.org/" title="Open the repository">See the code </a>' in titled
    assert "▶ A video: see it in the post on the web <https://ex.org/n/posts/sinks/>" in html_text(html, issue())


def test_links_mail_cannot_follow_read_as_text() -> None:
    html = '<p><a href="tel:+15551234">call</a> <a href="//cdn.ex.org/x">cdn</a> <a href="javascript:x()">bad</a> <a href="ftp://x/">ftp</a></p>'
    out = mail_html(html, issue())
    assert '<a href="tel:+15551234">call</a>' in out and '<a href="https://cdn.ex.org/x">cdn</a>' in out
    assert "<span>bad</span>" in out and "<span>ftp</span>" in out and "javascript" not in out and "ftp://" not in out
    # Once styled, nothing makes them look like links.
    edition = email_html(issue(body_html=html))
    assert re.search(r'<span[^>]*>bad</span>', edition) and not re.search(r'<a[^>]*>bad</a>', edition)


def test_math_shows_its_tex_in_html_and_text() -> None:
    html = converted("Inline $a < b^2$ and\n\n$$\n\\frac{1}{2}\n$$\n")
    out = mail_html(html, issue())
    assert "<math" not in out and "<mrow" not in out
    assert '<code class="math">a &lt; b^2</code>' in out
    assert '<p class="math-block"><code class="math">\\frac{1}{2}</code></p>' in out
    assert "$a < b^2$" in html_text(html, issue())
    # TeX that could not become MathML safely is shown the same way, without arithmatex's delimiters.
    kept = mail_html(converted("Odd $\\text{<b>}$ here."), issue())
    assert '<code class="math">\\text{&lt;b&gt;}</code>' in kept


def test_text_writes_links_as_urls_and_wraps_at_72() -> None:
    html = "<p>" + "word " * 40 + '<a href="https://arxiv.org/abs/2309.17453">the paper</a>' + "<br>next line</p>" \
        + '<ol><li>first</li><li>second <a class="citation" href="#ref-a">1</a></li></ol><pre><code>x  =  1</code></pre>'
    text = html_text(html, issue())
    assert "the paper <https://arxiv.org/abs/2309.17453>" in " ".join(text.split())
    assert "\nnext line" in text and "1. first" in text and "2. second 1" in text and "    x  =  1" in text
    assert all(len(line) <= 72 for line in text.splitlines() if "://" not in line)


def test_the_edition_escapes_frontmatter_and_inlines_styles() -> None:
    card = Card(title="<img src=x onerror=alert(1)>", url="https://ex.org/n/papers/x/", authors="A <b>", year=2024,
                venue=None, links=[("arXiv", "https://arxiv.org/abs/2309.17453")], note_html="<em>Good</em>", same_as=None)
    refs = [{"number": 1, "anchor": "ref-a", "parts": [["title", "“<script>”", ""]], "links": [], "name": "x"}]
    html = email_html(issue(cards=[card], references=refs))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "A &lt;b&gt;" in html
    assert "<style>" not in html.split("</head>")[1]
    assert 'class="card"' in html and "<em" in html
    text = email_text(issue(cards=[card], references=refs))
    assert "[1] “<script>”" in text  # plain text: nothing to escape
    assert "Attention & sinks: 100% of the <cache>" in text


def test_eml_is_multipart_alternative_with_subject() -> None:
    message = email.message_from_bytes(email_message(issue()).as_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Attention & sinks: 100% of the <cache>"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_bibtex_and_citation_line() -> None:
    entry = post_bibtex(issue())
    assert entry.startswith("@online{lovelace2024sinks,")
    assert "title = {Attention \\& sinks: 100\\% of the " in entry  # LaTeX-encoded, as paper pages' entries
    assert "author = {Ada Lovelace and Alan Turing and Grace Hopper}" in entry
    assert "url = {https://ex.org/n/posts/sinks/}" in entry and "date = {2024-06-21}" in entry
    hostile = issue(title="Über {braces} & $x_1$ \\end", authors=["Jörg Müller"], url="https://ex.org/n/{a}\\b_c/")
    entry = post_bibtex(hostile)
    assert entry == _format_by_bibtexparser("online", "muller2024sinks", [
        ("author", 'J\\"org M\\"uller'), ("title", hostile.title), ("date", "2024-06-21"),
        ("url", "https://ex.org/n/%7Ba%7D%5Cb_c/"), ("organization", "Paper Trail"),
    ]), entry  # as bibtexparser writes it, the address as written but for what would end the braces
    # Keys classic BibTeX reads, and never just a year that other posts share.
    assert post_bibtex(issue(authors=["Li 李"], page_url="posts/注意力/")).startswith("@online{li2024zhuyili,")
    assert post_bibtex(issue(authors=["李"], page_url="posts/x/")).startswith("@online{li2024x,")
    assert post_bibtex(issue(authors=["Jens Strauß"])).startswith("@online{strauss2024sinks,")
    assert post_bibtex(issue(authors=["—"])).startswith("@online{post2024sinks,")
    assert citation_line(issue()) == ("Ada Lovelace, Alan Turing, and Grace Hopper. “Attention & sinks: 100% of the <cache>.” "
                                      "Paper Trail, June 21, 2024. https://ex.org/n/posts/sinks/")
    assert citation_line(issue(authors=["Jane Doe, Jr."])).startswith("Jane Doe, Jr. “Attention")  # one full stop


def read_authors(entry: str) -> list[tuple[str, str, str]]:
    """The authors of a BibTeX entry as a BibTeX tool splits them: (first, last, suffix) each."""
    library = bibtexparser.parse_string(entry, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    return [(" ".join(name.first), " ".join(name.von + name.last), " ".join(name.jr)) for name in library.entries[0]["author"]]


def test_bibtex_tools_read_the_authors_back_as_written() -> None:
    entry = post_bibtex(issue(authors=[
        "Barnes and Noble", "Martin Luther King, Jr.", "Ludwig van Beethoven", "Lovelace, Ada", "Smith, John, Jr.", "King, Jr.",
    ]))
    assert read_authors(entry) == [
        ("", "{Barnes and Noble}", ""), ("Martin Luther", "King", "Jr."), ("Ludwig", "van Beethoven", ""), ("Ada", "Lovelace", ""),
        ("John", "Smith", "Jr."), ("", "{King, Jr.}", ""),  # Chicago's order; and no first name for BibTeX to take 'Jr.' for
    ]
    assert entry.startswith("@online{noble2024sinks,")
    # Without authors the site is the author: one organization, not a person named Paper Trail.
    assert read_authors(post_bibtex(issue(authors=[]))) == [("", "{Paper Trail}", "")]
    assert citation_line(issue(authors=[])).startswith("Paper Trail. “Attention")


def test_json_ld_cannot_close_its_script_element() -> None:
    text = json_ld(issue(title="</script><!-- \u2028", authors=["</SCRIPT>"]))
    assert "<" not in text and ">" not in text and "\u2028" not in text
    data = json.loads(text)
    assert data["headline"] == "</script><!-- \u2028" and data["author"][0]["name"] == "</SCRIPT>"


def test_absolute_urls_are_urls() -> None:
    """Where a path or a writer's URL becomes an absolute URL (link previews, the edition's links): escaped once, the host as given."""
    from papernotes.core.views.newsletter import absolute

    site = "https://ex.org/notes/"
    assert absolute(site, "assets/my card.png") == absolute(site, "/assets/my%20card.png") == site + "assets/my%20card.png"
    assert absolute(site, "100%.png") == site + "100%25.png"
    assert absolute(site, "https://bücher.example/a b.png?v=2#f") == "https://bücher.example/a%20b.png?v=2#f"
