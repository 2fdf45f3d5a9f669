"""The blog as a whole: post URLs, order, authors, topics and paginated listings."""

from __future__ import annotations

import pytest

from papernotes.core.model.authors import Author, load_authors
from papernotes.core.blog import Blog, BlogOptions, ListingPage, newest_first, page_url, paginate
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.model.posts import Post, read_post
from papernotes.core.model.topics import TopicIndex, topic_slug


def make_post(title: str, date: str, extra: str = "", src_uri: str | None = None) -> Post:
    src_uri = src_uri or f"posts/{topic_slug(title)}.md"
    raw = f"---\ntitle: \"{title}\"\ndate: {date}\n{extra}---\n\nBody of {title}.\n".encode()
    diagnostics = Diagnostics()
    post = read_post(raw, f"docs/{src_uri}", src_uri, diagnostics)
    assert post is not None and not diagnostics.items, [str(d) for d in diagnostics]
    return post


AUTHORS_YML = """\
authors:
  ada:
    name: Ada Lovelace
    url: https://example.org/ada
  cwolfe:
    name: Cameron Wolfe
"""


@pytest.fixture
def authors() -> dict[str, Author]:
    diagnostics = Diagnostics()
    found = load_authors(AUTHORS_YML, "docs/authors.yml", diagnostics)
    assert not diagnostics.items
    return found


def blog(authors=None, aliases=None, **options) -> Blog:
    return Blog(BlogOptions(**options), authors or {}, TopicIndex(aliases))


# -- order ----------------------------------------------------------------------------


def test_newest_first():
    b = blog()
    d = Diagnostics()
    for title, date in [("Old", "2023-01-01"), ("New", "2024-06-12"), ("Middle", "2023-10-10 12:00")]:
        b.add(make_post(title, date), d)
    b.finalize()
    assert [e.title for e in b.entries] == ["New", "Middle", "Old"]
    assert not d.items


def test_same_day_times_order_and_titles_break_ties():
    b = blog()
    d = Diagnostics()
    b.add(make_post("Morning", "2024-06-12 08:00"), d)
    b.add(make_post("Evening", "2024-06-12 20:00"), d)
    b.add(make_post("beta", "2024-06-11"), d)
    b.add(make_post("Alpha", "2024-06-11"), d)
    b.finalize()
    assert [e.title for e in b.entries] == ["Evening", "Morning", "Alpha", "beta"]


def test_updated_does_not_change_the_order():
    b = blog()
    d = Diagnostics()
    b.add(make_post("Old but updated", "{created: 2023-01-01, updated: 2024-12-01}"), d)
    b.add(make_post("Newer", "2024-01-01"), d)
    b.finalize()
    assert [e.title for e in b.entries] == ["Newer", "Old but updated"]


def test_pinned_first_then_newest():
    b = blog()
    d = Diagnostics()
    b.add(make_post("Old pinned", "2020-01-01", "pin: true\n"), d)
    b.add(make_post("New", "2024-01-01"), d)
    b.add(make_post("Older pinned", "2019-01-01", "pin: true\n"), d)
    b.add(make_post("Old", "2021-01-01"), d)
    b.finalize()
    assert [e.title for e in b.entries] == ["Old pinned", "Older pinned", "New", "Old"]
    # Newer and Older follow the dates, pins or not: every post reachable, none "older" than a newer one.
    by_title = {e.title: e for e in b.entries}
    chain, entry = [], by_title["New"]
    while entry is not None:
        chain.append(entry.title)
        entry = entry.older
    assert chain == ["New", "Old", "Old pinned", "Older pinned"]
    assert by_title["New"].newer is None and by_title["Old pinned"].newer is by_title["Old"]


def test_neighbours_link_newer_and_older():
    b = blog()
    d = Diagnostics()
    for n in range(3):
        b.add(make_post(f"P{n}", f"2024-01-0{n + 1}"), d)
    b.finalize()
    first, middle, last = b.entries
    assert (first.newer, first.older) == (None, middle)
    assert (middle.newer, middle.older) == (first, last)
    assert (last.newer, last.older) == (middle, None)


def test_newest_first_helper():
    b = blog()
    d = Diagnostics()
    entries = [b.add(make_post(f"P{n}", f"2024-01-0{n + 1}"), d) for n in (1, 3, 2)]
    assert [e.title for e in newest_first(entries)] == ["P3", "P2", "P1"]


