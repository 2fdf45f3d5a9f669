"""Every example in the writer's guide (docs/guide/) is built, run and compared, so the guide cannot rot.

The guide marks its examples with an HTML comment on the line before a fenced block:

- ``<!-- example: PATH -->``: a file of the example site; together they build with --strict;
- ``<!-- example-input: PATH -->``: a file added only for the runs of that page (broken posts, notes);
- ``<!-- example-run -->``: ``$ papernotes ...`` lines, each followed by its exact output;
- ``<!-- example-result: PATH -->``: the file the run before it wrote, exactly.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ENV, ROOT, run_mkdocs
from editor_yaml import frontmatter
from papernotes.cli import format_problem
from papernotes.core.diagnostics import Diagnostic
from papernotes.core.model.schema import post_frontmatter_schema

pytestmark = pytest.mark.slow

GUIDE = ROOT / "docs" / "guide"
PAPERNOTES = Path(sys.executable).with_name("papernotes")

_BLOCK = re.compile(
    r"^<!-- (?P<kind>example|example-input|example-result|example-run)(?:: (?P<path>\S+))? -->\n[ \t]*\n"
    r"(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass
class Block:
    page: str
    kind: str
    path: str | None
    body: str


def _blocks() -> list[Block]:
    blocks = []
    for page in sorted(GUIDE.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        found = list(_BLOCK.finditer(text))
        assert len(found) == text.count("<!-- example"), f"{page.name}: a marker is not right before a fenced block"
        for match in found:
            title = re.search(r'title="([^"]+)"', match.group("info"))
            if title and match.group("path"):
                assert title.group(1) == match.group("path"), f"{page.name}: the title shows another file"
            blocks.append(Block(page.name, match.group("kind"), match.group("path"), match.group("body") + "\n"))
    return blocks


BLOCKS = _blocks()
RUN_PAGES = sorted({b.page for b in BLOCKS if b.kind == "example-run"})


def _write(root: Path, block: Block) -> None:
    path = root / block.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.body, encoding="utf-8")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guide") / "site-src"
    files = [b for b in BLOCKS if b.kind == "example"]
    paths = [b.path for b in files]
    assert len(paths) == len(set(paths)), "two examples write the same file"
    for block in files:
        _write(root, block)
    return root


def test_the_guide_has_examples_of_each_kind() -> None:
    assert {b.kind for b in BLOCKS} == {"example", "example-input", "example-run", "example-result"}
    assert "mkdocs.yml" in [b.path for b in BLOCKS]


def test_the_example_site_builds_strict(example_site: Path, tmp_path: Path) -> None:
    build = run_mkdocs(example_site, "--strict", site=tmp_path / "site")
    assert build.returncode == 0, build.output
    posts = [b for b in BLOCKS if b.kind == "example" and b.path.startswith("docs/posts/")]
    assert len(list((build.site / "posts").glob("*/index.html"))) == len(posts)
    assert (build.site / "CNAME").read_text() == "notes.example.org\n"
    check = subprocess.run([str(PAPERNOTES), "check", "--strict"], cwd=example_site, env=ENV, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def _session(body: str) -> list[tuple[str, list[str]]]:
    """`$ command` lines with the output lines that follow each."""
    runs: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            runs.append((line[2:], []))
        else:
            runs[-1][1].append(line)
    return runs


@pytest.mark.parametrize("page", RUN_PAGES)
def test_example_runs_print_and_write_what_the_guide_shows(page: str, example_site: Path, tmp_path: Path) -> None:
    root = tmp_path / "site-src"
    shutil.copytree(example_site, root, ignore=shutil.ignore_patterns("site"))
    for block in [b for b in BLOCKS if b.page == page]:
        if block.kind == "example-input":
            _write(root, block)
        elif block.kind == "example-run":
            for command, expected in _session(block.body):
                args = shlex.split(command)
                assert args[0] == "papernotes", command
                proc = subprocess.run(
                    [str(PAPERNOTES), *args[1:]], cwd=root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                )
                assert proc.stdout.splitlines() == expected, f"{page}: $ {command}\n{proc.stdout}"
        elif block.kind == "example-result":
            assert (root / block.path).read_text(encoding="utf-8") == block.body, f"{page}: {block.path}"


def test_example_posts_match_the_editor_schema() -> None:
    validator = jsonschema.Draft7Validator(post_frontmatter_schema())
    posts = [b for b in BLOCKS if b.path and b.path.startswith("docs/posts/") and b.kind != "example-input"]
    assert len(posts) >= 4
    for block in posts:
        assert not [e.message for e in validator.iter_errors(frontmatter(block.body))], block.path


def test_vscode_task_reads_check_output() -> None:
    tasks = json.loads(next(b.body for b in BLOCKS if b.path == ".vscode/tasks.json"))
    matchers = tasks["tasks"][0]["problemMatcher"]
    previewing = next(b for b in BLOCKS if b.page == "previewing.md" and b.kind == "example-run")
    lines = [line for _, out in _session(previewing.body) for line in out if not line.startswith("Checked ")]
    lines.append(format_problem(Diagnostic("error", "library/missing.bib", None, "library file not found", "a hint")))
    for line in lines:
        matched = [m for m in matchers if re.match(m["pattern"]["regexp"], line)]
        assert len(matched) == 1, line
        groups = re.match(matched[0]["pattern"]["regexp"], line).groups()
        pattern = matched[0]["pattern"]
        assert groups[pattern["file"] - 1].startswith(("docs/", "library/"))
        assert groups[pattern["severity"] - 1] in ("error", "warning")


def test_guide_workflow_is_the_repository_one_but_for_the_install() -> None:
    guide = yaml.safe_load(next(b.body for b in BLOCKS if b.path == ".github/workflows/publish.yml"))
    ours = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    install = {"run": 'pip install "papernotes @ git+https://github.com/example/papernotes"'}, {"run": "pip install ."}
    guide_steps = [s if s != install[0] else install[1] for s in guide["jobs"]["deploy"]["steps"]]
    assert guide_steps == ours["jobs"]["deploy"]["steps"]
    assert {k: v for k, v in guide.items() if k != "jobs"} == {k: v for k, v in ours.items() if k != "jobs"}
