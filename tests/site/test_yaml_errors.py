"""The common YAML mistakes, said in the writer's words: the file, the line, what is wrong, the fixed line.

Never PyYAML's own wording ("while parsing a block collection expected <block end>").
"""

from __future__ import annotations

import pytest

from conftest import SiteMaker
from papernotes.cli import main

pytestmark = pytest.mark.slow

POST = "docs/posts/bad.md"
PYYAML_WORDS = ("while parsing", "while scanning", "<block end>", "<block mapping start>", "expected <", "any token")


def frontmatter(*lines: str) -> str:
    return "\n".join(["---", *lines, "---", "Text.", ""])


CASES = [
    pytest.param(
        frontmatter("title: Mixture of Agents: a note", "date: 2024-06-01"), 2,
        "the value of 'title' contains ': '", 'quote the whole value: title: "Mixture of Agents: a note"', id="unquoted-colon",
    ),
    pytest.param(
        frontmatter("title: T", "date: 2024-06-01", "papers:", "  - arxiv: 2309.17453", "    note: Verdict: worth it"), 6,
        "the value of 'note' contains ': '", 'quote the whole value: note: "Verdict: worth it"', id="colon-in-a-nested-value",
    ),
    pytest.param(
        frontmatter("title: T", "date: 2024-06-01", "papers:", "  - arxiv: 2309.17453", "   note: One space short"), 6,
        "not lined up with the lines above it: it starts in column 4", "start it in column 5", id="bad-indentation",
    ),
    pytest.param(
        frontmatter("title: T", "  date: 2024-06-01"), 3,
        "not lined up with the lines above it: it starts in column 3", "start it in column 1", id="indented-key",
    ),
    pytest.param(
        frontmatter("title: T", "date: 2024-06-01", "tags:", "\t- LLM"), 5,
        "this line has a tab", "replace the tab with spaces", id="tab",
    ),
    pytest.param(
        frontmatter('title: "Attention sinks', "date: 2024-06-01"), 2,
        'the " opening this value is never closed', 'end the value with " on the same line: title: "Attention sinks"', id="unclosed-quote",
    ),
    pytest.param(
        frontmatter('title: "The "best" paper"', "date: 2024-06-01"), 2,
        'text follows the closing " of this value', "quote with the other kind: title: 'The \"best\" paper'", id="quote-inside-quotes",
    ),
    pytest.param(
        frontmatter("title: T", "date: 2024-06-01", "tags: [LLM, Long Context"), 4,
        "the '[' on this line is not closed", "close it with ']' on the same line", id="unclosed-bracket",
    ),
    pytest.param(
        frontmatter("title: T", "date: 2024-06-01", "takeaways:", "  - [@xiao2023] keeps sink tokens."), 5,
        "the value starts with '['", 'quote the whole value: - "[@xiao2023] keeps sink tokens."', id="citation-first-takeaway",
    ),
    pytest.param(
        frontmatter("title: T", "date: 2024-06-01", "takeaways:", '  - "Scale scores by $\\sqrt{d}$."'), 5,
        "a backslash inside double quotes starts a YAML escape",
        "quote the value with single quotes ('...'), where a backslash stays a backslash, as TeX math needs: "
        "- 'Scale scores by $\\sqrt{d}$.'", id="tex-in-double-quotes",
    ),
    pytest.param(
        frontmatter("title: @mara's notes", "date: 2024-06-01"), 2,
        "'@' is reserved in YAML", "quote the whole value: title: \"@mara's notes\"", id="reserved-character",
    ),
]


