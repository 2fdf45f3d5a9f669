"""What every `papernotes` command reads first: the site's mkdocs.yml, through MkDocs itself, and its errors.

Kept apart from cli.py's commands; like them it never imports the MkDocs plugin class.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError
from mkdocs.structure.files import get_files

from papernotes.core.diagnostics import Diagnostic, Diagnostics
from papernotes.core.sources.library import Library
from papernotes.core.site import PostSource, SiteOptions
from papernotes.mkdocs_plugin.config import PapernotesConfig, site_options


class UsageError(Exception):
    """The command cannot run as asked (exit 2)."""


class Problem(Exception):
    """The command ran but will not do what was asked (exit 1)."""


@dataclasses.dataclass
class SiteConfig:
    mkdocs: Any  # MkDocsConfig
    options: SiteOptions

    def post_sources(self) -> list[PostSource]:
        """The site's post files, found as MkDocs finds pages (``exclude_docs`` applies)."""
        prefix = self.options.blog.posts_dir + "/"
        return [
            PostSource(file.src_uri, file.abs_src_path, file.content_bytes)
            for file in get_files(self.mkdocs).documentation_pages()
            if file.src_uri.startswith(prefix)
        ]

    def library(self) -> Library:
        # The library's own problems are `papernotes check`'s to report.
        return Library.load(self.options.library, self.options.project_dir, Diagnostics())

    def shown(self, path: Path) -> str:
        return os.path.relpath(path, self.options.project_dir)


def papernotes_plugin(config: Any) -> Any:
    """The papernotes plugin of a loaded mkdocs.yml, found by its options (this module never imports the plugin)."""
    return next((p for p in config.plugins.values() if isinstance(p.config, PapernotesConfig)), None)


def read_site(config_file: str) -> SiteConfig:
    if not os.path.isfile(config_file):
        raise UsageError(f"no {config_file} here: run papernotes in your site's folder, or pass -f path/to/mkdocs.yml")
    try:
        config = load_config(config_file=config_file)
    except (ConfigurationError, Abort) as exc:
        raise UsageError(f"cannot read {config_file}: {exc}") from None
    plugin = papernotes_plugin(config)
    if plugin is None:
        raise UsageError(f"{config_file} does not use papernotes: add '- papernotes' under 'plugins:'")
    # Drafts are checked too, as `mkdocs serve` shows them.
    return SiteConfig(config, site_options(plugin.config, config, drafts=True))


def format_problem(diagnostic: Diagnostic) -> str:
    """`file:line: level: message (hint)`, the form editors' problem matchers read."""
    return diagnostic.text(level=True)
