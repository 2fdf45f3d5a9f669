"""Messy and hostile input, built for real: never a crash, a hang, a live element, or two papers on one page.

Each test builds a small site the way a writer does (`mkdocs build`, site_url
set so feeds are written) with what a writer pastes (a terminal's colour
codes, a PDF's form feed) or what an attacker writes (alias bombs, markup in
every field, ids made to share a folder, a damaged cache), then checks what a
writer would: the exit code, one message naming file and line and no
traceback, every output file (HTML, XML, JSON) free of live elements, and the
writer's own files byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ENV, NO_CACHE, Build, SiteMaker, tree
from htmlscan import dangerous, scan
from serving import Server

pytestmark = pytest.mark.slow

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
PYTEST_RUN = "\x1b[32mPASSED\x1b[0m tests/test_x.py::test_y \x1b[1m[100%]\x1b[0m"
BOUND = 60  # seconds: any input, however hostile, is built or refused well within this (a small site takes one)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML; control characters become escapes)."""
    return json.dumps(text)


def post(*frontmatter: str, body: str = "Body.") -> str:
    return "\n".join(["---", *frontmatter, "---", body]) + "\n"


def writer_files(root: Path) -> dict[str, str]:
    """Every file the writer has (not the build's output or cache), by content hash."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] not in ("site", ".cache")
    }


def built(site: SiteMaker, *args: str, env: dict[str, str] | None = None) -> Build:
    """Build, checking what every build must give: no traceback, writer's files untouched, safe output."""
    before = writer_files(site.root)
    build = site.build(*args, env=env, timeout=BOUND)
    assert "Traceback" not in build.output, build.output
    assert writer_files(site.root) == before
    if build.returncode == 0:
        assert_safe_output(build.site)
    return build


def failed_at(build: Build, where: str, *words: str) -> str:
    """The build failed with one papernotes error at `where` (file:line) saying `words`; that message."""
    assert build.returncode != 0, build.output
    found = re.findall(rf"^ERROR +- +papernotes: {re.escape(where)}: (.*)$", build.output, re.MULTILINE)
    assert found, f"no error at {where}:\n{build.output}"
    message = next((m for m in found if all(w in m for w in words)), None)
    assert message is not None, f"no error at {where} saying {words}:\n{build.output}"
    return message


def assert_safe_output(site: Path) -> None:
    """Every output file reads as its format and carries no live element a writer's string made."""
    for path in site.rglob("*"):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert not dangerous(scan(text)), (path, dangerous(scan(text)))
        elif path.suffix == ".xml":
            root = ET.parse(path).getroot()  # well-formed XML, or this raises
            assert not NOT_XML.search(path.read_text(encoding="utf-8")), path
            for item in root.iter("item"):
                # A reader renders a description as HTML: text only, markup escaped.
                description = scan(item.findtext("description") or "")
                assert not description.elements, (path, item.findtext("description"))
                assert not dangerous(scan(item.findtext(CONTENT) or "")), path
            for entry in root.iter(f"{ATOM}entry"):
                summary = scan(entry.findtext(f"{ATOM}summary") or "")
                assert not summary.elements, (path, entry.findtext(f"{ATOM}summary"))
                assert not dangerous(scan(entry.findtext(f"{ATOM}content") or "")), path
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            for doc in data.get("docs", []) if isinstance(data, dict) else []:
                for key in ("title", "text"):
                    assert not dangerous(scan(doc.get(key, ""))), (path, doc.get("location"))


@pytest.fixture
def site(site_maker: SiteMaker) -> SiteMaker:
    # Both feed formats, so that every test checks RSS and Atom alike.
    config = site_maker.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      per_page: 10\n", "      per_page: 10\n      feed_format: both\n"))
    site_maker.write("docs/posts/good.md", post("title: A fine post", "date: 2024-05-01", body="Nothing wrong here."))
    return site_maker


# -- 1. every string reaches every output safely -----------------------------------------