def check(site: SiteMaker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(site.root)
    assert main(["check"]) == 1
    return capsys.readouterr().out


@pytest.mark.parametrize("text, line, problem, fix", CASES)
def test_post_yaml_mistakes_are_explained(
    site_maker: SiteMaker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    text: str, line: int, problem: str, fix: str,
) -> None:
    site_maker.write(POST, text)
    out = check(site_maker, monkeypatch, capsys)
    first = out.splitlines()[0]
    assert first.startswith(f"{POST}:{line}: error: broken YAML in the frontmatter: "), out
    assert problem in first and f"({fix}" in first, first
    assert not any(words in first for words in PYYAML_WORDS), first


def test_an_item_indented_too_far_is_not_silently_joined(site_maker: SiteMaker) -> None:
    site_maker.write(POST, frontmatter("title: T", "date: 2024-06-01", "tags:", "  - LLM", "   - Long Context"))
    build = site_maker.build("--strict")
    assert build.returncode != 0
    assert f"{POST}:6: this '- ' line was joined to the value on line 5" in build.output, build.output


def test_tex_that_yaml_reads_as_escapes_is_not_silently_mangled(site_maker: SiteMaker) -> None:
    site_maker.write(POST, frontmatter(
        "title: T", "date: 2024-06-01", "takeaways:",
        '  - "Softmax of $\\frac{QK}{2}$ loses its fraction"',  # \f is a form feed to YAML
        '  - "A bell \\a rings"',  # \a alone is a bell
        '  - "Pasted \\e[31mred\\e[0m colours"',  # \e twice on one line: said once
    ))
    site_maker.write("docs/posts/ok.md", frontmatter(
        "title: Fine", "date: 2024-06-02", "takeaways:", "  - 'Single quotes keep $\\frac{a}{b}$ and $\\alpha$'",
        '  - "Doubled backslashes keep $\\\\beta$"',
    ))
    build = site_maker.build("--strict")
    assert build.returncode != 0
    assert f"{POST}:5: '\\frac' in double quotes: YAML reads '\\f' as a form feed, so the text loses it" in build.output, build.output
    assert f"{POST}:6: '\\a' in double quotes: YAML reads '\\a' as a bell, so the text loses it" in build.output, build.output
    assert build.output.count(f"{POST}:7: '\\e' in double quotes: YAML reads '\\e' as an escape character") == 1, build.output
    assert "docs/posts/ok.md" not in build.output


def test_the_build_says_it_the_same_way(site_maker: SiteMaker) -> None:
    site_maker.write(POST, frontmatter("title: Mixture of Agents: a note", "date: 2024-06-01"))
    build = site_maker.build()
    assert build.returncode != 0
    assert (
        f"{POST}:2: broken YAML in the frontmatter: the value of 'title' contains ': ', which YAML reads as the start "
        'of another key (quote the whole value: title: "Mixture of Agents: a note")'
    ) in build.output, build.output


def test_authors_and_library_files_are_explained_too(
    site_maker: SiteMaker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site_maker.config("plugins:\n  - search\n  - papernotes:\n      library: [library.yaml]\n")
    site_maker.write("docs/authors.yml", "authors:\n  mara:\n    name: Mara\n    description: Editor: weekly\n")
    site_maker.write("library.yaml", "- id: a\n  title: A\n   year: 2020\n")
    site_maker.post("ok", "Fine")
    out = check(site_maker, monkeypatch, capsys)
    assert "docs/authors.yml:4: error: broken YAML: the value of 'description' contains ': '" in out, out
    assert 'quote the whole value: description: "Editor: weekly"' in out
    assert "library.yaml:3: error: broken YAML: this line is not lined up" in out, out
    assert not any(words in out for words in PYYAML_WORDS), out


def test_tex_after_pasted_terminal_colours_is_still_found_at_its_line(site_maker: SiteMaker) -> None:
    """Colour codes pasted into the title are dropped before YAML reads the frontmatter; what is said later must still point at the file as written."""
    for name, title in [("one", "Terminal \x1b[31mred\x1b[0m"), ("two", "Terminal \x1b[31mred\x1b[0m and \x1b[1mbold\x1b[0m")]:
        site_maker.write(f"docs/posts/{name}.md", frontmatter(
            f'title: "{title}"', "date: 2024-06-01", "takeaways:", '  - "Double-quoted TeX \\frac{a}{b}"',
        ))
    build = site_maker.build("--strict")
    assert build.returncode != 0
    for name in ("one", "two"):
        said = f"docs/posts/{name}.md:5: '\\frac' in double quotes: YAML reads '\\f' as a form feed, so the text loses it"
        assert said in build.output, build.output
