"""The BM25 index: scoring, storage in SQLite, building and loading."""
