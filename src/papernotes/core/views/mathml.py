"""TeX math as MathML at build time: no script, no CDN, and formulas show in feeds too.

pymdownx.arithmatex (``generic: true``) marks math in the HTML; each formula
is converted with latex2mathml. Its output is only trusted when it holds
MathML elements alone (it copies some input through unescaped, e.g.
``\\text{<b>}``), and links are dropped; otherwise the TeX stays as text.
The TeX travels along as the formula's ``alttext`` (MathML's own place for a
text equivalent): the e-mail edition, for mail clients without MathML, and
screen readers read it there.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

# With the punctuation right after it: browsers may break a line between a formula and its comma.
_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>([,.;:!?)\]]*)', re.DOTALL)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_SIBLINGS = re.compile(r"(</m[a-z]*>)(?=<m)")
_HREF = re.compile(r'\s(?:href|xlink:href)="[^"]*"')
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mfrac msqrt mroot "
    "mtable mtr mtd mstyle mpadded mphantom menclose merror semantics annotation mmultiscripts "
    "mprescripts none mlabeledtr mfenced maligngroup malignmark".split()
)


def _mathml(tex: str, display: str) -> str | None:
    try:
        out = convert(html.unescape(tex).strip(), display=display)
    except Exception:  # latex2mathml raises many kinds of errors on TeX it does not know
        return None
    if any(tag.lower() not in MATHML_TAGS for tag in _TAG.findall(out)):
        return None
    # A space between sibling elements changes nothing on screen but keeps the symbols
    # apart as words where the formula is read as text (search entries, feed summaries).
    out = _SIBLINGS.sub(r"\1 ", _HREF.sub("", out))
    # The TeX rides along as MathML's `alttext`: an attribute, so text read out of the page
    # (search entries, feed summaries) never holds it twice.
    head, _, rest = out.partition(">")
    return f'{head} alttext="{html.escape(html.unescape(tex).strip(), quote=True)}">{rest}'


def render_math(page_html: str) -> str:
    """Replace arithmatex's TeX spans and blocks with MathML where conversion is safe."""
    if "arithmatex" not in page_html:
        return page_html

    def inline(match: re.Match[str]) -> str:
        out = _mathml(match.group(1), "inline")
        if not out:
            return match.group(0)
        formula, punctuation = f'<span class="arithmatex pn-math">{out}</span>', match.group(2)
        # Kept on one line with the formula (papernotes.css), as a word keeps its comma.
        return f'<span class="pn-math-glue">{formula}{punctuation}</span>' if punctuation else formula

    def block(match: re.Match[str]) -> str:
        out = _mathml(match.group(1), "block")
        return f'<div class="arithmatex pn-math">{out}</div>' if out else match.group(0)

    return _INLINE.sub(inline, _BLOCK.sub(block, page_html))
