"""The `papernotes` command as a writer uses it: new, check, import, schema.

Posts written by `new` and `import` are built for real, and `check` is held
to saying what `mkdocs build` says, message for message.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASE_CONFIG, ENV, ROOT, SiteMaker
from papernotes.cli import main

pytestmark = pytest.mark.slow

LIBRARY = """\
- id: xiao2023streaming
  title: Efficient Streaming Language Models with Attention Sinks
  authors: [Guangxuan Xiao, Yuandong Tian]
  year: 2023
  arxiv: "2309.17453"
- id: hu2021lora
  title: "LoRA: Low-Rank Adaptation of Large Language Models"
  year: 2021
"""

AUTHORS = "authors:\n  mara:\n    name: Mara Lindqvist\n"


def _config(library: str = "library/papers.yaml") -> str:
    return BASE_CONFIG.format(per_page=10).replace(
        "      per_page: 10\n", f"      per_page: 10\n      library: [{library}]\n"
    )


@pytest.fixture
def site(site_maker: SiteMaker) -> SiteMaker:
    site_maker.config(text=_config())
    site_maker.write("library/papers.yaml", LIBRARY)
    site_maker.write("docs/authors.yml", AUTHORS)
    return site_maker


def run(site: SiteMaker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(site.root)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


# -- new ----------------------------------------------------------------------------


def test_new_fills_frontmatter_from_the_library_and_builds(site: SiteMaker, monkeypatch, capsys) -> None:
    code, out, err = run(
        site, monkeypatch, capsys, "new", "Sinks: a <note> & more", "--paper", "arXiv:2309.17453v2",
        "--paper", "hu2021lora", "--paper", "https://arxiv.org/abs/2402.08268", "--paper", "hu2021lora",
        "--tag", "LLM", "--tag", "Long Context", "--author", "mara", "--date", "2024-07-01",
    )
    assert code == 0, err
    assert out == "docs/posts/2024-07-01-sinks-a-note-more.md\n"
    text = (site.root / out.strip()).read_text(encoding="utf-8")
    frontmatter, body = text.split("\n---\n", 1)
    assert "title: 'Sinks: a <note> & more'" in frontmatter
    assert "date: 2024-07-01" in frontmatter
    assert "tags: [LLM, Long Context]" in frontmatter and "authors: [mara]" in frontmatter
    # Library papers by key (found by arXiv id too), others by arXiv id; each once.
    assert "papers:\n  - xiao2023streaming\n  - hu2021lora\n  - arxiv: '2402.08268'\n" in frontmatter
    assert "takeaways: []" in frontmatter and "bibliography: []" in frontmatter
    headings = re.findall(r"^## (.*)$", body, re.MULTILINE)
    assert headings == [
        "Efficient Streaming Language Models with Attention Sinks",
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "arXiv:2402.08268",
    ]
    assert body.index("<!-- more -->") < body.index("## ")

    build = site.build("--strict")
    assert build.returncode == 0, build.output
    page = build.page("posts/sinks-a-note-more")
    assert page.count('class="paper-card"') == 3
    assert "Efficient Streaming Language Models with Attention Sinks" in page


def test_new_drops_a_pasted_titles_terminal_colours_as_the_build_does(site: SiteMaker, monkeypatch, capsys) -> None:
    code, out, err = run(site, monkeypatch, capsys, "new", "Run \x1b[31mred\x1b[0m results", "--date", "2024-07-01")
    assert code == 0, err
    assert out == "docs/posts/2024-07-01-run-red-results.md\n"
    assert "title: Run red results" in (site.root / out.strip()).read_text(encoding="utf-8")


def test_new_never_overwrites(site: SiteMaker, monkeypatch, capsys) -> None:
    existing = site.post("2024-07-01-same", "Same", body="Mine.")
    args = ("new", "Same", "--date", "2024-07-01")
    before = existing.read_bytes()
    code, out, err = run(site, monkeypatch, capsys, *args)
    assert (code, out) == (1, "")
    assert "docs/posts/2024-07-01-same.md already exists" in err
    assert existing.read_bytes() == before


def test_new_refuses_what_the_build_would_reject(site: SiteMaker, monkeypatch, capsys) -> None:
    site.post("taken", "Weekly roundup", date="2024-06-01")
    before = _digests(site.root)
    code, _, err = run(site, monkeypatch, capsys, "new", "Weekly roundup", "--date", "2024-07-01")
    assert code == 1
    assert "docs/posts/2024-07-01-weekly-roundup.md:2: error: this post has the same URL 'posts/weekly-roundup/'" in err
    code, _, err = run(site, monkeypatch, capsys, "new", "Other", "--author", "mra")
    # Said of the option: no line of a file that was never written.
    assert code == 1 and err.strip() == "papernotes: --author mra: not an author of the site (did you mean 'mara'?)", err
    code, _, err = run(site, monkeypatch, capsys, "new", "Other", "--author", "zed")
    assert code == 1 and "--author zed: not an author of the site (add 'zed' to docs/authors.yml: an id, then its name)" in err
    # A broken authors file is said as such, not taken for a site without the author.
    authors = site.root / "docs/authors.yml"
    kept = authors.read_text(encoding="utf-8")
    authors.write_text("authors:\n  mara: {name: Mara\n", encoding="utf-8")
    code, _, err = run(site, monkeypatch, capsys, "new", "Other", "--author", "mara")
    assert code == 1 and "docs/authors.yml:" in err and "--author cannot be checked: fix docs/authors.yml first" in err, err
    authors.write_text(kept, encoding="utf-8")
    code, _, err = run(site, monkeypatch, capsys, "new", "Other", "--paper", "xiao2023streamin")
    assert code == 1 and "did you mean 'xiao2023streaming'?" in err
    assert _digests(site.root) == before
    code, out, _ = run(site, monkeypatch, capsys, "new", "Weekly roundup", "--date", "2024-07-01", "--slug", "weekly-roundup-2")
    assert code == 0 and "slug: weekly-roundup-2" in (site.root / out.strip()).read_text()


def test_usage_errors_exit_2(site: SiteMaker, monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run(site, monkeypatch, capsys, "check", "-f", str(tmp_path / "nowhere.yml"))
    assert code == 2 and "nowhere.yml" in err
    site.config(text=BASE_CONFIG.format(per_page=10).replace("  - papernotes:\n      per_page: 10\n", ""))
    code, _, err = run(site, monkeypatch, capsys, "check")
    assert code == 2 and "does not use papernotes" in err
    with pytest.raises(SystemExit) as exit:
        run(site, monkeypatch, capsys, "new", "T", "--date", "2024-13-01")
    assert exit.value.code == 2
    assert run(site, monkeypatch, capsys)[0] == 2


# -- check --------------------------------------------------------------------------


def _build_messages(output: str) -> set[str]:
    """papernotes' log records of a build, as `where: message (hint)`."""
    records = re.findall(r"^(?:ERROR|WARNING) +- +papernotes: (.*?)(?=^[A-Z]+ +- |\Z)", output, re.MULTILINE | re.DOTALL)
    return {" ".join(record.split()) for record in records if not record.startswith("papernotes found")}


