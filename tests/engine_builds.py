"""The demo built by `papernotes build --engine ...` on MkDocs, ProperDocs and Zensical, once per test session.

Each engine builds its own copy of the demo project, so that what one
engine leaves behind (a cache, a staging folder) cannot reach another's
build, and so that the tests can check nothing of the writer's was touched.
Import the fixture into a test module to use it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ENV, ROOT, Build

DEMO_PARTS = ("docs", "library", "overrides", "mkdocs.yml")


def copy_demo(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in DEMO_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    return dest


def writer_files(project: Path) -> dict[str, str]:
    """A digest of every file of the writer's (not the output, not caches)."""
    return {
        str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.rglob("*"))
        if p.is_file() and p.relative_to(project).parts[0] not in ("site", ".cache")
    }


def papernotes(project: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papernotes.cli", *args, "-f", str(project / "mkdocs.yml")],
        cwd=project, env=ENV, capture_output=True, text=True, timeout=timeout,
    )


@dataclass
class EngineBuild(Build):
    project: Path
    before: dict[str, str]  # the writer's files before the build


def build_demo(root: Path, engine: str) -> EngineBuild:
    project = copy_demo(root / engine)
    before = writer_files(project)
    proc = papernotes(project, "build", "--engine", engine, "--strict")
    return EngineBuild(proc.returncode, proc.stdout + proc.stderr, project / "site", project, before)


@pytest.fixture(scope="session")
def demo_on(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EngineBuild]:
    root = tmp_path_factory.mktemp("engines")
    return {engine: build_demo(root, engine) for engine in ("mkdocs", "properdocs", "zensical")}
