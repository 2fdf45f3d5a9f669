"""The site-wide library: loaders for BibTeX, YAML and tables, merging, duplicates, the cache."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from papernotes.core.sources import library as library_module
from papernotes.core.sources.bibtex import _slow_text, latex_to_text, parse_bibtex
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.sources.library import (
    Library,
    load_file,
    parse_csv_table,
    parse_json_table,
    parse_jsonl_table,
    parse_yaml_library,
)
from papernotes.core.model.records import Origin

# tests/core/this.py -> the repository -> the folder beside it that holds shared/
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    library_module.clear_cache()


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def bib(text: str, diagnostics: Diagnostics | None = None) -> dict[str, object]:
    """Parse BibTeX; the records by key."""
    records = parse_bibtex(textwrap.dedent(text), "refs.bib", diagnostics if diagnostics is not None else Diagnostics())
    return {record.id: record for record in records}


def messages(diagnostics: Diagnostics) -> list[str]:
    return [str(d) for d in diagnostics]


# -- BibTeX -------------------------------------------------------------------------

LORA = r"""
@inproceedings{hu2022lora,
  title = {{LoRA}: Low-Rank Adaptation of Large Language Models},
  author = {Hu, Edward J. and Shen, Yelong and M{\"u}ller, J{\"o}rg and others},
  booktitle = {International Conference on Learning Representations},
  year = {2022},
  eprint = {2106.09685},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  doi = {10.48550/arXiv.2106.09685},
  url = {https://openreview.net/forum?id=nZeVKeeFYf9},
  code = {https://github.com/microsoft/LoRA},
  abstract = {We propose Low-Rank Adaptation,
              or LoRA, which freezes the weights --- and more.},
  keywords = {PEFT, Fine-tuning; LLM},
  bibsource = {dblp computer science bibliography},
  timestamp = {Wed, 01 Jun 2022 10:00:00 +0200},
}
"""


def test_bibtex_entry_fields_map_to_a_record() -> None:
    diagnostics = Diagnostics()
    record = bib(LORA, diagnostics)["hu2022lora"]
    assert record.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert record.authors == ["Hu, Edward J.", "Shen, Yelong", "Müller, Jörg", "others"]
    assert record.year == 2022
    assert record.venue == "International Conference on Learning Representations"
    assert record.arxiv == "2106.09685"
    assert record.doi == "10.48550/arxiv.2106.09685"
    assert record.url == "https://openreview.net/forum?id=nZeVKeeFYf9"
    assert record.code == "https://github.com/microsoft/LoRA"
    assert record.abstract == "We propose Low-Rank Adaptation, or LoRA, which freezes the weights — and more."
    assert record.tags == ["PEFT", "Fine-tuning", "LLM"]
    assert record.origin == Origin("refs.bib", 2)
    # Unknown fields (bibsource, timestamp, primaryClass) are ignored silently.
    assert len(diagnostics) == 0


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{LoRA}: Low-Rank", "LoRA: Low-Rank"),
        (r"M{\"u}ller", "Müller"),
        (r"\"{u}ber", "über"),
        (r"Erd\H{o}s", "Erdős"),
        (r"\c{C}elik", "Çelik"),
        (r"Ga{\ss}ner", "Gaßner"),
        (r"{\o}ystein", "øystein"),
        (r"na\"\i ve", "naïve"),
        (r"{\'E}cole", "École"),
        (r"Caf\'{e}", "Café"),
        (r"\v Sebek", "Šebek"),
        (r"R\&D -- 5", "R&D – 5"),
        (r"a---b", "a—b"),
        (r"``quoted''", "“quoted”"),
        (r"D.~E. Knuth", "D. E. Knuth"),
        (r"50\% of {GPT}-4", "50% of GPT-4"),
        (r"We study \emph{things} in $O(n^{2})$ time", "We study things in $O(n^{2})$ time"),
        (r"Tom \& Jerry's \textit{caf\'e}", "Tom & Jerry's café"),
        ("spread\n   over   lines", "spread over lines"),
        (r"\cite{x} more", "<cit.> more"),  # not a fast case: pylatexenc decides
    ],
)
def test_latex_is_decoded_like_pylatexenc_does(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text
    # The fast path must agree with pylatexenc, which decodes everything else.
    assert " ".join(_slow_text(latex).split()) == text


def test_bare_percent_is_a_percent_sign_not_a_comment() -> None:
    assert latex_to_text(r"50% of \cite{x} users") == "50% of <cit.> users"


def test_string_macros_expand_including_concatenation_and_months() -> None:
    records = bib(
        r"""
        @string{icml = "International Conference on Machine Learning"}
        @STRING{proc = "Proceedings of the " # icml}
        @preamble{"\newcommand{\noop}[1]{}"}
        @comment{@article{ghost, title = {Not an entry}}}
        @inproceedings{a, title = {A}, booktitle = proc # " 2024", month = jun, year = 2024}
        @article{b, title = {B}, journal = ICML}
        """
    )
    assert set(records) == {"a", "b"}
    assert records["a"].venue == "Proceedings of the International Conference on Machine Learning 2024"
    assert records["a"].year == 2024
    assert records["b"].venue == "International Conference on Machine Learning"


def test_undefined_macro_in_a_used_field_is_a_warning_with_its_line() -> None:
    diagnostics = Diagnostics()
    records = bib("@article{a,\n  title = {A},\n  journal = nips,\n}\n", diagnostics)
    assert records["a"].venue == "nips"
    assert messages(diagnostics) == [
        "refs.bib:3: entry 'a': 'nips' in field 'journal' is not a defined @string "
        "(define it with @string{nips = \"...\"} or put the value in braces: {nips})"
    ]
    assert diagnostics.warnings and not diagnostics.errors


@pytest.mark.parametrize(
    "fields",
    [
        "eprint = {2106.09685}, archivePrefix = {arXiv}",
        "eprint = {2106.09685v2}, ARCHIVEPREFIX = {arxiv}",
        "eprint = {2106.09685}, eprinttype = {arxiv}",
        "eprint = {arXiv:2106.09685}",
        "arxiv = {2106.09685}",
        "url = {https://arxiv.org/abs/2106.09685v1}",
        "doi = {10.48550/arXiv.2106.09685}",
        "journal = {arXiv preprint arXiv:2106.09685}",
    ],
)
def test_arxiv_id_from_every_bibtex_spelling(fields: str) -> None:
    assert bib(f"@misc{{x, title = {{T}}, {fields}}}")["x"].arxiv == "2106.09685"


def test_eprint_of_another_archive_is_not_an_arxiv_id() -> None:
    record = bib("@misc{x, title = {T}, eprint = {12345}, archivePrefix = {SSRN}}")["x"]
    assert record.arxiv is None


def test_entry_types_and_venue_fields() -> None:
    records = bib(
        r"""
        @book{book, title = {Deep Learning}, author = {Goodfellow, Ian and Bengio, Yoshua}, publisher = {MIT Press}, year = {2016}}
        @techreport{tr, title = {GPT-4 Technical Report}, author = {{OpenAI}}, institution = {OpenAI}, year = {2023}}
        @misc{web, title = {Blog}, author = {{Barnes and Noble}}, howpublished = {\url{https://example.org/blog_post}}}
        @misc{talk, title = {Talk}, howpublished = {Keynote at NeurIPS}}
        @article{art, title = {Attention}, journal = {JMLR}, publisher = {Ignored}}
        """
    )
    assert records["book"].venue == "MIT Press"
    assert records["book"].authors == ["Goodfellow, Ian", "Bengio, Yoshua"]
    assert records["tr"].authors == ["OpenAI"]
    assert records["tr"].venue == "OpenAI"
    assert records["web"].authors == ["Barnes and Noble"]
    assert records["web"].url == "https://example.org/blog_post"
    assert records["web"].venue is None
    assert records["talk"].venue == "Keynote at NeurIPS"
    assert records["art"].venue == "JMLR"


def test_broken_entry_is_reported_with_its_line_and_the_rest_loads() -> None:
    diagnostics = Diagnostics()
    records = bib(
        """\
        @article{good1, title = {One}}

        @article{broken,
          title = {Missing brace,
          year = 2020

        @article{good2, title = {Two}}
        """,
        diagnostics,
    )
    assert set(records) == {"good1", "good2"}
    [error] = diagnostics.errors
    assert error.file == "refs.bib" and error.line == 3
    assert "'broken'" in error.message
    assert "braces must balance" in (error.hint or "")


def test_unterminated_last_entry_is_reported() -> None:
    diagnostics = Diagnostics()
    records = bib("@article{ok, title = {Fine}}\n@misc{cut, title = {x},\n", diagnostics)
    assert list(records) == ["ok"]
    assert [(d.line, "'cut'" in d.message) for d in diagnostics.errors] == [(2, True)]


def test_bad_field_value_is_reported_at_the_field_line_and_the_entry_skipped() -> None:
    diagnostics = Diagnostics()
    records = bib(
        "@misc{bad,\n  title = {T},\n  url = {javascript:alert(1)},\n}\n@misc{good, title = {G}}\n",
        diagnostics,
    )
    assert list(records) == ["good"]
    [error] = diagnostics.errors
    assert (error.file, error.line) == ("refs.bib", 3)
    assert error.message.startswith("@misc 'bad', field 'url': 'javascript:alert(1)' is not an http(s) link")


def test_bad_arxiv_eprint_points_at_the_eprint_line() -> None:
    diagnostics = Diagnostics()
    bib("@misc{x,\n  title = {T},\n  eprint = {2106.0968},\n  archivePrefix = {arXiv}\n}\n", diagnostics)
    [error] = diagnostics.errors
    assert error.line == 3
    assert "field 'eprint'" in error.message and "'2106.0968' is not an arXiv id" in error.message


def test_duplicate_field_in_an_entry_is_reported() -> None:
    diagnostics = Diagnostics()
    records = bib("@misc{x,\n title = {A},\n title = {B}\n}\n@misc{y, title = {C}}\n", diagnostics)
    assert list(records) == ["y"]
    assert messages(diagnostics)[0].startswith("refs.bib:1: @misc 'x' gives the field title twice")


def test_repeated_key_in_one_bib_file_is_left_to_the_library() -> None:
    records = parse_bibtex("@misc{k, title = {A}}\n\n@misc{k, title = {B}}\n", "refs.bib", Diagnostics())
    assert [(r.id, r.title, r.origin.line) for r in records] == [("k", "A", 1), ("k", "B", 3)]


def _bib_entry(index: int) -> str:
    return (
        f"@inproceedings{{key{index},\n  title = {{{{LoRA}} number {index}: M{{\\\"u}}ller's \\emph{{study}}}},\n"
        f"  author = {{Hu, Edward and M{{\\\"u}}ller, J{{\\\"o}}rg}},\n  booktitle = neurips,\n  year = {{2023}},\n"
        f"  eprint = {{2301.{index:05d}}},\n  archivePrefix = {{arXiv}},\n"
        f"  abstract = {{We show --- in $O(n)$ --- that {index} things hold.}},\n}}\n"
    )


def make_bib(entries: int) -> str:
    """A generated library of `entries` entries (also used to time big files by hand)."""
    header = '@string{neurips = "Advances in Neural Information Processing Systems"}\n'
    return header + "\n".join(_bib_entry(i) for i in range(entries))


def test_generated_library_loads_every_entry() -> None:
    diagnostics = Diagnostics()
    records = parse_bibtex(make_bib(300), "big.bib", diagnostics)
    assert len(diagnostics) == 0
    assert len(records) == 300
    last = records[-1]
    assert last.title == "LoRA number 299: Müller's study"
    assert last.arxiv == "2301.00299"
    assert last.venue == "Advances in Neural Information Processing Systems"


# -- YAML -------------------------------------------------------------------------------


def yaml_records(text: str, diagnostics: Diagnostics | None = None):
    return parse_yaml_library(textwrap.dedent(text).lstrip("\n"), "extra.yaml", diagnostics if diagnostics is not None else Diagnostics())


def test_yaml_list_of_records() -> None:
    records = yaml_records(
        """
        - id: dpo
          title: Direct Preference Optimization
          authors: [Rafael Rafailov, "Sharma, Archit"]
          arxiv: 2305.18290
        - arxiv: arXiv:2309.17453v2
          code: https://github.com/mit-han-lab/streaming-llm
        """
    )
    assert [(r.id, r.arxiv, r.origin) for r in records] == [
        ("dpo", "2305.18290", Origin("extra.yaml", 1)),
        (None, "2309.17453", Origin("extra.yaml", 5)),
    ]
    assert records[0].authors == ["Rafael Rafailov", "Sharma, Archit"]


@pytest.mark.parametrize("name", ["records", "papers"])
def test_yaml_mapping_with_a_records_list(name: str) -> None:
    records = yaml_records(f"{name}:\n  - id: a\n    title: A\n  - id: b\n")
    assert [(r.id, r.origin.line) for r in records] == [("a", 2), ("b", 4)]


def test_yaml_problems_name_the_line_and_the_rest_loads() -> None:
    diagnostics = Diagnostics()
    records = yaml_records(
        """
        - id: one
          titel: Misspelt
        - id: two
          url: javascript:alert(1)
        - id: three
          year: soon
        - id: four
        """,
        diagnostics,
    )
    assert [r.id for r in records] == ["four"]
    assert [(d.file, d.line) for d in diagnostics.errors] == [("extra.yaml", 2), ("extra.yaml", 4), ("extra.yaml", 6)]
    assert diagnostics.errors[0].message == "unknown field 'titel'"
    assert diagnostics.errors[0].hint == "did you mean 'title'?"
    assert "only http:// and https://" in diagnostics.errors[1].message
    assert diagnostics.errors[2].message.startswith("field 'year': ")


def test_broken_yaml_is_one_error_at_its_line() -> None:
    diagnostics = Diagnostics()
    assert yaml_records("- id: a\n  title: [unclosed\n- id: b\n", diagnostics) == []
    [error] = diagnostics.errors
    assert error.file == "extra.yaml" and error.line == 2
    assert error.message.startswith("broken YAML")


def test_yaml_field_given_twice_is_reported_with_both_lines() -> None:
    diagnostics = Diagnostics()
    records = yaml_records("- id: a\n  title: One\n  title: Two\n- id: b\n", diagnostics)
    assert [r.id for r in records] == ["b"]
    assert messages(diagnostics) == ["extra.yaml:3: 'title' is given twice (lines 2 and 3) (keep one of them)"]


def test_yaml_that_is_not_a_list_is_reported() -> None:
    diagnostics = Diagnostics()
    assert yaml_records("title: just one mapping\n", diagnostics) == []
    assert "must be a list of records" in diagnostics.errors[0].message


# -- tables ------------------------------------------------------------------------------


def test_jsonl_rows_with_line_numbers_and_collapsed_whitespace() -> None:
    diagnostics = Diagnostics()
    text = (
        '{"arxiv_id": "2309.17453", "abstract": "  Long   context\\n\\n models  ", "citations": 12}\n'
        "\n"
        '{"arxiv_id": "2106.09685", "abstract": "LoRA", "title": "LoRA", "authors": "Hu, Edward and Shen, Yelong"}\n'
    )
    records = parse_jsonl_table(text, "abs.jsonl", diagnostics)
    assert len(diagnostics) == 0
    assert [(r.arxiv, r.origin.line) for r in records] == [("2309.17453", 1), ("2106.09685", 3)]
    assert records[0].abstract == "Long context models"
    assert records[1].authors == ["Hu, Edward", "Shen, Yelong"]


def test_jsonl_bad_line_is_reported_and_the_others_load() -> None:
    diagnostics = Diagnostics()
    text = '{"arxiv_id": "2309.17453", "abstract": "a"}\n{"arxiv_id": "2106.09685", "abstract": \n[1, 2]\n{"arxiv_id": "2305.18290"}\n'
    records = parse_jsonl_table(text, "abs.jsonl", diagnostics)
    assert [r.arxiv for r in records] == ["2309.17453", "2305.18290"]
    assert [(d.file, d.line) for d in diagnostics.errors] == [("abs.jsonl", 2), ("abs.jsonl", 3)]
    assert diagnostics.errors[0].message.startswith("not valid JSON")
    assert diagnostics.errors[1].message == "this line is not a JSON object"


def test_numeric_arxiv_id_that_lost_its_zero_is_reported() -> None:
    diagnostics = Diagnostics()
    text = '{"arxiv_id": 2305.1829, "abstract": "a"}\n{"arxiv_id": 2305.18290, "abstract": "b"}\n'
    records = parse_jsonl_table(text, "abs.jsonl", diagnostics)
    # Written with all its digits, a number is still the right id.
    assert [r.arxiv for r in records] == ["2305.18290"]
    [error] = diagnostics.errors
    assert error.line == 1
    assert error.message.startswith("column 'arxiv_id': '2305.1829' is not an arXiv id")
    assert "write the arXiv id as text" in (error.hint or "")


def test_json_list_rows_are_numbered_and_located() -> None:
    diagnostics = Diagnostics()
    rows = [
        {"arxiv_id": "2309.17453", "abstract": "a", "downloads": 7},
        {"arxiv_id": "not-an-id", "abstract": "b"},
        "oops",
        {"key": "k1", "title": "Titled", "tags": "LLM; Efficiency", "year": 2024},
    ]
    records = parse_json_table(json.dumps(rows, indent=2), "table.json", diagnostics)
    assert [(r.key, r.origin.line) for r in records] == [("arxiv:2309.17453", 2), ("k1", 12)]
    assert records[1].tags == ["LLM", "Efficiency"]
    assert [(d.line, d.message.split(":")[0]) for d in diagnostics.errors] == [(7, "record 2"), (11, "record 3 is not a JSON object")]
    assert "column 'arxiv_id'" in diagnostics.errors[0].message


def test_json_object_holding_the_list() -> None:
    text = '{"version": 2, "papers": [\n  {"arxiv_id": "2309.17453"},\n  {"arxiv_id": 2305.18290}\n]}'
    records = parse_json_table(text, "table.json", Diagnostics())
    assert [(r.arxiv, r.origin.line) for r in records] == [("2309.17453", 2), ("2305.18290", 3)]


def test_json_syntax_error_names_the_line() -> None:
    diagnostics = Diagnostics()
    assert parse_json_table('[\n  {"arxiv_id": "2309.17453"},\n  {"arxiv_id": }\n]', "t.json", diagnostics) == []
    assert [(d.file, d.line) for d in diagnostics.errors] == [("t.json", 3)]


def test_csv_rows_are_located_by_file_line() -> None:
    diagnostics = Diagnostics()
    text = (
        "arxiv_id,title,authors,abstract,notes\n"
        '2309.17453,Streaming,"Xiao, Guangxuan; Tian, Yuandong","Two\nline abstract",x\n'
        "\n"
        "2313.00001,Bad month,,,\n"
        "2106.09685,LoRA,Edward Hu and Yelong Shen,,,extra\n"
        ",,,,\n"
        "2305.18290,DPO,,,\n"
    )
    records = parse_csv_table(text, "t.csv", diagnostics)
    assert [(r.arxiv, r.origin.line) for r in records] == [("2309.17453", 2), ("2305.18290", 8)]
    assert records[0].authors == ["Xiao, Guangxuan", "Tian, Yuandong"]
    assert records[0].abstract == "Two line abstract"
    assert [(d.line, d.message.split(":")[0]) for d in diagnostics.errors] == [
        (5, "column 'arxiv_id'"),
        (6, "this row has 6 values but the header has 5 columns"),
    ]


def test_csv_authors_split_on_and() -> None:
    records = parse_csv_table("id,authors\nk,Edward Hu and Yelong Shen\n", "t.csv", Diagnostics())
    assert records[0].authors == ["Edward Hu", "Yelong Shen"]


def test_real_arxiv_abstracts_table_loads_cleanly() -> None:
    path = SHARED_DATA / "arxiv-abstracts.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not there (a fresh clone without ../shared)")
    diagnostics = Diagnostics()
    records = load_file(path, diagnostics, "arxiv-abstracts.jsonl")
    assert messages(diagnostics) == []
    assert len(records) == 93
    assert len({r.arxiv for r in records}) == 93
    for record in records:
        assert record.abstract and record.abstract == " ".join(record.abstract.split())
        assert record.title is None
    library = Library(records)
    assert library.by_arxiv("arXiv:2406.09415v1").abstract.startswith("This work does not introduce a new method.")


# -- files --------------------------------------------------------------------------------


def test_missing_file_is_one_error_naming_it(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert load_file(tmp_path / "nope.bib", diagnostics, "refs/nope.bib") == []
    [error] = diagnostics.errors
    assert error.file == "refs/nope.bib" and "not found" in error.message


def test_file_that_is_not_utf8_is_one_error_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.bib", "@misc{a, title = {A}}\n@misc{b, title = {Caf\xe9}}\n".encode("latin-1"))
    diagnostics = Diagnostics()
    assert load_file(path, diagnostics, "latin1.bib") == []
    assert messages(diagnostics) == ["latin1.bib:2: library file is not UTF-8 text (byte 0xe9) (save the file with UTF-8 encoding)"]


def test_unknown_extension_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, "papers.txt", "whatever")
    diagnostics = Diagnostics()
    assert load_file(path, diagnostics, "papers.txt") == []
    [error] = diagnostics.errors
    assert error.file == "papers.txt" and "'.txt'" in error.message and ".bib" in (error.hint or "")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "\ufeffarxiv_id,abstract\n2309.17453,x\n".encode("utf-8"))
    assert [r.arxiv for r in load_file(path, Diagnostics())] == ["2309.17453"]


# -- the library -------------------------------------------------------------------------


def test_records_of_one_paper_from_several_files_merge(tmp_path: Path) -> None:
    write(tmp_path, "refs/papers.bib", LORA)
    write(
        tmp_path,
        "abstracts.jsonl",
        '{"arxiv_id": "2106.09685", "abstract": "Table abstract.", "title": "Other title"}\n'
        '{"arxiv_id": "2309.17453", "abstract": "Streaming."}\n',
    )
    write(tmp_path, "extra.yaml", "- id: lora\n  arxiv: https://arxiv.org/abs/2106.09685v2\n  tags: [Adapters, peft]\n  pdf: https://arxiv.org/pdf/2106.09685\n")
    diagnostics = Diagnostics()
    lib = Library.load(["refs/papers.bib", "abstracts.jsonl", "extra.yaml"], tmp_path, diagnostics)
    assert messages(diagnostics) == []
    assert len(lib) == 2
    paper = lib.get("hu2022lora")
    assert paper is not None
    assert lib.get("lora") is paper
    assert lib.by_arxiv("https://arxiv.org/abs/2106.09685") is paper
    assert lib.by_identity("arxiv:2106.09685") is paper
    # The .bib is listed first: its title and abstract win; the rest fills the gaps.
    assert paper.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert paper.abstract.startswith("We propose Low-Rank Adaptation")
    assert paper.pdf == "https://arxiv.org/pdf/2106.09685"
    assert paper.tags == ["PEFT", "Fine-tuning", "LLM", "Adapters"]
    assert paper.origin == Origin("refs/papers.bib", 2)
    assert [p.arxiv for p in lib] == ["2106.09685", "2309.17453"]


def test_a_table_fills_in_abstracts_for_bib_entries(tmp_path: Path) -> None:
    write(tmp_path, "a.bib", "@misc{x, title = {Streaming}, eprint = {2309.17453}, archivePrefix = {arXiv}}")
    write(tmp_path, "t.jsonl", '{"arxiv_id": "2309.17453", "abstract": "From the table."}\n')
    lib = Library.load(["t.jsonl", "a.bib"], tmp_path, Diagnostics())
    paper = lib.get("x")
    assert (paper.title, paper.abstract, paper.id) == ("Streaming", "From the table.", "x")
    assert len(lib) == 1


def test_first_listed_file_wins_a_conflict(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", "- id: a\n  arxiv: '2309.17453'\n  title: First title\n")
    write(tmp_path, "two.yaml", "- id: b\n  arxiv: '2309.17453'\n  title: Second title\n  year: 2023\n")
    diagnostics = Diagnostics()
    lib = Library.load(["two.yaml", "one.yaml"], tmp_path, diagnostics)
    assert len(diagnostics) == 0
    assert lib.get("a") is lib.get("b")
    assert lib.get("a").title == "Second title"
    assert lib.get("a").year == 2023


def test_same_key_links_an_entry_without_arxiv_to_one_with_it(tmp_path: Path) -> None:
    write(tmp_path, "a.bib", "@misc{gqa, title = {GQA}, author = {Ainslie, Joshua}}")
    write(tmp_path, "b.yaml", "- id: gqa\n  arxiv: 2305.13245\n")
    write(tmp_path, "c.jsonl", '{"arxiv_id": "2305.13245", "abstract": "GQA abstract"}\n')
    diagnostics = Diagnostics()
    lib = Library.load(["a.bib", "b.yaml", "c.jsonl"], tmp_path, diagnostics)
    assert len(diagnostics) == 0
    assert len(lib) == 1
    paper = lib.by_arxiv("2305.13245")
    assert paper is lib.get("gqa")
    assert (paper.title, paper.abstract, paper.identity) == ("GQA", "GQA abstract", "arxiv:2305.13245")


def test_same_key_with_different_content_across_files_names_both_places(tmp_path: Path) -> None:
    write(tmp_path, "refs.bib", "\n\n@misc{smith2020, title = {One Paper}, year = {2020}}\n")
    write(tmp_path, "extra.yaml", "- id: other\n- id: smith2020\n  title: Another Paper\n")
    diagnostics = Diagnostics()
    lib = Library.load(["refs.bib", "extra.yaml"], tmp_path, diagnostics)
    [error] = diagnostics.errors
    assert "'smith2020'" in error.message
    assert "refs.bib:3" in error.message and "extra.yaml:2" in error.message
    assert "title" in error.message
    assert lib.get("smith2020").title == "One Paper"
    assert len(lib) == 2


def test_identical_duplicates_across_files_are_fine(tmp_path: Path) -> None:
    write(tmp_path, "a.bib", "@misc{k, title = {Same}, author = {Doe, Jane}, year = 2020}")
    write(tmp_path, "b.yaml", "- id: k\n  title: Same\n  authors: ['Doe, Jane']\n  year: 2020\n")
    diagnostics = Diagnostics()
    lib = Library.load(["a.bib", "b.yaml"], tmp_path, diagnostics)
    assert len(diagnostics) == 0
    assert len(lib) == 1


@pytest.mark.parametrize(
    ("name", "text", "lines"),
    [
        ("refs.bib", "@misc{k, title = {A}}\n\n@misc{k, title = {A}}\n", (1, 3)),
        ("extra.yaml", "- id: k\n  title: A\n- id: z\n- id: k\n  title: B\n", (1, 4)),
        ("t.csv", "id,title\nk,A\nk,B\n", (2, 3)),
    ],
)
def test_same_key_twice_in_one_file_names_both_lines(tmp_path: Path, name: str, text: str, lines: tuple[int, int]) -> None:
    write(tmp_path, name, text)
    diagnostics = Diagnostics()
    lib = Library.load([name], tmp_path, diagnostics)
    [error] = diagnostics.errors
    assert (error.file, error.line) == (name, lines[1])
    assert f"citation key 'k' is used twice in this file (lines {lines[0]} and {lines[1]})" in error.message
    assert lib.get("k").title == "A"


def test_record_that_cannot_be_identified_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", "title,abstract\nA paper,Its abstract\n")
    diagnostics = Diagnostics()
    lib = Library.load(["t.csv"], tmp_path, diagnostics)
    assert len(lib) == 0
    assert messages(diagnostics) == [
        "t.csv:2: this record has no id, arxiv or doi, so nothing can cite it (add an id (a citation key), an arXiv id or a DOI)"
    ]


def test_optional_source_is_skipped_silently_when_missing(tmp_path: Path) -> None:
    write(tmp_path, "site/refs.bib", "@misc{a, title = {A}}")
    diagnostics = Diagnostics()
    lib = Library.load(["refs.bib", "../shared/data/arxiv-abstracts.jsonl?"], tmp_path / "site", diagnostics)
    assert len(diagnostics) == 0
    assert [p.id for p in lib] == ["a"]
    assert lib.files == [tmp_path / "site" / "refs.bib"]


def test_optional_source_is_loaded_when_present(tmp_path: Path) -> None:
    write(tmp_path, "t.jsonl", '{"arxiv_id": "2309.17453", "abstract": "x"}\n')
    lib = Library.load(["t.jsonl?"], tmp_path, Diagnostics())
    assert lib.by_arxiv("2309.17453").abstract == "x"


def test_required_source_missing_is_an_error(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    lib = Library.load(["library/papers.bib"], tmp_path, diagnostics)
    assert len(lib) == 0
    [error] = diagnostics.errors
    assert error.file == "library/papers.bib" and "not found" in error.message


def test_lookups_of_unknown_things_return_none() -> None:
    lib = Library()
    assert (lib.get("x"), lib.by_arxiv("2309.17453"), lib.by_arxiv("not an id"), lib.by_identity("doi:10.1/x")) == (None,) * 4
    assert len(lib) == 0 and list(lib) == []


def test_doi_identifies_a_paper_without_arxiv(tmp_path: Path) -> None:
    write(tmp_path, "a.bib", "@article{x, title = {T}, doi = {https://doi.org/10.1145/ABC}}")
    write(tmp_path, "b.csv", "doi,abstract\n10.1145/abc,From CSV\n")
    lib = Library.load(["a.bib", "b.csv"], tmp_path, Diagnostics())
    assert len(lib) == 1
    assert lib.by_identity("doi:10.1145/abc").abstract == "From CSV"


# -- the cache -----------------------------------------------------------------------------


@pytest.fixture
def parse_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = library_module.PARSERS[".bib"]

    def counting(text: str, file: str, diagnostics: Diagnostics):
        calls.append(file)
        return original(text, file, diagnostics)

    monkeypatch.setitem(library_module.PARSERS, ".bib", counting)
    return calls


def test_unchanged_file_is_parsed_once(tmp_path: Path, parse_counter: list[str]) -> None:
    write(tmp_path, "refs.bib", "@misc{a, title = {A}}")
    first = Library.load(["refs.bib"], tmp_path, Diagnostics())
    second = Library.load(["refs.bib"], tmp_path, Diagnostics())
    assert parse_counter == ["refs.bib"]
    assert second.get("a").title == first.get("a").title == "A"


def test_changed_file_is_parsed_again(tmp_path: Path, parse_counter: list[str]) -> None:
    path = write(tmp_path, "refs.bib", "@misc{a, title = {A}}")
    Library.load(["refs.bib"], tmp_path, Diagnostics())
    path.write_text("@misc{a, title = {B}}", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    lib = Library.load(["refs.bib"], tmp_path, Diagnostics())
    assert parse_counter == ["refs.bib", "refs.bib"]
    assert lib.get("a").title == "B"


def test_cached_broken_file_keeps_reporting(tmp_path: Path, parse_counter: list[str]) -> None:
    write(tmp_path, "refs.bib", "@misc{ok, title = {A}}\n@misc{bad, url = {javascript:x}}\n")
    for _ in range(3):
        diagnostics = Diagnostics()
        lib = Library.load(["refs.bib"], tmp_path, diagnostics)
        assert [(d.file, d.line) for d in diagnostics.errors] == [("refs.bib", 2)]
        assert [p.id for p in lib] == ["ok"]
    assert len(parse_counter) == 1


def test_merging_does_not_change_cached_records(tmp_path: Path) -> None:
    write(tmp_path, "a.bib", "@misc{x, title = {T}, eprint = {2309.17453}, archivePrefix = {arXiv}, keywords = {A}}")
    write(tmp_path, "t.jsonl", '{"arxiv_id": "2309.17453", "abstract": "x", "tags": ["B"]}\n')
    Library.load(["a.bib", "t.jsonl"], tmp_path, Diagnostics())
    again = Library.load(["a.bib"], tmp_path, Diagnostics())
    assert again.get("x").abstract is None
    assert again.get("x").tags == ["A"]


# -- parses kept on disk between builds (`store`) -----------------------------------------


def test_a_stored_parse_serves_the_next_process(tmp_path: Path, parse_counter: list[str]) -> None:
    write(tmp_path, "refs.bib", "@misc{ok, title = {A}}\n@misc{bad, url = {javascript:x}}\n")
    store = tmp_path / ".cache"
    for _ in range(2):
        library_module.clear_cache()  # what a new `mkdocs build` starts with
        diagnostics = Diagnostics()
        lib = Library.load(["refs.bib"], tmp_path, diagnostics, store)
        assert [p.id for p in lib] == ["ok"] and lib.get("ok").title == "A"
        assert [(d.file, d.line) for d in diagnostics.errors] == [("refs.bib", 2)]  # reported again from the store
    assert parse_counter == ["refs.bib"]
    assert len(list(store.glob("library-*.pickle"))) == 1


def test_an_edited_file_is_parsed_again_and_replaces_its_stored_parse(tmp_path: Path, parse_counter: list[str]) -> None:
    path = write(tmp_path, "refs.bib", "@misc{a, title = {A}}")
    store = tmp_path / ".cache"
    Library.load(["refs.bib"], tmp_path, Diagnostics(), store)
    library_module.clear_cache()
    path.write_text("@misc{a, title = {B}}", encoding="utf-8")
    lib = Library.load(["refs.bib"], tmp_path, Diagnostics(), store)
    assert lib.get("a").title == "B" and parse_counter == ["refs.bib", "refs.bib"]
    assert len(list(store.glob("library-*.pickle"))) == 1


def test_a_damaged_stored_parse_is_parsed_again(tmp_path: Path, parse_counter: list[str]) -> None:
    write(tmp_path, "refs.bib", "@misc{a, title = {A}}")
    store = tmp_path / ".cache"
    Library.load(["refs.bib"], tmp_path, Diagnostics(), store)
    for stored in store.glob("library-*.pickle"):
        stored.write_bytes(b"\x80\x05not a pickle")
    library_module.clear_cache()
    lib = Library.load(["refs.bib"], tmp_path, Diagnostics(), store)
    assert lib.get("a").title == "A" and len(parse_counter) == 2


def test_a_csv_quote_never_closed_is_told_at_its_line_not_read_as_one_value() -> None:
    diagnostics = Diagnostics()
    text = 'arxiv_id,title\n2309.17453,Streaming\n"unterminated,abs\n2106.09685,LoRA\n'
    records = parse_csv_table(text, "t.csv", diagnostics)
    assert [r.arxiv for r in records] == ["2309.17453"]
    assert [(d.line, d.message) for d in diagnostics.errors] == [(3, "a quote opened on this line is never closed")]


def test_a_csv_cell_as_long_as_a_long_abstract_is_read() -> None:
    """The csv module stops at 128 KB a cell; JSON Lines takes any length, and so does a CSV library."""
    abstract = "word " * 60_000
    diagnostics = Diagnostics()
    (record,) = parse_csv_table(f"arxiv_id,abstract\n2309.17453,{abstract}\n", "t.csv", diagnostics)
    assert not diagnostics.items and record.abstract == abstract.strip()
