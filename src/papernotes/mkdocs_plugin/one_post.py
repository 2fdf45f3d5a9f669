"""One post converted as a build converts it, without building the site: for `papernotes email`.

MkDocs' own steps run up to the post's page (plugins' `on_config` and
`on_files`, then the page's Markdown events), so the post reads exactly as on
the site: same extensions, same citation numbers, same conversion cache.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import get_files

from papernotes.core.diagnostics import Diagnostic, Diagnostics
from papernotes.core.model.posts import read_post
from papernotes.core.views.newsletter import Issue

from .mkdocs_private import populate_page


class NotAPost(Exception):
    """The file is not a post the site publishes (or the site cannot be read); the message says why."""

    def __init__(self, message: str, problems: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def post_issue(config: Any, plugin: Any, path: str) -> tuple[Issue, list[Diagnostic]]:
    """The `Issue` of the post at `path` (as given on the command line), and the problems met reading the site and converting it."""
    if not config.site_url:
        raise NotAPost("set site_url in mkdocs.yml: the e-mail edition links to your site with absolute URLs")
    src_uri = os.path.relpath(os.path.abspath(path), os.path.abspath(config.docs_dir)).replace(os.sep, "/")
    posts_dir = plugin.config.posts_dir.strip("/") + "/"
    if not os.path.isfile(path):
        raise NotAPost(f"no file {path}")
    if not src_uri.startswith(posts_dir):
        raise NotAPost(f"{path} is not a post: posts live under {os.path.join(config.docs_dir, posts_dir)}")
    plugin.config["parallel"] = False  # one post: no helper process
    # The command prints every problem itself, once and as `papernotes check` does: the plugin's log stays quiet.
    plugin_log = logging.getLogger("mkdocs.plugins.papernotes")
    plugin_log.disabled = True
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            config = config.plugins.on_config(config)
            files = config.plugins.on_files(get_files(config), config=config)
        except (PluginError, Abort) as exc:
            errors = len(plugin.diagnostics.errors)
            said = f"no e-mail edition written: fix the {'error' if errors == 1 else f'{errors} errors'} above" if errors else str(exc).removeprefix("papernotes: ")
            raise NotAPost(said, list(plugin.diagnostics)) from None
        entry = plugin.entry_for(src_uri)
        if entry is None:
            with open(path, "rb") as handle:
                post = read_post(handle.read(), path, src_uri, Diagnostics())
            if post is not None and post.draft:
                # Its "View on the web" and citation links would lead to a page not published yet.
                raise NotAPost(
                    f"{path} is a draft: preview its edition with mkdocs serve (newsletter email: true) at its page's "
                    "address + email.html, and send it once the post is published (draft: true removed)"
                )
            raise NotAPost(f"{path} is not published (papernotes check tells why)", list(plugin.diagnostics))
        populate_page(files.get_file_from_path(src_uri).page, config, files)
        return plugin.newsletter.issue(entry, config), list(plugin.diagnostics)
    finally:
        plugin_log.disabled = False
