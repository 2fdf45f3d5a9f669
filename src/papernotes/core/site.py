"""A whole site's input, read once: authors, the library, and every post.

`load_site` is what both `mkdocs build` (through the plugin's ``on_files``)
and ``papernotes check`` run, so the two report the same problems with the
same messages. `check_citations` adds what only a conversion finds: unknown
citation keys, found by converting posts with the site's own Markdown
set-up, so that code spans and blocks are skipped exactly as in the build.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence
from urllib.parse import unquote

from markdown import Markdown

from .views.article import compose_source
from .model.authors import Author, load_authors
from .blog import Blog, BlogOptions, PostEntry
from .citations import CitationExtension, CitationSession, Resolver, cited_keys, group_lines
from .diagnostics import Diagnostics
from .sources.library import Library, load_file
from .papers import PaperIndex
from .model.posts import ParsedPosts, Post
from .model.records import Record
from .model.topics import TopicIndex, same_topic_name, topic_slug


@dataclass(frozen=True)
class SiteOptions:
    """Where a site's files are, and the plugin options that shape what is read."""

    project_dir: str  # the folder of mkdocs.yml: messages name files relative to it
    docs_dir: str
    blog: BlogOptions = field(default_factory=BlogOptions)
    authors_file: str = "authors.yml"  # relative to docs_dir
    library: Sequence[str] = ()
    topic_aliases: Mapping[str, str] = field(default_factory=dict)
    drafts: bool = False  # include drafts, as `mkdocs serve` does
    cache_dir: str | None = None  # where parsed library files are kept between builds (None: nowhere)
    bib_outside_site: bool = False  # may a post's bibliography name .bib files outside project_dir
    feed_files: tuple[str, ...] = ("feed.xml",)  # the feeds written in the root and in each topic's folder
    image: str | None = None  # the site's link-preview image (newsletter.image), checked as posts' own are
    config_file: str = "mkdocs.yml"  # its name in messages about options, relative to project_dir

    def never_published(self, src_uri: str, path: str | None) -> bool:
        """Is this file of docs/ (not a page) one that stays out of the site: a source papernotes reads, or an editor's leftover?"""
        return self.is_source(src_uri, path) or _EDITOR_LEFTOVER.search(src_uri) is not None

    def is_source(self, src_uri: str, path: str | None) -> bool:
        """Is this file of docs/ one papernotes reads (authors, .bib, library files), so never published?"""
        if src_uri in (self.authors_file, ".authors.yml") or src_uri.endswith(".bib"):
            return True
        library = {os.path.abspath(os.path.join(self.project_dir, name.removesuffix("?"))) for name in self.library}
        return path is not None and os.path.abspath(path) in library


# What editors leave beside a file they write: backups (`post.md~`, `post.md.bak`, `.orig`), Emacs'
# autosaves (`#post.md#`), Vim's swap files. Copied into the site, a backup of a draft publishes the draft.
_EDITOR_LEFTOVER = re.compile(r"(?:~|\.bak|\.orig|\.sw[a-p])$|(?:^|/)#[^/]*#$")


@dataclass(frozen=True)
class PostSource:
    """One post file: its address under docs/, its path on disk (None if generated), its bytes."""

    src_uri: str
    path: str | None
    content: bytes


@dataclass
class Site:
    blog: Blog
    library: Library
    papers: PaperIndex
    entries: dict[str, PostEntry] = field(default_factory=dict)  # src_uri -> placed post
    broken: dict[str, str] = field(default_factory=dict)  # src_uri -> file as named in messages


