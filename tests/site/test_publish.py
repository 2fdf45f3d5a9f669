"""Publishing: `mkdocs gh-deploy` to a local bare repository, and the GitHub Actions workflow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ENV, ROOT, SiteMaker

pytestmark = pytest.mark.slow

GIT_ENV = {
    **ENV,
    "GIT_AUTHOR_NAME": "Test Writer", "GIT_AUTHOR_EMAIL": "writer@example.org",
    "GIT_COMMITTER_NAME": "Test Writer", "GIT_COMMITTER_EMAIL": "writer@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_gh_deploy_pushes_the_site_to_gh_pages(site_maker: SiteMaker, tmp_path: Path) -> None:
    site_maker.post("hello", "Hello readers", tags="[LLM]")
    site_maker.write("docs/CNAME", "notes.example.org\n")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "--quiet", str(remote))
    root = site_maker.root
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "First post")
    git(root, "remote", "add", "pages", str(remote))

    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--remote-name", "pages", "--remote-branch", "gh-pages"],
        cwd=root, env=GIT_ENV, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

    published = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split()
    for name in ("index.html", "feed.xml", ".nojekyll", "CNAME", "posts/hello-readers/index.html", "tags/llm/feed.xml"):
        assert name in published, published
    assert git(remote, "show", "gh-pages:CNAME").strip() == "notes.example.org"
    assert "Hello readers" in git(remote, "show", "gh-pages:feed.xml")
    # The writer's sources stay out of what is published, and their branch is untouched.
    assert not any(name.endswith(".md") for name in published)
    assert git(remote, "branch", "--list").split() == ["gh-pages"]


def test_publish_workflow_deploys_with_gh_deploy() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["deploy"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    runs = [s["run"] for s in steps if "run" in s]
    assert runs.index("pip install .") < runs.index("papernotes check") < runs.index("mkdocs gh-deploy --force")
    # papernotes' cache is kept between runs, restored before the build
    cache = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    assert steps[cache]["with"]["path"] == ".cache" and steps[cache]["with"]["restore-keys"]
    assert cache < next(i for i, s in enumerate(steps) if s.get("run") == "mkdocs gh-deploy --force")
    assert workflow["permissions"]["contents"] == "write"
