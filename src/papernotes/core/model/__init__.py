"""What a writer writes, as validated data: posts and their frontmatter, paper records, authors, topics."""
