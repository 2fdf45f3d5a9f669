"""The ``papernotes`` command: start a post, check a site, turn notes into drafts, print the schema.

Like the MkDocs plugin it is an adapter: mkdocs.yml is read through MkDocs
itself (so ``!!python/name`` tags, ``INHERIT`` and defaults work as in a
build) and the work is done by the same core functions the build calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from email.utils import getaddresses, parseaddr
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Sequence

from markdown import Markdown
from mkdocs.structure.files import get_files

from papernotes.core.citations import CitationExtension
from papernotes.core.diagnostics import Diagnostic, Diagnostics, did_you_mean
from papernotes.core.model.posts import decode_source, title_slug
from papernotes.core.views.sanitize import xml_text
from papernotes.core.importing import import_notes
from papernotes.core.scaffold import PaperRef, find_paper, post_text
from papernotes.core.model.schema import schema_json
from papernotes.core.addresses import check_addresses
from papernotes.core.site import PostSource, check_citations, load_site, note_untitled_papers, read_authors
from papernotes import engines
from papernotes.engines.check import check_engines

from papernotes.cli_site import Problem, SiteConfig, UsageError, format_problem, papernotes_plugin, read_site

OK, PROBLEMS, USAGE = 0, 1, 2

NOTE_SUFFIXES = (".md", ".markdown", ".txt")

DESCRIPTION = """\
Tools for writing a papernotes newsletter. Run them in the folder of your
site's mkdocs.yml, or point at it with -f.

exit codes:
  0  done, nothing wrong
  1  problems found (or a file was not written because it exists)
  2  the command could not run: wrong arguments, or no usable mkdocs.yml
"""

EPILOG = """\
examples:
  papernotes new "StreamingLLM and attention sinks" --paper 2309.17453 --tag LLM
  papernotes check
  papernotes check --strict -f site/mkdocs.yml
  papernotes import ~/Notes/reading.md --tag Inbox
  papernotes schema > post-frontmatter.schema.json
  papernotes email docs/posts/my-post.md --eml

