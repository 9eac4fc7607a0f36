"""Find article files and parse them into Articles: text, markdown, front matter and HTML."""

from bot.corpus.files import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    article_id_for,
    find_article_files,
    read_article_file,
)
from bot.corpus.model import Article, ArticleError, SkippedFile
from bot.corpus.parse import parse_article

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "Article",
    "ArticleError",
    "SkippedFile",
    "article_id_for",
    "find_article_files",
    "parse_article",
    "read_article_file",
]
