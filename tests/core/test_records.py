"""Identifier normalisation and link checks of `core/model/records.py` (SPEC section 1)."""

from __future__ import annotations

import re

import pytest

from papernotes.core.model.records import Record, normalize_arxiv, normalize_doi, parse_record
from papernotes.core.sources.yamlsource import load_yaml


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2309.17453", "2309.17453"),
        ("arXiv:2309.17453v2", "2309.17453"),
        ("arxiv:2309.17453", "2309.17453"),
        ("arXiv: 2309.17453", "2309.17453"),
        ("2309.17453v12", "2309.17453"),
        ("https://arxiv.org/abs/2309.17453", "2309.17453"),
        ("https://arxiv.org/abs/2309.17453v3", "2309.17453"),
        ("http://arxiv.org/pdf/2309.17453v1.pdf", "2309.17453"),
        ("https://arxiv.org/pdf/2309.17453", "2309.17453"),
        ("https://www.arxiv.org/abs/2309.17453/", "2309.17453"),
        ("  2309.17453  ", "2309.17453"),
        ("1412.6980", "1412.6980"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:hep-th/9901001v2", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("math.AG/0601001", "math.AG/0601001"),
        ("Math.ag/0601001", "math.AG/0601001"),
    ],
)
def test_every_arxiv_form_is_the_same_paper(written: str, expected: str) -> None:
    assert normalize_arxiv(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "2305.1829",  # 2305.18290 read as a number: the trailing zero is gone
        "1412.69801",  # before 2015 ids had four digits after the dot
        "2313.12345",  # there is no 13th month
        "2309.17453v",
        "hello",
        "",
        "https://example.org/abs/2309.17453",
        "https://arxiv.org/abs/",
    ],
)
def test_what_is_not_an_arxiv_id_is_refused(written: str) -> None:
    with pytest.raises(ValueError, match="is not an arXiv id"):
        normalize_arxiv(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("10.48550/arXiv.2309.17453", "10.48550/arxiv.2309.17453"),
        ("https://doi.org/10.1000/XYZ123", "10.1000/xyz123"),
        ("http://dx.doi.org/10.1000/xyz123", "10.1000/xyz123"),
        ("doi:10.1000/xyz123", "10.1000/xyz123"),
    ],
)
def test_dois_lose_their_resolver_and_case(written: str, expected: str) -> None:
    assert normalize_doi(written) == expected


@pytest.mark.parametrize("written", ["xyz123", "10.1/x", "https://example.org/10.1000/x", "10.1000/"])
def test_what_is_not_a_doi_is_refused(written: str) -> None:
    with pytest.raises(ValueError, match="is not a DOI"):
        normalize_doi(written)


@pytest.mark.parametrize("field", ["url", "pdf", "code"])
@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "ftp://example.org/x", "//example.org", "example.org"],
)
def test_links_other_than_http_are_refused(field: str, link: str) -> None:
    record, problems = parse_record({"id": "x", field: link})
    assert record is None
    assert [p.path for p in problems] == [(field,)]
    assert "only http:// and https:// links are accepted" in problems[0].message


def test_http_and_https_links_are_kept() -> None:
    record, problems = parse_record({"id": "x", "url": "https://example.org/a?b=1", "code": "HTTP://github.com/x/y"})
    assert problems == []
    assert record is not None
    assert (record.url, record.code) == ("https://example.org/a?b=1", "HTTP://github.com/x/y")


def test_unquoted_yaml_arxiv_id_keeps_its_final_zero() -> None:
    data = load_yaml("id: dpo\narxiv: 2305.18290\nyear: 2023\n").data
    record, problems = parse_record(data)
    assert problems == []
    assert record is not None
    assert record.arxiv == "2305.18290"
    assert record.year == 2023


def test_unquoted_yaml_arxiv_id_with_version_is_text_already() -> None:
    record, _ = parse_record(load_yaml("arxiv: 2305.18290v2\n").data)
    assert record is not None and record.arxiv == "2305.18290"


def test_identity_prefers_arxiv_then_doi_then_key() -> None:
    assert Record(id="k", arxiv="arXiv:2309.17453v2", doi="10.1000/x").identity == "arxiv:2309.17453"
    assert Record(id="k", doi="https://doi.org/10.1000/X").identity == "doi:10.1000/x"
    assert Record(id="k").identity == "key:k"


def test_problem_detail_drops_the_field_name_prefix() -> None:
    _, problems = parse_record({"id": "x", "title": ["not", "text"]})
    assert problems[0].field == "title"
    assert problems[0].message.startswith("'title': ")
    assert not problems[0].detail.startswith("'title'")


_MERGE_SOURCES = [
    {"id": "a1", "title": "  Spaced  title ", "authors": "Ada Lovelace and  Turing, Alan", "year": "2023",
     "arxiv": "arXiv:2309.17453v2", "tags": "LLM, Long Context", "url": "https://example.org/a"},
    {"id": "b2", "doi": "https://doi.org/10.1000/XYZ", "venue": "NeurIPS", "abstract": "Text.", "note": "*Good*."},
    {"arxiv": "hep-th/9901001", "pdf": "https://example.org/p.pdf", "code": "https://github.com/x/y"},
    {"id": "c3", "text": "A free-text reference."},
    {"id": "d4", "title": 1984, "year": 1999},
]


@pytest.mark.parametrize("base", range(len(_MERGE_SOURCES)))
@pytest.mark.parametrize("override", range(len(_MERGE_SOURCES)))
def test_a_merge_is_what_validating_the_merged_fields_gives(base: int, override: int) -> None:
    """`merged_with` skips validating again: the result must be what validation would make of it."""
    left, right = (parse_record(_MERGE_SOURCES[i])[0] for i in (base, override))
    merged = left.merged_with(right)
    validated = Record.model_validate({**left.model_dump(), **{n: getattr(right, n) for n in right.model_fields_set}})
    assert merged.model_dump() == validated.model_dump()
    assert merged.model_fields_set == validated.model_fields_set
    assert merged == validated


@pytest.mark.parametrize(
    ("venue", "shown"),
    [("ICLR 2024", "ICLR 2024"), ("arXiv preprint arXiv:2402.02024", "2024 arXiv preprint arXiv:2402.02024")],
)
def test_a_paper_card_says_the_year_once_and_only_a_whole_year_counts(venue: str, shown: str) -> None:
    from papernotes.core.views import fragments

    record = Record(title="T", year=2024, venue=venue)
    html = fragments.render("paper-cards.html", cards=[{"record": record, "url": "", "note_html": ""}], url=lambda u: u, topic_url=str)
    meta = re.search(r'<p class="paper-card__meta">(.*?)</p>', html, re.DOTALL).group(1)
    assert " ".join(re.sub(r"<[^>]+>", " ", meta).split()).startswith(shown)


def test_a_right_to_left_override_stays_inside_its_value() -> None:
    """U+202E pasted into a title reverses what follows it: left open, the site's name in <title> too."""
    from papernotes.core.views.sanitize import xml_text

    assert xml_text("Evil \u202eabc") == "Evil \u202eabc\u202c"  # closed, nothing of the writer's taken out
    assert xml_text("ok \u202eab\u202c done") == "ok \u202eab\u202c done"
    assert xml_text("iso \u2067x \u202by") == "iso \u2067x \u202by\u202c\u2069"
    assert xml_text("nested \u2067a\u202eb\u2069 c") == "nested \u2067a\u202eb\u2069 c"  # the isolate's end closes both
