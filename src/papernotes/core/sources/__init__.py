"""Reading the writer's files: the paper library (BibTeX, YAML, JSON, CSV) and YAML that keeps its lines."""
