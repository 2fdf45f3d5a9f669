"""`papernotes import` on real shapes of writing, built as a writer would publish them:
the shared newsletter export (numbered references), a running log and a roundup."""

from __future__ import annotations

import os

import hashlib
import re
from html import unescape
from pathlib import Path

import pytest

from conftest import SHARED_DATA, SiteMaker
from papernotes.cli import main

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NEWSLETTER = SHARED_DATA / "imports" / "newsletter-2023-10-10.txt"
NEWSLETTER_POST = "docs/posts/2023-10-10-streamingllm-qa-lora-gpt-4v-llava-reversal-curse-and-more.md"


def run(site: SiteMaker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(site.root)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def publish(site: SiteMaker, *relpaths: str) -> None:
    for relpath in relpaths:
        path = site.root / relpath
        text = path.read_text(encoding="utf-8")
        assert "\ndraft: true\n" in text  # imports are drafts
        path.write_text(text.replace("\ndraft: true\n", "\n"), encoding="utf-8")


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_newsletter_builds_with_its_eleven_references(site_maker: SiteMaker, monkeypatch, capsys) -> None:
    if not NEWSLETTER.is_file() and not os.environ.get("CI"):  # CI always has ../shared beside the clone
        pytest.skip(f"{NEWSLETTER} is not there (a fresh clone without ../shared)")
    assert NEWSLETTER.is_file(), f"the shared newsletter export is missing: {NEWSLETTER}"
    source = NEWSLETTER.read_text(encoding="utf-8")
    code, out, err = run(site_maker, monkeypatch, capsys, "import", str(NEWSLETTER))
    assert code == 0, err
    assert out.splitlines() == [NEWSLETTER_POST]  # dated by its opening lines, not today
    written = (site_maker.root / NEWSLETTER_POST).read_text(encoding="utf-8")
    assert "date: 2023-10-10\n" in written
    publish(site_maker, NEWSLETTER_POST)
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    html = build.page("posts/streamingllm-qa-lora-gpt-4v-llava-reversal-curse-and-more")

    # The list as the newsletter numbered it: reference n of the export, by its opening words.
    body, listed = source.split("\nBibliography\n")
    original = dict(re.findall(r"^\[(\d+)\] (.{30})", listed, re.MULTILINE))
    assert len(original) == 11
    references = re.search(r'<ol class="references">(.*?)</ol>', html, re.DOTALL).group(1)
    items = re.findall(r'<li id="ref-([^"]+)">(.*?)</li>', references, re.DOTALL)
    assert len(items) == 11
    shown = {key: (number, text_of(item)) for number, (key, item) in enumerate(items, 1)}

    # Each [n] marker of the export, in order, is a citation of reference n, numbered as listed.
    markers = [int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body) for n in group.split(", ")]
    citations = re.findall(r'<a class="citation" href="#ref-([^"]+)"[^>]*>(\d+)</a>', html)
    assert len(citations) == len(markers) > 30
    for marker, (key, number) in zip(markers, citations):
        assert shown[key][1].startswith(original[str(marker)]), (marker, key)
        assert int(number) == shown[key][0]
    # Numbers follow the order of first citation (SPEC §3): the export's [4] comes second.
    assert [n for _, n in citations[:4]] == ["1", "2", "3", "4"]
    assert "arXiv:2309.14717" in shown["xu2023qalora"][1]
    assert "Bibliography" not in text_of(html.split('<ol class="references">')[0].split("</header>", 1)[-1])


def test_a_running_log_and_a_roundup_become_dated_drafts(site_maker: SiteMaker, monkeypatch, capsys) -> None:
    notes = site_maker.root / "notes"
    notes.mkdir()
    for name in ("running-log.txt", "roundup.txt"):
        (notes / name).write_text((FIXTURES / name).read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(site_maker, monkeypatch, capsys, "import", str(notes), "--tag", "Inbox")
    assert code == 0, err
    written = out.splitlines()
    assert written[0] == "docs/posts/2024-02-15-the-tuesday-stack-issue-12.md"  # notes/roundup.txt sorts first
    assert written[1] == "docs/posts/2024-03-03-sparse-attention-for-long-documents.md"
    assert written[2].endswith("-adapters-that-merge-back.md") and written[3].endswith("-a-smaller-tokenizer-for-images.md")
    assert len(written) == 4

    publish(site_maker, *written)
    build = site_maker.build("--strict")
    assert build.returncode == 0, build.output
    roundup = build.page("posts/the-tuesday-stack-issue-12")
    assert roundup.count('class="paper-card"') == 3
    assert re.findall(r"<h2 id=\"[^\"]+\">([^<]+)", roundup)[:3] == [
        "Rolling caches with sink tokens", "Quantized adapters", "Linear-time sequence models",
    ]
    assert "February 15, 2024" in roundup  # the post's date, from the text
    log = build.page("posts/sparse-attention-for-long-documents")
    code_block = re.search(r"<pre[^>]*>(?:<span></span>)?<code[^>]*>(.*?)</code></pre>", log, re.DOTALL).group(1)
    assert "# Constants" in text_of(code_block) and "# Run the test" in text_of(code_block)
    assert not re.search(r"<h\d[^>]*>\s*(Constants|Forward pass|Run the test)", log)

    # Again: nothing is overwritten.
    before = digests(site_maker.root / "docs")
    code, out, err = run(site_maker, monkeypatch, capsys, "import", str(notes))
    assert code == 1 and out == "" and err.count("already exists") == 4
    assert digests(site_maker.root / "docs") == before