def test_pasted_terminal_output_builds_and_every_feed_stays_valid_xml(site: SiteMaker) -> None:
    site.write("docs/posts/refs/run.bib", "@article{run2024,\n  title = {Colours " + PYTEST_RUN + " \f page},\n  year = {2024}\n}\n")
    title, description = "Test run " + PYTEST_RUN + " \f\x07", "Form feed \f bell \x07 NUL \x00 and \ufffe"
    site.write("docs/posts/paste.md", post(
        f"title: {q(title)}", "date: 2024-06-01", f"description: {q(description)}", f"tags: [{q('CI ' + PYTEST_RUN)}]",
        "bibliography:", "  - refs/run.bib",
        body=f"As run [@run2024]:\n\n```\n{PYTEST_RUN}\n\f\x00\x07\ufffe\n```\n",
    ))
    build = built(site)
    assert build.returncode == 0, build.output
    (page,) = [p.read_text(encoding="utf-8") for p in (build.site / "posts").glob("test-run*/index.html")]
    # The colour-coded output still shows, as text, without its escape codes.
    code = page[page.index("<pre"):]
    assert "PASSED tests/test_x.py::test_y [100%]" in scan(code).text and "\x1b" not in code and "\x00" not in code
    (item,) = [i for i in ET.parse(build.site / "feed.xml").getroot().iter("item") if "Test run" in i.findtext("title")]
    assert "PASSED" in item.findtext(CONTENT) and "Form feed" in item.findtext("description")


def test_a_pdf_page_break_between_words_reads_as_a_space_everywhere(site: SiteMaker) -> None:
    # Text copied across a PDF's page break carries a form feed where the reader saw a space.
    title, description, paper, abstract = q("Scaling\fLaws"), q("Across the\fpage"), q("Vertical\vtab \u202eltr"), q("Page\fbreak")
    site.write("docs/posts/pdf.md", post(
        f"title: {title}", "date: 2024-06-01", f"description: {description}",
        "papers:", f"  - {{id: pdf2024, title: {paper}, abstract: {abstract}}}",
        body="Last line of one page\fFirst of the next.\n",
    ))
    build = built(site)
    assert build.returncode == 0, build.output
    page = scan((build.site / "posts" / "scaling-laws" / "index.html").read_text(encoding="utf-8")).text
    paper_page = scan((build.site / "papers" / "pdf2024" / "index.html").read_text(encoding="utf-8")).text
    assert "Scaling Laws" in page and "Last line of one page First of the next." in page and "Vertical tab" in page
    assert "Vertical tab" in paper_page and "Page break" in paper_page
    items = {i.findtext("title"): i for i in ET.parse(build.site / "feed.xml").getroot().iter("item")}
    assert items["Scaling Laws"].findtext("description") == "Across the page"
    # A character LaTeX has no name for stays in the paper's BibTeX entry, without a warning outside the build's log.
    assert "No known latex representation" not in build.output, build.output


def test_control_characters_pasted_raw_into_yaml_files_build_as_in_a_body(site: SiteMaker) -> None:
    """YAML refuses a file holding a raw control character; a writer pasting from a PDF or a terminal
    into frontmatter, a library file or authors.yml gets the text, as in a post's body (DEL shown nowhere)."""
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      per_page: 10\n", "      per_page: 10\n      library: [library/papers.yaml]\n"))
    site.write("library/papers.yaml", "- id: raw2024\n  title: Raw\fpage break \x1b[1mbold\x1b[0m\n  year: 2024\n  abstract: Nul\x00 del\x7f c1\x9b gone\n")
    site.write("docs/authors.yml", "authors:\n  eve:\n    name: Eve\x1b[32m Green\x1b[0m\n")
    site.write("docs/posts/raw.md", post(
        "title: Raw\x0cpasted from a PDF \x1b[31mred\x1b[0m", "date: 2024-06-01", "authors: [eve]",
        "description: Bell\x07 and del\x7f # a comment with \x00", "tags: [Paste\x0bd]", "papers: [raw2024]",
        body="Body.",
    ))
    build = built(site, "--strict")
    assert build.returncode == 0, build.output
    page = scan((build.site / "posts" / "raw-pasted-from-a-pdf-red" / "index.html").read_text(encoding="utf-8")).text
    assert "Raw pasted from a PDF red" in page and "Eve Green" in page and "Raw page break bold" in page, page
    paper = scan((build.site / "papers" / "raw2024" / "index.html").read_text(encoding="utf-8")).text
    assert "Nul del c1 gone" in paper, paper
    items = {i.findtext("title"): i for i in ET.parse(build.site / "feed.xml").getroot().iter("item")}
    assert items["Raw pasted from a PDF red"].findtext("description") == "Bell and del"
    assert (build.site / "tags" / "paste-d" / "index.html").is_file()


