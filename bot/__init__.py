"""citebot: answers questions about a collection of articles with verbatim, cited passages."""

__version__ = "0.1.0"