def load_site(sources: Iterable[PostSource], options: SiteOptions, diagnostics: Diagnostics, *, remember: bool = True) -> Site:
    """Read and validate every post against the authors and the library, and place it in the blog.

    A post that cannot be read is listed in `Site.broken`; a draft (unless
    `options.drafts`) or a post whose URL is taken is left out. The posts as
    read are kept in the cache folder for the next build, unless `remember`
    is False (a trial read, with posts not written yet).
    """
    topics = TopicIndex(options.topic_aliases)
    authors_path = os.path.join(options.docs_dir, options.authors_file)
    errors = len(diagnostics.errors)
    blog = Blog(options.blog, read_authors(authors_path, _shown(authors_path, options), diagnostics), topics)
    blog.authors_file = options.authors_file
    # Said once, at the file: no post is told to add an author the file may well hold.
    blog.authors_unreadable = len(diagnostics.errors) > errors
    library = Library.load(options.library, options.project_dir, diagnostics, options.cache_dir)
    papers = PaperIndex(library, topics, options.blog.papers_dir, options.blog.directory_urls)
    site = Site(blog, library, papers)
    if options.image:
        check_image(options.image, "newsletter.image", options.config_file, None, options, diagnostics)
    parsed = ParsedPosts(options.cache_dir)
    for source in sources:
        shown = _shown(source.path, options) if source.path else source.src_uri
        post = parsed.read(source.content, shown, source.src_uri, diagnostics)
        if post is None:
            site.broken[source.src_uri] = shown
            continue
        if post.draft and not options.drafts:
            continue
        if post.meta.image:
            check_image(post.meta.image, "image", post.path, post.line_of("image"), options, diagnostics)
        if source.path:
            load_post_bibtex(post, source.path, diagnostics, None if options.bib_outside_site else options.project_dir)
        entry = blog.add(post, diagnostics)
        if entry is None:
            continue
        post.papers = papers.resolve_post_papers(entry, diagnostics)
        papers.note_citations(entry)
        site.entries[source.src_uri] = entry
        _note_merged_topics(post, topics, diagnostics)
    blog.finalize()
    papers.finalize()
    if remember:
        parsed.save()
    return site


def _note_merged_topics(post: Post, topics: TopicIndex, diagnostics: Diagnostics) -> None:
    """A warning for each tag shown as another topic it is not a spelling of: `C++` beside `C`, `???` beside `!!!`.

    Topics are told apart by their pages' addresses, which keep only letters and
    digits; names that lose their difference there would be merged unseen.
    """
    for key in ("tags", "categories"):
        for index, name in enumerate(getattr(post.meta, key)):
            shown = topics.topic(name).name
            if not same_topic_name(topics.canonical(name), shown):
                diagnostics.warning(
                    post.path, post.line_of(key, index),
                    f"topic '{name}' is shown as '{shown}': both make the page of topic '{topic_slug(shown)}'",
                    "rename one of them, or map one to the other under topic_aliases in mkdocs.yml to merge them on purpose",
                )


def check_image(image: str, key: str, file: str, line: int | None, options: SiteOptions, diagnostics: Diagnostics) -> None:
    """A warning when a link-preview image's path names no file of docs/: a link pasted into a social site would show no picture."""
    if re.match(r"https?://", image, re.IGNORECASE):
        return
    path = posixpath.normpath(image.split("#")[0].split("?")[0].lstrip("/"))
    if path == ".." or path.startswith("../"):
        diagnostics.warning(file, line, f"{key} '{image}' leads outside docs/, so it is not published with the site", "put the image in docs/, like docs/assets/card.png, and write assets/card.png")
    elif not any(os.path.isfile(os.path.join(options.docs_dir, name)) for name in (path, unquote(path))):
        looked = os.path.relpath(os.path.join(options.docs_dir, path), options.project_dir)
        diagnostics.warning(file, line, f"{key} '{image}' is not a file in docs/", f"the path is relative to docs/; looked for {looked}")


def _shown(path: str, options: SiteOptions) -> str:
    return os.path.relpath(path, options.project_dir)


