"""`papernotes check`: is this site built by an engine that will skip the papernotes plugin?

Zensical reads mkdocs.yml but silently ignores third-party plugins, so a
site whose publish workflow runs `zensical build` loses its citations,
references, cards and generated pages without a word. `papernotes build
--engine zensical` is the way to build it with Zensical.
"""

from __future__ import annotations

import glob
import os
import re

from papernotes.core.diagnostics import Diagnostics

# `zensical build` or `zensical serve` run directly, not through papernotes.
_ZENSICAL_RUN = re.compile(r"(?<!--engine )(?<!--engine=)\bzensical\s+(build|serve|gh-deploy)\b")
_PLUGIN_LINE = re.compile(r"^\s*-\s*['\"]?papernotes['\"]?\s*:?\s*(#.*)?$")


def _plugin_line(config_file: str) -> int | None:
    try:
        with open(config_file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if _PLUGIN_LINE.match(line):
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _workflows(folder: str) -> list[str]:
    """The GitHub workflows of the repository holding `folder`: beside mkdocs.yml, or up to the repository's root."""
    found: list[str] = []
    while True:
        found += sorted(glob.glob(os.path.join(folder, ".github", "workflows", "*.y*ml")))
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return found
        folder = parent


def check_engines(config_file: str, shown: str, diagnostics: Diagnostics) -> None:
    """Warn when a `zensical.toml` sits beside mkdocs.yml or a workflow runs Zensical directly."""
    folder = os.path.dirname(os.path.abspath(config_file))
    line = _plugin_line(config_file)
    fix = "build with `papernotes build --engine zensical`, which makes them before Zensical runs"
    if os.path.isfile(os.path.join(folder, "zensical.toml")):
        diagnostics.warning(
            shown, line, "zensical.toml beside mkdocs.yml: Zensical reads it first and ignores the papernotes plugin, "
            "so citations, references, takeaways, paper cards, paper and topic pages and feeds are lost", fix,
        )
    for workflow in _workflows(folder):
        try:
            with open(workflow, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        for number, row in enumerate(text.splitlines(), 1):
            if _ZENSICAL_RUN.search(row):
                where = os.path.relpath(workflow, os.path.dirname(os.path.abspath(config_file)))
                diagnostics.warning(
                    shown, line, f"{where}:{number} builds the site with Zensical, which ignores the papernotes plugin: "
                    "citations, references, takeaways, paper cards, paper and topic pages and feeds are lost", fix,
                )
