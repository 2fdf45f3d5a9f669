"""The records a post's frontmatter names (`papers:`, `bibliography:`), validated item by item."""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostics
from .fieldproblems import field_hint
from .records import normalize_arxiv, parse_record
from ..sources.yamlsource import LoadedYaml, source_text


def frontmatter_records(
    items: Any, name: str, loaded: LoadedYaml, path: str, diagnostics: Diagnostics, fields: Mapping[str, Any], *, allow_files: bool
) -> tuple[list[tuple[Any, int | None]], bool]:
    """Validate `papers` or `bibliography` item by item, so each message has its own line.

    `fields` are the frontmatter model's, for the hints; with `allow_files`, a `.bib` path is kept as it is.
    """
    if items is None:
        return [], True
    if not isinstance(items, list):
        diagnostics.error(path, loaded.line_of((name,)), f"'{name}' must be a list", "write one item per line: '  - ...'")
        return [], False
    out: list[tuple[Any, int | None]] = []
    ok = True
    for index, item in enumerate(items):
        line = loaded.line_of((name, index))
        if isinstance(item, str) and allow_files and item.strip().lower().endswith(".bib"):
            out.append((item.strip(), line))
            continue
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            item = _shorthand(source_text(item).strip())
        record, problems = parse_record(item)
        for problem in problems:
            ok = False
            diagnostics.error(
                path, loaded.line_of((name, index, *problem.path), line), f"{name}[{index + 1}]: {problem.message}",
                field_hint((name, *problem.path), fields),
            )
        if record is not None:
            if not (record.id or record.arxiv or record.doi):
                ok = False
                diagnostics.error(
                    path, line, f"{name}[{index + 1}] has no id, arxiv or doi, so nothing can cite or find it",
                    "add 'id: somekey2024' or 'arxiv: 2309.17453'",
                )
                continue
            out.append((record, line))
    return out, ok


def _shorthand(text: str) -> dict[str, str]:
    """`- 2309.17453` or `- arXiv:2309.17453` means that arXiv paper; any other string is a key."""
    try:
        return {"arxiv": normalize_arxiv(text)}
    except ValueError:
        return {"id": text}
