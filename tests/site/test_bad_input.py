"""Every mistake of SPEC section 5, made in a throwaway site and built for real.

For each: the build's message names the file and the line and says how to fix
it; an error stops `mkdocs build`, a warning lets it pass and fails `--strict`;
and every file the writer wrote is byte-for-byte what it was before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BASE_CONFIG, SiteMaker

pytestmark = pytest.mark.slow

GOOD_POST = "---\ntitle: A fine post\ndate: 2024-05-01\n---\nNothing wrong here.\n"


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    level: str  # "error" or "warning"
    where: str  # file:line as the message must show it
    message: str  # part of the message
    hint: str  # part of the advice on how to fix it
    library: list[str] = field(default_factory=list)


def post(*frontmatter: str, body: str = "Body.") -> str:
    return "\n".join(["---", *frontmatter, "---", body]) + "\n"


T, D = "title: T", "date: 2024-06-01"
BAD = "docs/posts/bad.md"

CASES = [
    # -- the frontmatter
    Case("broken-yaml", {BAD: post(T, D, "tags: [LLM")}, "error", f"{BAD}:4", "broken YAML", "quote"),
    Case("yaml-tab", {BAD: post(T, D, "tags:", "\t- LLM")}, "error", f"{BAD}:5", "broken YAML", "spaces"),
    Case("unquoted-colon", {BAD: post("title: Attention: all you need", D)}, "error", f"{BAD}:2", "broken YAML", "quote"),
    Case("missing-title", {BAD: post(D)}, "error", f"{BAD}:1", "missing required field 'title'", "title:"),
    Case("missing-date", {BAD: post(T)}, "error", f"{BAD}:1", "missing required field 'date'", "2024-06-12"),
    Case("not-a-date", {BAD: post(T, "date: next tuesday")}, "error", f"{BAD}:3", "'date' is not a date", "2024-06-12"),
    Case("impossible-date", {BAD: post(T, "date: 2024-02-30")}, "error", f"{BAD}:3", "'date' is not a date", "2024-06-12"),
    Case("wrong-type-readtime", {BAD: post(T, D, "readtime: soon")}, "error", f"{BAD}:4", "readtime", "whole number"),
    Case("wrong-type-draft", {BAD: post(T, D, "draft: maybe")}, "error", f"{BAD}:4", "draft", "true or false"),
    Case("wrong-type-tags", {BAD: post(T, D, "tags: {LLM: 1}")}, "error", f"{BAD}:4", "tags", "a list of topics"),
    Case("wrong-type-takeaway", {BAD: post(T, D, "takeaways:", "  - Note: colons")}, "error", f"{BAD}:5", "double quotes", "Markdown"),
    Case("bad-slug", {BAD: post(T, D, "slug: no spaces/allowed")}, "error", f"{BAD}:4", "slug", "my-post-title"),
    Case("accented-slug", {BAD: post(T, D, "slug: ünïcode")}, "error", f"{BAD}:4", "the letters a to z", "no accents"),
    Case("unknown-key", {BAD: post(T, D, "tagz: [LLM]")}, "warning", f"{BAD}:4", "unknown frontmatter key 'tagz'", "did you mean 'tags'?"),
    Case("key-twice", {BAD: post(T, D, "tags: [a]", "tags: [b]")}, "warning", f"{BAD}:5", "'tags' is written twice (lines 4 and 5)", "remove one"),
    Case("missing-image", {BAD: post(T, D, "image: assets/crad.png"), "docs/assets/card.png": b"\x89PNG"}, "warning", f"{BAD}:4",
         "image 'assets/crad.png' is not a file in docs/", "looked for docs/assets/crad.png"),
    Case("image-outside-docs", {BAD: post(T, D, "image: ../card.png"), "card.png": b"\x89PNG"}, "warning", f"{BAD}:4",
         "image '../card.png' leads outside docs/", "put the image in docs/"),
    Case("unknown-author", {BAD: post(T, D, "authors: [nobody]")}, "warning", f"{BAD}:4", "unknown author 'nobody'", "authors.yml"),
    Case("no-frontmatter", {BAD: "Just some text.\n"}, "error", f"{BAD}:1", "must start with YAML frontmatter", "'---'"),
    Case("unclosed-frontmatter", {BAD: f"---\n{T}\n{D}\nBody\n"}, "error", f"{BAD}:1", "not closed", "'---'"),
    Case("empty-post", {BAD: b""}, "error", f"{BAD}:1", "the file is empty", "frontmatter"),
    Case("not-utf8-post", {BAD: b"---\ntitle: Caf\xe9\ndate: 2024-06-01\n---\nBody\n"}, "error", f"{BAD}:2", "not UTF-8", "save it as UTF-8"),
    # -- citations and keys
    Case("unknown-citation", {BAD: post(T, D, body="Intro.\n\nAs shown [@nope2024].")}, "warning", f"{BAD}:7", "unknown citation key 'nope2024'", "bibliography"),
    Case("unknown-citation-typo", {BAD: post(T, D, "bibliography:", "  - {id: vaswani2017, title: Attention}", body="See [@vaswani2071].")},
         "warning", f"{BAD}:7", "unknown citation key 'vaswani2071'", "did you mean 'vaswani2017'?"),
    Case("unknown-paper", {BAD: post(T, D, "papers: [nokey2024]")}, "warning", f"{BAD}:4", "unknown paper 'nokey2024'", "arxiv"),
    Case("duplicate-key-in-post", {BAD: post(T, D, "bibliography:", "  - {id: a, title: One}", "  - {id: b, title: Two}", "  - {id: a, title: Three}")},
         "error", f"{BAD}:7", "'a' is defined twice in this post (lines 5 and 7)", "its own id"),
    Case("duplicate-key-across-library", {
        "library/a.bib": "@article{shared,\n  title = {One paper},\n  year = {2020}\n}\n",
        "library/b.yaml": "- id: other\n  title: Fine\n- id: shared\n  title: Another paper\n",
    }, "error", "library/b.yaml:3", "citation key 'shared' is used for different papers: at library/a.bib:1 and at library/b.yaml:3",
         "rename one", library=["library/a.bib", "library/b.yaml"]),
    Case("duplicate-key-in-library-file", {"library/a.yaml": "- id: k\n  title: One\n- id: k\n  title: Two\n"},
         "error", "library/a.yaml:3", "'k' is used twice in this file (lines 1 and 3)", "rename one", library=["library/a.yaml"]),
    # -- BibTeX
    Case("bad-bibtex-in-post", {
        BAD: post(T, D, "bibliography:", "  - refs/extra.bib"),
        "docs/posts/refs/extra.bib": "@article{ok, title = {Fine}, year = {2020}}\n\n@article{broken,\n  title = {Unbalanced,\n  year = 2020\n}\n",
    }, "error", "docs/posts/refs/extra.bib:3", "broken BibTeX in @article 'broken'", "braces must balance"),
    Case("missing-bib-next-to-post", {BAD: post(T, D, "bibliography:", "  - refs/nowhere.bib")},
         "error", f"{BAD}:5", "bibliography file 'refs/nowhere.bib' not found", "relative to the post"),
    Case("bad-bibtex-in-library", {
        "library/papers.bib": "@article{ok, title = {Fine}, year = {2020}}\n\n@article{broken,\n  title = {Unbalanced,\n  year = 2020\n}\n",
    }, "error", "library/papers.bib:3", "broken BibTeX in @article 'broken'", "braces must balance", library=["library/papers.bib"]),
    Case("bibtex-field-twice", {"library/papers.bib": "@article{twice,\n  title = {A},\n  title = {B}\n}\n"},
         "error", "library/papers.bib:1", "gives the field title twice", "keep one", library=["library/papers.bib"]),
    Case("bibtex-bad-arxiv", {"library/papers.bib": "@article{x,\n  title = {A},\n  eprint = {2305.1829},\n  archiveprefix = {arXiv}\n}\n"},
         "error", "library/papers.bib:3", "is not an arXiv id", "fix it", library=["library/papers.bib"]),
    Case("bibtex-undefined-string", {"library/papers.bib": "@article{x,\n  title = {A},\n  journal = nips\n}\n"},
         "warning", "library/papers.bib:3", "'nips' in field 'journal' is not a defined @string", "@string", library=["library/papers.bib"]),
    Case("not-utf8-library", {"library/papers.bib": b"@article{x,\n  title = {Caf\xe9}\n}\n"},
         "error", "library/papers.bib:2", "not UTF-8", "UTF-8", library=["library/papers.bib"]),
    # -- tables
    Case("jsonl-broken-line", {"library/t.jsonl": '{"arxiv_id": "2309.17453", "abstract": "Fine."}\n{"arxiv_id": "2402.08268", "abstract": \n'},
         "error", "library/t.jsonl:2", "not valid JSON", "one JSON object", library=["library/t.jsonl"]),
    Case("jsonl-bad-arxiv", {"library/t.jsonl": '{"arxiv_id": "2309.17453"}\n{"arxiv_id": "not-an-id", "abstract": "x"}\n'},
         "error", "library/t.jsonl:2", "column 'arxiv_id'", "left out", library=["library/t.jsonl"]),
    Case("jsonl-number-arxiv", {"library/t.jsonl": '{"arxiv_id": 2305.1829, "abstract": "x"}\n'},
         "error", "library/t.jsonl:1", "arxiv_id", "as text", library=["library/t.jsonl"]),
    Case("csv-too-many-values", {"library/t.csv": "arxiv_id,title\n2309.17453,Fine\n2402.08268,Hu, Edward\n"},
         "error", "library/t.csv:3", "3 values but the header has 2 columns", "quote values", library=["library/t.csv"]),
    Case("csv-bad-year", {"library/t.csv": "arxiv_id,year\n2309.17453,2023\n2402.08268,soon\n"},
         "error", "library/t.csv:3", "column 'year'", "left out", library=["library/t.csv"]),
    # A NUL pasted into a cell is shown as \x00 in the message, not sent to the terminal.
    Case("csv-nul-in-message", {"library/t.csv": "arxiv_id,title\n\x00,T\n"},
         "error", "library/t.csv:2", "column 'arxiv_id': '\\x00' is not an arXiv id", "left out", library=["library/t.csv"]),
    Case("json-not-a-list", {"library/t.json": '{"arxiv_id": "2309.17453"}\n'},
         "error", "library/t.json:1", "must be a list of objects", "[{", library=["library/t.json"]),
    Case("yaml-library-unknown-field", {"library/p.yaml": "- id: a\n  title: A\n  titel: typo\n"},
         "error", "library/p.yaml:3", "unknown field 'titel'", "did you mean 'title'?", library=["library/p.yaml"]),
    Case("library-wrong-type", {"library/p.txt": "whatever\n"},
         "error", "library/p.txt", "cannot read library files of type '.txt'", ".bib", library=["library/p.txt"]),
    Case("library-missing", {}, "error", "library/missing.bib", "library file not found", "relative to the folder of mkdocs.yml",
         library=["library/missing.bib"]),
    # -- links: only http(s)
    Case("javascript-url-in-post", {BAD: post(T, D, "papers:", "  - id: p", "    title: P", "    url: javascript:alert(1)")},
         "error", f"{BAD}:7", "'javascript:alert(1)' is not an http(s) link", "only http:// and https://"),
    Case("file-url-in-bibliography", {BAD: post(T, D, "bibliography:", "  - id: p", "    title: P", "    pdf: file:///etc/passwd")},
         "error", f"{BAD}:7", "'file:///etc/passwd' is not an http(s) link", "only http:// and https://"),
    Case("javascript-url-in-authors", {"docs/authors.yml": "authors:\n  eve:\n    name: Eve\n    url: javascript:alert(1)\n"},
         "error", "docs/authors.yml:4", "is not an http(s) link", "name"),
    Case("file-url-in-library", {"library/p.yaml": "- id: a\n  title: A\n  code: file:///home/me/code\n"},
         "error", "library/p.yaml:3", "'file:///home/me/code' is not an http(s) link", "left out", library=["library/p.yaml"]),
    Case("javascript-url-in-csv", {"library/t.csv": "arxiv_id,url\n2309.17453,javascript:alert(1)\n"},
         "error", "library/t.csv:2", "is not an http(s) link", "left out", library=["library/t.csv"]),
    Case("broken-authors-yml", {"docs/authors.yml": "authors:\n  eve: {name: Eve\n"},
         "error", "docs/authors.yml:2", "broken YAML", "close it with '}'"),
]  # fmt: skip


def _config(library: list[str]) -> str:
    config = BASE_CONFIG.format(per_page=10)
    if library:
        lines = "".join(f"        - {path}\n" for path in library)
        config = config.replace("      per_page: 10\n", f"      per_page: 10\n      library:\n{lines}")
    return config


# What a build may add: the site, and papernotes' conversion cache (gitignored).
BUILD_OUTPUT = {"site", ".cache"}


def _snapshot(root: Path) -> dict[str, str]:
    """Every file the writer has, by content hash."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] not in BUILD_OUTPUT
    }


