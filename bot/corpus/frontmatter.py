"""Parse text and markdown files that open with a YAML front matter block."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

import yaml

from bot.corpus.blocks import split_blocks
from bot.corpus.dates import iso_from_value
from bot.corpus.model import Article, ArticleError
from bot.corpus.pastein import parse_pastein

log = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"---[^\S\n]*\n(?P<yaml>.*?\n)?---[^\S\n]*(?:\n|$)", re.DOTALL)
_HEADING = re.compile(r"#[^\S\n]+(?P<title>.+)")
_TEXT_FIELDS = ("title", "author", "url", "source", "place", "standfirst")
_YES = frozenset({"true", "yes", "on", "1"})


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split text into (yaml, body) when it opens with a '---' block, else None."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    return match.group("yaml") or "", text[match.end() :]


def parse_front_matter_article(
    article_id: str, yaml_text: str, body: str, fallback_title: str, markdown: bool
) -> Article:
    """Build an Article from front matter fields and blank-line-separated body blocks."""
    fields = _load_yaml(yaml_text)
    if str(fields.get("pasted", "")).lower() in _YES:
        return _pasted_with_fields(article_id, body, fallback_title, fields)
    # Each block is one paragraph, nothing filtered: evaluation sets refer to paragraphs by
    # position. Line breaks become spaces, but runs of spaces inside a line are kept:
    # quoted answers in the evaluation set contain them verbatim.
    paragraphs = [" ".join(lines) for lines in split_blocks(body)]
    title = _text(fields.get("title"))
    if title is None and markdown and paragraphs:
        heading = _HEADING.fullmatch(paragraphs[0])
        if heading:
            title = heading.group("title").strip()
            paragraphs = paragraphs[1:]
    if not paragraphs:
        raise ArticleError("no body text")
    return Article(
        id=article_id,
        title=title or fallback_title,
        paragraphs=tuple(paragraphs),
        author=_text(fields.get("author")),
        date=iso_from_value(fields.get("date")),
        url=_text(fields.get("url")),
        source=_text(fields.get("source")),
        place=_text(fields.get("place")),
        standfirst=_text(fields.get("standfirst")),
    )


def _pasted_with_fields(
    article_id: str, body: str, fallback_title: str, fields: dict[str, Any]
) -> Article:
    """A pasted page under front matter: the page is read as pasted, the fields win."""
    return _fields_win(parse_pastein(article_id, body, fallback_title), fields)


def with_front_matter(article: Article, yaml_text: str) -> Article:
    """An article read from its page (HTML) with the front matter's fields winning."""
    return _fields_win(article, _load_yaml(yaml_text))


def _fields_win(article: Article, fields: dict[str, Any]) -> Article:
    given = {name: _text(fields.get(name)) for name in _TEXT_FIELDS}
    overrides: dict[str, Any] = {name: value for name, value in given.items() if value}
    date = iso_from_value(fields.get("date"))
    if date:
        overrides["date"] = date
    return replace(article, **overrides)


# libyaml's safe loader where PyYAML was built with it: the same documents, ten times faster.
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader, reading numbers and booleans as the text they are written as.

    Every field is text (or a date): "title: 1984" means the characters, and a huge
    integer-looking scalar ("0xfff…", 5,000 digits) would otherwise fail Python's int/str
    conversion limit and stop a whole index run.
    """


for _tag in ("int", "float", "bool"):
    _TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _TextLoader.construct_yaml_str)


def _load_yaml(yaml_text: str) -> dict[str, Any]:
    try:
        loaded = yaml.load(yaml_text, Loader=_TextLoader)
    except yaml.YAMLError as exc:
        raise ArticleError(f"front matter is not valid YAML: {_first_line(exc)}") from exc
    except RecursionError as exc:
        raise ArticleError("front matter is not valid YAML: nested too deeply") from exc
    except (ValueError, OverflowError) as exc:
        # PyYAML's own constructors raise these, e.g. for "date: 2022-13-45".
        raise ArticleError(f"front matter is not valid YAML: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ArticleError("front matter is not valid YAML: expected 'key: value' fields")
    unknown = set(map(str, loaded)) - {*_TEXT_FIELDS, "date", "pasted"}
    if unknown:
        log.debug("ignoring front matter fields %s", sorted(unknown))
    return {str(key): value for key, value in loaded.items()}


def _text(value: object) -> str | None:
    """Give a scalar front matter value as text; lists and mappings are not metadata."""
    if value is None or isinstance(value, list | dict | set):
        return None
    text = " ".join(str(value).split())
    return text or None


def _first_line(exc: yaml.YAMLError) -> str:
    lines = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in lines[:3]) if lines else "unknown error"
