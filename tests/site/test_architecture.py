"""The layout docs/architecture.md promises: the core stays engine-free, and papernotes keeps
its per-page state to itself instead of on MkDocs' objects."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import BASE_CONFIG, ROOT, SiteMaker

CORE = ROOT / "src" / "papernotes" / "core"
ENGINES = ("mkdocs", "material", "zensical", "properdocs")


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_nothing_under_core_imports_an_engine() -> None:
    found = [
        f"{path.relative_to(CORE)}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in _imported(path)
        if name.split(".", 1)[0] in ENGINES
    ]
    assert found == []


@pytest.mark.parametrize("cache", ["on", "off"])
def test_papernotes_sets_nothing_of_its_own_on_mkdocs_pages_and_files(
    site_maker: SiteMaker, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    site_maker.write("library/papers.yaml", "- id: sinks\n  title: Attention Sinks\n  year: 2023\n  arxiv: 2309.17453\n")
    site_maker.config(text=BASE_CONFIG.format(per_page=1).replace("      per_page: 1\n", "      per_page: 1\n      library: [library/papers.yaml]\n"))
    for number in range(3):
        site_maker.post(f"p{number}", f"Post {number}", date=f"2024-06-0{number + 1}", body="Citing [@sinks].", tags="[Attention]")
    site_maker.write("docs/tags/index.md", "# Our topics\n")  # a writer's page papernotes appends to
    if cache == "off":
        monkeypatch.setenv("PAPERNOTES_NO_CACHE", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.chdir(site_maker.root)
    config = load_config(config_file=str(site_maker.root / "mkdocs.yml"), site_dir=str(site_maker.root / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    plugin = config.plugins["papernotes"]
    pages = [file.page for file in plugin._files.documentation_pages() if file.page is not None]
    assert len(pages) > 6  # posts, home pages, topics, papers, the writer's topics page
    own = sorted({f"{type(obj).__name__}.{name}" for obj in [*pages, *plugin._files] for name in vars(obj) if name.startswith("papernotes")})
    assert own == []
    assert "tags/index.md" in plugin.states and "posts/p0.md" in plugin.states
    assert os.path.isfile(site_maker.root / "site" / "tags" / "attention" / "index.html")