Run 'papernotes COMMAND --help' for a command's options.
"""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- check --------------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    site_config = read_site(args.config_file)
    config = site_config.mkdocs
    diagnostics = Diagnostics()
    sources = site_config.post_sources()
    site = load_site(sources, site_config.options, diagnostics)
    note_untitled_papers(site, diagnostics)  # where the build notes them too
    check_addresses(site, get_files(config), config, site_config.options, diagnostics)
    # The site's own Markdown set-up, so code and raw HTML are skipped exactly as in the build.
    citations = CitationExtension()
    md = Markdown(extensions=[*config.markdown_extensions, citations], extension_configs=config.mdx_configs)
    check_citations(site, md, citations, diagnostics)
    check_engines(args.config_file, site_config.shown(Path(args.config_file).resolve()), diagnostics)

    for diagnostic in diagnostics:
        print(format_problem(diagnostic))
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    checked = f"{_plural(len(sources), 'post')} and {_plural(len(site.library.files), 'library file')}"
    if not errors and not warnings:  # notes ("info") are for the writer, never problems
        print(f"Checked {checked}: no problems found.")
        return OK
    print(f"Checked {checked}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    return PROBLEMS if errors or (warnings and args.strict) else OK


# -- new and import -----------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def _unique(papers: Sequence[PaperRef]) -> list[PaperRef]:
    kept: list[PaperRef] = []
    for paper in papers:
        if paper not in kept:
            kept.append(paper)
    return kept


def _problems_in(site_config: SiteConfig, new: dict[Path, str]) -> dict[Path, list[Diagnostic]]:
    """What a build would say about posts not yet written.

    Those going into the posts folder are read with every existing post; those
    written elsewhere (`import --out`) are read together, without them: no part
    of the site until moved in, they take no address from a post there, but
    two of them with the same address would clash once moved.
    """
    options = site_config.options
    posts = Path(options.docs_dir, options.blog.posts_dir).resolve()
    inside = {path: text for path, text in new.items() if posts in path.resolve().parents}
    groups = [(site_config.post_sources(), inside), ([], {path: text for path, text in new.items() if path not in inside})]
    found: dict[Path, list[Diagnostic]] = {}
    for sources, drafts in groups:
        if not drafts:
            continue
        for path, text in drafts.items():
            src_uri = Path(os.path.relpath(path, options.docs_dir)).as_posix()
            sources.append(PostSource(src_uri, str(path), text.encode("utf-8")))
        diagnostics = Diagnostics()
        load_site(sources, options, diagnostics, remember=False)
        found.update({path: diagnostics.for_file(site_config.shown(path)) for path in drafts})
    return {path: found[path] for path in new}


def _write(site_config: SiteConfig, new: dict[Path, str]) -> int:
    """Write each post that would build cleanly; never over an existing file."""
    status = OK
    for path, problems in _problems_in(site_config, new).items():
        if problems:
            for problem in problems:
                print(format_problem(problem), file=sys.stderr)
            print(f"papernotes: {site_config.shown(path)} was not written", file=sys.stderr)
            status = PROBLEMS
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:  # "x": fails rather than overwrite
                handle.write(new[path])
        except FileExistsError:
            print(f"papernotes: {site_config.shown(path)} already exists; it was left as it is", file=sys.stderr)
            status = PROBLEMS
            continue
        except OSError as exc:
            print(f"papernotes: cannot write {site_config.shown(path)}: {exc.strerror}", file=sys.stderr)
            status = PROBLEMS
            continue
        print(site_config.shown(path))
    return status


def run_new(args: argparse.Namespace) -> int:
    site_config = read_site(args.config_file)
    library = site_config.library()
    papers = []
    for value in args.paper:
        paper = find_paper(value, library)
        if paper is None:
            hint = did_you_mean(value, [record.id for record in library if record.id])
            raise Problem(
                f"--paper {value}: not an arXiv id, nor a key of the library"
                + (f" ({hint})" if hint else " (add the paper to a library file, or give its arXiv id)")
            )
        papers.append(paper)
    options = site_config.options
    if args.author:
        # Said of the option typed, not of a line in a post that is not written.
        authors_file = site_config.shown(Path(options.docs_dir, options.authors_file))
        unreadable = Diagnostics()
        known = read_authors(os.path.join(options.docs_dir, options.authors_file), authors_file, unreadable)
        if unreadable.has_errors:
            for problem in unreadable.errors:
                print(format_problem(problem), file=sys.stderr)
            raise Problem(f"--author cannot be checked: fix {authors_file} first")
        for author in args.author:
            if author not in known:
                hint = did_you_mean(author, known) or f"add '{author}' to {authors_file}: an id, then its name"
                raise Problem(f"--author {author}: not an author of the site ({hint})")
    # A title pasted from a terminal: its colour codes go before the file is named, as the build drops them.
    args.title = xml_text(args.title)
    slug = args.slug or title_slug(args.title)
    path = Path(site_config.options.docs_dir, site_config.options.blog.posts_dir, f"{args.date.isoformat()}-{slug}.md")
    if path.exists():
        raise Problem(f"{site_config.shown(path)} already exists; pick another title or --slug, or edit that file")
    text = post_text(
        args.title, args.date, tags=args.tag, authors=args.author, papers=_unique(papers),
        draft=args.draft, slug=args.slug,
    )
    return _write(site_config, {path: text})


def _note_files(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name).expanduser()
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {name}")
    return files


def run_import(args: argparse.Namespace) -> int:
    site_config = read_site(args.config_file)
    options = site_config.options
    library = site_config.library()
    out = Path(args.out) if args.out else Path(options.docs_dir, options.blog.posts_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out names the folder the drafts go in; {args.out} is a file")
    new: dict[Path, str] = {}
    status = OK
    for file in _note_files(args.notes):
        unreadable = Diagnostics()
        try:
            text = decode_source(file.read_bytes(), str(file), unreadable)
        except OSError as exc:
            unreadable.error(str(file), None, f"cannot read the file: {exc.strerror}")
            text = None
        if text is None:
            for problem in unreadable.items:
                print(format_problem(problem), file=sys.stderr)
            status = PROBLEMS
            continue
        words = " ".join(file.stem.replace("_", " ").replace("-", " ").split()) or "Notes"
        fallback = words[0].upper() + words[1:]  # `reading-list.md` -> "Reading list"
        for note in import_notes(text, fallback):
            papers = [find_paper(arxiv, library, title) for arxiv, title in note.papers]
            date = args.date or note.date or dt.date.today()  # --date, else the date the text gives
            path = (out / f"{date.isoformat()}-{title_slug(note.title)}.md").resolve()
            if path.exists() or path in new:
                print(
                    f"papernotes: {site_config.shown(path)} already exists; the note '{note.title}' "
                    f"from {file} was not imported", file=sys.stderr,
                )
                status = PROBLEMS
                continue
            new[path] = post_text(
                note.title, date, tags=list(dict.fromkeys([*(args.tag or []), *note.tags])), papers=_unique([p for p in papers if p]),
                draft=True, body=note.body, bibliography=note.bibliography,
            )
    return max(status, _write(site_config, new))


# -- build and serve ----------------------------------------------------------------


def _site_and_plugin(config_file: str) -> tuple[SiteConfig, Any]:
    site_config = read_site(config_file)
    return site_config, papernotes_plugin(site_config.mkdocs)


def _report(diagnostic: Diagnostic) -> None:
    print(format_problem(diagnostic), file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    try:
        if args.engine == "zensical":
            return engines.zensical_build(
                lambda: _site_and_plugin(args.config_file), _report, strict=args.strict, site_dir=args.site_dir,
            )
        read_site(args.config_file)  # the same messages as the other commands for a missing or broken mkdocs.yml
        flags = [*(["--strict"] if args.strict else []), *(["--site-dir", args.site_dir] if args.site_dir else [])]
        return engines.mkdocs_like(args.engine, "build", args.config_file, flags)
    except engines.EngineMissing as exc:
        raise UsageError(str(exc)) from None


def run_serve(args: argparse.Namespace) -> int:
    try:
        if args.engine == "zensical":
            return engines.zensical_serve(lambda: _site_and_plugin(args.config_file), _report, dev_addr=args.dev_addr)
        read_site(args.config_file)
        return engines.mkdocs_like(args.engine, "serve", args.config_file, ["--dev-addr", args.dev_addr] if args.dev_addr else [])
    except engines.EngineMissing as exc:
        raise UsageError(str(exc)) from None


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=engines.ENGINES, default="mkdocs",
        help="what builds the site: mkdocs (default), properdocs, or zensical (see the guide's Engines page)",
    )


def run_schema(args: argparse.Namespace) -> int:
    print(schema_json(), end="")
    return OK


# -- email --------------------------------------------------------------------------


def run_email(args: argparse.Namespace) -> int:
    from papernotes.core.views.edition import GMAIL_CLIP, clipped, email_html, email_message, email_text
    from papernotes.mkdocs_plugin.one_post import NotAPost, post_issue

    if args.sender and (len(getaddresses([args.sender])) != 1 or "@" not in parseaddr(args.sender)[1] or "\n" in args.sender or "\r" in args.sender):
        raise UsageError(f"--from takes one e-mail address, like 'Ada <ada@example.org>'; got {args.sender!r}")
    site_config = read_site(args.config_file)
    plugin = papernotes_plugin(site_config.mkdocs)
    # The post's own problems, and whatever stops it; the rest of the site's are `papernotes check`'s to list.
    shown = site_config.shown(Path(os.path.abspath(args.post)))  # as the build names it: through symlinks, not past them

    def said(problems: list[Diagnostic]) -> list[Diagnostic]:
        problems = [d for d in problems if d.file == shown or d.level == "error"]
        for diagnostic in problems:
            print(format_problem(diagnostic), file=sys.stderr)
        return problems

    try:
        issue, problems = post_issue(site_config.mkdocs, plugin, args.post)
    except NotAPost as exc:
        said(exc.problems)
        raise Problem(str(exc)) from None
    problems = said(problems)
    html = email_html(issue)
    if clipped(html):
        print(f"papernotes: warning: the HTML edition is {len(html.encode()) // 1024} KB; Gmail clips messages over "
              f"{GMAIL_CLIP // 1024} KB behind a 'View entire message' link. Shorten the post or send the web link.", file=sys.stderr)
    if args.eml:
        content, suffix = email_message(issue, sender=args.sender).as_bytes(), ".eml"
    elif args.text:
        content, suffix = email_text(issue).encode("utf-8"), ".txt"
    else:
        content, suffix = html.encode("utf-8"), ".html"
    if args.output == "-":
        sys.stdout.buffer.write(content)
    else:
        out = Path(args.output or Path(args.post).stem + ".email" + suffix)
        if out.is_dir():
            raise Problem(f"cannot write {out}: it is a folder; name a file in it, like {out / (Path(args.post).stem + '.email' + suffix)}")
        if out.exists() and out.resolve() == Path(args.post).resolve():
            raise Problem(f"{out} is the post itself; it was left as it is: write the edition to another file")
        try:
            with open(out, "wb" if args.force else "xb") as handle:  # "x": fails rather than overwrite
                handle.write(content)
        except FileExistsError:
            raise Problem(f"{out} already exists; it was left as it is (add --force to replace it)") from None
        except OSError as exc:
            raise Problem(f"cannot write {out}: {exc.strerror}") from None
        print(f"wrote {out} ({len(content) // 1024 or 1} KB)", file=sys.stderr)
    return PROBLEMS if any(d.level == "error" for d in problems) else OK


# -- the parser ---------------------------------------------------------------------


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f", "--config-file", default="mkdocs.yml", metavar="FILE",
        help="the site's MkDocs configuration (default: mkdocs.yml)",
    )


def _command(commands: Any, name: str, run: Callable[[argparse.Namespace], int], **texts: str) -> argparse.ArgumentParser:
    """A subcommand that runs `run`, its description and examples laid out as written."""
    command = commands.add_parser(name, formatter_class=argparse.RawDescriptionHelpFormatter, **texts)
    command.set_defaults(run=run)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papernotes", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"papernotes {version('papernotes')}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    new = _command(
        commands, "new", run_new, help="start a post: frontmatter filled from the library, a section per paper",
        description="Write docs/posts/DATE-SLUG.md with frontmatter and an outline, and print its path.\n"
        "Papers the library knows are written as their keys; other arXiv ids as 'arxiv:' entries.\n"
        "An existing file is never overwritten.",
        epilog="examples:\n"
        '  papernotes new "StreamingLLM and attention sinks" --paper 2309.17453 --tag LLM\n'
        '  papernotes new "Weekly stack #5" --paper xiao2023streaming --paper 2402.08268 \\\n'
        "      --tag LLM --tag 'Long Context' --author mara --draft\n",
    )
    new.add_argument("title", help="the post's title")
    new.add_argument("--paper", action="append", default=[], metavar="ID", help="an arXiv id or a library key (repeatable)")
    new.add_argument("--tag", action="append", default=[], metavar="TOPIC", help="a topic (repeatable)")
    new.add_argument("--author", action="append", default=[], metavar="ID", help="an author id from authors.yml (repeatable)")
    new.add_argument("--date", type=_date, default=dt.date.today(), help="YYYY-MM-DD (default: today)")
    new.add_argument("--slug", help="the end of the post's URL (default: from the title)")
    new.add_argument("--draft", action="store_true", help="mark it a draft: shown by mkdocs serve, left out of builds")

    check = _command(
        commands, "check", run_check, help="validate every post and library file, without building",
        description="Report what `mkdocs build` would report about posts, authors and library files,\n"
        "with the same messages, one per line as FILE:LINE: LEVEL: MESSAGE (HINT).\n"
        "Drafts are checked too. Errors exit 1; warnings only with --strict.",
        epilog="examples:\n  papernotes check\n  papernotes check --strict -f site/mkdocs.yml\n",
    )
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too, like mkdocs build --strict")

    notes = _command(
        commands, "import", run_import, help="turn plain notes with arXiv links into draft posts",
        description="Each top-level '# heading' of a note starts a draft post titled by it (text before\n"
        "the first heading joins it). Without headings, a running log's entries are found by their\n"
        "title lines (a table of contents at the top, or short lines over notes with links; never\n"
        "a line inside code); a dated roundup is one post; a newsletter page with a numbered\n"
        "'References' or 'Bibliography' list becomes one post citing it, [n] as [@key].\n"
        "A date in the opening lines ('February 15, 2024.') dates the post; else --date, else today.\n"
        "arXiv links (abs, pdf, html), '[2305.10601] Title' lines and 'arXiv:2305.10601' fill 'papers'.\n"
        "The notes are only read; existing posts are never overwritten.",
        epilog="examples:\n  papernotes import ~/Notes/reading.md\n  papernotes import exported-notes/ --out docs/posts/inbox --tag Inbox\n",
    )
    notes.add_argument("notes", nargs="+", metavar="NOTES", help=f"note files, or folders of them ({', '.join(NOTE_SUFFIXES)})")
    notes.add_argument("--out", metavar="DIR", help="where the drafts go (default: the posts folder)")
    notes.add_argument("--tag", action="append", default=[], metavar="TOPIC", help="a topic for every draft (repeatable)")
    notes.add_argument(
        "--date", type=_date, default=None,
        help="the drafts' date, YYYY-MM-DD (default: the date the text gives, else today)",
    )

    email = _command(
        commands, "email", run_email, help="write a post's e-mail edition (HTML, plain text, or a .eml message)",
        description="Write the e-mail edition of a post: one HTML file with every style inline, a 600-px\n"
        "column, absolute links to your site_url. --text writes the plain-text edition, --eml a\n"
        "multipart message with both and the post's title as subject, to import into a mail tool.",
        epilog="examples:\n  papernotes email docs/posts/2024-06-21-the-state-of-state.md\n"
        "  papernotes email docs/posts/2024-06-21-the-state-of-state.md --eml -o issue-12.eml\n",
    )
    email.add_argument("post", metavar="POST.md", help="the post's Markdown file")
    kind = email.add_mutually_exclusive_group()
    kind.add_argument("--text", action="store_true", help="the plain-text edition")
    kind.add_argument("--eml", action="store_true", help="a multipart/alternative message (text and HTML)")
    email.add_argument("-o", "--output", metavar="FILE", help="where to write ('-' for standard output; default: POST.email.html, .txt or .eml here)")
    email.add_argument("--force", action="store_true", help="replace FILE if it exists (an edition written before)")
    email.add_argument("--from", dest="sender", metavar="ADDRESS", help="the From: of the .eml message")

    build = _command(
        commands, "build", run_build, help="build the site with MkDocs, ProperDocs or Zensical",
        description="Build the site from mkdocs.yml with the engine chosen. MkDocs and ProperDocs run the\n"
        "papernotes plugin; for Zensical, papernotes makes its pages first and prints what Zensical\n"
        "cannot do. Drafts are left out.",
        epilog="examples:\n  papernotes build\n  papernotes build --engine zensical\n  papernotes build --engine properdocs --strict\n",
    )
    _engine_option(build)
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("-d", "--site-dir", metavar="DIR", help="where the site is written (default: site_dir of mkdocs.yml)")

    serve = _command(
        commands, "serve", run_serve, help="preview the site, drafts included, rebuilt as you save",
        description="Serve the site with the engine chosen, drafts shown. Under Zensical, papernotes\n"
        "makes its pages again whenever a post, a library file or mkdocs.yml changes.",
        epilog="examples:\n  papernotes serve\n  papernotes serve --engine zensical -a 127.0.0.1:8001\n",
    )
    _engine_option(serve)
    serve.add_argument("-a", "--dev-addr", metavar="IP:PORT", help="where to serve (default: 127.0.0.1:8000)")

    for command in (new, check, notes, email, build, serve):
        _config_option(command)  # last, so that help lists it after each command's own options

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of post frontmatter, for editors",
        description="Print the JSON Schema of a post's frontmatter (see the writer's guide for editor set-up).",
    )
    schema.set_defaults(run=run_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"papernotes: {exc}", file=sys.stderr)
        return USAGE
    except Problem as exc:
        print(f"papernotes: {exc}", file=sys.stderr)
        return PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
