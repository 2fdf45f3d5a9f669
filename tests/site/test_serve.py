"""`mkdocs serve` as a writer uses it, over real HTTP: every edit shows up, mistakes too.

A post, a library file (outside docs/, watched by the plugin's on_serve) and
authors.yml are edited while the server runs; a broken post shows its error
page while the rest of the site keeps being served, and recovers when fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BASE_CONFIG, SiteMaker
from serving import Server

pytestmark = pytest.mark.slow

POST = """\
---
title: Serving test
date: 2024-06-01
authors: [mara]
tags: {tags}
papers: [sinks]
---
{body}
"""


def test_serve_rebuilds_on_every_source_and_survives_mistakes(site_maker: SiteMaker, tmp_path: Path) -> None:
    config = BASE_CONFIG.format(per_page=10).replace("      per_page: 10\n", "      per_page: 10\n      library: [library/papers.yaml]\n")
    site_maker.config(text=config)
    library = site_maker.write("library/papers.yaml", "- id: sinks\n  title: Old Paper Title\n  year: 2023\n")
    authors = site_maker.write("docs/authors.yml", "authors:\n  mara:\n    name: Mara Before\n")
    post = site_maker.write("docs/posts/serving.md", POST.format(tags="[LLM]", body="First version."))

    server = Server(site_maker.root, tmp_path / "serve.log")
    try:
        page = server.wait_for("posts/serving-test/", lambda b: "First version." in b, "the first build")
        assert "Old Paper Title" in page and "Mara Before" in page

        post.write_text(POST.format(tags="[LLM]", body="Second version."), encoding="utf-8")
        server.wait_for("posts/serving-test/", lambda b: "Second version." in b, "an edited post")

        # Broken YAML: the post's address shows what is wrong; the rest of the site is still served.
        post.write_text(POST.format(tags="[LLM", body="Third version."), encoding="utf-8")
        error = server.wait_for("posts/serving-test/", lambda b: "pn-error" in b, "the error page")
        assert "docs/posts/serving.md:5" in error and "broken YAML" in error
        server.wait_for("", lambda b: "Latest posts" in b, "the home page while a post is broken")

        post.write_text(POST.format(tags="[LLM]", body="Third version."), encoding="utf-8")
        page = server.wait_for("posts/serving-test/", lambda b: "Third version." in b, "the fixed post")
        assert "pn-error" not in page

        # Library files live outside docs/: the plugin asks the server to watch them.
        library.write_text("- id: sinks\n  title: New Paper Title\n  year: 2023\n", encoding="utf-8")
        server.wait_for("posts/serving-test/", lambda b: "New Paper Title" in b, "a library edit")
        server.wait_for("papers/sinks/", lambda b: "New Paper Title" in b, "the paper page after a library edit")

        authors.write_text("authors:\n  mara:\n    name: Mara After\n", encoding="utf-8")
        server.wait_for("posts/serving-test/", lambda b: "Mara After" in b, "an authors.yml edit")
    finally:
        server.stop()


def test_serve_previews_the_edition_and_follows_edits(site_maker: SiteMaker, tmp_path: Path) -> None:
    site_maker.config(text=BASE_CONFIG.format(per_page=10).replace(
        "      per_page: 10\n", "      per_page: 10\n      newsletter:\n        email: true\n"))
    post = site_maker.post("one", "One", body="Draft wording.\n")
    server = Server(site_maker.root, tmp_path / "serve.log")
    try:
        server.wait_for("posts/one/email.html", lambda body: "Draft wording." in body, "the e-mail edition")
        post.write_text(post.read_text().replace("Draft wording.", "Final wording."))
        # A text-only edit takes serve's quick rebuild (live.py): the edition follows it.
        server.wait_for("posts/one/email.html", lambda body: "Final wording." in body and "Draft" not in body, "the edit")
        server.wait_for("posts/one/", lambda body: "Final wording." in body and "og:title" in body, "the page")
    finally:
        server.stop()
