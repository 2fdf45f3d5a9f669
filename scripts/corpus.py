"""Generate a realistic papernotes corpus of N posts, and the same posts for other tools.

Used by `scripts/bench.py`. Everything is deterministic for a given (N, seed):

- a 5,000-entry generated BibTeX library plus the shared arXiv abstracts table
  (``<repo>/../shared/data/arxiv-abstracts.jsonl``);
- N posts of about 1,200 words: headings, varied prose, a code block, a table,
  inline and display math, about ten citations, 2-4 tags out of 60, and
  ``papers:`` drawn from the library;
- `write_papernotes`, `write_material_blog` and `write_hugo` lay the same posts
  out as a papernotes site, a Material blog + tags site, and a Hugo site.

Run it alone to look at a corpus: ``python scripts/corpus.py 20 /tmp/corpus``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
ABSTRACTS = SHARED_DATA / "arxiv-abstracts.jsonl"

LIBRARY_SIZE = 5000

_TOPIC_WORDS = [
    "LLM", "Long Context", "Quantization", "Agents", "Evaluation", "Alignment", "RLHF", "Vision",
    "Diffusion", "State Space Models", "Mixture of Experts", "Retrieval", "Reasoning", "Code Generation",
    "Multimodal", "Speech", "Robotics", "Interpretability", "Safety", "Efficiency", "Distillation",
    "Pruning", "Tokenization", "Scaling Laws", "Data Curation", "Synthetic Data", "Benchmarks",
    "Optimizers", "Attention", "Positional Encoding", "Memory", "World Models", "Video", "3D",
    "Graph Learning", "Recommendation", "Time Series", "Federated Learning", "Privacy", "Fairness",
    "Theory", "Sparsity", "Hardware", "Inference", "Serving", "Fine-Tuning", "LoRA", "Prompting",
    "In-Context Learning", "Chain of Thought", "Tool Use", "Planning", "Embodied AI", "Medical AI",
    "Science", "Math", "Translation", "Summarization", "Open Models", "Compression",
]  # fmt: skip
assert len(_TOPIC_WORDS) == 60

_WORDS = """
model training data attention layer token sequence context window memory cache weight gradient
loss objective benchmark evaluation baseline ablation scaling parameter compute budget inference
latency throughput accuracy perplexity transformer recurrent state space mixture expert router
sparse dense quantized precision kernel hardware accelerator batch schedule warmup optimizer
learning rate regularization dropout normalization residual embedding vocabulary tokenizer
alignment preference reward policy feedback human annotator dataset corpus synthetic filter
deduplicate curriculum distillation teacher student pruning adapter low-rank fine-tuning prompt
instruction reasoning chain step verifier search planning agent tool environment simulator
retrieval index document query passage vision image patch pixel video frame audio speech
multimodal encoder decoder generation sampling temperature beam diffusion noise denoiser score
""".split()

_ADJ = """
simple surprising careful large small efficient robust brittle strong weak novel standard
consistent noisy sparse dense linear quadratic cheap expensive open closed recent classic
""".split()

_VERBS = """
improves reduces matches beats explains replaces extends simplifies stabilises accelerates
measures reveals questions confirms generalises compresses predicts degrades preserves
""".split()

_FIRST = "Ada Ben Chen Dana Emil Fatima Goro Hana Ivan Jia Kofi Lena Mateo Nadia Omar Priya Quinn Ravi Sara Tomas Uma Vera Wei Yusuf Zoe".split()
_LAST = "Abe Baker Costa Diaz Eriksen Fischer Gupta Huang Ito Jensen Kim Lopez Martin Nakamura Okafor Park Rossi Silva Tanaka Ueda Volkov Wang Xu Yamada Zhang".split()

_AUTHORS = {
    "mara": "Mara Lindqvist", "dev": "Devansh Rao", "sol": "Sol Okafor", "lin": "Lin Chen",
    "ana": "Ana Souza", "tom": "Tom Becker", "yui": "Yui Sato", "max": "Max Novak",
}  # fmt: skip


@dataclass
class LibraryEntry:
    key: str
    title: str
    authors: list[str]
    year: int
    arxiv: str | None
    venue: str | None


@dataclass
class Corpus:
    n: int
    seed: int
    library: list[LibraryEntry]
    abstracts: list[str]  # arXiv ids of the shared table
    posts: list["GeneratedPost"] = field(default_factory=list)


@dataclass
class GeneratedPost:
    name: str  # file stem
    title: str
    date: dt.date
    authors: list[str]
    tags: list[str]
    description: str
    papers: list[dict]
    takeaways: list[str]
    body: str


def _title_case(words: list[str]) -> str:
    return " ".join(w.capitalize() if i == 0 or len(w) > 3 else w for i, w in enumerate(words))


def make_library(rng: random.Random) -> list[LibraryEntry]:
    entries = []
    for i in range(LIBRARY_SIZE):
        year = 2015 + i % 10
        words = rng.sample(_WORDS, rng.randint(4, 9))
        authors = [f"{rng.choice(_LAST)}, {rng.choice(_FIRST)}" for _ in range(rng.randint(1, 7))]
        arxiv = f"{year % 100:02d}{1 + i % 12:02d}.{90000 + i:05d}" if i % 3 else None
        venue = rng.choice(["NeurIPS", "ICML", "ICLR", "ACL", "CVPR", "EMNLP", None])
        key = f"{authors[0].split(',')[0].lower()}{year}{words[0]}{i}"
        entries.append(LibraryEntry(key, _title_case(words), authors, year, arxiv, venue))
    return entries


def bibtex(entries: list[LibraryEntry]) -> str:
    out = ["% Generated by scripts/corpus.py: a benchmark library, not real papers.\n"]
    for e in entries:
        fields = [("title", "{" + e.title + "}"), ("author", " and ".join(e.authors)), ("year", str(e.year))]
        if e.venue:
            fields.append(("booktitle", e.venue))
        if e.arxiv:
            fields += [("eprint", e.arxiv), ("archivePrefix", "arXiv")]
        body = ",\n".join(f"  {name:<13} = {{{value}}}" for name, value in fields)
        out.append(f"@{'inproceedings' if e.venue else 'misc'}{{{e.key},\n{body}\n}}\n")
    return "\n".join(out)


def _sentence(rng: random.Random, cite: list[str] | None = None) -> str:
    words = [rng.choice(_ADJ), *rng.sample(_WORDS, rng.randint(3, 6)), rng.choice(_VERBS), "the"]
    words += rng.sample(_WORDS, rng.randint(3, 8))
    if rng.random() < 0.15:
        words.insert(rng.randrange(1, len(words)), f"*{rng.choice(_WORDS)}*")
    if rng.random() < 0.1:
        words.insert(rng.randrange(1, len(words)), f"`{rng.choice(_WORDS)}_{rng.randint(1, 9)}`")
    text = " ".join(words)
    if cite:
        text += " " + cite.pop()
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, cites: list[str], sentences: int) -> str:
    lines = []
    for _ in range(sentences):
        lines.append(_sentence(rng, cites if cites and rng.random() < 0.25 else None))
    return " ".join(lines)


_CODE = '''\
```python
def {name}(x, {arg}=0.{n}):
    """{doc}"""
    scores = x @ x.T / x.shape[-1] ** 0.5
    return (scores.softmax(-1) * {arg}).sum(-1)
```'''


def make_post(rng: random.Random, index: int, corpus: Corpus) -> GeneratedPost:
    library, abstracts = corpus.library, corpus.abstracts
    title = _title_case(rng.sample(_WORDS, rng.randint(3, 7)))
    date = dt.date(2020, 1, 1) + dt.timedelta(days=(index * 7919) % 2000)
    tags = rng.sample(_TOPIC_WORDS, rng.randint(2, 4))
    # Papers: one or two from the shared abstracts table, maybe one from the library.
    papers: list[dict] = [{"arxiv": a} for a in rng.sample(abstracts, rng.randint(1, 2))]
    if rng.random() < 0.6:
        entry = rng.choice(library)
        papers.append({"id": entry.key} if not entry.arxiv else {"arxiv": entry.arxiv})
    papers[0]["note"] = _sentence(rng)
    cited = rng.sample(library, 8)
    citations = [f"[@{e.key}]" for e in cited[:6]]
    citations += [f"[@{cited[6].key}; @{cited[7].key}]", f"[@arxiv:{rng.choice(abstracts)}]"]
    citations += [f"[@{cited[0].key}, p. {rng.randint(2, 30)}]"]
    rng.shuffle(citations)
    parts = [_paragraph(rng, citations, 4), "<!-- more -->"]
    for section in range(5):
        parts.append(f"## {_title_case(rng.sample(_WORDS, rng.randint(2, 4)))}")
        for _ in range(rng.randint(3, 4)):
            parts.append(_paragraph(rng, citations, rng.randint(4, 5)))
        if section == 1:
            parts.append(_CODE.format(name=rng.choice(_WORDS), arg=rng.choice(_WORDS), n=rng.randint(1, 9), doc=_sentence(rng)))
        if section == 2:
            cols = rng.sample(_WORDS, 3)
            rows = [f"| {rng.choice(_WORDS)} | {rng.randint(1, 99)}.{rng.randint(0, 9)} | {rng.randint(1, 99)}.{rng.randint(0, 9)} |" for _ in range(4)]
            parts.append("\n".join([f"| method | {cols[1]} | {cols[2]} |", "| --- | ---: | ---: |", *rows]))
        if section == 3:
            parts.append(f"The loss is $L = -\\sum_t \\log p(x_t \\mid x_{{<t}})$ and the {rng.choice(_WORDS)} is")
            parts.append("$$\n\\mathrm{Attn}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d}}\\right) V\n$$")
    while citations:
        parts.append(_paragraph(rng, citations, 2))
    takeaways = [_sentence(rng) + f" [@{cited[1].key}]", _sentence(rng), _sentence(rng)]
    return GeneratedPost(
        name=f"{date.isoformat()}-post-{index:05d}",
        title=f"{title} ({index})",
        date=date,
        authors=rng.sample(sorted(_AUTHORS), rng.randint(1, 2)),
        tags=tags,
        description=_sentence(rng),
        papers=papers,
        takeaways=takeaways,
        body="\n\n".join(parts) + "\n",
    )


def make_corpus(n: int, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    library = make_library(random.Random(seed + 1))
    abstracts = [json.loads(line)["arxiv_id"] for line in ABSTRACTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus = Corpus(n, seed, library, abstracts)
    corpus.posts = [make_post(rng, i, corpus) for i in range(n)]
    return corpus


def _frontmatter(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


_MARKDOWN_EXTENSIONS = """\
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
  - md_in_html
  - footnotes
  - tables
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - pymdownx.arithmatex:
      generic: true
