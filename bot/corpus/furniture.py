"""Rules that tell site furniture and captions from article text in pasted web pages."""

from __future__ import annotations

import re

# Whole lines that are never article text, on any news site.
_FURNITURE_LINE = re.compile(
    r"(?:advertisement|advertising|advert|sponsored|caption|more|share|save"
    r"|share this (?:article|story|page)"
    r"|share (?:on|via) \w+|(?:copy|copied) link|facebook|twitter|x|email|whatsapp|linkedin"
    r"|print|comments?|related topics|related|more on this story|most read|top stories"
    r"|listen to this article|skip to (?:main )?content|published|updated|image source"
    r"|reuse this content|explore more on these topics|topics|continue reading"
    r"|getty images|reuters|ap|afp|pa media|epa|\d+ min(?:ute)?s? read)"
    r"[.:]?",
    re.IGNORECASE,
)
# Lines that start like furniture: promos, newsletter plugs, image credits and captions.
_FURNITURE_START = re.compile(
    r"(?:read more\b|sign up (?:to|for)\b|subscribe (?:to|for|now)\b|image (?:source|caption)\b"
    r"|image copyright\b|media caption\b|video caption\b|photograph:|related:|see also:"
    r"|watch:|listen:|(?:topics|tags|filed (?:to|under)|in this article)\s*:"
    r"|(?:skip past|after) newsletter promotion|privacy notice:|follow (?:us|@)"
    r"|updated \d+ \w+ ago|published \d+ \w+ ago|our standards:)",
    re.IGNORECASE,
)
# Guardian-style captions end in an image credit.
_CREDIT = re.compile(r"\b(?:photograph|photo|image|illustration|composite|video)\s*:\s*\S", re.I)
# Words that mark a line as site furniture when deciding where the article's tail begins.
_BOILERPLATE_WORD = re.compile(
    r"regist(?:er|ration|ering)|sign(?:ed)? ?in\b|sign up|log ?in\b|subscri(?:be|ption)"
    r"|newsletter|comment(?:s|ing)?\b|recaptcha|cookie|terms of (?:use|service)"
    r"|privacy (?:policy|notice)|all rights reserved|copyright|©|share this|follow us"
    r"|read more|related topics|more on this story|explore more on these topics"
    r"|reuse this content|our standards|trust principles|reporting by|editing by"
    r"|additional reporting|advertisement|most read|download (?:our|the) app"
    r"|thank you for|please refresh|already have an account|we use cookies"
    r"|accept (?:our |all |the )?(?:cookies|privacy|terms)",
    re.IGNORECASE,
)
_IMAGE = re.compile(r"(?:image|photo|video)?\s*\[[^\]]*\]\W*", re.IGNORECASE)
_TERMINAL = ".!?…:;\"'”’»"
_CAPTION_MAX_WORDS = 20
_TAIL_START_MAX_WORDS = 30
_TAIL_MIN_SHARE = 0.6
# Related-story headlines in a tail are short; a body paragraph is not.
_TAIL_MAX_PROSE_WORDS = 15


def is_furniture(line: str) -> bool:
    """Tell whether a line is site furniture (share buttons, promos, captions, credits)."""
    text = line.strip()
    if _FURNITURE_LINE.fullmatch(text) or _FURNITURE_START.match(text):
        return True
    return word_count(text) <= 40 and _CREDIT.search(text) is not None


def is_image(line: str) -> bool:
    """Tell whether a line is an image placeholder as browsers paste them ("[photo-1]")."""
    return _IMAGE.fullmatch(line.strip()) is not None


def is_sentence(line: str) -> bool:
    """Tell whether a line ends like a sentence or a quotation, ignoring closing brackets."""
    return line.rstrip().rstrip(")]").rstrip()[-1:] in _TERMINAL


def is_caption(line: str) -> bool:
    """Tell whether a line is a short non-sentence: a caption or a promo headline."""
    return not is_sentence(line) and word_count(line) < _CAPTION_MAX_WORDS


def is_boilerplate(line: str) -> bool:
    """Tell whether a line reads like site furniture (used to find the article's tail)."""
    return is_furniture(line) or _BOILERPLATE_WORD.search(line[:1000]) is not None


def tail_start(lines: list[str]) -> int:
    """Give the index where the trailing furniture starts (len(lines) if there is none).

    The tail starts at the first short boilerplate line that is not a sentence, after
    which at least 60% of the lines are boilerplate or captions and no line of real
    prose follows: a stray "newsletter" or "declined to comment." in the body is not enough.
    """
    junk_after = [0] * (len(lines) + 1)
    longest_prose_after = [0] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        junk = is_boilerplate(line) or is_caption(line)
        junk_after[index] = junk_after[index + 1] + int(junk)
        prose_words = 0 if junk else word_count(line)
        longest_prose_after[index] = max(longest_prose_after[index + 1], prose_words)
    for index, line in enumerate(lines):
        if (
            _can_start_tail(line)
            and longest_prose_after[index] < _TAIL_MAX_PROSE_WORDS
            and junk_after[index] >= _TAIL_MIN_SHARE * (len(lines) - index)
        ):
            return index
    return len(lines)


def _can_start_tail(line: str) -> bool:
    if word_count(line) > _TAIL_START_MAX_WORDS:
        return False
    return is_furniture(line) or (is_boilerplate(line) and not is_sentence(line))


def word_count(line: str) -> int:
    """Count whitespace-separated words (cheaply, on at most the first 2,000 characters)."""
    return len(line[:2000].split())