def _check_messages(out: str) -> set[str]:
    lines = [line for line in out.splitlines() if not line.startswith("Checked ")]
    return {" ".join(re.sub(r"^(\S+?): (?:error|warning): ", r"\1: ", line).split()) for line in lines}


def test_check_reports_what_the_build_reports(site: SiteMaker, monkeypatch, capsys) -> None:
    site.post("ok", "Fine", body="Cites [@xiao2023streaming] and [@arxiv:2309.17453].")
    site.write("docs/posts/typo.md", "---\ntitle: Typo\ndate: 2024-06-02\ntagz: [x]\nauthors: [mra]\npapers: [nokey]\n---\n"
               "Unknown [@vaswani2071] here.\n\nTwice [@nope; @xiao2023streaming] and [@nope].\n")
    # Citations in code are examples, not citations: neither the build nor check reports them.
    site.write("docs/posts/code.md", "---\ntitle: Code\ndate: 2024-06-03\n---\nInline `[@inline]`.\n\n"
               "```markdown\nSee [@fenced].\n```\n\n    [@indented]\n\n<div>[@html]</div>\n\nReal [@real2024].\n")
    site.write("docs/posts/broken.md", "---\ntitle: Broken\ndate: 2024-06-04\ntags: [LLM\n---\nBody\n")
    site.write("docs/posts/dup.md", "---\ntitle: Fine\ndate: 2024-06-05\n---\nSame URL as ok.md.\n")
    site.write("library/papers.yaml", LIBRARY + "- id: bad\n  title: Bad\n  url: javascript:alert(1)\n")

    # Errors stop a build before any conversion: compare what both find before it.
    code, out, _ = run(site, monkeypatch, capsys, "check")
    assert code == 1
    build = site.build()
    assert build.returncode != 0
    expected = _build_messages(build.output)
    assert any("broken YAML" in m for m in expected) and any("same URL" in m for m in expected)
    found = _check_messages(out)
    assert expected <= found
    # What only a conversion finds; with the errors fixed the build finds the same.
    site.write("docs/posts/broken.md", "---\ntitle: Broken\ndate: 2024-06-04\ntags: [LLM]\n---\nBody\n")
    site.write("docs/posts/dup.md", "---\ntitle: Fine\ndate: 2024-06-05\nslug: fine-2\n---\nBody.\n")
    site.write("library/papers.yaml", LIBRARY)
    code, out, _ = run(site, monkeypatch, capsys, "check")
    build = site.build()
    assert code == 0 and build.returncode == 0, out + build.output
    assert _check_messages(out) == _build_messages(build.output)
    assert "docs/posts/typo.md:8: unknown citation key 'vaswani2071' (add it to the post's bibliography or to a library file)" in _check_messages(out)
    assert not any(word in out for word in ("inline", "fenced", "indented", "'html'"))
    assert "docs/posts/code.md:15: warning: unknown citation key 'real2024'" in out
    assert out.splitlines()[-1] == "Checked 5 posts and 1 library file: 0 errors, 6 warnings."
    code, _, _ = run(site, monkeypatch, capsys, "check", "--strict")
    assert code == 1