"""


def write_papernotes(corpus: Corpus, root: Path, *, cache: bool = True, newsletter: bool = False) -> Path:
    """A papernotes site; returns its mkdocs.yml. `newsletter`: with e-mail editions and their feed."""
    (root / "docs" / "posts").mkdir(parents=True, exist_ok=True)
    (root / "library").mkdir(exist_ok=True)
    (root / "library" / "generated.bib").write_text(bibtex(corpus.library), encoding="utf-8")
    authors = {"authors": {k: {"name": v, "description": f"Writes about {k}."} for k, v in _AUTHORS.items()}}
    (root / "docs" / "authors.yml").write_text(yaml.safe_dump(authors), encoding="utf-8")
    for post in corpus.posts:
        meta = {
            "title": post.title, "date": post.date, "description": post.description,
            "authors": post.authors, "tags": post.tags, "papers": post.papers, "takeaways": post.takeaways,
        }
        (root / "docs" / "posts" / f"{post.name}.md").write_text(_frontmatter(meta) + post.body, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Bench Notes\nsite_url: https://example.org/bench/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - papernotes:\n"
        f"      cache: {'true' if cache else 'false'}\n"
        f"      library: [library/generated.bib, {json.dumps(str(ABSTRACTS))}]\n"
        + ("      newsletter: {email: true, email_feed: true}\n" if newsletter else "")
        + _MARKDOWN_EXTENSIONS,
        encoding="utf-8",
    )
    return config


def write_material_blog(corpus: Corpus, root: Path) -> Path:
    """The same posts for Material's blog + tags plugins (citations stay literal text)."""
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (root / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    authors = {"authors": {k: {"name": v, "description": f"Writes about {k}.", "avatar": "https://example.org/a.png"} for k, v in _AUTHORS.items()}}
    (root / "docs" / "blog" / ".authors.yml").write_text(yaml.safe_dump(authors), encoding="utf-8")
    for post in corpus.posts:
        meta = {
            "title": post.title, "date": post.date, "description": post.description,
            "authors": post.authors, "categories": post.tags[:1], "tags": post.tags,
        }
        body = post.body
        takeaways = "\n".join(f"- {t}" for t in post.takeaways)
        (posts / f"{post.name}.md").write_text(
            _frontmatter(meta) + f"# {post.title}\n\n" + body + "\n## Key takeaways\n\n" + takeaways + "\n", encoding="utf-8"
        )
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Bench Blog\nsite_url: https://example.org/bench/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - blog\n  - tags:\n      tags_file: tags.md\n"
        + _MARKDOWN_EXTENSIONS,
        encoding="utf-8",
    )
    return config


