"""Citing an arXiv id nobody listed: a reference with the id and its link, and a note asking for a title.

The note is an INFO message: a valid id is not a mistake, so `--strict` (a writer's CI)
still passes; `papernotes check` lists every paper that has no title.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ENV, SiteMaker

pytestmark = pytest.mark.slow

BODY = """\
LoRA [@arxiv:2106.09685] and again [@arxiv:2106.09685v2, p. 3].

Something else entirely [@xiao2023].
"""


@pytest.fixture
def site(site_maker: SiteMaker) -> SiteMaker:
    site_maker.post(
        "lora", "LoRA notes", body=BODY,
        papers="\n  - arxiv: 2402.08268",
        bibliography="\n  - id: xiao2023\n    title: Efficient Streaming Language Models with Attention Sinks\n    year: 2023",
    )
    return site_maker


def test_an_arxiv_id_known_nowhere_is_a_reference_with_its_link(site: SiteMaker) -> None:
    build = site.build("--strict")
    assert build.returncode == 0, build.output
    page = build.page("posts/lora-notes")
    assert "citation--broken" not in page
    references = page[page.index('<ol class="references">'):]
    first = re.search(r'<li id="ref-arxiv:2106.09685">(.*?)</li>', references, re.DOTALL).group(1)
    assert '<a class="reference-link" href="https://arxiv.org/abs/2106.09685">arXiv:2106.09685</a>' in first
    # Both citations point at the one reference, numbered first.
    assert len(re.findall(r'<a class="citation" href="#ref-arxiv:2106.09685"[^>]*>1</a>', page)) == 2
    assert (build.site / "papers" / "2106.09685" / "index.html").is_file()
    note = re.search(r"INFO\s+-\s+papernotes: docs/posts/lora\.md:(\d+): arXiv:2106\.09685 is in no bibliography.*", build.output)
    assert note, build.output
    assert int(note.group(1)) == 11  # the line of the first citation in the file
    assert "give it a title" in note.group(0)
    assert "WARNING" not in build.output


def test_check_lists_papers_without_a_title(site: SiteMaker) -> None:
    check = subprocess.run(
        [sys.executable, "-m", "papernotes.cli", "check", "--strict"], cwd=site.root, env=ENV, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    lines = check.stdout.splitlines()
    assert "docs/posts/lora.md:5: info: paper 'arXiv:2402.08268' has no title, so pages and references show it as its id (add 'title: ...' to its entry in the post's papers or bibliography, or to a library file)" in lines
    assert "docs/posts/lora.md:11: info: arXiv:2106.09685 is in no bibliography or library file, so its reference shows only the id and link (give it a title: add '- {arxiv: 2106.09685, title: ...}' to the post's bibliography or a library file)" in lines
    assert not any("xiao2023" in line for line in lines)
    assert lines[-1].endswith("no problems found.")
    # The build notes the same, with the same words.
    build = site.build("--strict")
    assert build.returncode == 0, build.output
    notes = [line.split("papernotes: ", 1)[1] for line in build.output.splitlines() if line.startswith("INFO") and "papernotes: docs/" in line]
    assert sorted(notes) == sorted(line.replace(": info: ", ": ", 1) for line in lines[:-1])
