"""The stylesheets and scripts papernotes adds to every page, as files of the site."""

from __future__ import annotations

from importlib import resources
from typing import Any

from mkdocs.structure.files import File, Files

CSS = {"assets/papernotes/papernotes.css": "papernotes.css"}  # site address -> file under papernotes/assets
JS = {"assets/papernotes/papernotes.js": "papernotes.js"}


def link(config: Any) -> None:
    """Name them in the theme's extra_css and extra_javascript (once: serve configures again)."""
    for uri in CSS:
        if uri not in config.extra_css:
            config.extra_css.append(uri)
    scripts = [str(script) for script in config.extra_javascript]
    for uri in JS:
        if uri not in scripts:
            config.extra_javascript.append(uri)


def add(files: Files, config: Any) -> None:
    for uri, name in {**CSS, **JS}.items():
        files.append(File.generated(config, uri, content=asset(name)))


def asset(name: str) -> str:
    return resources.files("papernotes").joinpath("assets", name).read_text(encoding="utf-8")
