"""Math is converted to MathML at build time, and never lets markup through."""

from __future__ import annotations

import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from papernotes.core.views.mathml import MATHML_TAGS, render_math


def convert(text: str) -> str:
    md = markdown.Markdown(extensions=["pymdownx.arithmatex"], extension_configs={"pymdownx.arithmatex": {"generic": True}})
    return render_math(md.convert(text))


def test_inline_and_block_math_become_mathml():
    out = convert("The state $h_t = A_t h_{t-1}$ updates.\n\n$$\n2 \\times 4096\n$$\n")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline" alttext="h_t = A_t h_{t-1}">' in out
    assert 'display="block"' in out
    assert "\\(" not in out and "\\[" not in out


def test_less_than_and_ampersand_are_math_not_markup():
    out = convert("Compare $a < b$ here.")
    assert "<mo>&#x0003C;</mo>" in out


def test_text_that_would_inject_markup_stays_as_escaped_tex():
    out = convert("Evil $\\text{<script>alert(1)</script>}$ text.")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_links_are_dropped():
    out = convert("Click $\\href{javascript:alert(1)}{x}$.")
    assert "javascript:" not in without_annotations(out)
    assert "href=" not in out


_ALTTEXT = re.compile(r' alttext="([^"]*)"')


def without_annotations(html: str) -> str:
    """The formula's elements and attributes but its TeX, which is checked to be escaped text."""
    for tex in _ALTTEXT.findall(html):
        assert "<" not in tex and ">" not in tex, tex
    return _ALTTEXT.sub("", html)


def test_the_tex_source_travels_escaped_in_alttext():
    out = convert("Compare $a < b$ and $x^2$.")
    assert 'alttext="a &lt; b">' in out
    assert 'alttext="x^2">' in out
    assert "x^2</" not in out  # an attribute, never text a search entry would read twice


def test_pages_without_math_are_untouched():
    html = "<p>No math here, just $5 and $6.</p>"
    assert render_math(html) == html


TOKENS = list("ab<>&\"'{}^_ x=+/") + ["\\text", "\\href", "\\frac", "\\mathrm", "<img src=x onerror=alert(1)>", "<script>", "javascript:"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_converted_math_holds_only_mathml_elements(tex):
    out = convert(f"x ${tex}$ y")
    for formula in re.findall(r"<math.*?</math>", without_annotations(out), re.DOTALL):
        assert all(tag.lower() in MATHML_TAGS for tag in re.findall(r"</?([A-Za-z][A-Za-z0-9]*)", formula)), formula
        assert "javascript:" not in formula and "onerror" not in formula
