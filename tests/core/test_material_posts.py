"""Material blog posts read as papernotes posts: title from the heading, Material's date forms and keys."""

from __future__ import annotations

import datetime as dt
import textwrap

from papernotes.core.diagnostics import Diagnostics
from papernotes.core.model.headings import first_heading
from papernotes.core.model.posts import read_post


def read(text: str):
    diagnostics = Diagnostics()
    post = read_post(textwrap.dedent(text).lstrip("\n").encode(), "docs/blog/posts/p.md", "blog/posts/p.md", diagnostics)
    return post, diagnostics


def test_title_comes_from_the_first_heading_which_leaves_the_body():
    post, diagnostics = read(
        """
        ---
        date: 2024-01-31
        ---

        # Hello *world* { #hello }

        Text with `# not a heading`.
        """
    )
    assert not diagnostics.items
    assert post.title == "Hello world"
    assert "Hello" not in post.body and "Text with" in post.body
    # The heading's line is blanked, not removed: lines in messages stay right.
    assert post.body.split("\n")[2] == "" and post.body.count("\n") == 5
    assert post.line_of("title") == 5


def test_a_heading_in_code_or_a_second_level_heading_is_not_the_title():
    post, diagnostics = read(
        """
        ---
        date: 2024-01-31
        ---

        ```python
        # Constants
        ```

        ## Part one

        Setext Title
        ============
        """
    )
    assert post.title == "Setext Title"
    assert "# Constants" in post.body and "Setext" not in post.body and "====" not in post.body


def test_no_title_and_no_heading_says_both_ways_to_fix_it():
    post, diagnostics = read("---\ndate: 2024-01-31\n---\nJust text.\n")
    assert post is None
    (found,) = diagnostics.items
    assert found.message == "missing required field 'title'" and "# Title" in found.hint


def test_a_title_repeated_as_the_opening_heading_shows_once():
    post, _ = read("---\ntitle: Hello World\ndate: 2024-01-31\n---\n\n# Hello  world\n\nText.\n")
    assert "Hello" not in post.body
    other, _ = read("---\ntitle: Hello World\ndate: 2024-01-31\n---\n\n# Something else\n\nText.\n")
    assert "# Something else" in other.body


def test_a_title_from_a_pasted_heading_loses_its_terminal_colour_codes():
    post, _ = read("---\ndate: 2024-01-31\n---\n\n# \x1b[1;31mStreaming\x1b[0m attention\x0c\n\nText.\n")
    assert post.title == "Streaming attention"


def test_materials_date_forms_and_custom_dates():
    post, diagnostics = read(
        """
        ---
        title: T
        date:
          created: 2024-01-31
          updated: 2024-02-02
          reviewed: 2024-02-05
        ---
        """
    )
    assert not diagnostics.items
    assert (post.created, post.updated) == (dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 2))
    typo, diagnostics = read("---\ntitle: T\ndate: {created: 2024-01-31, updatd: 2024-02-02}\n---\n")
    (found,) = diagnostics.items
    assert typo is None and found.line == 3 and "did you mean 'updated'?" in found.message
    bad, diagnostics = read("---\ntitle: T\ndate: {created: 2024-01-31, reviewed: soon}\n---\n")
    assert bad is None and "reviewed" in diagnostics.items[0].message


def test_related_links_are_accepted_with_a_note():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-31\nlinks:\n  - plugins/search.md\n---\n")
    assert post is not None
    (found,) = diagnostics.items
    assert found.level == "info" and found.line == 4 and "not shown" in found.message


def test_first_heading_ignores_tilde_fences_and_closing_hashes():
    found = first_heading("~~~\n# in code\n~~~\n# Title ##\n")
    assert found is not None and found.title == "Title" and found.line == 3


def test_tags_written_as_one_string_with_commas_are_several_topics():
    """Jekyll's and Hugo's `tags: a, b`; a list keeps a comma inside a name, and authors are never split."""
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-31\ntags: LLM, Long Context\ncategories: Vision\n---\nText.\n")
    assert post.tag_names == ["LLM", "Long Context", "Vision"] and not diagnostics.items
    listed, _ = read('---\ntitle: T\ndate: 2024-01-31\ntags: ["Vision, Language"]\n---\nText.\n')
    assert listed.tag_names == ["Vision, Language"]