def read_authors(path: str, shown: str, diagnostics: Diagnostics) -> dict[str, Author]:
    """The authors file; a missing one means no authors."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.error(shown, None, f"cannot read the authors file: {exc}")
        return {}
    return load_authors(text, shown, diagnostics)


def load_post_bibtex(post: Post, path: str, diagnostics: Diagnostics, site_dir: str | None = None) -> None:
    """`.bib` files in a post's bibliography, relative to the post, join its own entries.

    A file outside `site_dir` (the folder of mkdocs.yml) is refused: a post
    could otherwise publish any readable `.bib` on the machine (None: anywhere).
    A key already given inline or by an earlier file is an error naming both places.
    """
    folder = os.path.dirname(path)
    where = {record.key: f"{post.path}:{post.line_of('bibliography', index)}" for index, record in _inline(post)}
    for written, line in post.bib_files:
        bib = os.path.normpath(os.path.join(folder, written))
        if site_dir is not None and not _inside(bib, site_dir):
            diagnostics.error(
                post.path, line, f"bibliography file '{written}' is outside the site's folder",
                "copy it next to the post, or set 'bib_outside_site: true' under papernotes in mkdocs.yml",
            )
            continue
        if not os.path.isfile(bib):
            diagnostics.error(
                post.path, line, f"bibliography file '{written}' not found next to the post",
                f"the path is relative to the post's folder; looked for {os.path.relpath(bib)}",
            )
            continue
        shown = os.path.normpath(os.path.join(os.path.dirname(post.path), written))
        for record in load_file(bib, diagnostics, shown):
            here = str(record.origin or shown)
            if record.key in where:
                diagnostics.error(
                    post.path, line, f"citation key '{record.key}' is defined twice for this post: at {where[record.key]} and at {here}",
                    "give each bibliography entry its own id, or remove one of them",
                )
                continue
            where[record.key] = here
            post.bibliography.append(record)


def _inline(post: Post) -> list[tuple[int, Record]]:
    """The post's own bibliography entries with their index in its frontmatter."""
    return [(index, item) for index, item in enumerate(post.meta.bibliography) if isinstance(item, Record)]


def _inside(path: str, folder: str) -> bool:
    """Whether `path`, symbolic links followed, is inside `folder`."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def check_citations(site: Site, md: Markdown, citations: CitationExtension, diagnostics: Diagnostics) -> None:
    """Warn about unknown citation keys as the build does, converting posts with `md`.

    `md` must hold `citations` among the site's Markdown extensions. A post is
    converted only when a scan of its source finds a key that does not
    resolve: the scan also sees keys in code, so when all of those resolve,
    the build has nothing to warn about, and most posts skip the conversion
    (converting every post would make the check three times slower).
    """
    for entry in site.blog.entries:
        post = entry.post
        composed = compose_source(post)
        session = CitationSession.for_post(post, composed, site.library, diagnostics)
        if all(session.resolve(key) for key in cited_keys(composed.markdown)):
            continue
        session.finish(citations.convert(md, session, composed.markdown))


def note_untitled_papers(site: Site, diagnostics: Diagnostics) -> None:
    """A note (never a failure) for each paper of the site with no title, at the first post that names it.

    Such a paper shows as its id everywhere; one cited by an arXiv id that no
    post or library file lists is still a reference, with its id and link.
    """
    noted = {(d.file, d.line) for d in diagnostics}  # a line already reported (an unknown paper) is not noted again
    for paper in site.papers.sorted():
        record = paper.record
        if record.title or record.text or not (paper.reviewed_in or paper.cited_in):
            continue
        post = (paper.reviewed_in or paper.cited_in)[0].post
        line = next((post.line_of("papers", i) for i, r in enumerate(post.papers) if r.identity == paper.identity), None)
        if line is None:
            composed = compose_source(post)
            resolver = Resolver(post.bibliography, post.papers, site.library)
            cited = [n for key, lines in group_lines(composed.markdown).items()
                     if (found := resolver.resolve(key)) is not None and found.identity == paper.identity for n in lines]
            line = composed.line_map(min(cited)) if cited else None
        if (post.path, line) in noted:
            continue
        listed = site.library.by_identity(paper.identity) or any(
            r.identity == paper.identity for r in [*post.papers, *post.bibliography]
        )
        if listed:
            diagnostics.info(
                post.path, line, f"paper '{record.label}' has no title, so pages and references show it as its id",
                "add 'title: ...' to its entry in the post's papers or bibliography, or to a library file",
            )
        else:
            diagnostics.info(
                post.path, line,
                f"{record.label} is in no bibliography or library file, so its reference shows only the id and link",
                f"give it a title: add '- {{arxiv: {record.arxiv}, title: ...}}' to the post's bibliography or a library file",
            )
