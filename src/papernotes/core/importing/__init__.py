"""Draft posts from writing done elsewhere: notes files, running logs, roundups and newsletters.

`import_notes(text, fallback_title)` reads one file and returns the posts in it. It tells
the shapes apart by structure, never by a line inside code (fenced, or pasted without a
fence: a Python `# comment` is not a title):

- a page copied from a newsletter platform, with a numbered "References" or
  "Bibliography" list at the end: one post, `[n]` markers cited from that list;
- Markdown notes: each top-level `# heading` starts a post;
- a running log with a table of contents at the top: each listed title, where it
  reappears as a line of its own, starts a post;
- a dated piece ("February 15, 2024." in its opening lines): one post, its first line the
  title, title lines over notes becoming `##` sections (a roundup);
- a running log of plain title lines: a short line over notes, in a stretch with a link,
  starts a post;
- anything else: one post titled by the file's name.

A date in a post's opening lines is its date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..model.records import comma_list
from ..scaffold import find_arxiv_papers
from .dates import find_date, is_date_line
from ..sources.yamlsource import YamlSyntaxError, load_yaml
from .lines import Lines, clean, has_link, list_item, looks_like_title
from .plaintext import escape_text, notes_to_markdown, one_paragraph_per_line, page_to_markdown
from .references import ReferenceList, cite_markers, find_references

__all__ = ["ImportedPost", "import_notes"]

_HEADING = re.compile(r"^#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*$")
_ID_PREFIX = re.compile(r"^\[\d{4}\.\d{4,5}(?:v\d+)?\][ \t]+")  # `# [2305.10601] Tree of Thoughts`
_CONTENTS = re.compile(r"^\W*(?:table of contents|contents|in this (?:log|issue|file)|index)\W*$", re.IGNORECASE)
_OPENING = 3  # non-blank lines in which a date is the post's date
_FRONTMATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)


@dataclass
class ImportedPost:
    title: str
    body: str
    papers: list[tuple[str, str | None]] = field(default_factory=list)  # (arXiv id, title the text gives)
    date: dt.date | None = None
    bibliography: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # from the note's frontmatter


def import_notes(text: str, fallback_title: str) -> list[ImportedPost]:
    """The posts in one file; notes with neither text nor papers are left out.

    A note that starts with YAML frontmatter (Obsidian's, Jekyll's, Hugo's) gives its
    title (when the text has no heading), date and tags; the rest of it is not carried over.
    """
    meta, text = _frontmatter(clean(text))
    title = meta.get("title")
    if isinstance(title, (str, int, float)) and not isinstance(title, bool) and str(title).strip():
        fallback_title = " ".join(str(title).split())
    posts = _notes(text, fallback_title)
    date = meta.get("date")
    tags = meta.get("tags")
    tags = comma_list(tags) if isinstance(tags, str) else tags if isinstance(tags, list) else []
    for post in posts:
        if isinstance(date, dt.date):
            post.date = date.date() if isinstance(date, dt.datetime) else date
        post.tags = [" ".join(str(tag).split()) for tag in tags if isinstance(tag, (str, int, float)) and str(tag).strip()]
    return posts


def _frontmatter(text: str) -> tuple[dict, str]:
    """A note's YAML frontmatter as data, and the text after it; ({}, text) when it has none it can read."""
    match = _FRONTMATTER.match(text)
    if match is None:
        return {}, text
    try:
        data = load_yaml(match.group(1)).data
    except YamlSyntaxError:
        return {}, text
    return (data, text[match.end():]) if isinstance(data, dict) else ({}, text)


def _notes(text: str, fallback_title: str) -> list[ImportedPost]:
    lines = Lines.of(text)
    references = find_references(lines)
    if references is not None:
        return [_newsletter(lines, references, fallback_title)]
    titles = _markdown_headings(lines)
    skip: tuple[int, int] | None = None
    if not titles:
        contents = _table_of_contents(lines)
        if contents is not None:
            titles, skip = contents
        elif _dated_roundup(lines):
            return [_single(lines, fallback_title)]
        else:
            titles = _plain_titles(lines)
    if not titles:
        return _keep([_post(fallback_title, lines, 0, len(lines.lines), headings=False)])
    # A date alone on the line above a title ("2024-03-03", then the title) is that entry's.
    heads = [line - 1 if line and _date_only(lines, line - 1) else line for line, _ in titles]
    posts = []
    for number, (line, title) in enumerate(titles):
        end = heads[number + 1] if number + 1 < len(titles) else len(lines.lines)
        post = _post(title, lines, line + 1, end, headings=False)
        if heads[number] < line:
            post.date = find_date([lines.lines[heads[number]]])
        posts.append(post)
    # Text before the first title (the log's own heading, an intro) joins the first post.
    preamble = "\n".join(
        line for i, line in enumerate(lines.lines[: heads[0]]) if not (skip and skip[0] <= i < skip[1])
    )
    if preamble.strip():
        first = posts[0]
        first.body = "\n\n".join(part for part in (preamble.strip(), first.body) if part)
        first.papers = find_arxiv_papers(f"{lines.lines[titles[0][0]]}\n{first.body}")
    return _keep(posts)


def _keep(posts: list[ImportedPost]) -> list[ImportedPost]:
    return [post for post in posts if post.body or post.papers]


def _post(title: str, lines: Lines, start: int, end: int, *, headings: bool) -> ImportedPost:
    """The post of lines start..end; a date in its opening lines is its date, and a line that
    is only that date moves to the frontmatter."""
    date, parts = _dated(lines, start, end)
    body = "\n".join(filter(None, (notes_to_markdown(lines, a, b, headings=headings) for a, b in parts)))
    shown = _ID_PREFIX.sub("", title).strip() or title.strip()  # `[2305.10601] Title` names a paper
    return ImportedPost(shown, body, find_arxiv_papers(f"{title}\n{body}"), date)


def _dated(lines: Lines, start: int, end: int) -> tuple[dt.date | None, list[tuple[int, int]]]:
    """The date in the opening lines of start..end, and the ranges of lines to keep: all but a
    line that is only that date (it goes to the frontmatter)."""
    date = find_date(_opening(lines, start, end))
    only = next((i for i in _opening_lines(lines, start, end) if _date_only(lines, i)), None)
    return date, [(start, only), (only + 1, end)] if only is not None else [(start, end)]


def _opening_lines(lines: Lines, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if not lines.blank(i) and not lines.code[i]][:_OPENING]


def _opening(lines: Lines, start: int, end: int) -> list[str]:
    return [lines.lines[i] for i in _opening_lines(lines, start, end)]


def _first_text(lines: Lines) -> int:
    return next((i for i, line in enumerate(lines.lines) if line.strip()), 0)


def _single(lines: Lines, fallback_title: str) -> ImportedPost:
    """A dated roundup: its first line is the title when it reads like one."""
    first, title = _first_text(lines), _title_line(lines)
    if looks_like_title(lines.lines[title]) and not _date_only(lines, title):
        post = _post(lines.lines[title], lines, title + 1, len(lines.lines), headings=True)
        if first < title:  # the date above the title
            post.date = find_date([lines.lines[first]])
        return post
    return _post(fallback_title, lines, 0, len(lines.lines), headings=True)


def _newsletter(lines: Lines, references: ReferenceList, fallback_title: str) -> ImportedPost:
    first = _first_text(lines)
    titled = looks_like_title(lines.lines[first])
    date, ends = _dated(lines, first + 1 if titled else 0, references.start)
    ends.append((references.end, len(lines.lines)))  # the text after the list is kept
    if one_paragraph_per_line(lines, ends[0][0], references.start):
        inline = lambda text: cite_markers(text, references.keys, escape_text)  # noqa: E731
        body = "\n\n".join(page_to_markdown(lines, a, b, inline) for a, b in ends if b > a)
    else:  # notes with blank lines between blocks: Markdown as written
        body = "\n\n".join(cite_markers(notes_to_markdown(lines, a, b, headings=True), references.keys) for a, b in ends if b > a)
    cited = {record.get("arxiv") for record in references.records}
    title = lines.lines[first].strip() if titled else fallback_title
    papers = [paper for paper in find_arxiv_papers(body) if paper[0] not in cited]
    return ImportedPost(title, body.strip(), papers, date or find_date([lines.lines[first]]), references.records)


def _markdown_headings(lines: Lines) -> list[tuple[int, str]]:
    found = []
    for i, line in enumerate(lines.lines):
        match = _HEADING.match(line)
        if match and not lines.code[i]:
            found.append((i, match.group("title").strip()))
    return found


def _normal(line: str) -> str:
    text = list_item(line) or line
    return " ".join(text.strip().strip("#").strip().rstrip(":").split()).casefold()


def _blocks(lines: Lines, limit: int) -> list[tuple[int, int]]:
    """The first `limit` runs of non-blank lines, as (start, end)."""
    blocks: list[tuple[int, int]] = []
    i = 0
    while i < len(lines.lines) and len(blocks) < limit:
        if lines.blank(i) or lines.code[i]:
            i += 1
            continue
        start = i
        while i < len(lines.lines) and not lines.blank(i) and not lines.code[i]:
            i += 1
        blocks.append((start, i))
    return blocks


def _table_of_contents(lines: Lines) -> tuple[list[tuple[int, str]], tuple[int, int]] | None:
    """The titles a list near the top names, where each reappears as a line of its own; and
    the lines of that list (with its "Contents" heading, if any)."""
    blocks = _blocks(lines, 4)
    for number, (start, end) in enumerate(blocks):
        items_start = start + 1 if _CONTENTS.match(lines.lines[start]) else start
        if items_start == end and number + 1 < len(blocks):  # "Contents", a blank line, the list
            items_start, end = blocks[number + 1]
        items = [_normal(line) for line in lines.lines[items_start:end]]
        found: list[tuple[int, str]] = []
        for i in range(end, len(lines.lines)):
            if len(found) < len(items) and not lines.code[i] and _normal(lines.lines[i]) == items[len(found)]:
                found.append((i, lines.lines[i].strip().strip("#").strip()))
        if len(found) >= 2 and len(found) * 2 >= len(items):
            return found, (start, end)
    return None


def _date_only(lines: Lines, i: int) -> bool:
    return not lines.code[i] and is_date_line(lines.lines[i])


def _candidates(lines: Lines) -> list[int]:
    """Short lines with notes right under them (and a blank line, the start or a date above)."""
    n = len(lines.lines)
    return [
        i for i in range(n)
        if not lines.code[i] and looks_like_title(lines.lines[i]) and not is_date_line(lines.lines[i])
        and (i == 0 or lines.blank(i - 1) or _date_only(lines, i - 1)) and i + 1 < n and not lines.blank(i + 1)
    ]  # fmt: skip


def _dated_roundup(lines: Lines) -> bool:
    """A date in the opening block (under the title, or in it), and no link before the first
    section: the text opens with its own title and date (and maybe an intro), not with a log
    entry about a paper."""
    blocks = _blocks(lines, 1)
    if not blocks or not find_date(_opening(lines, *blocks[0])):
        return False
    later = [i for i in _candidates(lines) if i > _title_line(lines)]
    return not has_link(lines.text(blocks[0][0], later[0] if later else len(lines.lines)))


def _title_line(lines: Lines) -> int:
    """The first line of text that is not only a date: a dated piece's title, if it has one."""
    first = _first_text(lines)
    return first + 1 if _date_only(lines, first) and first + 1 < len(lines.lines) else first


def _plain_titles(lines: Lines) -> list[tuple[int, str]]:
    """Short lines over notes; a title opens a stretch of the log with a link in it."""
    n = len(lines.lines)
    candidates = _candidates(lines)
    accepted: list[int] = []
    for i in candidates:
        if not accepted or has_link(lines.text(accepted[-1], i)):
            accepted.append(i)
    # A title whose stretch has no link is a sub-heading of the entry before it.
    kept = [
        i for number, i in enumerate(accepted)
        if number == 0 or has_link(lines.text(i, accepted[number + 1] if number + 1 < len(accepted) else n))
    ]  # fmt: skip
    if not kept or not has_link(lines.text(kept[0], n)):
        return []
    return [(i, lines.lines[i].strip()) for i in kept]
