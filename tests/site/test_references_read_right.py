"""References as a reader and a reference manager read them: valid BibTeX, one year, labelled back-links."""

from __future__ import annotations

import html
import re

import bibtexparser
import pytest

from conftest import Build, SiteMaker
from papernotes.core.papers import bibtex_entry
from papernotes.core.model.records import Record
from papernotes.core.model.venues import venue_kind

pytestmark = pytest.mark.slow

LIBRARY = """\
- id: xiao2024sinks
  title: Efficient Streaming Language Models with Attention Sinks
  authors: [Guangxuan Xiao, Song Han]
  year: 2024
  venue: ICLR 2024
  arxiv: "2309.17453"
- id: gu2024mamba
  title: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
  authors: [Albert Gu, Tri Dao]
  year: 2024
  venue: Transactions on Machine Learning Research
  url: https://openreview.net/forum?id=tEYskw1VY2&a_b=1
- id: team2024blog
  title: A blog post
  year: 2024
  venue: The Lab Blog
  url: https://example.org/blog/a_b%20c
"""

BODY = """\
Sinks [@xiao2024sinks] matter. Again [@xiao2024sinks], and a third time [@xiao2024sinks, p. 2].

Mamba [@gu2024mamba] does not need them; see also [@team2024blog].
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    site = SiteMaker(tmp_path_factory.mktemp("refs") / "src")
    site.config("plugins:\n  - search\n  - papernotes:\n      library: [library.yaml]\n")
    site.write("library.yaml", LIBRARY)
    site.post("refs", "References", body=BODY, papers="[xiao2024sinks, gu2024mamba]")
    build = site.build("--strict")
    assert build.returncode == 0, build.output
    return build


def _bibtex(build: Build, paper: str) -> dict:
    page = build.page(f"papers/{paper}")
    text = html.unescape(re.search(r"<pre[^>]*>(?:<code[^>]*>)?(@.*?)(?:</code>)?</pre>", page, re.DOTALL).group(1))
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, text
    (entry,) = library.entries
    return {"type": entry.entry_type, **{f.key: f.value for f in entry.fields}, "raw": text}


def test_paper_pages_give_bibtex_of_the_right_type_with_plain_urls(built: Build) -> None:
    sinks = _bibtex(built, "2309.17453")
    assert sinks["type"] == "inproceedings" and sinks["booktitle"] == "ICLR 2024"
    assert sinks["url"] == "https://arxiv.org/abs/2309.17453" and sinks["eprint"] == "2309.17453"
    mamba = _bibtex(built, "gu2024mamba")
    assert mamba["type"] == "article" and mamba["journal"] == "Transactions on Machine Learning Research"
    assert mamba["url"] == "https://openreview.net/forum?id=tEYskw1VY2&a_b=1"
    blog = _bibtex(built, "team2024blog")
    assert blog["type"] == "misc" and blog["howpublished"] == "The Lab Blog"
    assert blog["url"] == "https://example.org/blog/a_b%20c"
    for entry in (sinks, mamba, blog):
        assert "\\url" not in entry["raw"] and "howpublished = {ICLR" not in entry["raw"]


def test_references_say_the_year_once(built: Build) -> None:
    page = built.page("posts/references")
    items = re.findall(r'<li id="ref-[^"]+">(.*?)</li>', page, re.DOTALL)
    text = [re.sub(r"<[^>]+>", "", item) for item in items]
    assert "ICLR 2024." in text[0] and "2024, 2024" not in text[0] and "ICLR 2024, 2024" not in text[0]
    assert "Transactions on Machine Learning Research, 2024." in text[1]
    titles = re.findall(r'class="citation" href="#ref-xiao2024sinks"[^>]*title="([^"]+)"', page)
    assert titles and all(html.unescape(t).count("2024") == 1 for t in titles)


def test_back_links_are_labelled_for_eyes_and_screen_readers(built: Build) -> None:
    page = built.page("posts/references")
    items = dict(re.findall(r'<li id="(ref-[^"]+)">(.*?)</li>', page, re.DOTALL))
    sinks = items["ref-xiao2024sinks"]
    links = re.findall(r'<a class="citation-backref" href="#([^"]+)" title="[^"]+" aria-label="([^"]+)">([^<]+)</a>', sinks)
    assert [(label, text) for _, label, text in links] == [
        ("Back to citation 1", "a"), ("Back to citation 2", "b"), ("Back to citation 3", "c"),
    ]
    for anchor, _, _ in links:
        assert f'id="{anchor}"' in page
    assert "↩" in sinks and sinks.count("↩") == 1
    single = re.findall(r'<a class="citation-backref"[^>]*aria-label="([^"]+)">([^<]+)</a>', items["ref-gu2024mamba"])
    assert single == [("Back to the citation", "↩")]


@pytest.mark.parametrize(
    "venue, kind",
    [
        ("ICML 2024", "conference"), ("NeurIPS", "conference"), ("Proceedings of ACL 2023", "conference"),
        ("CVPR", "conference"), ("Findings of EMNLP 2023", "conference"), ("Proc. of the Workshop", "conference"),
        ("Advances in Neural Information Processing Systems", "conference"),
        ("JMLR", "journal"), ("Nature", "journal"), ("Journal of Machine Learning Research", "journal"),
        ("arXiv preprint arXiv:2310.01889", "preprint"), ("CoRR", "preprint"), ("The Lab Blog", "other"),
    ],
)
def test_venue_kinds(venue: str, kind: str) -> None:
    assert venue_kind(venue) == kind


def test_a_preprint_venue_is_said_by_eprint_alone() -> None:
    entry = bibtex_entry(Record(arxiv="2310.01889", title="T", venue="arXiv preprint arXiv:2310.01889", year=2023))
    assert entry.startswith("@misc{arxiv2310_01889,") and "howpublished" not in entry and "archivePrefix = {arXiv}" in entry


def test_a_card_names_the_year_once_when_the_venue_has_it(built: Build) -> None:
    page = built.page("posts/references")
    metas = re.findall(r'<p class="paper-card__meta">(.*?)</p>', page, re.DOTALL)
    text = [" ".join(re.sub(r"<[^>]+>", " ", meta).split()) for meta in metas]
    assert text[0].startswith("Guangxuan Xiao, Song Han ICLR 2024") and text[0].count("2024") == 1
    assert text[1].startswith("Albert Gu, Tri Dao 2024 Transactions on Machine Learning Research")