def _message(output: str, where: str) -> str:
    """The one log record papernotes wrote about `where` (a message and its hint may span lines)."""
    pattern = rf"^(ERROR|WARNING) +- +papernotes: {re.escape(where)}: (.*?)(?=^[A-Z]+ +- |\Z)"
    found = [m for m in re.finditer(pattern, output, re.MULTILINE | re.DOTALL)]
    assert len(found) == 1, f"expected one message at {where}, got {len(found)}:\n{output}"
    return found[0].group(1) + " " + found[0].group(2).strip()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mistake_is_reported_at_its_line_and_nothing_is_rewritten(site_maker: SiteMaker, case: Case) -> None:
    site_maker.config(text=_config(case.library))
    site_maker.write("docs/posts/good.md", GOOD_POST)
    for path, content in case.files.items():
        site_maker.write(path, content if isinstance(content, bytes) else content.encode("utf-8"))
    before = _snapshot(site_maker.root)

    builds = [site_maker.build()] + ([site_maker.build("--strict")] if case.level == "warning" else [])
    for build in builds:
        assert "Traceback" not in build.output, build.output
    record = _message(builds[-1].output, case.where)
    level, text = record.split(" ", 1)
    assert level == case.level.upper(), record
    assert case.message in text, record
    # The advice: "file:line: message (how to fix it)"; for links the message itself says what is accepted.
    assert text.rstrip().endswith(")") and case.hint in text, record

    if case.level == "error":
        assert builds[0].returncode != 0, builds[0].output
        assert "papernotes found" in builds[0].output
    else:
        assert builds[0].returncode == 0, builds[0].output
        assert builds[1].returncode != 0, builds[1].output
    assert _snapshot(site_maker.root) == before