# -- URLs -------------------------------------------------------------------------------


def test_default_url_from_slug():
    b = blog()
    entry = b.add(make_post("Hello, World!", "2024-06-12"), Diagnostics())
    assert (entry.url, entry.dest) == ("posts/hello-world/", "posts/hello-world/index.html")


def test_slug_override_in_url():
    entry = blog().add(make_post("A Long Title", "2024-06-12", "slug: short\n"), Diagnostics())
    assert entry.url == "posts/short/"


def test_post_url_format_with_year_month_and_slug():
    b = blog(post_url_format="{year}/{month}/{slug}")
    entry = b.add(make_post("Mixture of Agents", "2024-06-02"), Diagnostics())
    assert entry.url == "2024/06/mixture-of-agents/"
    assert entry.dest == "2024/06/mixture-of-agents/index.html"


def test_post_url_format_with_day_and_file():
    b = blog(post_url_format="blog/{year}/{month}/{day}/{file}")
    post = make_post("Ignored Title", "2024-01-05", src_uri="posts/2024/my-file.md")
    assert b.add(post, Diagnostics()).url == "blog/2024/01/05/my-file/"


def test_directory_urls_off():
    b = blog(directory_urls=False)
    entry = b.add(make_post("Hello", "2024-06-12"), Diagnostics())
    assert (entry.url, entry.dest) == ("posts/hello.html", "posts/hello.html")


def test_duplicate_url_is_an_error_naming_both_files():
    b = blog()
    d = Diagnostics()
    first = make_post("Same Title", "2024-01-01", src_uri="posts/one.md")
    second = make_post("Same Title", "2024-02-01", src_uri="posts/two.md")
    assert b.add(first, d) is not None
    assert b.add(second, d) is None
    assert len(d.errors) == 1
    error = d.errors[0]
    assert error.file == "docs/posts/two.md"
    assert "docs/posts/one.md" in error.message
    assert "posts/same-title/" in error.message
    assert error.line == 2  # the title line makes the slug
    assert "slug" in error.hint
    assert [e.post for e in b.entries] == [first]


def test_duplicate_url_from_slug_points_at_the_slug_line():
    b = blog()
    d = Diagnostics()
    b.add(make_post("One", "2024-01-01", "slug: same\n"), d)
    b.add(make_post("Two", "2024-01-02", "slug: same\n"), d)
    assert [e.line for e in d.errors] == [4]


def test_same_slug_in_different_months_is_fine_with_dated_urls():
    b = blog(post_url_format="{year}/{month}/{slug}")
    d = Diagnostics()
    b.add(make_post("Weekly Roundup", "2024-01-07", src_uri="posts/a.md"), d)
    b.add(make_post("Weekly Roundup", "2024-02-04", src_uri="posts/b.md"), d)
    assert not d.items and len(b.entries) == 2


# -- authors ----------------------------------------------------------------------------


def test_known_authors(authors):
    b = blog(authors)
    entry = b.add(make_post("T", "2024-01-01", "authors: [ada, cwolfe]\n"), Diagnostics())
    assert [a.name for a in entry.authors] == ["Ada Lovelace", "Cameron Wolfe"]
    assert entry.authors[0].url == "https://example.org/ada"


def test_unknown_author_is_a_warning_with_did_you_mean(authors):
    b = blog(authors)
    d = Diagnostics()
    post = make_post("T", "2024-01-01", "authors:\n  - ada\n  - cwolf\n")
    entry = b.add(post, d)
    assert entry is not None
    assert len(d) == 1
    warning = d.items[0]
    assert warning.level == "warning"
    assert warning.file == post.path
    assert warning.line == 6  # '  - cwolf'
    assert "'cwolf'" in warning.message
    assert warning.hint == "did you mean 'cwolfe'?"
    assert entry.authors[1].name == "cwolf"  # shown as written


def test_unknown_author_without_a_close_match(authors):
    d = Diagnostics()
    blog(authors).add(make_post("T", "2024-01-01", "authors: [zed]\n"), d)
    assert "authors.yml" in d.items[0].hint


