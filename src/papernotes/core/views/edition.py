"""A post's e-mail edition: HTML for mail clients, plain text, and a ready-to-import message.

Mail clients are not browsers. Gmail drops <style> blocks in many views and
every <script>, Outlook lays out with Word's engine (tables, not flexbox), and
no client shows MathML. So the edition is one 600-px table column
(`templates/papernotes/email/`) whose styles css-inline writes into each
element's `style`; every link and image is absolute; math shows its TeX
source; what a mail client cannot run or show (scripts, forms, SVG emoji,
heading anchors) is left out.
"""

from __future__ import annotations

import re
import textwrap
from email.message import EmailMessage
from email.policy import SMTP
from functools import lru_cache
from typing import Iterator

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from lxml import html as lxml_html
from markupsafe import Markup

from .fragments import longdate
from .newsletter import Issue
from .urls import absolute_links

# Gmail shows "[Message clipped]" past 102 KB of HTML.
GMAIL_CLIP = 102 * 1024

_DROPPED = ("script", "style", "link", "meta", "form", "button", "textarea", "select", "noscript", "template", "canvas")
# What a writer shows that mail cannot play or draw: a link to the post's page takes its place, so nothing goes unseen.
_EMBEDS = {"iframe": "Embedded content", "video": "A video", "audio": "A recording", "object": "An embedded file",
           "embed": "An embedded file", "svg": "A drawing"}
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_FLOW = frozenset({"div", "blockquote", "figure", "li", "td", "th", "dd", "section", "article", "details"})  # may hold paragraphs


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("papernotes", "templates/papernotes/email"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.filters["wrap"] = _wrap
    env.filters["reference_text"] = lambda parts: "".join(text + tail for _, text, tail in parts)
    return env


@lru_cache(maxsize=1)
def _inliner() -> css_inline.CSSInliner:
    # Media queries stay in a <style> for clients that read one (narrow screens); the rest is inlined.
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def email_html(issue: Issue) -> str:
    """The HTML edition: one document, every style inline."""
    html = _environment().get_template("edition.html").render(
        issue=issue,
        body=Markup(mail_html(issue.body_html, issue)),
        takeaways=Markup(mail_html(issue.takeaways_html, issue)),
        notes=[Markup(mail_html(card.note_html, issue)) for card in issue.cards],
    )
    return _inliner().inline(html)


def email_text(issue: Issue) -> str:
    """The plain-text edition: paragraphs wrapped at 72, links as URLs, references as `[1] ...` lines."""
    text = _environment().get_template("edition.txt").render(
        issue=issue,
        body=html_text(issue.body_html, issue),
        takeaways=html_text(issue.takeaways_html, issue),
        notes=[html_text(card.note_html, issue) for card in issue.cards],
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def email_message(issue: Issue, *, sender: str | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML) with the post's title as subject.

    `X-Unsent: 1` makes Outlook and Thunderbird open an imported .eml as a draft to send.
    """
    message = EmailMessage(policy=SMTP)
    message["Subject"] = " ".join(issue.title.split())  # a header is one line; a YAML block title has several
    if sender:
        message["From"] = sender
    message["X-Unsent"] = "1"
    message.set_content(email_text(issue))
    message.add_alternative(email_html(issue), subtype="html")
    return message


def clipped(html: str) -> bool:
    """Whether Gmail would clip this edition."""
    return len(html.encode("utf-8")) > GMAIL_CLIP


# -- the post's HTML, made fit for mail ------------------------------------------------


def _fragment(html: str, issue: Issue) -> lxml_html.HtmlElement:
    root = lxml_html.fragment_fromstring(absolute_links(html, issue.page_url, issue.site_url) or "<p></p>", create_parent="div")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions
            _drop(element)
            continue
        classes = (element.get("class") or "").split()
        if "arithmatex" in classes:
            _math(element)
        elif element.tag == "svg" and _emoji(element):
            if element.getparent().get("title"):  # its name
                element.getparent().text = element.getparent().get("title")
            _drop(element)
        elif element.tag == "svg" and any(ancestor.tag == "a" for ancestor in element.iterancestors()):
            _drop(element)  # an icon in a link: the link's words stay
        elif element.tag in _EMBEDS:
            _replace_with_link(element, _EMBEDS[element.tag], element.get("title"), issue.url)
        elif element.tag in _DROPPED or "headerlink" in classes:
            _drop(element)
        elif element.tag == "input" and element.get("type") == "checkbox":  # a task list's box
            _replace_with_text(element, "☑ " if element.get("checked") is not None else "☐ ")
        elif element.tag == "input":
            _drop(element)
        elif element.tag == "details":
            element.tag = "div"
            element.set("class", "details")
        elif element.tag == "summary":
            element.tag = "p"
            element.set("class", "summary")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            if name.startswith("on") or name in ("id", "srcset"):
                del element.attrib[name]
        href = element.get("href")
        if href is not None and href.startswith("//"):
            element.set("href", "https:" + href)
        elif href is not None and not href.startswith(_LINK_SCHEMES):
            del element.attrib["href"]  # a link mail cannot follow reads as its text, not styled as a link
            if element.tag == "a":
                element.tag = "span"
        if element.tag == "img" and not (element.get("src") or "").startswith(("http://", "https://")):
            _replace_with_text(element, element.get("alt") or "")
    return root


def _math(element: lxml_html.HtmlElement) -> None:
    """A formula as its TeX source, in code: readable everywhere, never raw MathML."""
    formula = next(element.iter("math"), None)
    tex = formula.get("alttext") if formula is not None and formula.get("alttext") else element.text_content()
    # TeX that stayed TeX (no safe MathML) still has arithmatex's \( \) or \[ \] around it.
    tex = re.sub(r"\\[)\]]$", "", re.sub(r"^\\[(\[]", "", tex.strip())).strip()
    block = element.tag == "div"
    for child in list(element):
        element.remove(child)
    element.attrib.clear()
    element.tag = "p" if block else "code"
    element.set("class", "math-block" if block else "math")
    if block:
        code = lxml_html.Element("code")
        code.set("class", "math")
        code.text = tex
        element.text = None
        element.append(code)
    else:
        element.text = tex


def _emoji(svg: lxml_html.HtmlElement) -> bool:
    """Whether an <svg> is an emoji or icon as Material's twemoji writes them, not a drawing of the post's."""
    return "twemoji" in (svg.getparent().get("class") or "").split()


def _replace_with_link(element: lxml_html.HtmlElement, kind: str, title: str | None, url: str) -> None:
    link = lxml_html.Element("a", href=url)
    link.set("class", "embed")
    link.text = f"▶ {kind}{f' ({title})' if title else ''}: see it in the post on the web"
    parent = element.getparent()
    if parent.tag in _FLOW:  # in place of a block of its own, a paragraph of its own
        paragraph = lxml_html.Element("p")
        paragraph.append(link)
        link = paragraph
    link.tail = element.tail
    parent.replace(element, link)


def _drop(element: lxml_html.HtmlElement) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


def _replace_with_text(element: lxml_html.HtmlElement, text: str) -> None:
    span = lxml_html.Element("span")
    span.text = text
    span.tail = element.tail
    element.getparent().replace(element, span)


def mail_html(html: str, issue: Issue) -> str:
    """HTML from the post's conversion, with absolute links, TeX for math, nothing a mail client cannot show."""
    if not html.strip():
        return ""
    root = _fragment(html, issue)
    return (lxml_html.tostring(root, encoding="unicode", method="html")
            .removeprefix("<div>").removesuffix("</div>"))


# -- plain text ---------------------------------------------------------------------------

_BLOCKS = {"p", "div", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "dl", "dt", "dd", "hr"}


def html_text(html: str, issue: Issue) -> str:
    """The post's HTML as plain text: blocks as paragraphs, links as `text <URL>`, code kept as written."""
    if not html.strip():
        return ""
    root = _fragment(html, issue)
    paragraphs = list(_paragraphs(root, indent=""))
    return "\n\n".join(p for p in paragraphs if p.strip())


def _paragraphs(element: lxml_html.HtmlElement, indent: str) -> Iterator[str]:
    """Each block of `element` as wrapped text; inline content joined."""
    inline: list[str] = [element.text or ""] if element.tag not in ("ul", "ol", "table", "tr", "dl") else []
    counter = 0
    for child in element:
        if child.tag in _BLOCKS:
            if "".join(inline).strip():
                yield _wrap(_squash("".join(inline)), indent)
            inline = []
            if child.tag == "pre":
                yield textwrap.indent(child.text_content().rstrip("\n"), indent + "    ")
            elif child.tag == "li":
                counter += 1
                bullet = f"{counter}. " if element.tag == "ol" else "- "
                pad = indent + " " * len(bullet)  # wrapped inside the bullet's indent, then the bullet goes in front
                inner = "\n".join(_paragraphs(child, pad))
                yield indent + bullet + inner[len(pad):] if inner.startswith(pad) else inner
            elif child.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                title = _squash(child.text_content())
                yield f"{title}\n{('=' if child.tag in ('h1', 'h2') else '-') * len(title)}"
            elif child.tag == "table":  # a row a line, cells between bars
                rows = [" | ".join(_squash(_inline_text(cell).removesuffix(cell.tail or "")) for cell in row.iter("th", "td"))
                        for row in child.iter("tr")]
                yield "\n".join(indent + row for row in rows)
            elif child.tag == "hr":
                yield "* * *"
            elif child.tag == "blockquote":
                yield "\n\n".join(_paragraphs(child, indent + "> "))
            else:
                yield from _paragraphs(child, indent)
        else:
            inline.append(_inline_text(child))
        if child.tail and child.tag in _BLOCKS:
            inline.append(child.tail)
    if "".join(inline).strip():
        yield _wrap(_squash("".join(inline)), indent)


def _inline_text(element: lxml_html.HtmlElement) -> str:
    if element.tag == "br":
        return _BREAK + (element.tail or "")
    inner = (element.text or "") + "".join(_inline_text(child) for child in element)
    if element.tag == "a" and element.get("href") and "citation" not in (element.get("class") or ""):
        href = element.get("href")
        if _squash(inner) != href.removeprefix("mailto:"):
            inner = f"{inner} <{href}>"
    elif element.tag == "code" and "math" in (element.get("class") or ""):
        inner = f"${inner}$"
    elif element.tag == "code":
        inner = f"`{inner}`"
    elif element.tag in ("strong", "b"):
        inner = f"*{inner}*"
    elif element.tag in ("em", "i"):
        inner = f"_{inner}_"
    return inner + (element.tail or "")


_BREAK = "\x00"  # a <br>: white space in the HTML is layout, a <br> is a line break


def _squash(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split(_BREAK)).strip()


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> str:
    """Wrap at 72 columns; URLs and other long words are never broken."""
    lines = []
    for line in str(text).split("\n"):
        lines.append(textwrap.fill(line, width=72, initial_indent=indent, subsequent_indent=indent if hanging is None else hanging,
                                   break_long_words=False, break_on_hyphens=False) or indent.rstrip())
    return "\n".join(lines)


def email_body(html: str) -> str:
    """An edition (`email_html`) without <html> and <head>: what an RSS-to-e-mail service puts into its own template."""
    body = lxml_html.document_fromstring(html).body
    return (body.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in body)