def test_feed_descriptions_and_summaries_show_markup_as_text(site: SiteMaker) -> None:
    tag = "<img src=x onerror=alert(1)>"
    site.write("docs/posts/markup.md", post(
        "title: Markup", "date: 2024-06-01", body=f"An excerpt showing `{tag}` in a code span.\n\n<!-- more -->\n\nMore.",
    ))
    site.write("docs/posts/described.md", post("title: Described", "date: 2024-06-02", f"description: {q('Use <b>bold</b> or ' + tag)}"))
    build = built(site)
    assert build.returncode == 0, build.output
    items = {i.findtext("title"): i for i in ET.parse(build.site / "feed.xml").getroot().iter("item")}
    entries = {e.findtext(f"{ATOM}title"): e for e in ET.parse(build.site / "atom.xml").getroot().iter(f"{ATOM}entry")}
    for title, shown in (("Markup", f"showing {tag} in"), ("Described", f"Use <b>bold</b> or {tag}")):
        for html_field in (items[title].findtext("description"), entries[title].findtext(f"{ATOM}summary")):
            description = scan(html_field or "")
            assert not description.elements and shown in description.text


# -- 2. bounded work on any input -----------------------------------------------------------


def alias_bomb(levels: int = 9) -> list[str]:
    lines = ["search:", "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return lines


@pytest.mark.parametrize("env", [{}, NO_CACHE], ids=["cache", "no-cache"])
def test_an_alias_bomb_is_refused_quickly_at_its_line(site: SiteMaker, env: dict[str, str]) -> None:
    site.write("docs/posts/bomb.md", post("title: Bomb", "date: 2024-06-01", *alias_bomb()))
    started = time.monotonic()
    build = built(site, env=env)
    assert time.monotonic() - started < 20
    failed_at(build, "docs/posts/bomb.md:12", "anchored on this line", "more than 100,000 values")


def test_an_alias_inside_its_own_value_is_refused_at_its_line(site: SiteMaker) -> None:
    site.write("docs/posts/loop.md", post("title: Loop", "date: 2024-06-01", "search: &a", "  again: [*a]"))
    failed_at(built(site), "docs/posts/loop.md:4", "'search'", "alias")


@pytest.mark.parametrize("nesting", ["flow", "block"])
def test_deep_nesting_is_reported_at_its_line(site: SiteMaker, nesting: str) -> None:
    deep = ["search: " + "[" * 5000 + "]" * 5000] if nesting == "flow" else (
        ["search:"] + ["  " * (level + 1) + f"k{level}:" for level in range(150)] + ["  " * 151 + "end"]
    )
    site.write("docs/posts/deep.md", post("title: Deep", "date: 2024-06-01", *deep))
    failed_at(built(site), f"docs/posts/deep.md:{4 if nesting == 'flow' else 104}", "nested more than 100 levels")


def test_library_rows_past_pythons_limits_are_skipped_with_their_line(site: SiteMaker) -> None:
    site.write("library/rows.jsonl", "\n".join([
        json.dumps({"arxiv_id": "2309.17453", "abstract": "Attention sinks."}),
        '{"arxiv_id": "2310.01889", "abstract": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"arxiv_id": "2310.01890", "abstract": "x", "n": ' + "9" * 5000 + "}",
        json.dumps({"arxiv_id": "2402.08268", "abstract": "Ring attention."}),
    ]) + "\n")
    (site.root / "mkdocs.yml").write_text((site.root / "mkdocs.yml").read_text().replace(
        "      per_page: 10\n", "      per_page: 10\n      library: [library/rows.jsonl]\n"))
    site.write("docs/posts/cites.md", post("title: Cites", "date: 2024-06-01", body="See [@arxiv:2402.08268]."))
    build = built(site)
    failed_at(build, "library/rows.jsonl:2", "nested more than 100 levels")
    failed_at(build, "library/rows.jsonl:3", "more than 4300 digits")
    assert "rows.jsonl:4" not in build.output  # the row after them is read


def test_a_post_dated_year_one_builds(site: SiteMaker) -> None:
    site.write("docs/posts/old.md", post("title: Ancient", "date: 0001-01-01"))
    site.write("docs/posts/late.md", post("title: Late", "date: 9999-12-31T23:59:00-05:00"))
    build = built(site)
    assert build.returncode == 0, build.output
    assert [i.findtext("title") for i in ET.parse(build.site / "feed.xml").getroot().iter("item")][-1] == "Ancient"


# -- 3. unique output paths ----------------------------------------------------------------


def test_topics_that_only_share_an_address_are_not_merged_unseen(site: SiteMaker) -> None:
    """`C++` and `C` (or `???` and `!!!`) would share one topic page: said at the tag; a spelling of case, spaces or hyphens is not."""
    site.write("docs/posts/c.md", post("title: C", "date: 2024-06-01", "tags: [C, Long Context]"))
    site.write("docs/posts/cpp.md", post("title: Cpp", "date: 2024-06-02", "tags:", "  - long-context", "  - C++"))
    build = built(site, "--strict")
    assert build.returncode != 0, build.output
    warned = re.findall(r"^WARNING +- +papernotes: (.*)$", build.output, re.MULTILINE)
    assert warned == ["docs/posts/cpp.md:6: topic 'C++' is shown as 'C': both make the page of topic 'c' "
                      "(rename one of them, or map one to the other under topic_aliases in mkdocs.yml to merge them on purpose)"], build.output


@pytest.mark.parametrize("slug", ["feed.xml", "sitemap.xml", "404.html"])
def test_a_post_whose_address_is_a_file_of_the_site_is_told_at_its_slug(site: SiteMaker, slug: str) -> None:
    """With posts at the top level, `slug: feed.xml` makes the folder feed.xml/ where the feed is a file."""
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      per_page: 10\n", "      per_page: 10\n      post_url_format: '{slug}'\n"))
    site.write("docs/posts/clash.md", post("title: Clash", "date: 2024-06-01", f"slug: {q(slug)}"))
    build = built(site)
    failed_at(build, "docs/posts/clash.md:4", "the post docs/posts/clash.md", "would both be written to")
    assert "Traceback" not in build.output


@pytest.mark.parametrize("first, second, folder", [
    ("{id: a-b, title: Dash}", "{id: a/b, title: Slash}", "a-b"),
    ("{id: a-b, title: Dash}", '{id: "a:b", title: Colon}', "a-b"),
    ("{id: hep-th-9901001, title: A key}", "{arxiv: hep-th/9901001, title: The arXiv paper}", "hep-th-9901001"),
    ("{id: Vaswani2017, title: Upper}", "{id: vaswani2017, title: Lower}", "vaswani2017"),
], ids=["slash", "colon", "old-arxiv", "case"])
def test_two_papers_never_share_a_page(site: SiteMaker, first: str, second: str, folder: str) -> None:
    site.write("docs/posts/two.md", post("title: Two", "date: 2024-06-01", "papers:", f"  - {first}", f"  - {second}"))
    message = failed_at(built(site), "docs/posts/two.md:6", "would both be written to")
    assert "docs/posts/two.md:5" in message and f"/{folder}/index.html".casefold() in message.casefold()


@pytest.mark.parametrize("own, where", [
    ("docs/tags/llm.md", "the page of topic 'LLM'"),
    ("docs/papers/mine2024.md", "the page of paper 'mine2024'"),
    ("docs/feed.xml", "the site's feed"),
])
def test_a_writers_file_at_a_generated_path_is_never_replaced(site: SiteMaker, own: str, where: str) -> None:
    site.write("docs/posts/p.md", post("title: P", "date: 2024-06-01", "tags: [LLM]", "papers: [{id: mine2024, title: Mine}]"))
    site.write(own, "<rss>mine</rss>\n" if own.endswith(".xml") else "# My own page\n")
    build = built(site)  # checks the writer's file is byte-identical afterwards
    assert build.returncode != 0
    assert re.search(rf"papernotes: .*{re.escape(where)}.*{re.escape(own)}|papernotes: {re.escape(own)}: .*{re.escape(where)}", build.output), build.output


def test_index_named_topic_and_paper_with_file_urls(site: SiteMaker) -> None:
    (site.root / "mkdocs.yml").write_text((site.root / "mkdocs.yml").read_text() + "use_directory_urls: false\n")
    site.write("docs/tags/index.md", "# All my topics\n")
    site.write("docs/posts/p.md", post("title: P", "date: 2024-06-01", "tags: [index]"))
    failed_at(built(site), "docs/posts/p.md:4", "the page of topic 'index'", "docs/tags/index.md", "tags/index.html")


def test_a_doi_with_url_characters_gets_a_page_its_links_reach(site: SiteMaker) -> None:
    site.write("docs/posts/p.md", post("title: P", "date: 2024-06-01", "papers:", '  - {doi: "10.1000/a?b#c%20d", title: Odd DOI}'))
    build = built(site)
    assert build.returncode == 0, build.output
    links = [e.attrs["href"] for e in scan(build.page("papers")).find("a") if "10.1000" in (e.attrs.get("href") or "")]
    assert links and all((build.site / "papers" / link / "index.html").is_file() for link in links), links


# -- 4. duplicate keys across inline entries and .bib files ---------------------------------


def test_a_key_inline_and_in_a_bib_file_is_an_error_naming_both(site: SiteMaker) -> None:
    site.write("docs/posts/refs/a.bib", "@article{other,\n  title = {Other}\n}\n\n@article{dup,\n  title = {From the file}\n}\n")
    site.write("docs/posts/refs/b.bib", "@article{other,\n  title = {Other again}\n}\n")
    site.write("docs/posts/p.md", post(
        "title: P", "date: 2024-06-01", "bibliography:", "  - {id: dup, title: Inline}", "  - refs/a.bib", "  - refs/b.bib",
        body="[@dup] and [@other].",
    ))
    build = built(site)
    failed_at(build, "docs/posts/p.md:6", "'dup' is defined twice", "docs/posts/p.md:5", "docs/posts/refs/a.bib:5")
    failed_at(build, "docs/posts/p.md:7", "'other' is defined twice", "docs/posts/refs/a.bib:1", "docs/posts/refs/b.bib:1")


# -- 5. a damaged cache never poisons a build ----------------------------------------------


def damage(root: Path, seed: int) -> int:
    """Flip bits, truncate or overwrite every file papernotes keeps in .cache/; how many."""
    rnd = random.Random(seed)
    files = [p for p in (root / ".cache").rglob("*") if p.is_file()]
    for path in files:
        data = bytearray(path.read_bytes())
        how = rnd.choice(["flip", "flip", "truncate", "garbage"])
        if how == "flip" and data:
            for _ in range(rnd.randint(1, 4)):
                data[rnd.randrange(len(data))] ^= 1 << rnd.randrange(8)
        elif how == "truncate":
            del data[rnd.randrange(len(data) + 1):]
        else:
            data = bytearray(rnd.randbytes(len(data)))
        path.write_bytes(bytes(data))
    return len(files)


def test_a_build_after_damaging_the_cache_matches_a_build_without_it(site: SiteMaker) -> None:
    for n in range(4):
        site.write(f"docs/posts/p{n}.md", post(
            f"title: Post {n}", f"date: 2024-06-0{n + 1}", "tags: [LLM, Caching]", "papers: [{arxiv: 2309.17453}]",
            body=f"Text {n} with `code` and [@arxiv:2309.17453].\n\n<!-- more -->\n\nMore {n}.",
        ))
    reference = site.build(site=site.root / "reference", env=NO_CACHE)
    assert reference.returncode == 0, reference.output
    expected = tree(reference.site)
    assert built(site).returncode == 0
    for seed in range(3):
        assert damage(site.root, seed) > 10
        build = built(site)
        assert build.returncode == 0, build.output
        assert tree(build.site) == expected


# -- 6 and 7. check reports the same; sources are confined and not published -----------------


def test_papernotes_check_reports_what_the_build_does(site: SiteMaker) -> None:
    site.write("docs/posts/bomb.md", post("title: Bomb", "date: 2024-06-01", *alias_bomb()))
    site.write("docs/posts/two.md", post("title: Two", "date: 2024-06-01", "papers:", "  - {id: a-b, title: A}", "  - {id: a/b, title: B}"))
    site.write("docs/posts/refs/a.bib", "@article{dup,\n  title = {B}\n}\n")
    site.write("docs/posts/dup.md", post("title: Dup", "date: 2024-06-01", "bibliography:", "  - {id: dup, title: A}", "  - refs/a.bib"))
    build = built(site)
    errors = set(re.findall(r"^ERROR +- +papernotes: (\S+:\d+): ", build.output, re.MULTILINE))
    assert errors == {"docs/posts/bomb.md:12", "docs/posts/two.md:6", "docs/posts/dup.md:6"}, build.output
    check = subprocess.run(
        [sys.executable, "-m", "papernotes.cli", "check", "-f", str(site.root / "mkdocs.yml")],
        cwd=site.root, env=ENV, capture_output=True, text=True, timeout=120,
    )
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert set(re.findall(r"^(\S+:\d+): error: ", check.stdout, re.MULTILINE)) == errors, check.stdout


@pytest.mark.parametrize("path", ["ABSOLUTE", "../../../outside.bib"])
def test_a_bib_file_outside_the_site_is_refused(site: SiteMaker, path: str) -> None:
    if path == "ABSOLUTE":  # beside the site, so suites running at once never share it
        path = str(site.root.parent.resolve() / "papernotes-outside.bib")
    outside = Path(path) if path.startswith("/") else (site.root / "docs" / "posts" / path).resolve()
    outside.write_text("@article{secret2024,\n  title = {Secret}\n}\n")
    try:
        site.write("docs/posts/p.md", post("title: P", "date: 2024-06-01", "bibliography:", f"  - {path}", body="[@secret2024]"))
        build = built(site)
        failed_at(build, "docs/posts/p.md:5", "outside the site's folder", "bib_outside_site")
    finally:
        outside.unlink()


def test_sources_are_not_published(site: SiteMaker) -> None:
    site.write("docs/authors.yml", "eve: {name: Eve}\n")
    site.write("docs/posts/refs/p.bib", "@article{p2024,\n  title = {P}\n}\n")
    site.write("docs/lib/papers.json", json.dumps([{"id": "lib2024", "title": "From the library"}]))
    (site.root / "mkdocs.yml").write_text((site.root / "mkdocs.yml").read_text().replace(
        "      per_page: 10\n", "      per_page: 10\n      library: [docs/lib/papers.json]\n"))
    site.write("docs/posts/p.md", post("title: P", "date: 2024-06-01", "authors: [eve]", "bibliography: [refs/p.bib]", body="[@p2024] [@lib2024]"))
    build = built(site)
    assert build.returncode == 0, build.output
    published = {p.name for p in build.site.rglob("*")}
    assert not {"authors.yml", "p.bib", "papers.json"} & published


# -- 8. anything in any field ------------------------------------------------------------

HOSTILE = [
    "\x1b[31m", "\x1b[0m", "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\u2028", "\ufffe", "\ufeff",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "]]>", "<![CDATA[", "&amp;", "&#0;", "<!--", "-->",
    "`", "``", "*", "_", "[@nokey]", "{{ config }}", "{% raw %}", "javascript:alert(1)", '"', "'", "\\", "\n", "\t",
    "a", " ", "é", "🙂",
]
# The body is the writer's own Markdown, raw HTML allowed: it gets the characters inside a code block,
# where markup must stay text.
FIELDS = ["title", "description", "subtitle", "tags", "paper_title", "paper_note", "paper_abstract", "paper_venue", "takeaway", "free_text", "code"]


def hostile_post(values: dict[str, str]) -> str:
    v = {name: q(text) for name, text in values.items()}
    return post(
        f"title: {q('T ' + values['title'])}", "date: 2024-06-01", f"description: {v['description']}",
        f"subtitle: {v['subtitle']}", f"tags: [{q('tag ' + values['tags'])}]",
        "papers:", f"  - id: hostile2024", f"    title: {v['paper_title']}", f"    note: {v['paper_note']}",
        f"    abstract: {v['paper_abstract']}", f"    venue: {v['paper_venue']}",
        "takeaways:", f"  - {q('Takeaway ' + values['takeaway'])}",
        "bibliography:", "  - id: free2024", f"    text: {q('Text ' + values['free_text'])}",
        body="Pasted:\n\n```\n" + values["code"].replace("`", "'") + "\n```\n",
    )


# Each example is a real build (about a second); shrinking a failure would take minutes of them.
@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.fixed_dictionaries({field: st.lists(st.sampled_from(HOSTILE), max_size=8).map("".join) for field in FIELDS}))
def test_random_control_and_markup_characters_in_every_field(site_maker: SiteMaker, values: dict[str, str]) -> None:
    site_maker.write("docs/posts/hostile.md", hostile_post(values).encode("utf-8", "surrogatepass"))
    build = built(site_maker)  # no traceback, writer's files unchanged, no live element in any output
    if build.returncode != 0:
        assert re.search(r"^ERROR +- +papernotes: docs/posts/hostile\.md:\d+: ", build.output, re.MULTILINE), build.output


