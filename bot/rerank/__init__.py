"""Re-ranking of the top BM25 candidates with sentence and word-order evidence."""
