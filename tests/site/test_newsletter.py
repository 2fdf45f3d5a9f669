"""The newsletter side: e-mail editions, the e-mail feed, link previews, "Cite this post", subscribing.

The demo's deep dive is checked the way a mail client, a social site and a
reference manager read it; hostile frontmatter must stay text in every one.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from conftest import BASE_CONFIG, ENV, NO_CACHE, ROOT, Build, SiteMaker, tree
from htmlscan import dangerous, scan

pytestmark = pytest.mark.slow

DEEP_DIVE = "posts/do-state-space-models-actually-keep-state/"
DEEP_DIVE_SOURCE = ROOT / "docs" / "posts" / "2024-06-21-the-state-of-state.md"
SITE = "https://example.github.io/papernotes/"
PAPERNOTES = [sys.executable, "-m", "papernotes.cli"]

NEWSLETTER = """\
      newsletter:
        email: true
        email_feed: true
        subscribe_url: https://buttondown.com/api/emails/embed-subscribe/test
"""


def _with_newsletter(site_maker: SiteMaker, options: str = NEWSLETTER) -> None:
    base = BASE_CONFIG.format(per_page=10)
    site_maker.config(text=base.replace("      per_page: 10\n", "      per_page: 10\n" + options))


def _meta(found, **attrs: str) -> list[str]:
    return [e.attrs.get("content") or "" for e in found.find("meta", **attrs)]


def _edition(demo_build: Build) -> str:
    assert demo_build.returncode == 0, demo_build.output
    return (demo_build.site / DEEP_DIVE / "email.html").read_text(encoding="utf-8")


# -- the e-mail edition ---------------------------------------------------------------------


def test_edition_has_no_script_no_stylesheet_and_only_absolute_links(demo_build: Build) -> None:
    html = _edition(demo_build)
    found = scan(html)
    assert not found.scripts and not found.find("link") and not found.find("svg") and not found.find("math")
    urls = [(e.tag, name, value) for e in found.elements for name, value in e.attrs.items()
            if name in ("href", "src", "action", "background")]
    assert urls
    for tag, name, value in urls:
        assert re.match(r"^(https?://|mailto:)", value or ""), (tag, name, value)
    assert not dangerous(found)


def test_every_styled_element_has_inline_style(demo_build: Build) -> None:
    found = scan(_edition(demo_build))
    # Every element the stylesheet styles by class carries the rule in its own style attribute.
    css = (ROOT / "src/papernotes/templates/papernotes/email/email.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.([a-z][a-z0-9-]*)\s*[{,]", css.split("@media")[0]))
    checked = 0
    for element in found.elements:
        classes = set((element.attrs.get("class") or "").split())
        if classes & styled:
            assert element.attrs.get("style"), f"<{element.tag} class={element.attrs.get('class')}> (line {element.line})"
            checked += 1
    assert checked > 20
    for tag in ("p", "a", "h1", "h2", "li", "pre", "table"):
        unstyled = [e.line for e in found.find(tag) if not e.attrs.get("style")]
        assert not unstyled, f"unstyled <{tag}> on lines {unstyled}"


def test_edition_is_one_600px_table_column_under_gmail_clip(demo_build: Build) -> None:
    html = _edition(demo_build)
    assert len(html.encode("utf-8")) < 102 * 1024
    column = [e for e in scan(html).find("table") if "column" in (e.attrs.get("class") or "")]
    assert len(column) == 1 and "max-width: 600px" in column[0].attrs["style"]
    assert '<table role="presentation" width="600"' in html  # Outlook's fixed-width table
    assert "display: flex" not in html and "display:flex" not in html


def test_edition_has_every_reference_citations_link_to_the_web_page(demo_build: Build) -> None:
    html = _edition(demo_build)
    web = (demo_build.site / DEEP_DIVE / "index.html").read_text(encoding="utf-8")
    web_refs = re.findall(r'<li id="(ref-[^"]+)">', web)
    assert len(web_refs) >= 11
    refs = re.search(r'<ol class="references".*?</ol>', html, re.DOTALL).group(0)
    assert refs.count("<li") == len(web_refs)
    for title in ("The Illusion of State in State-Space Models", "Long Short-Term Memory", "Repeat After Me"):
        assert title in refs
    cited = [e.attrs["href"] for e in scan(html).find("a") if e.attrs.get("class") == "citation"]
    assert cited
    for href in cited:
        page, _, anchor = href.partition("#")
        assert page == SITE + DEEP_DIVE and anchor in web_refs, href
    assert f'href="{SITE}{DEEP_DIVE}"' in html and "View on the web" in html


def test_edition_shows_math_as_tex_and_cards_without_abstracts(demo_build: Build) -> None:
    html = _edition(demo_build)
    found = scan(html)
    maths = [e for e in found.elements if "math" in (e.attrs.get("class") or "").split()]
    assert maths
    assert "h_t = A_t h_{t-1} + B_t x_t" in found.text
    assert "<mrow" not in html and "\\(" not in found.text
    cards = [e for e in found.find("table") if "card" in (e.attrs.get("class") or "").split()]
    assert len(cards) == 3
    assert "The theory paper every SSM pitch deck should have to answer." in found.text
    assert "Abstract" not in found.text


def test_email_feed_items_are_the_editions(demo_build: Build) -> None:
    assert demo_build.returncode == 0
    feed = feedparser.parse((demo_build.site / "email" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    item = next(e for e in feed.entries if e.link == SITE + DEEP_DIVE)
    content = item.content[0].value
    assert "View on the web" in content and "<html" not in content and "<head" not in content
    assert 'style="' in content


# -- link previews, reference managers, cite, subscribe ---------------------------------------


def test_post_page_carries_open_graph_json_ld_and_citation_tags(demo_build: Build) -> None:
    assert demo_build.returncode == 0
    found = scan((demo_build.site / DEEP_DIVE / "index.html").read_text(encoding="utf-8"))
    assert _meta(found, property="og:title") == ["Do state-space models actually keep state?"]
    assert _meta(found, property="og:type") == ["article"]
    assert _meta(found, property="og:url") == [SITE + DEEP_DIVE]
    assert _meta(found, property="article:published_time") == ["2024-06-21"]
    assert _meta(found, property="article:author") == ["Devansh Rao"]
    assert _meta(found, property="og:description")[0].startswith("A theory paper")
    assert _meta(found, name="twitter:card") == ["summary"]
    assert _meta(found, name="citation_title") == ["Do state-space models actually keep state?"]
    assert _meta(found, name="citation_author") == ["Devansh Rao"]
    assert _meta(found, name="citation_publication_date") == ["2024/06/21"]
    assert _meta(found, name="citation_journal_title") == ["Paper Trail"]
    [data] = [json.loads(text) for attrs, text in found.scripts if attrs.get("type") == "application/ld+json"]
    assert data["@type"] == "BlogPosting" and data["headline"] == "Do state-space models actually keep state?"
    assert data["url"] == SITE + DEEP_DIVE and data["datePublished"] == "2024-06-21"
    assert [a["name"] for a in data["author"]] == ["Devansh Rao"]
    assert {w["url"] for w in data["about"]} == {
        "https://arxiv.org/abs/2404.08819", "https://arxiv.org/abs/2406.07887", "https://arxiv.org/abs/2405.16712"}
    assert len(data["citation"]) >= 11
    assert all(w["url"].startswith("https://") for w in data["citation"] if "url" in w)


def test_paper_pages_get_open_graph(demo_build: Build) -> None:
    found = scan((demo_build.site / "papers" / "2404.08819" / "index.html").read_text(encoding="utf-8"))
    assert _meta(found, property="og:title") == ["The Illusion of State in State-Space Models"]
    assert _meta(found, property="og:url") == [SITE + "papers/2404.08819/"]


def test_cite_block_and_subscribe_form(demo_build: Build) -> None:
    html = (demo_build.site / DEEP_DIVE / "index.html").read_text(encoding="utf-8")
    cite = re.search(r'<section class="pn-cite".*?</section>', html, re.DOTALL).group(0)
    assert "@online{rao2024" in cite and "author = {Devansh Rao}" in cite
    assert f"url = {{{SITE}{DEEP_DIVE}}}" in cite and "organization = {Paper Trail}" in cite
    assert "Devansh Rao. “Do state-space models actually keep state?” Paper Trail, June 21, 2024." in cite
    assert "<pre><span></span><code" in cite  # a code block: the theme adds its copy button
    assert html.index("pn-cite") < html.index("pn-post-nav")
    for page in (html, (demo_build.site / "index.html").read_text(encoding="utf-8")):
        [form] = scan(page).find("form", **{"class": "pn-subscribe"})
        assert form.attrs["method"] == "post"
        assert form.attrs["action"] == "https://buttondown.com/api/emails/embed-subscribe/example"
        assert scan(page).find("input", type="email", name="email")
        assert "<script" not in page[page.index('<form class="pn-subscribe"'):page.index("</form>")]


HOSTILE = '</script><script>alert(1)</script> "Q" & <b>bold</b> \u2028 <!--'


def test_hostile_frontmatter_stays_text_in_metadata_email_and_cite(site_maker: SiteMaker) -> None:
    _with_newsletter(site_maker, NEWSLETTER + "        subscribe_text: " + json.dumps(HOSTILE) + "\n")
    site_maker.write("docs/authors.yml", f"evil:\n  name: {json.dumps(HOSTILE)}\n")
    site_maker.write("docs/cards/<x>.png", b"\x89PNG")
    site_maker.post("evil", "Evil", authors="[evil]", description=json.dumps(HOSTILE), image=json.dumps("cards/<x>.png"),
                    tags=json.dumps([HOSTILE]), body="Body text.\n")
    # The title too, written as YAML escapes so the file stays readable.
    path = site_maker.root / "docs/posts/evil.md"
    path.write_text(path.read_text().replace("title: 'Evil'", f"title: {json.dumps(HOSTILE)}"))
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    [post] = [p for p in build.site.joinpath("posts").iterdir() if p.is_dir()]
    page = (post / "index.html").read_text(encoding="utf-8")
    found = scan(page)
    [ld] = [text for attrs, text in found.scripts if attrs.get("type") == "application/ld+json"]
    assert not dangerous(found)
    assert "<" not in ld and ">" not in ld
    data = json.loads(ld)
    assert data["headline"] == HOSTILE and data["description"] == HOSTILE and data["author"][0]["name"] == HOSTILE
    topic = " ".join(HOSTILE.split())  # a topic's name has its runs of blanks made one space
    assert data["keywords"] == [topic] and _meta(found, property="article:tag") == [topic]
    for key in ("og:title", "og:description", "article:author"):
        assert _meta(found, property=key) == [HOSTILE], key
    assert _meta(found, name="citation_author") == [HOSTILE]
    assert _meta(found, property="og:image") == ["https://example.org/notes/cards/%3Cx%3E.png"]  # a URL, percent-encoded
    assert HOSTILE.replace("\u2028", "") not in page.replace("\u2028", "")  # raw, it would be markup
    edition = scan((post / "email.html").read_text(encoding="utf-8"))
    assert not edition.scripts and not dangerous(edition)
    assert "alert(1)" in edition.text  # shown as text
    assert not found.find("b")
    [form] = found.find("form", **{"class": "pn-subscribe"})
    assert form.attrs["action"] == "https://buttondown.com/api/emails/embed-subscribe/test"


def test_image_must_be_http_or_a_path(site_maker: SiteMaker) -> None:
    site_maker.post("bad", "Bad image", image="'javascript:alert(1)'")
    build = site_maker.build()
    assert build.returncode != 0
    assert "bad.md" in build.output and "http(s) URL or a path inside docs/" in build.output


def test_a_preview_image_that_is_not_there_is_reported(site_maker: SiteMaker) -> None:
    _with_newsletter(site_maker, NEWSLETTER + "        image: assets/site-card.png\n")
    site_maker.write("docs/assets/my card.png", b"\x89PNG")
    site_maker.post("fine", "Fine", image="/assets/my%20card.png")
    site_maker.post("spaced", "Spaced", image="'assets/my card.png'")
    site_maker.post("url", "URL", image="https://example.org/card.png")
    site_maker.post("typo", "Typo", image="assets/my-card.png")
    build = site_maker.build()
    assert build.returncode == 0, build.output
    warnings = [line for line in build.output.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2, build.output
    assert "mkdocs.yml" in warnings[0] and "newsletter.image 'assets/site-card.png' is not a file in docs/" in warnings[0]
    assert "docs/posts/typo.md:4" in warnings[1] and "image 'assets/my-card.png' is not a file in docs/" in warnings[1]
    assert "looked for docs/assets/my-card.png" in build.output
    # Written with a space or encoded, the same URL: a space in a URL would end it for some readers.
    for slug in ("fine", "spaced"):
        page = (build.site / f"posts/{slug}/index.html").read_text(encoding="utf-8")
        assert _meta(scan(page), property="og:image") == ["https://example.org/notes/assets/my%20card.png"], slug
    # The preview is still given as written: the writer may add the file before publishing.
    page = (build.site / "posts/typo/index.html").read_text(encoding="utf-8")
    assert _meta(scan(page), property="og:image") == ["https://example.org/notes/assets/my-card.png"]


# -- caches and serve's preview ---------------------------------------------------------------


def test_editions_follow_edits_and_the_cache_changes_nothing(site_maker: SiteMaker, tmp_path: Path) -> None:
    _with_newsletter(site_maker)
    post = site_maker.post("one", "One", body="First version [@a].\n", bibliography="[{id: a, title: Paper A, arxiv: '2309.17453'}]")
    assert site_maker.build().returncode == 0
    post.write_text(post.read_text().replace("First version", "Second version"))
    cached = site_maker.build()
    assert cached.returncode == 0
    edition = (cached.site / "posts/one/email.html").read_text(encoding="utf-8")
    assert "Second version" in edition and "First version" not in edition
    fresh = site_maker.build(site=tmp_path / "fresh", env=NO_CACHE)
    assert fresh.returncode == 0
    assert tree(cached.site) == tree(fresh.site)


# -- papernotes email -------------------------------------------------------------------------


def _email(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*PAPERNOTES, "email", *args], cwd=cwd, env=ENV, capture_output=True, timeout=300)


def test_cli_writes_an_eml_any_mail_tool_reads(tmp_path: Path) -> None:
    out = tmp_path / "issue.eml"
    run = _email(str(DEEP_DIVE_SOURCE.relative_to(ROOT)), "--eml", "-o", str(out), "--from", "Paper Trail <news@example.org>")
    assert run.returncode == 0, run.stderr.decode()
    message = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Do state-space models actually keep state?"
    assert message["From"] == "Paper Trail <news@example.org>"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_payload()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    text = plain.get_content()
    assert "[1] " in text and "[14] " in text and "View on the web: " + SITE + DEEP_DIVE in text
    assert "https://arxiv.org/abs/2404.08819" in text and "<a " not in text and "$h_t = A_t h_{t-1} + B_t x_t$" in text
    assert "View on the web" in html.get_content() and "<script" not in html.get_content()


def test_cli_text_and_html_match_the_build(demo_build: Build, tmp_path: Path) -> None:
    run = _email(str(DEEP_DIVE_SOURCE.relative_to(ROOT)), "-o", "-")
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout.decode("utf-8") == _edition(demo_build)
    text = _email(str(DEEP_DIVE_SOURCE.relative_to(ROOT)), "--text", "-o", str(tmp_path / "x.txt"))
    assert text.returncode == 0 and "wrote" in text.stderr.decode()
    lines = (tmp_path / "x.txt").read_text(encoding="utf-8").splitlines()
    # Prose wraps at 72; URLs are never broken, code and table rows are kept as they are.
    long = [line for line in lines if len(line) > 72 and "://" not in line and " | " not in line and not line.startswith("    ")]
    assert not long and len(lines) > 100


def test_cli_warns_past_gmail_clip_and_refuses_non_posts(site_maker: SiteMaker) -> None:
    paragraph = "A long paragraph of words that goes on and on about attention sinks. " * 40
    site_maker.post("long", "Long", body="\n\n".join([paragraph] * 60))
    run = _email("docs/posts/long.md", "-o", "long.html", cwd=site_maker.root)
    assert run.returncode == 0, run.stderr.decode()
    assert "Gmail clips" in run.stderr.decode()
    site_maker.write("docs/about.md", "# About\n")
    refused = _email("docs/about.md", cwd=site_maker.root)
    assert refused.returncode == 1 and "is not a post" in refused.stderr.decode()
    assert "Traceback" not in refused.stderr.decode()
    # A draft's links would lead to a page not published yet: refused, saying where its preview is.
    site_maker.post("draft", "A draft", draft="true")
    draft = _email("docs/posts/draft.md", cwd=site_maker.root)
    assert draft.returncode == 1 and "docs/posts/draft.md is a draft: preview its edition with mkdocs serve" in draft.stderr.decode()
    missing = _email("docs/posts/nope.md", cwd=site_maker.root)
    assert missing.returncode == 1 and "no file docs/posts/nope.md" in missing.stderr.decode()



def test_cli_never_writes_over_a_file_unless_told_and_never_over_the_post(site_maker: SiteMaker) -> None:
    post = site_maker.post("p", "P", body="Body I spent a week writing.")
    written = post.read_bytes()
    over_post = _email("docs/posts/p.md", "--text", "-o", "docs/posts/p.md", "--force", cwd=site_maker.root)
    assert over_post.returncode == 1 and "is the post itself" in over_post.stderr.decode()
    assert post.read_bytes() == written
    notes = site_maker.write("notes.html", "my notes")
    kept = _email("docs/posts/p.md", "-o", "notes.html", cwd=site_maker.root)
    assert kept.returncode == 1 and "notes.html already exists; it was left as it is (add --force" in kept.stderr.decode()
    assert notes.read_text() == "my notes"
    first = _email("docs/posts/p.md", cwd=site_maker.root)  # the default name, then again after an edit
    assert first.returncode == 0, first.stderr.decode()
    again = _email("docs/posts/p.md", "--force", cwd=site_maker.root)
    assert again.returncode == 0 and "wrote p.email.html" in again.stderr.decode()
    for place, said in [("docs", "it is a folder; name a file in it, like docs/p.email.eml"), ("nowhere/x.eml", "No such file or directory")]:
        run = _email("docs/posts/p.md", "--eml", "-o", place, cwd=site_maker.root)
        out = run.stderr.decode()
        assert run.returncode == 1 and f"cannot write {place}: {said}" in out and "Traceback" not in out, out


def test_cli_eml_of_a_title_on_two_lines_has_a_one_line_subject(site_maker: SiteMaker, tmp_path: Path) -> None:
    site_maker.write("docs/posts/two.md", "---\ntitle: |\n  A two-line title:\n  the subtitle after it\ndate: 2024-06-01\n---\nBody.\n")
    run = _email("docs/posts/two.md", "--eml", "-o", str(tmp_path / "two.eml"), cwd=site_maker.root)
    assert run.returncode == 0, run.stderr.decode()
    message = email.message_from_bytes((tmp_path / "two.eml").read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "A two-line title: the subtitle after it"
    for sender in ["x@y.z\nBcc: v@w.x", "not an address", "a@b.c, d@e.f"]:
        refused = _email("docs/posts/two.md", "--eml", "-o", str(tmp_path / "x.eml"), "--from", sender, cwd=site_maker.root)
        out = refused.stderr.decode()
        assert refused.returncode == 2 and "--from takes one e-mail address" in out and "Traceback" not in out, out
        assert not (tmp_path / "x.eml").exists()


def test_an_email_autolink_stays_a_mailto_link_in_feeds_and_the_email_edition(site_maker: SiteMaker) -> None:
    """Python-Markdown writes `<someone@example.org>` with its `mailto:` as character references."""
    _with_newsletter(site_maker, NEWSLETTER)
    site_maker.post("mail", "Mail", body="Mail me at <someone@example.org> or [write](mailto:x@example.org).\n")
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    edition = (build.site / "posts" / "mail" / "email.html").read_text(encoding="utf-8")
    feed = feedparser.parse((build.site / "feed.xml").read_bytes())
    [item] = [entry for entry in feed.entries if entry.title == "Mail"]
    for html in (edition, item.content[0].value):
        hrefs = [element.attrs["href"] for element in scan(html).find("a") if element.attrs.get("href")]
        assert "mailto:someone@example.org" in hrefs and "mailto:x@example.org" in hrefs, hrefs
        assert not [href for href in hrefs if "mailto" in href and not href.startswith("mailto:")], hrefs


def test_cli_says_each_problem_once(site_maker: SiteMaker) -> None:
    """One line a problem, as `papernotes check` writes it, whether it stops the edition or not."""
    site_maker.write("docs/posts/warned.md", '---\ntitle: "Red \\e[31mtext\\e[0m"\ndate: 2024-06-01\n---\nSee [@nokey].\n')
    site_maker.write("docs/posts/other.md", "---\ntitle: Other\ndate: 2024-06-02\ntagz: [x]\n---\nAnother post's warning is papernotes check's to list.\n")
    run = _email("docs/posts/warned.md", "-o", "w.html", cwd=site_maker.root)
    said = run.stderr.decode().splitlines()
    assert run.returncode == 0, said
    assert said == [
        "docs/posts/warned.md:2: warning: '\\e' in double quotes: YAML reads '\\e' as an escape character, so the text loses it "
        "(quote the value with single quotes ('...'), where a backslash stays a backslash, or write two backslashes)",
        "docs/posts/warned.md:5: warning: unknown citation key 'nokey' (add it to the post's bibliography or to a library file)",
        "wrote w.html (2 KB)",
    ]
    # Through a symbolic link to the site, the same: the post's own warnings are its own.
    link = site_maker.root.parent / "link"
    link.symlink_to(site_maker.root)
    run = _email("-f", str(link / "mkdocs.yml"), str(link / "docs/posts/warned.md"), "-o", "w3.html", cwd=site_maker.root)
    assert run.returncode == 0 and "unknown citation key 'nokey'" in run.stderr.decode(), run.stderr.decode()
    site_maker.write("docs/posts/broken.md", "---\ntitle: Broken\ndate: 2024-06-01\ntags: [a\n---\nBody.\n")
    run = _email("docs/posts/warned.md", "-o", "w2.html", cwd=site_maker.root)
    said = run.stderr.decode().splitlines()
    assert run.returncode == 1 and len(said) == 3, said  # the other post's error stops it, before any conversion
    assert said[0].startswith("docs/posts/broken.md:4: error: broken YAML in the frontmatter")
    assert said[-1] == "papernotes: no e-mail edition written: fix the error above"
    assert not (site_maker.root / "w2.html").exists()
