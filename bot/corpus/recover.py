"""Put back the article's own text that the extractor left out: captions, bios, notes.

trafilatura keeps the paragraphs it is sure of and drops the text around pictures and
videos and the writer's note under the article. On the page those sit in the same element
as the article's paragraphs, while menus, teasers and comments sit outside it. So the
article's element is the smallest one that holds every extracted paragraph, and a block of
text inside it that was left out comes back, in page order, when it reads as prose: enough
words, mostly not links, not a share or sign-up line.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import lxml.html  # type: ignore[import-untyped]  # lxml ships no types
from lxml.etree import ParserError, _Element  # type: ignore[import-untyped]

from bot.corpus.dates import is_date_line, starts_with_date

log = logging.getLogger(__name__)

_PARSER = lxml.html.HTMLParser(encoding="utf-8")

# Elements whose text a reader sees as one block; a block is one with no block inside.
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 blockquote figcaption dd dt td th pre section article "
    "figure aside header footer main table tr ul ol dl".split()
)
_SKIPPED_TAGS = ("script", "style", "noscript", "template", "nav", "form", "button", "select")
# Elements the page itself marks as beside the running text.
_NOT_TEXT_TAGS = frozenset({"figure", "aside", "header", "footer"})
# How to reach the writer ("name@site.com", "@handle"): contact details, not text.
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.\w|(?:^|\s)@\w")
# A sentence ends in the block ("... the right. (Reuters)", "... two years. Source: AP").
_FULL_STOP = re.compile(r"[.!?…][\"'”’)]*(?:\s|$)")
# A left-out block must hold this many words to come back (a caption, a bio, a note).
MIN_WORDS = 8
# Blocks that are mostly link text are teasers and menus, not the article.
_MAX_LINK_SHARE = 0.5
# The article's element holds this share of the extracted text.
_HELD_SHARE = 0.9
# The header (headline, byline, date) is looked for this many blocks above the text.
_HEADER_REACH = 12
_MAX_BYLINE_WORDS = 12
# An extracted paragraph is found on the page by its first characters.
_PREFIX_CHARS = 60
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " ", "\u00ad": None})


@dataclass(frozen=True)
class _Block:
    element: _Element
    text: str  # normalised
    link_share: float


def recover_paragraphs(
    html: str, paragraphs: list[str], author: str | None, keep: Callable[[str], bool]
) -> list[str]:
    """The paragraphs with the left-out blocks of the article's element put back in order.

    A sentence about the author below the article ("Jane Doe covers the courts.") is the
    writer's note wherever the page puts it. keep tells whether a left-out block may come
    back (the caller's furniture rules).
    """
    blocks = _page_blocks(html)
    anchors = _anchors(blocks, paragraphs)
    if len(anchors) < 2:
        return paragraphs
    container = _article_element(blocks, anchors)
    have = _norm(" ".join(paragraphs))
    anchored = set(anchors.values())
    # Text printed twice on a page is a template's (a player's or a chart's), not prose.
    counts = Counter(block.text for block in blocks)
    start = _below_header(blocks, min(anchored), author)
    left_out = [
        (index, block.text)
        for index, block in enumerate(blocks)
        if index > start
        and index not in anchored
        and block.text not in have
        and counts[block.text] == 1
        and _readable(block)
        and (_about(block.text, author) or _running_text(block, container))
        and keep(block.text)
    ]
    return _merge(paragraphs, anchors, left_out)


def _below_header(blocks: list[_Block], first: int, author: str | None) -> int:
    """The last header line (headline, byline, date) above the first paragraph, else it.

    Headline, standfirst and byline are not text; a lead picture's caption printed
    between the byline and the first paragraph is.
    """
    for index in range(first - 1, max(-1, first - _HEADER_REACH), -1):
        if _is_header_line(blocks[index], author):
            return index
    return first


def _is_header_line(block: _Block, author: str | None) -> bool:
    if block.element.tag == "h1" or is_date_line(block.text):
        return True
    short = len(block.text.split()) <= _MAX_BYLINE_WORDS
    return short and author is not None and author.casefold() in block.text.casefold()


def _merge(
    paragraphs: list[str], anchors: dict[int, int], left_out: list[tuple[int, str]]
) -> list[str]:
    """Each left-out block goes before the first paragraph found further down the page."""
    result: list[str] = []
    queue = list(left_out)
    position = -1
    for number, paragraph in enumerate(paragraphs):
        position = anchors.get(number, position)
        while queue and queue[0][0] < position:
            result.append(queue.pop(0)[1])
        result.append(paragraph)
    result.extend(text for _, text in queue)
    return result


def _readable(block: _Block) -> bool:
    """Enough words and a full stop, mostly not links, not inside a link (a teaser).

    Without a full stop a block is a headline, a chart's title or a credit line.
    """
    if len(block.text.split()) < MIN_WORDS or block.link_share > _MAX_LINK_SHARE:
        return False
    # A block opening with a date is a dated item of a list: a gallery's slide, a teaser.
    if _FULL_STOP.search(block.text) is None or starts_with_date(block.text):
        return False
    return not any(element.tag == "a" for element in block.element.iterancestors())


def _running_text(block: _Block, container: _Element) -> bool:
    """In the article's element and not marked as beside its text or as contact details."""
    chain = [block.element, *block.element.iterancestors()]
    if not any(element is container for element in chain):
        return False
    # A picture's caption, a pull quote or a sidebar: marked as not the running text.
    return not any(e.tag in _NOT_TEXT_TAGS for e in chain) and not _CONTACT.search(block.text)


def _about(text: str, author: str | None) -> bool:
    if author is None or not text.startswith(f"{author} "):
        return False
    following = text[len(author) + 1 :]
    return following[:1].islower()


def _page_blocks(html: str) -> list[_Block]:
    try:
        # As bytes with the encoding named: lxml refuses text that declares an encoding
        # (an XHTML page's "<?xml ... encoding=...?>"), and the text is decoded already.
        root = lxml.html.fromstring(html.encode(), parser=_PARSER)
    except (ParserError, ValueError):
        log.debug("could not parse the page for left-out blocks", exc_info=True)
        return []
    for element in list(root.iter(*_SKIPPED_TAGS)):
        element.drop_tree()
    return list(_leaf_blocks(root))


def _leaf_blocks(root: _Element) -> Iterator[_Block]:
    for element in root.iter(*_BLOCK_TAGS):
        if any(True for _ in element.iterdescendants(*_BLOCK_TAGS)):
            continue
        text = _norm(element.text_content())
        if not text:
            continue
        links = sum(len(_norm(a.text_content())) for a in element.iter("a"))
        yield _Block(element, text, links / len(text))


def _anchors(blocks: list[_Block], paragraphs: list[str]) -> dict[int, int]:
    """Paragraph index -> index of the page block it starts in (found ones only)."""
    anchors: dict[int, int] = {}
    start = 0
    for number, paragraph in enumerate(paragraphs):
        prefix = _norm(paragraph)[:_PREFIX_CHARS]
        found = next(
            (i for i in range(start, len(blocks)) if prefix in blocks[i].text),
            None,
        )
        if found is not None:
            anchors[number] = found
            start = found
    return anchors


def _article_element(blocks: list[_Block], anchors: dict[int, int]) -> _Element:
    """The deepest element holding nearly all the extracted text (a stray line elsewhere,
    a teaser the extractor kept, does not widen it to the whole page)."""
    held: dict[_Element, int] = {}
    depth: dict[_Element, int] = {}
    for index in set(anchors.values()):
        chain = [blocks[index].element, *blocks[index].element.iterancestors()]
        for level, element in enumerate(reversed(chain)):
            held[element] = held.get(element, 0) + len(blocks[index].text)
            depth[element] = level
    total = max(held.values())
    return max((e for e in held if held[e] >= _HELD_SHARE * total), key=lambda e: depth[e])


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())