def test_authors_yml_errors_name_file_and_line():
    d = Diagnostics()
    found = load_authors("authors:\n  ada:\n    name: Ada\n  bob:\n    url: https://x.org\n", "docs/authors.yml", d)
    assert list(found) == ["ada"]
    assert [(e.file, e.line) for e in d.errors] == [("docs/authors.yml", 4)]


def test_authors_yml_javascript_url_is_refused():
    d = Diagnostics()
    found = load_authors("ada:\n  name: Ada\n  url: javascript:alert(1)\n", "docs/authors.yml", d)
    assert found == {}
    assert [(e.file, e.line) for e in d.errors] == [("docs/authors.yml", 3)]


# -- topics -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Long Context", "long-context"), ("long  context", "long-context"), ("long-context", "long-context"),
     ("LLM", "llm"), ("Über Attention", "uber-attention"), ("C++ & CUDA", "c-cuda")],
)
def test_topic_slug(name, slug):
    assert topic_slug(name) == slug


def test_topics_merge_case_spacing_and_dashes():
    b = blog()
    d = Diagnostics()
    one = b.add(make_post("One", "2024-01-01", "tags: [Long Context]\n"), d)
    two = b.add(make_post("Two", "2024-01-02", "tags: [long  context]\n"), d)
    three = b.add(make_post("Three", "2024-01-03", "categories: [long-context]\n"), d)
    b.finalize()
    assert len(b.topics.by_slug) == 1
    topic = b.topics.by_slug["long-context"]
    assert topic.name == "Long Context"  # the first spelling met
    assert one.topics[0] is two.topics[0] is three.topics[0] is topic
    assert [e.title for e in topic.posts] == ["Three", "Two", "One"]  # newest first


def test_topic_name_collapses_spaces():
    index = TopicIndex()
    assert index.topic("long   context").name == "long context"


def test_aliases_map_to_one_topic():
    b = blog(aliases={"LLMs": "LLM", "large language models": "LLM"})
    d = Diagnostics()
    one = b.add(make_post("One", "2024-01-01", "tags: [LLMs]\n"), d)
    two = b.add(make_post("Two", "2024-01-02", "tags: [llm]\n"), d)
    three = b.add(make_post("Three", "2024-01-03", "tags: [Large Language Models]\n"), d)
    b.finalize()
    assert list(b.topics.by_slug) == ["llm"]
    assert b.topics.by_slug["llm"].name == "LLM"
    assert one.topics == two.topics == three.topics
    assert len(b.topics.by_slug["llm"].posts) == 3


def test_one_post_counts_once_in_a_topic_written_twice():
    b = blog(aliases={"LLMs": "LLM"})
    entry = b.add(make_post("One", "2024-01-01", "tags: [LLM, LLMs, llm]\ncategories: [LLM]\n"), Diagnostics())
    b.finalize()
    assert [t.slug for t in entry.topics] == ["llm"]
    assert len(b.topics.by_slug["llm"].posts) == 1


def test_topics_keep_the_order_written_and_sort_by_name():
    b = blog()
    entry = b.add(make_post("One", "2024-01-01", "tags: [Quantization, attention, LLM]\n"), Diagnostics())
    assert [t.name for t in entry.topics] == ["Quantization", "attention", "LLM"]
    assert [t.name for t in b.topics.sorted()] == ["attention", "LLM", "Quantization"]


def test_topic_pages():
    b = blog(per_page=2)
    d = Diagnostics()
    for n in range(5):
        b.add(make_post(f"P{n}", f"2024-01-0{n + 1}", "tags: [Long Context]\n"), d)
    b.finalize()
    pages = b.topic_pages(b.topics.by_slug["long-context"], True)
    assert [p.url for p in pages] == ["tags/long-context/", "tags/long-context/page/2/", "tags/long-context/page/3/"]
    assert [[e.title for e in p.items] for p in pages] == [["P4", "P3"], ["P2", "P1"], ["P0"]]


# -- pagination -------------------------------------------------------------------------


def test_page_url():
    assert page_url("") == ("", "index.html")
    assert page_url("page/2") == ("page/2/", "page/2/index.html")
    assert page_url("/tags/llm/") == ("tags/llm/", "tags/llm/index.html")
    assert page_url("", directory_urls=False) == ("", "index.html")
    assert page_url("page/2", directory_urls=False) == ("page/2.html", "page/2.html")


