"""Shared helpers: build real MkDocs sites the way a writer does, in temporary folders."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
NO_CACHE = {"PAPERNOTES_NO_CACHE": "1"}  # a build as if papernotes kept no cache

BASE_CONFIG = """\
site_name: Test Notes
site_url: https://example.org/notes/
theme:
  name: material
  font: false
plugins:
  - search
  - papernotes:
      per_page: {per_page}
markdown_extensions:
  - toc:
      permalink: true
  - footnotes
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.superfences
"""


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path in it: two sites are the same when these are equal."""
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    def page(self, url: str) -> str:
        path = self.site / url / "index.html" if not url.endswith(".html") else self.site / url
        return path.read_text(encoding="utf-8")


def run_mkdocs(project: Path, *args: str, site: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600) -> Build:
    site = site or project / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site), *args],
        cwd=project, env={**ENV, **(env or {})}, capture_output=True, text=True, timeout=timeout,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, site)


class SiteMaker:
    """A throwaway site: write posts and config, then build it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "docs" / "posts").mkdir(parents=True)
        self.config(per_page=10)

    def config(self, extra: str = "", per_page: int = 10, text: str | None = None) -> None:
        body = text if text is not None else BASE_CONFIG.format(per_page=per_page) + textwrap.dedent(extra)
        (self.root / "mkdocs.yml").write_text(body, encoding="utf-8")

    def write(self, relpath: str, text: str | bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def post(self, name: str, title: str, date: str = "2024-06-01", body: str = "Some text.", **fields: str) -> Path:
        lines = ["---", f"title: {title!r}" if "'" not in title else f'title: "{title}"', f"date: {date}"]
        lines += [f"{key}: {value}" for key, value in fields.items()]
        return self.write(f"docs/posts/{name}.md", "\n".join(lines) + "\n---\n" + body + "\n")

    def build(self, *args: str, site: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600) -> Build:
        return run_mkdocs(self.root, *args, site=site, env=env, timeout=timeout)


@pytest.fixture
def site_maker(tmp_path: Path) -> SiteMaker:
    return SiteMaker(tmp_path / "site-src")


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The demo site, built once per test session with --strict."""
    out = tmp_path_factory.mktemp("demo") / "site"
    return run_mkdocs(ROOT, "--strict", site=out)


def running(pid: int) -> bool:
    """Whether a process is alive: not gone, and not a zombie waiting to be reaped (Linux's /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