def test_a_broken_authors_file_is_said_once_not_as_every_posts_unknown_author(site_maker: SiteMaker) -> None:
    site_maker.config(text=_config([]))
    site_maker.write("docs/authors.yml", "authors:\n  eve: {name: Eve\n")
    site_maker.write("docs/posts/by-eve.md", post(T, D, "authors: [eve]"))
    build = site_maker.build()
    assert build.returncode != 0 and "docs/authors.yml:2" in build.output and "broken YAML" in build.output
    assert "unknown author" not in build.output, build.output


def test_editors_backups_are_never_published(site_maker: SiteMaker) -> None:
    """A backup of a draft is the draft: `secret.md~` beside it published its whole text."""
    site_maker.config(text=_config([]))
    secret = post("title: Secret", D, "draft: true", body="Unpublished secret qzxnarwhalq.")
    for name in ("secret.md", "secret.md~", "#secret.md#", "secret.md.bak", "secret.md.orig", "secret.md.swp"):
        site_maker.write(f"docs/posts/{name}", secret)
    site_maker.write("docs/posts/figure.png", b"\x89PNG")
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    published = [path.name for path in (build.site / "posts").iterdir()]
    assert "figure.png" in published and not [name for name in published if "secret" in name], published
    assert not [p for p in build.site.rglob("*") if p.is_file() and b"qzxnarwhalq" in p.read_bytes()]