_HUGO_LAYOUTS = {
    "_default/baseof.html": (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} | {{ .Site.Title }}</title>"
        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{{ \"index.xml\" | absURL }}\"></head>"
        "<body><header><a href=\"{{ \"/\" | relURL }}\">{{ .Site.Title }}</a></header>"
        "<main>{{ block \"main\" . }}{{ end }}</main></body></html>"
    ),
    "_default/single.html": (
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format \"January 2, 2006\" }}</time>"
        "<ul class=\"tags\">{{ range .Params.tags }}<li><a href=\"{{ (printf \"tags/%s\" (. | urlize)) | relURL }}\">{{ . }}</a></li>{{ end }}</ul>"
        "<nav class=\"toc\">{{ .TableOfContents }}</nav>{{ .Content }}"
        "{{ with .Params.takeaways }}<div class=\"takeaways\"><h2>Key takeaways</h2><ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></div>{{ end }}"
        "<nav>{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}"
        "{{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav></article>{{ end }}"
    ),
    "_default/list.html": (
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article><h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2>"
        "<time>{{ .Date.Format \"January 2, 2006\" }}</time>{{ .Summary }}</article>{{ end }}"
        "{{ template \"_internal/pagination.html\" . }}{{ end }}"
    ),
    "_default/terms.html": (
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}"
        "<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}"
    ),
    "index.html": (
        "{{ define \"main\" }}{{ range (.Paginate (where .Site.RegularPages \"Section\" \"posts\")).Pages }}<article><h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2>"
        "{{ .Summary }}</article>{{ end }}{{ template \"_internal/pagination.html\" . }}{{ end }}"
    ),
    # The search index, as Hugo sites build one: every page's title, tags and plain text.
    "index.json": (
        "{{- $pages := slice -}}{{- range .Site.RegularPages -}}"
        "{{- $pages = $pages | append (dict \"title\" .Title \"url\" .RelPermalink \"tags\" .Params.tags \"text\" .Plain) -}}"
        "{{- end -}}{{- $pages | jsonify -}}"
    ),
}


def write_hugo(corpus: Corpus, root: Path) -> Path:
    """The same posts as a Hugo site with a minimal theme, tags, RSS and a JSON search index."""
    content = root / "content" / "posts"
    content.mkdir(parents=True, exist_ok=True)
    for name, text in _HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for post in corpus.posts:
        meta = {
            "title": post.title, "date": post.date, "description": post.description,
            "authors": post.authors, "tags": post.tags, "takeaways": post.takeaways,
        }
        (content / f"{post.name}.md").write_text(_frontmatter(meta) + post.body, encoding="utf-8")
    config = root / "config.yaml"
    config.write_text(
        "baseURL: https://example.org/bench/\ntitle: Bench Hugo\npaginate: 10\n"
        "outputs:\n  home: [HTML, RSS, JSON]\n"
        "markup:\n  highlight:\n    noClasses: false\n",
        encoding="utf-8",
    )
    return config


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    corpus = make_corpus(count)
    write_papernotes(corpus, out / "papernotes")
    write_material_blog(corpus, out / "material")
    write_hugo(corpus, out / "hugo")
    words = sum(len(p.body.split()) for p in corpus.posts) / max(1, count)
    print(f"{count} posts, {words:.0f} words each on average, written under {out}")