# -- 6. serve survives it all, and recovers -------------------------------------------------


def test_serve_survives_hostile_posts_and_recovers(site: SiteMaker, tmp_path: Path) -> None:
    bomb = site.write("docs/posts/bomb.md", post("title: Bomb", "date: 2024-06-01", "search: {}", body="Calm before."))
    server = Server(site.root, tmp_path / "serve.log")
    try:
        server.wait_for("posts/bomb/", lambda b: "Calm before." in b, "the first build")
        bomb.write_text(post("title: Bomb", "date: 2024-06-01", *alias_bomb(), body="Boom."), encoding="utf-8")
        error = server.wait_for("posts/bomb/", lambda b: "pn-error" in b, "the alias bomb's error page")
        assert "docs/posts/bomb.md:12" in error and "100,000 values" in error
        # A pasted test run in another post: the feed is still written, the site still served.
        site.write("docs/posts/paste.md", post("title: Paste", "date: 2024-06-02", body=f"```\n{PYTEST_RUN}\f\x00\n```\n"))
        server.wait_for("posts/paste/", lambda b: "PASSED" in b, "the pasted test run")
        server.wait_for("feed.xml", lambda b: "Paste" in b and ET.fromstring(b.encode()) is not None, "the feed")
        bomb.write_text(post("title: Bomb", "date: 2024-06-01", "search: {}", body="Calm after."), encoding="utf-8")
        page = server.wait_for("posts/bomb/", lambda b: "Calm after." in b, "the fixed post")
        assert "pn-error" not in page
    finally:
        server.stop()
