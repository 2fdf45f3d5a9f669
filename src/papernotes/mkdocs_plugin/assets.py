"""papernotes' stylesheets and scripts (papernotes/site_assets.py) as files of a MkDocs site, named in its theme."""

from __future__ import annotations

from typing import Any, Sequence

from mkdocs.structure.files import File, Files

from papernotes import site_assets

ALWAYS = (*site_assets.PAGES, *site_assets.NEWSLETTER)


def link(config: Any, names: Sequence[str] = ALWAYS) -> None:
    """Name them in the theme's extra_css and extra_javascript (once: serve configures again)."""
    for style in site_assets.styles(names):
        if style not in config.extra_css:
            config.extra_css.append(style)
    linked = [str(script) for script in config.extra_javascript]
    for script in site_assets.scripts(names):
        if script not in linked:
            config.extra_javascript.append(script)


def add(files: Files, config: Any, names: Sequence[str] = ALWAYS) -> None:
    for name in names:
        files.append(File.generated(config, site_assets.uri(name), content=site_assets.read(name)))
