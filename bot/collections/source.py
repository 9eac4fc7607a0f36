"""What is being added: the bytes, their format, where they came from, and the overrides.

Title, author and date given by the person adding an article are written into the file as
front matter, so the folder stays the source of truth: a later reindex, or another machine
given the folder, reads the same article. A pasted page gets `pasted: true` so it is still
read as a paste (see the README, "Fix a wrong field with front matter"); a page (HTML) keeps
its markup below the block; a file that has front matter already keeps its other fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.collections.names import CollectionError, slug
from bot.corpus import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, ArticleError
from bot.corpus.dates import iso_from_value
from bot.corpus.decode import decode_article
from bot.corpus.frontmatter import split_front_matter
from bot.corpus.parse import HTML_SUFFIXES

# What a fetched page's media type is saved as.
PAGE_SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/plain": ".txt",
}

# A title or author longer than this is a paste into the wrong box, not a name.
MAX_FIELD_CHARS = 300


@dataclass(frozen=True)
class Overrides:
    """Fields given by the person adding the article; they win over what is found."""

    title: str | None = None
    author: str | None = None
    date: str | None = None

    def fields(self) -> dict[str, str]:
        """The given fields, cleaned, the date as ISO 8601 (`CollectionError` if unreadable)."""
        found = {
            name: " ".join(value.split())
            for name, value in (("title", self.title), ("author", self.author))
            if value and value.strip()
        }
        for name, value in found.items():
            if len(value) > MAX_FIELD_CHARS:
                raise CollectionError(
                    f"the {name} given is longer than {MAX_FIELD_CHARS} characters"
                )
        if self.date and self.date.strip():
            day = iso_from_value(self.date.strip())
            if day is None:
                raise CollectionError("the date given is not a date (write it as 2024-03-06)")
            found["date"] = day
        return found


@dataclass(frozen=True)
class Source:
    """An article to add, as received."""

    data: bytes
    suffix: str  # the file type it is read as: .txt, .md, .markdown, .html or .htm
    name: str  # what to call it when it has no title: the file name or the URL's last part
    url: str | None = None  # the page it was fetched from (its link in citations)
    requested_url: str | None = None  # the URL as asked for, before any redirect


def file_source(file_name: str, data: bytes) -> Source:
    """An uploaded file: a supported type within the size limit, named after the file."""
    path = PurePosixPath(file_name.replace("\\", "/"))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CollectionError("only .txt, .md and .html files can be added")
    _check_size(data)
    return Source(data, suffix, slug(path.stem))


def page_source(url: str, final_url: str, data: bytes, media_type: str) -> Source:
    """A fetched page: read as HTML, Markdown or text by its media type."""
    suffix = PAGE_SUFFIXES.get(media_type.split(";")[0].strip().lower())
    if suffix is None:
        raise CollectionError("the address gives neither a web page nor text")
    _check_size(data)
    parts = urlsplit(final_url)
    last = PurePosixPath(parts.path).stem or parts.hostname or "page"
    return Source(data, suffix, slug(last, "page"), final_url, url)


def _check_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise CollectionError(f"larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")


def file_bytes(source: Source, overrides: Overrides) -> bytes:
    """The bytes to save: the source's own, or under a front matter block with the fields."""
    fields: dict[str, Any] = overrides.fields()
    if source.url:
        fields = {"url": source.url, **fields}
    if not fields:
        return source.data
    try:
        text = decode_article(source.data).lstrip("\ufeff")
    except ArticleError as exc:
        raise CollectionError(f"cannot read the file: {exc}") from exc
    front = split_front_matter(text)
    if front is not None:
        fields = {**_existing_fields(front[0]), **fields}
        text = front[1]
    elif source.suffix not in HTML_SUFFIXES:
        fields = {"pasted": True, **fields}  # the page is still read as pasted
    block = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{block}---\n{text}".encode()


def _existing_fields(yaml_text: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(yaml_text)
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        raise CollectionError("the file's front matter is not valid YAML") from exc
    if not isinstance(loaded, dict):
        raise CollectionError("the file's front matter is not valid YAML ('key: value' fields)")
    return {str(key): value for key, value in loaded.items()}