def test_check_passes_a_clean_site_and_checks_drafts(site: SiteMaker, monkeypatch, capsys) -> None:
    site.post("ok", "Fine", body="Cites [@xiao2023streaming].")
    assert run(site, monkeypatch, capsys, "check", "--strict")[:2] == (0, "Checked 1 post and 1 library file: no problems found.\n")
    site.post("wip", "Draft", draft="true", body="[@unknown2024]")
    code, out, _ = run(site, monkeypatch, capsys, "check", "--strict")
    assert code == 1 and "docs/posts/wip.md:6: warning: unknown citation key 'unknown2024'" in out


def test_check_on_the_demo_site(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "--strict"]) == 0, capsys.readouterr()


def test_the_console_script_is_installed(site: SiteMaker) -> None:
    script = Path(sys.executable).with_name("papernotes")
    proc = subprocess.run([str(script), "check"], cwd=site.root, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Checked 0 posts")


# -- import -------------------------------------------------------------------------

NOTES = """\
Reading list, exported from my notes app.

# Attention sinks

Saw https://arxiv.org/abs/2309.17453v2 today, and the follow-up:
[2402.08268] World Model on Million-Length Video And Language With RingAttention
PDF: https://arxiv.org/pdf/2402.08268.pdf

```python
# not a heading
```

# Low-rank adapters

- [[2106.09685] LoRA: Low-Rank Adaptation of Large Language Models](https://arxiv.org/abs/2106.09685)
- also arXiv:2305.14314, and a bad id arxiv.org/abs/2305.1829

#hashtag is not a heading

# Empty section
"""


def test_import_turns_notes_into_drafts(site: SiteMaker, monkeypatch, capsys, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "reading.md").write_text(NOTES, encoding="utf-8")
    (notes / "one-paper_idea.txt").write_text("Try this: https://arxiv.org/abs/2406.04692\n", encoding="utf-8")
    (notes / "ignored.png").write_bytes(b"\x89PNG")
    before = _digests(notes)

    code, out, err = run(site, monkeypatch, capsys, "import", str(notes), "--tag", "Inbox", "--date", "2024-07-02")
    assert code == 0, err
    assert out.splitlines() == [
        "docs/posts/2024-07-02-one-paper-idea.md",
        "docs/posts/2024-07-02-attention-sinks.md",
        "docs/posts/2024-07-02-low-rank-adapters.md",
    ]
    assert _digests(notes) == before
    sinks = (site.root / "docs/posts/2024-07-02-attention-sinks.md").read_text(encoding="utf-8")
    assert "draft: true" in sinks and "tags: [Inbox]" in sinks
    assert "papers:\n  - xiao2023streaming\n  - arxiv: '2402.08268'\n    title: World Model on Million-Length Video And Language With RingAttention\n" in sinks
    assert "Reading list, exported from my notes app." in sinks  # text before the first heading joins it
    assert "# not a heading" in sinks
    lora = (site.root / "docs/posts/2024-07-02-low-rank-adapters.md").read_text(encoding="utf-8")
    assert "  - arxiv: '2106.09685'\n    title: 'LoRA: Low-Rank Adaptation of Large Language Models'\n  - arxiv: '2305.14314'\ntakeaways" in lora
    assert "#hashtag is not a heading" in lora
    assert "title: One paper idea" in (site.root / "docs/posts/2024-07-02-one-paper-idea.md").read_text(encoding="utf-8")
    assert run(site, monkeypatch, capsys, "check", "--strict")[0] == 0

    # Again: nothing is overwritten.
    written = _digests(site.root / "docs")
    code, out, err = run(site, monkeypatch, capsys, "import", str(notes / "reading.md"), "--date", "2024-07-02")
    assert code == 1 and out == "" and err.count("already exists") == 2
    assert _digests(site.root / "docs") == written

    # The drafts render once published.
    for path in (site.root / "docs/posts").glob("2024-07-02-*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    build = site.build("--strict")
    assert build.returncode == 0, build.output
    assert build.page("posts/low-rank-adapters").count('class="paper-card"') == 2


def test_import_says_what_it_cannot_read_or_write_in_one_line(site: SiteMaker, monkeypatch, capsys, tmp_path: Path) -> None:
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"# Notes\n\nOn the caf\xe9 paper.\n")
    code, out, err = run(site, monkeypatch, capsys, "import", str(latin))
    assert code == 1 and f"{latin}:3: error: the file is not UTF-8 (byte 0xe9 cannot be decoded)" in err, err
    assert "save it as UTF-8" in err
    note = tmp_path / "note.md"
    note.write_text("# A note\n\nText.\n", encoding="utf-8")
    existing = site.write("docs/posts/kept.md", "---\ntitle: Kept\ndate: 2024-01-01\n---\nMine.\n")
    code, out, err = run(site, monkeypatch, capsys, "import", str(note), "--out", str(existing))
    assert code == 2 and "--out names the folder the drafts go in" in err and "Traceback" not in err, err
    assert existing.read_text(encoding="utf-8").endswith("Mine.\n")
    blocked = site.write("blocked", "a file where a folder would go")
    code, out, err = run(site, monkeypatch, capsys, "import", str(note), "--out", str(blocked / "posts"))
    assert code == 1 and "cannot write" in err and "Traceback" not in err, err


def test_import_out_of_the_site_is_not_refused_for_a_posts_address(site: SiteMaker, monkeypatch, capsys, tmp_path: Path) -> None:
    """Drafts written outside the posts folder are no part of the site: a post there with the same address does not stop them."""
    site.write("docs/posts/2024-07-01-a-note.md", "---\ntitle: A note\ndate: 2024-07-01\n---\nPublished.\n")
    note = tmp_path / "note.md"
    note.write_text("# A note\n\nText [@nokey].\n", encoding="utf-8")
    out_dir = tmp_path / "drafts"
    code, out, err = run(site, monkeypatch, capsys, "import", str(note), "--out", str(out_dir), "--date", "2024-07-02")
    assert code == 0, err
    assert (out_dir / "2024-07-02-a-note.md").read_text(encoding="utf-8").startswith("---\ntitle: A note\n")
    # Two drafts of one import written elsewhere, which would share an address once moved in: one is refused.
    twins = tmp_path / "twins"
    twins.mkdir()
    for name in ("one.md", "two.md"):
        (twins / name).write_text("---\ntitle: Same title\ndate: 2024-07-0%s\n---\nText.\n" % ("4" if name == "one.md" else "5"), encoding="utf-8")
    code, out, err = run(site, monkeypatch, capsys, "import", str(twins), "--out", str(out_dir))
    assert code == 1 and "same URL" in err and len(list(out_dir.glob("*same-title.md"))) == 1, err
    # Into the posts folder, the same draft would share the published post's address: refused, and said why.
    code, out, err = run(site, monkeypatch, capsys, "import", str(note), "--date", "2024-07-02")
    assert code == 1 and "same URL" in err and "was not written" in err, err


# -- schema -------------------------------------------------------------------------


def test_schema_prints_the_committed_file(monkeypatch, capsys) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == (ROOT / "schema" / "post-frontmatter.schema.json").read_text(encoding="utf-8")
    assert json.loads(printed)["required"] == ["date"]  # no title: the first "# heading" gives it


def test_import_reads_a_notes_frontmatter_instead_of_printing_it(site: SiteMaker, monkeypatch, capsys, tmp_path: Path) -> None:
    """A note from Obsidian or Jekyll: its title, date and tags are the draft's; its frontmatter is not body text."""
    note = tmp_path / "obs.md"
    note.write_text("---\ntitle: Reading notes on Mamba\ndate: 2024-02-03\ntags: [ssm, reading]\naliases: [mamba]\n---\n\n"
                    "Mamba https://arxiv.org/abs/2312.00752 is a selective SSM.\n", encoding="utf-8")
    headed = tmp_path / "headed.md"
    headed.write_text("---\ntitle: Ignored for the heading\ndate: 2024-01-01\n---\n# Already has a heading\n\nText.\n", encoding="utf-8")
    code, out, err = run(site, monkeypatch, capsys, "import", str(note), str(headed), "--tag", "Inbox")
    assert code == 0, err
    assert out.splitlines() == ["docs/posts/2024-02-03-reading-notes-on-mamba.md", "docs/posts/2024-01-01-already-has-a-heading.md"]
    draft = (site.root / "docs/posts/2024-02-03-reading-notes-on-mamba.md").read_text(encoding="utf-8")
    assert "title: Reading notes on Mamba" in draft and "tags: [Inbox, ssm, reading]" in draft, draft
    assert "aliases" not in draft and draft.count("---") == 2 and "Mamba https://arxiv.org/abs/2312.00752" in draft
    headed_draft = (site.root / "docs/posts/2024-01-01-already-has-a-heading.md").read_text(encoding="utf-8")
    assert "title: Already has a heading" in headed_draft and "Ignored" not in headed_draft and headed_draft.count("---") == 2
