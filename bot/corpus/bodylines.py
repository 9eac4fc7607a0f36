"""Choose the body paragraphs among an article's pasted lines: text in, furniture out.

Inside the article's extent every line is judged by its shape and its neighbours: prose
stays; a full sentence stays whatever its last character; a short line heading the prose
under it is a subheading and stays; list items inside the text stay; captions (next to an
image placeholder or a photo credit), credits, share buttons, lines the page repeats and
runs of one- to three-word items (tags, menus) go.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.corpus.captions import doubled_captions
from bot.corpus.dates import ends_with_date, is_date_line
from bot.corpus.extent import is_prose, is_section_marker
from bot.corpus.furniture import is_boilerplate, is_furniture, is_image, is_sentence, word_count
from bot.corpus.headline import is_list_item, looks_like_navigation

# An unpunctuated line this long is a sentence, not a caption.
FULL_SENTENCE_WORDS = 12
_MAX_HEADING_WORDS = 15
# A short sentence in the text ("This is what they did.") is text; captions are caught by
# their image or credit, buttons and labels are shorter.
_SHORT_SENTENCE_WORDS = 6
# A caption under an image is short or carries its credit; a paragraph there is text.
_IMAGE_CAPTION_WORDS = 30
_NAV_ITEM_WORDS = 3
# A list a short line introduces ("repeat every second:" then its steps) is text when it
# has a few items of more words than a menu's.
_MIN_INTRODUCED_ITEMS = 2
_MIN_INTRO_WORDS = 2
_BULLET = re.compile(r"^\s*(?:[•◦▪●□☆■▶►▼*·]\s*)")
# "Olena Shmahalo/Quanta Magazine", "JIM WATSON/AFP/Getty Images": a photo credit.
_CREDIT_LINE = re.compile(r"^[\w.'’ -]{2,40}/[\w.'’ /-]{2,40}$")
_CAPTION_MAX_WORDS = 60
# A subheading may recur (the goals, then the design, per item); more often is furniture.
_MAX_HEADING_REPEATS = 2
_MAX_TEASER_WORDS = 25
_MAX_SKIPPED_LABELS = 1
# " 1. The handoff": a numbered item over its paragraph is a subheading.
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s")
_BY_CREDIT = re.compile(r"by\s", re.IGNORECASE)
# A paragraph the page repeats is kept only when it is long: a pull quote is not a caption.
_KEEP_REPEATED_WORDS = 40
# "…in Queens.CreditChang W. Lee/The New York Times": a caption with its credit run on.
_GLUED_CREDIT = re.compile(r"[a-z.)”\"’]Credit(?:Credit)?[A-Z]")
# "…on a Harare street on Thursday Credit: JANE DOE/ AFP": a caption ending in its credit.
# "… Credit Ashraf Shazly/Agence France-Presse — Getty Images", "… in 2016. (Jo Doe / AP)".
_TRAILING_CREDIT = re.compile(
    r"(?:\bCredit\s*:?\s+|(?<=[a-z.)”\"’])Credit)[^\W\d_][\w.'’ /—–-]{1,80}$"
    r"|[.!?”\"’]\s*\([A-Z]{2,6}\)$|\([^()]{1,40}/\s*[A-Z][\w ]{1,30}\)$"
)
_INLINE_CREDIT = re.compile(r"(?:credit|photograph|photo|image|illustration)\s*:?\s*[A-Z]", re.I)


def body_paragraphs(lines: list[str], start: int, end: int, page: list[str]) -> list[str]:
    """Give the paragraphs of lines[start:end], dropping what is not article text."""
    # Short lines the page repeats anywhere are captions, buttons or teaser headlines; a
    # paragraph of prose repeated only outside the text (a summary on top) is still text.
    counts = Counter(_bare(line) for line in page)
    in_body = Counter(_bare(line) for line in lines[start:end])
    counts = Counter({k: (in_body[k] if is_prose(k) else v) for k, v in counts.items()})
    teasers = _teaser_items(lines, start, end) | doubled_captions(lines, start, end)
    kept: list[str] = []
    index = start
    while index < end:
        line = lines[index]
        items = _introduced_list(lines, index + 1, end) if line.rstrip().endswith(":") else []
        if index not in teasers and (_keep(lines, index, end, counts) or _introduces(line, items)):
            # "…as follows:" and its list are one paragraph, as the page shows them.
            kept.append(" ".join([_text(line), *(_text(item) for item in items)]))
            index += len(items)
        index += 1
    return kept


def reach_back(lines: list[str], start: int, floor: int) -> int:
    """Move the body's start up over short sentences that open it ("Then came the vote.").

    The article's run starts at its first long paragraph; shorter sentences right above
    it are text too, up to the header (floor), a picture, a list or a non-sentence line.
    """
    while start - 1 >= floor and _opens_text(lines, start - 1):
        start -= 1
    return start


def _opens_text(lines: list[str], index: int) -> bool:
    line = lines[index]
    if not is_sentence(line) or word_count(line) < _SHORT_SENTENCE_WORDS or is_list_item(line):
        return False
    if is_furniture(line) or is_boilerplate(line) or is_image(line) or is_credit(line):
        return False
    return not (index > 0 and is_image(lines[index - 1])) and not _GLUED_CREDIT.search(line)


def _text(line: str) -> str:
    return _bare(line) if is_list_item(line) and _BULLET.match(line) else line.strip()


def _introduced_list(lines: list[str], index: int, end: int) -> list[str]:
    items: list[str] = []
    while index < end and is_list_item(lines[index]) and not is_furniture(_bare(lines[index])):
        items.append(lines[index])
        index += 1
    return items


def _introduces(line: str, items: list[str]) -> bool:
    """A short line ending in a colon over a list of phrases ("repeat every second:")."""
    if len(items) < _MIN_INTRODUCED_ITEMS or word_count(line) < _MIN_INTRO_WORDS:
        return False
    if is_boilerplate(line) or is_section_marker(line) or looks_like_navigation(line):
        return False
    return all(word_count(_bare(item)) > _NAV_ITEM_WORDS for item in items)


def _bare(line: str) -> str:
    return _BULLET.sub("", line).strip()


def _keep(lines: list[str], index: int, end: int, counts: Counter[str]) -> bool:
    line = lines[index]
    if is_furniture(line) or is_image(line) or is_credit(line) or is_section_marker(line):
        return False
    if _is_caption(lines, index):
        return False
    if is_date_line(_bare(line)):
        return False  # a date alone on its line labels a teaser or a picture
    if not is_sentence(line) and word_count(line) <= _MAX_TEASER_WORDS and ends_with_date(line):
        return False  # "Verizon Announces a Deal JULY 25, 2016": a teaser's headline
    words = word_count(line)
    if counts[_bare(line)] > 1 and (words < _KEEP_REPEATED_WORDS or not is_prose(line)):
        # What the page repeats: captions, alt text, teaser headlines, buttons; but a
        # subheading may recur ("Isolation" under the goals, then under the design).
        repeats = counts[_bare(line)] <= _MAX_HEADING_REPEATS
        return repeats and words <= _MAX_HEADING_WORDS and _heads_prose(lines, index, end, counts)
    if is_prose(line):
        return True
    if is_list_item(line):
        bare = _bare(line)
        if is_boilerplate(bare) or is_furniture(bare):
            return False
        # " 1. The handoff" over its paragraph is a numbered subheading, not a menu item.
        if word_count(bare) > _NAV_ITEM_WORDS:
            return True
        # A bulleted one needs a full paragraph under it: "• Feed" over a bio line is a menu.
        numbered = _NUMBERED.match(line) is not None
        under = index + 1 < end and is_prose(lines[index + 1])
        return (numbered or under) and _heads_prose(lines, index, end, counts)
    if is_boilerplate(line):
        return False
    if words >= FULL_SENTENCE_WORDS or (is_sentence(line) and words >= _SHORT_SENTENCE_WORDS):
        return True
    return words <= _MAX_HEADING_WORDS and _heads_prose(lines, index, end, counts)


def is_credit(line: str) -> bool:
    """Tell whether a line is only a photo credit ("Name/Agency")."""
    text = line.strip()
    return word_count(text) <= 8 and _CREDIT_LINE.match(text) is not None


def _is_caption(lines: list[str], index: int) -> bool:
    """A non-prose line under an image placeholder, or any short line above a credit."""
    line = lines[index]
    if word_count(line) > _CAPTION_MAX_WORDS:
        return False
    if _GLUED_CREDIT.search(line) or _TRAILING_CREDIT.search(line) or _is_doubled(line):
        return True
    after_image = index > 0 and is_image(lines[index - 1]) and not _is_button(lines[index - 1])
    before_credit = index + 1 < len(lines) and is_credit(lines[index + 1])
    if before_credit:
        return True
    short = word_count(line) < _IMAGE_CAPTION_WORDS or _INLINE_CREDIT.search(line) is not None
    # A paragraph of prose followed by more prose is the text resuming after a picture.
    resumes = is_prose(line) and index + 1 < len(lines) and is_prose(lines[index + 1])
    return after_image and short and not resumes


def _is_doubled(line: str) -> bool:
    # Alt text pasted twice: "A window in a room.A window in a room."
    text = line.strip()
    half = len(text) // 2
    return len(text) > 20 and len(text) % 2 == 0 and text[:half] == text[half:]


def _teaser_items(lines: list[str], start: int, end: int) -> frozenset[int]:
    """The list items of lists that a section marker ("Most Read") opens, in one pass."""
    items: set[int] = set()
    opened = False
    for index in range(max(0, start - 1), end):
        if is_list_item(lines[index]):
            if opened:
                items.add(index)
        else:
            opened = is_section_marker(lines[index])
    return frozenset(items)


def _is_button(line: str) -> bool:
    # Form controls paste like pictures: "[Submit]", "[          ]".
    inner = line.strip().strip("[]").strip()
    return not inner or (inner.isalpha() and inner[0].isupper() and " " not in inner)


def _heads_prose(lines: list[str], index: int, end: int, counts: Counter[str]) -> bool:
    """A subheading: the next line is article prose.

    A label the page repeats often (the article's title as each picture's alt text) may
    sit between a subheading and its text; it is skipped.
    """
    # A heading may ask a question; a line ending in a period is a caption or a sentence.
    if not _heading_shaped(_NUMBERED.sub("", _bare(lines[index]))):
        return False
    after = index + 1
    while after < end and counts[_bare(lines[after])] > _MAX_HEADING_REPEATS:
        after += 1
    return after < end and after - index <= _MAX_SKIPPED_LABELS + 1 and _is_text(lines[after])


def _heading_shaped(line: str) -> bool:
    """A heading is words: no final period, no picture, no rule line, no "By" credit."""
    text = line.strip()
    if text.endswith(".") or is_list_item(text) or "[" in text or _BY_CREDIT.match(text):
        return False
    if not (text[:1].isalnum() or text[:1] in "\"'“‘") or looks_like_navigation(text):
        return False  # "← Previous: …", "Share on Reddit"
    return any(word.isalpha() for word in text.split())


def _is_text(line: str) -> bool:
    """Prose, or a short full sentence that is not furniture ("Clients can query it.")."""
    if is_prose(line):
        return True
    words = word_count(line)
    return (
        is_sentence(line)
        and words >= _SHORT_SENTENCE_WORDS
        and not (is_boilerplate(line) or is_furniture(line) or is_list_item(line))
    )
