"""A paper page's BibTeX entry (and a post's, under "Cite this post") is written without bibtexparser, and must equal what bibtexparser writes."""

from __future__ import annotations

import logging
import random
import string

import pytest

from papernotes.core.papers import _bibtex_fields, _format_by_bibtexparser, bibtex_entry
from papernotes.core.model.records import Record


@pytest.fixture(autouse=True)
def _quiet_pylatexenc():
    # pylatexenc logs each character it has no LaTeX for; the comparison is what matters here.
    logger = logging.getLogger("pylatexenc")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize(
    "fields",
    [
        dict(id="vaswani2017", title="Attention Is All You Need", authors=["Vaswani, Ashish", "Noam Shazeer"], year=2017, venue="NeurIPS"),
        dict(arxiv="2309.17453", title="Efficient Streaming Language Models with Attention Sinks", authors=["Guangxuan Xiao"], year=2023),
        dict(id="tricky", title="Braces {x} & 100% of $n$ ~ ^ # _ \\ \"quotes\" <tags>", authors=["Müller, Jörg", "Ørsted, Hans"]),
        dict(id="urls", title="See www.example.org and http://a.b/c_d", url="https://example.org/a_b?c=d", doi="10.1000/xyz_1"),
        dict(id="tabs", title="A\ttab and a — dash … and “quotes”", venue="Proc. of X"),
        dict(text="Free text only, with a URL https://example.org", id="free"),
    ],
)
def test_known_records(fields: dict) -> None:
    record = Record(**fields)
    assert bibtex_entry(record) == _format_by_bibtexparser(*_bibtex_fields(record))


def test_random_records_equal_bibtexparser() -> None:
    rng = random.Random(20240601)
    odd = "äöüéßçñ–—…“”’αβ∑{}\\$&%#_^~<>\"\t"
    checked = 0
    for index in range(400):
        def text(limit: int) -> str:
            pool = string.ascii_letters + " .,:;-'()?!/" + (odd if rng.random() < 0.4 else "")
            return "".join(rng.choice(pool) for _ in range(rng.randint(1, limit))).strip() or "x"

        try:
            record = Record(
                id=rng.choice([None, f"key{index}"]), title=text(60),
                authors=[text(15) for _ in range(rng.randint(0, 3))], year=rng.choice([None, 2021]),
                venue=rng.choice([None, text(12)]), arxiv=rng.choice([None, "2309.17453"]),
                url=rng.choice([None, "https://example.org/x_y"]),
            )
        except ValueError:
            continue
        assert bibtex_entry(record) == _format_by_bibtexparser(*_bibtex_fields(record)), record
        checked += 1
    assert checked > 300


def test_a_papers_authors_survive_a_round_trip_through_its_entry() -> None:
    """What a writer's .bib says, a reader's BibTeX tool reads back from the paper page's entry."""
    from bibtexparser import parse_string
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

    from papernotes.core.diagnostics import Diagnostics
    from papernotes.core.model.records import display_name
    from papernotes.core.sources.bibtex import parse_bibtex

    source = "@misc{k, title={T}, author={{Barnes and Noble} and King, Jr., Martin Luther and M{\\\"u}ller, J{\\\"o}rg and others}}"
    (record,) = parse_bibtex(source, "refs.bib", Diagnostics())
    assert [display_name(name) for name in record.authors] == ["Barnes and Noble", "Martin Luther King, Jr.", "Jörg Müller", "others"]
    entry = bibtex_entry(record)
    names = parse_string(entry, append_middleware=[SeparateCoAuthors(), SplitNameParts()]).entries[0]["author"]
    assert [(name.first, name.last, name.jr) for name in names] == [
        ([], ["{Barnes and Noble}"], []), (["Martin", "Luther"], ["King"], ["Jr."]), (['J\\"org'], ['M\\"uller'], []), ([], ["others"], []),
    ]


@pytest.mark.parametrize("name", ["Müller, Jörg", "Ørsted, Hans", "A & B_C", "Łukasz Kaiser", "O'Brien, Dé", "$x$ Name", "{Braced}"])
def test_names_are_encoded_as_bibtexparser_encodes_them(name: str) -> None:
    """Names are encoded before they are braced (bibtex_names), outside the comparison above: the same encoder's output."""
    from bibtexparser.middlewares import LatexEncodingMiddleware

    from papernotes.core.papers import bibtex_names

    assert bibtex_names([name]) == LatexEncodingMiddleware()._encoder.unicode_to_latex(name)


def test_display_names_read_every_form_bibtex_and_writers_use() -> None:
    from papernotes.core.model.records import display_name

    shown = {name: display_name(name) for name in ["Lovelace, Ada", "Smith, Jr., John", "Smith, John, Jr.", "Martin Luther King, Jr.", "King, Jr.", "others"]}
    assert shown == {
        "Lovelace, Ada": "Ada Lovelace", "Smith, Jr., John": "John Smith, Jr.", "Smith, John, Jr.": "John Smith, Jr.",
        "Martin Luther King, Jr.": "Martin Luther King, Jr.", "King, Jr.": "King, Jr.", "others": "others",
    }
