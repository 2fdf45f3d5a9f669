"""The writer's messages in MkDocs' log: each diagnostic once, as it is found."""

from __future__ import annotations

import logging

from mkdocs.exceptions import PluginError

from papernotes.core.diagnostics import Diagnostics

log = logging.getLogger("mkdocs.plugins.papernotes")


def report(diagnostics: Diagnostics, start: int, *, abort: bool) -> int:
    """Log the diagnostics from `start` on; on errors, stop the build when `abort`. How many are logged now."""
    for diagnostic in diagnostics.items[start:]:
        level = {"error": logging.ERROR, "info": logging.INFO}.get(diagnostic.level, logging.WARNING)
        log.log(level, f"papernotes: {diagnostic}")
    errors = diagnostics.errors
    if abort and errors:
        raise PluginError(
            f"papernotes found {len(errors)} error{'s' if len(errors) != 1 else ''} in your posts or library (listed above)"
        )
    return len(diagnostics)