def test_home_pages():
    pages = paginate(list(range(23)), "", 10)
    assert [p.stem for p in pages] == ["", "page/2", "page/3"]
    assert [p.url for p in pages] == ["", "page/2/", "page/3/"]
    assert [p.dest for p in pages] == ["index.html", "page/2/index.html", "page/3/index.html"]
    assert [list(p.items) for p in pages] == [list(range(10)), list(range(10, 20)), [20, 21, 22]]
    assert all(p.count == 3 for p in pages)
    assert [p.number for p in pages] == [1, 2, 3]


def test_exact_multiple_has_no_empty_last_page():
    pages = paginate(list(range(20)), "", 10)
    assert len(pages) == 2 and len(pages[-1].items) == 10


def test_empty_blog_has_one_empty_page():
    pages = paginate([], "", 10)
    assert len(pages) == 1
    assert (pages[0].url, pages[0].items, pages[0].count) == ("", [], 1)
    assert pages[0].previous is None and pages[0].next is None
    assert [p.number for p in pages[0].window()] == [1]


def test_blog_home_pages_with_no_posts():
    b = blog()
    b.finalize()
    pages = b.home_pages(True)
    assert len(pages) == 1 and list(pages[0].items) == []


def test_pagination_without_directory_urls():
    pages = paginate(list(range(25)), "tags/llm", 10, directory_urls=False)
    assert [p.url for p in pages] == ["tags/llm.html", "tags/llm/page/2.html", "tags/llm/page/3.html"]


@pytest.mark.parametrize("per_page", [0, -5])
def test_per_page_below_one_means_one(per_page):
    pages = paginate([1, 2, 3], "", per_page)
    assert [list(p.items) for p in pages] == [[1], [2], [3]]


def test_previous_and_next():
    pages = paginate(list(range(30)), "", 10)
    assert pages[0].previous is None and pages[0].next is pages[1]
    assert pages[1].previous is pages[0] and pages[1].next is pages[2]
    assert pages[2].previous is pages[1] and pages[2].next is None


def _numbers(window: list[ListingPage | None]) -> list[int | None]:
    return [p.number if p is not None else None for p in window]


def test_window_small_sizes_show_every_page():
    for count in range(1, 6):
        pages = paginate(list(range(count)), "", 1)
        for page in pages:
            assert _numbers(page.window()) == list(range(1, count + 1))


def test_window_keeps_page_links_few_at_200_pages():
    pages = paginate(list(range(2000)), "", 10)
    assert len(pages) == 200
    for page in pages:
        window = page.window()
        shown = [p for p in window if p is not None]
        gaps = [p for p in window if p is None]
        numbers = [p.number for p in shown]
        # First, last, two either side of the current page, and the gaps:
        # a one-page gap shows that page instead, so never more than 9 entries.
        assert len(window) <= 9, (page.number, _numbers(window))
        assert len(shown) <= 8 and len(gaps) <= 2
        assert 1 in numbers and 200 in numbers and page.number in numbers
        assert numbers == sorted(set(numbers))
        # A gap stands for skipped pages, never for nothing; no two gaps touch.
        for before, gap, after in zip(window, window[1:], window[2:]):
            if gap is None:
                assert before is not None and after is not None
                assert after.number > before.number + 2  # hides two pages or more
        assert window[0] is not None and window[-1] is not None
        # No skipped page is left out without a gap marking it.
        for left, right in zip(window, window[1:]):
            if left is not None and right is not None:
                assert right.number == left.number + 1


def test_window_in_the_middle():
    pages = paginate(list(range(200)), "", 1)
    assert _numbers(pages[99].window()) == [1, None, 98, 99, 100, 101, 102, None, 200]
    assert _numbers(pages[0].window()) == [1, 2, 3, None, 200]
    assert _numbers(pages[199].window()) == [1, None, 198, 199, 200]


def test_window_shows_a_single_skipped_page_instead_of_a_gap():
    pages = paginate(list(range(200)), "", 1)
    assert _numbers(pages[4].window()) == [1, 2, 3, 4, 5, 6, 7, None, 200]
    assert _numbers(pages[195].window()) == [1, None, 194, 195, 196, 197, 198, 199, 200]
    five = paginate(list(range(5)), "", 1)
    assert _numbers(five[0].window()) == [1, 2, 3, 4, 5]
