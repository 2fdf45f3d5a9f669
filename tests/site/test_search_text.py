"""What Material's search indexes from papernotes' pages, with the README's default `- search`.

Material splits the index text on its `separator`, by default `[\\s\\-]+`: a word
glued to its neighbour (`ICML 20242024arXiv:2309.17453`) cannot be found. Each
entry must hold readable words, the bare arXiv id among them, and none of the
page chrome (post navigation, back-link glyphs, placeholders, reference lists).
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from conftest import Build, SiteMaker
from search_site import ABSTRACT_WORD, ARXIV, PAPER_URL, POST_URL, write_search_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> dict:
    site = SiteMaker(tmp_path_factory.mktemp("search") / "src")
    write_search_site(site)
    build: Build = site.build("--strict")
    assert build.returncode == 0, build.output
    return json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))


def words(html: str, separator: str) -> list[str]:
    """The tokens Material's search makes of an entry's text: split on the separator, with
    punctuation trimmed from both ends (lunr's trimmer); HTML tags are boundaries there."""
    pieces = re.split(separator, unescape(re.sub(r"<[^>]+>", " ", html)))
    return [w for w in (re.sub(r"^\W+|\W+$", "", piece) for piece in pieces) if w]


def entry(index: dict, location: str) -> dict:
    return next(d for d in index["docs"] if d["location"] == location)


def test_the_config_is_materials_default(index: dict) -> None:
    assert index["config"]["separator"] == r"[\s\-]+"


def test_a_paper_page_is_one_entry_with_title_authors_id_venue_and_abstract(index: dict) -> None:
    paper = entry(index, PAPER_URL)
    assert paper["title"] == "Zephyrine Attention Sinks for Streaming"
    tokens = words(paper["text"], index["config"]["separator"])
    for word in ["Oriane", "Vaskova", "Lindqvist", ARXIV, "ICML", "2024", ABSTRACT_WORD, "LLM", "Long", "Context"]:
        assert word in tokens, (word, paper["text"])
    assert "20242024" not in paper["text"] and "ICML 2024 2024" not in paper["text"]  # the year once
    # The page's other sections are not entries of their own with the abstract or BibTeX in them.
    others = [d for d in index["docs"] if d["location"].startswith(PAPER_URL) and d["location"] != PAPER_URL]
    assert all(ABSTRACT_WORD not in d["text"] and "@misc" not in d["text"] for d in others), others


def test_the_post_entries_keep_topics_and_card_facts_apart(index: dict) -> None:
    separator = index["config"]["separator"]
    post = " ".join(d["text"] for d in index["docs"] if d["location"].startswith(POST_URL))
    tokens = words(post, separator)
    for word in ["LLM", "Long", "Context", "Vaskova", "2024", "ICML", ABSTRACT_WORD]:
        assert word in tokens, (word, post)


def test_no_entry_has_glued_words_chrome_glyphs_or_placeholders(index: dict) -> None:
    separator = index["config"]["separator"]
    for doc in index["docs"]:
        text = unescape(doc["text"])
        assert "↩" not in text, doc
        assert "No abstract" not in text, doc
        assert not re.search(r"\b(Newer|Older)\b", text), doc  # the post navigation
        assert not doc["location"].endswith("#references"), doc  # reference lists are no snippets
        assert "Marrowleaf" not in text or doc["location"].startswith("papers/"), doc
        for token in words(doc["text"], separator):
            assert not re.search(r"\d{4}(arXiv|doi)|\d{8}|[a-z](LLM|Long|Vision)\b|\d{4}[A-Z]", token), (token, doc)


def test_the_bare_id_is_a_word_of_the_paper_entry_only_where_it_belongs(index: dict) -> None:
    separator = index["config"]["separator"]
    holding = {d["location"] for d in index["docs"] if ARXIV in words(d["text"], separator)}
    assert PAPER_URL in holding


def test_a_paper_entry_has_no_button_labels(index: dict) -> None:
    """"arXiv · PDF" are buttons on the page; in a search result they read as words of the paper's."""
    paper = entry(index, PAPER_URL)
    assert "PDF" not in paper["text"] and "·" not in paper["text"], paper["text"]
