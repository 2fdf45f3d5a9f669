"""Site-relative URLs, so the built site works under any base path and from file://."""

from __future__ import annotations

import html as html_lib
import posixpath
import re

_SCHEME_OR_ROOT = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/)")


def _absolute(href: str) -> bool:
    """Whether a link (maybe as an HTML attribute writes it) leaves the site's relative paths.

    Python-Markdown writes an e-mail autolink's `mailto:` as character references, to hide it from harvesters.
    """
    return bool(_SCHEME_OR_ROOT.match(href) or ("&" in href and _SCHEME_OR_ROOT.match(html_lib.unescape(href))))


def _relpath(path: str, base: str) -> str:
    """`posixpath.relpath("/" + path, "/" + base)`, without its cost for the plain paths a site has.

    Listings and paper pages link every post they show, so this runs a hundred
    thousand times on a large site; paths with `.`/`..` segments or doubled
    slashes take the general route.
    """
    if "/." in "/" + path or "/." in "/" + base or "//" in path or "//" in base:
        return posixpath.relpath("/" + path, "/" + base)
    parts = [part for part in path.split("/") if part]
    folders = [part for part in base.split("/") if part]
    common = 0
    for mine, theirs in zip(parts, folders):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(folders) - common) + parts[common:]) or "."


def relative_url(target: str, from_page: str) -> str:
    """`target` (a site-relative URL like 'posts/x/', '' for home) as seen from page URL `from_page`."""
    if _absolute(target):
        return target
    path, hashmark, fragment = target.partition("#")
    suffix = hashmark + fragment if hashmark else ""
    if path == from_page and suffix:
        return suffix
    base = from_page if from_page.endswith("/") or not from_page else posixpath.dirname(from_page) + "/"
    if path and not path.endswith("/"):
        # A file: reach its folder, then name it (relpath of 'a' from 'a/' is '.', a folder).
        folder, name = posixpath.split(path)
        rel_folder = _relpath(folder, base)
        return (name if rel_folder == "." else f"{rel_folder}/{name}") + suffix
    rel = _relpath(path, base)
    if rel != ".":
        rel += "/"
    return ("./" if rel == "." else rel) + suffix


def resolve_url(href: str, page_url: str) -> str | None:
    """A relative link written on `page_url` as a site-relative URL, or None when absolute."""
    if _absolute(href):
        return None
    if not href or href.startswith(("#", "?")):
        return page_url + href  # the same page, as a browser reads it
    path, hashmark, fragment = href.partition("#")
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    joined = posixpath.normpath(posixpath.join("/" + base, path)).lstrip("/")
    # `..` and `.` name folders, as `../` and `./` do (RFC 3986, section 5.2.4).
    if (path.endswith("/") or path.rsplit("/", 1)[-1] in (".", "..")) and joined:
        joined += "/"
    return joined + (hashmark + fragment if hashmark else "")


_LINK_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_TAG = re.compile(r"<[A-Za-z][^<>]*>")


def _sub_links(html: str, fix) -> str:
    """Apply `fix` to href/src attributes of tags only: `href="x"` in prose or code is text."""
    return _TAG.sub(lambda tag: _LINK_ATTR.sub(fix, tag.group(0)), html)


def rebase_links(html: str, written_on: str, shown_on: str) -> str:
    """Make relative links of HTML rendered for page `written_on` work on page `shown_on`."""
    if written_on == shown_on:
        return html

    def fix(match: re.Match[str]) -> str:
        site_url = resolve_url(match.group(2), written_on)
        if site_url is None:
            return match.group(0)
        return match.group(1) + relative_url(site_url, shown_on) + match.group(3)

    return _sub_links(html, fix)


def absolute_links(html: str, written_on: str, site_url: str) -> str:
    """Relative links of HTML rendered for page `written_on`, made absolute under `site_url`."""

    def fix(match: re.Match[str]) -> str:
        site_path = resolve_url(match.group(2), written_on)
        if site_path is None:
            return match.group(0)
        return match.group(1) + site_url + site_path + match.group(3)

    return _sub_links(html, fix)


def file_links(html: str, written_at: str, page_url: str, urls: dict[str, str], directory_urls: bool = True) -> str:
    """Links written to files under docs/ (`other.md#x`, `fig.png`), as MkDocs resolves them, for engines that do not.

    `written_at` is the page's file under docs/, `page_url` what the links
    are relative to (its URL, or for Zensical the file it reads); `urls` gives the URL of the files published elsewhere than
    their place (posts). A link to a `.md` file becomes its page's URL; any
    other file keeps its path. Links are made relative to `page_url`.
    """
    folder = posixpath.dirname(written_at)

    def fix(match: re.Match[str]) -> str:
        href = match.group(2)
        if _absolute(href) or not href or href.startswith(("#", "?", "/")):
            return match.group(0)
        path, hashmark, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(folder, path))
        if target in urls:
            url = urls[target]
        elif target.endswith(".md"):
            stem = target.removesuffix(".md")
            stem = "" if stem == "index" else stem.removesuffix("/index")
            url = (f"{stem}/" if stem else "") if directory_urls else f"{stem or 'index'}.html"
        else:
            url = target
        return match.group(1) + relative_url(url + (hashmark + fragment if hashmark else ""), page_url) + match.group(3)

    return _sub_links(html, fix)
