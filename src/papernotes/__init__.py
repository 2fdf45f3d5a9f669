"""papernotes: a static blog and newsletter generator for writing about research papers.

The package has two halves:

- ``papernotes.core`` knows nothing of MkDocs: posts, records, the library,
  citations, topics, feeds and validation. Tests hammer it directly.
- ``papernotes.mkdocs_plugin`` is the thin adapter that wires the core into
  MkDocs' build events.
"""

__version__ = "0.1.0"
