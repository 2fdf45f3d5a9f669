"""The README as a new user follows it: install from a clone, paste the config into a fresh site, click its links."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENV, ROOT, run_mkdocs

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_config() -> str:
    """The `mkdocs.yml` snippet of "Adding papernotes to an existing Material site", as printed."""
    block = re.search(r"<!-- readme-config -->\s*```yaml\n(.*?)\n```", README, re.DOTALL)
    assert block, "the README's config snippet is missing its marker"
    return block.group(1) + "\n"


def test_links_stay_inside_the_repository() -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", README)
    local = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert local, "the README links the guide"
    for target in local:
        path = (ROOT / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{target} points outside the repository"
        assert path.exists(), f"{target} does not exist"


def test_the_config_snippet_builds_a_fresh_material_site(tmp_path: Path) -> None:
    root = tmp_path / "mysite"
    subprocess.run([sys.executable, "-m", "mkdocs", "new", str(root)], env=ENV, check=True, capture_output=True)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + readme_config(), encoding="utf-8")
    empty = run_mkdocs(root, "--strict")
    assert empty.returncode == 0, empty.output
    (root / "docs" / "posts").mkdir()
    (root / "docs" / "posts" / "first.md").write_text(
        "---\ntitle: First post\ndate: 2024-06-01\ntakeaways:\n  - Costs grow as $O(n^2)$.\n---\n\nHello.\n",
        encoding="utf-8",
    )
    build = run_mkdocs(root, "--strict")
    assert build.returncode == 0, build.output
    assert "First post" in build.page("")  # listed under the fresh site's own index.md
    assert "<msup>" in build.page("posts/first-post")
    assert "<title>First post</title>" in (build.site / "feed.xml").read_text(encoding="utf-8")


def test_install_from_a_clone_brings_templates_and_assets(tmp_path: Path) -> None:
    clone = tmp_path / "papernotes"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    assert "pip install ./papernotes" in README
    target = tmp_path / "installed"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "./papernotes"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    package = target / "papernotes"
    assert (package / "templates" / "papernotes" / "fragments" / "references.html").is_file()
    assert (package / "assets" / "papernotes.css").is_file()
    assert list(target.glob("papernotes-*.dist-info/entry_points.txt"))[0].read_text().count("papernotes") >= 2
