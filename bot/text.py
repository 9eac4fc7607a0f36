"""The analyzer: one way to turn passages and questions into index terms (nltk, no data files).

nltk's `word_tokenize`, `sent_tokenize` and `stopwords` need data packages that cannot be
downloaded on an offline machine, so only data-free parts are used: `RegexpTokenizer`,
`SnowballStemmer` and `PunktSentenceTokenizer` with our own abbreviation list.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import string
import sys
import unicodedata
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import nltk
from lemminflect import config as lemminflect_config
from lemminflect.core.LexicalUtils import categoryToUPos
from nltk import redos
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

# Numbers keep their thousands separators and decimals ("100,000", "8.5") so they stay one
# searchable token; every other run of letters/digits is a word. Apostrophes, curly quotes,
# dashes and all other punctuation separate tokens, so "Nato’s" gives "nato" and "s".
_TOKEN_PATTERN = r"\d+(?:[.,]\d+)*|[^\W_]+"

# nltk's English stop word list (179 words, kept here because the nltk data package that
# ships it cannot be downloaded at run time) without the 36 words that change what a
# sentence states: quantity, negation and comparison (all any both each few more most other
# some such no nor not only own same than too very) and order in time or place (before after
# above below up down over under again further once against between during until off out).
# "before 1795" is not "after 1795"; these words are common, so their low idf keeps them
# light. Measured in benchmarks/quality.py (third round).
STOP_WORDS: frozenset[str] = frozenset(
    """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours
    yourself yourselves he him his himself she she's her hers herself it it's its itself
    they them their theirs themselves what which who whom this that that'll these those
    am is are was were be been being have has had having do does did doing a an the and
    but if or because as while of at by for with about into through to from in on then
    here there when where why how so s t can will just don don't should should've now d
    ll m o re ve y ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't
    hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't needn needn't
    shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't
    """.split()
)

# Abbreviations that end in a period without ending the sentence (Punkt's own format:
# lower case, no final period).
ABBREVIATIONS: frozenset[str] = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    u.s u.k u.n e.g i.e etc vs approx dept est inc ltd co corp no nos fig vol ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec a.m p.m ca cf al
    """.split()
)

_tokenizer = RegexpTokenizer(_TOKEN_PATTERN)
# The same pattern in the same engine as `_tokenizer`, without nltk's 5 s wall-clock limit
# on each scan (`nltk.redos`): the pattern is ours and linear, and a scan of a 10 MB
# paragraph may legitimately take longer on a busy machine.
_untimed_tokens = redos.compile(_TOKEN_PATTERN, re.UNICODE | re.MULTILINE | re.DOTALL, timeout=None)
_stemmer = SnowballStemmer("english")
_token_re = re.compile(_TOKEN_PATTERN)


class _Punkt(PunktSentenceTokenizer):  # type: ignore[misc]  # nltk is untyped
    """nltk's Punkt, answering its most common question without building tokens.

    Punkt decides each candidate sentence end by annotating the tokens of a short context
    ("troops. The"), pure Python and most of its cost. When the context is a word of two or
    more ASCII letters that is not a known abbreviation, a period, white space and a letter
    or digit, untrained Punkt always answers "break": the word is marked a sentence break in its
    first pass, and no second-pass rule applies to it (it is no abbreviation, ellipsis,
    initial or number, and untrained parameters hold no collocations). Every other context
    goes to nltk; tests/test_text.py checks the shortcut against nltk's answer.
    """

    def text_contains_sentbreak(self, text: str) -> bool:
        plain = _PLAIN_SENTENCE_END.fullmatch(text)
        if plain is not None and plain[1].lower() not in self._params.abbrev_types:
            return True
        return bool(super().text_contains_sentbreak(text))


# The word, its period, ASCII white space (the same in every regex engine), then a letter or
# digit: not ". . ." (Punkt's ellipsis), not punctuation its word splitter would join.
_PLAIN_SENTENCE_END = re.compile(r"([A-Za-z]{2,})\.[ \t\n\r]+[A-Za-z0-9].*", re.DOTALL)


def _punkt() -> PunktSentenceTokenizer:
    """Untrained Punkt (no data package) that knows our abbreviations."""
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return _Punkt(params)


_sentence_splitter = _punkt()
_NUMBER_SEPARATORS = re.compile(r"(?<=\d),(?=\d)")


def _agreeing_characters() -> str:
    """Characters that nltk's tokenizer (the `regex` engine) and stdlib `re` class alike.

    nltk routes the pattern through the third-party `regex` engine, about 4x slower than `re`
    and with different Unicode tables (it counts combining marks and superscripts as word
    characters). Both engines agree on which characters are digits and word characters for
    ASCII, Latin-1, Latin Extended and general punctuation, so text made only of those is
    tokenized by `re` with identical results, checked character by character here.
    """
    candidates = [chr(c) for c in [*range(0x250), *range(0x2000, 0x20C0)]]
    probes = ("{}", "1,{}", "{}1")
    return "".join(
        c
        for c in candidates
        if all(_tokenizer.tokenize(p.format(c)) == _token_re.findall(p.format(c)) for p in probes)
    )


_AGREEING = _agreeing_characters()
_stdlib_safe = re.compile(f"[{re.escape(_AGREEING)}]*")


def _case_stable_characters(safe: str) -> str:
    """Characters whose lower case is one character of the same kind, also in `safe`.

    For text made only of these, lower-casing keeps every position, and its tokens are the
    lower-cased tokens of the original: the token pattern sees only digits, word
    characters and [.,], and each keeps its kind ("İ" is left out: it lowers to two).
    """

    def kind(c: str) -> tuple[bool, bool]:
        return re.fullmatch(r"\d", c) is not None, re.fullmatch(r"[^\W_]", c) is not None

    return "".join(
        c for c in safe if len(c.lower()) == 1 and c.lower() in safe and kind(c) == kind(c.lower())
    )


_case_stable = re.compile(f"[{re.escape(_case_stable_characters(_AGREEING))}]*")


def fold_case(text: str) -> str:
    """The text lower-cased where that changes no token boundary (see above), else as is.

    Indexing reads tokens from the folded text: "The" and "the" are then one key of the
    stem cache, and no token is lower-cased on its own.
    """
    return text.lower() if folds_to_lower(text) else text


def folds_to_lower(text: str) -> bool:
    """Whether `fold_case` lower-cases the text (every character is case-stable)."""
    return _case_stable.fullmatch(text) is not None


def term_of(token: str) -> str | None:
    """One surface token -> its index term, or None for a stop word (uncached)."""
    lowered = token.lower()
    if lowered in STOP_WORDS:
        return None
    if lowered[0].isdigit():
        return _NUMBER_SEPARATORS.sub("", lowered)
    stem: str = _stemmer.stem(lemma_of(lowered))
    return stem


# Parts of speech in the order their lemma is preferred when a form is irregular for all.
_LEMMA_POS = ("VERB", "NOUN", "ADJ", "ADV")


def lemma_of(word: str) -> str:
    """The dictionary form of an irregular word form ("said" -> "say", "children" ->
    "child", "went" -> "go"); the word itself when it is, or may be, a lemma already.

    Snowball strips regular endings but cannot relate irregular forms, which people
    paraphrase freely ("what did X say" of a text that writes "said"). A form that is also
    a lemma of its own ("saw", "left", "found") is kept: its stem already matches its
    regular relatives, and mapping it to another word's lemma would merge two meanings.
    """
    return _irregular_lemmas().get(word, word)


@lru_cache(maxsize=1)
def _irregular_lemmas() -> dict[str, str]:
    """Every lower-case form in lemminflect's dictionary that `lemma_of` maps elsewhere.

    Read from lemminflect's own tables (version pinned in pyproject.toml) as its
    `getAllLemmas` reads them, with its overrides; tests/test_text.py checks the result
    against `getAllLemmas` itself. That function deep-copies an entry on every call (about
    100 µs on a busy machine, for each distinct dictionary word an indexing worker meets);
    here a lookup is one dictionary access, and forms that map to themselves (most of the
    table) are not kept.
    """
    entries: dict[str, dict[str, tuple[str, ...]]] = {}
    table = gzip.decompress(Path(lemminflect_config.lemma_lu_fn).read_bytes()).decode("utf-8")
    for line in table.splitlines():
        form, category, lemmas = line.strip().split(",")
        entries.setdefault(form, {})[categoryToUPos(category)] = tuple(lemmas.split("/"))
    overrides = Path(lemminflect_config.lemma_overrides_fn).read_text(encoding="utf-8")
    for line in overrides.splitlines():
        if (line := line.strip()) and not line.startswith("#"):
            form, pos, lemma = line.split(",")
            entries.setdefault(form, {})[pos] = (lemma,)
    return {
        form: lemma
        for form, by_pos in entries.items()
        if form == form.lower() and (lemma := _preferred_lemma(form, by_pos)) != form
    }


def _preferred_lemma(form: str, by_pos: dict[str, tuple[str, ...]]) -> str:
    """The form itself if any part of speech has it as a lemma, else the first lemma of
    the first part of speech in `_LEMMA_POS` order."""
    if not by_pos or any(form in lemmas for lemmas in by_pos.values()):
        return form
    return next(by_pos[pos][0] for pos in (*_LEMMA_POS, *by_pos) if pos in by_pos)


# Questions and the re-ranker's sentence words: a bounded cache, since the bot runs for
# weeks. Indexing uses a `TermCache` of its own, dropped when the reindex ends.
normalize_token = lru_cache(maxsize=1 << 18)(term_of)


class TermCache(dict[str, str | None]):
    """Surface token -> index term, for one reindex: every distinct token stemmed once.

    A plain dict, because cache hits are most of the stemming cost and an LRU's hit also
    reorders its list: on the synthetic benchmark corpus, warm, 46 µs a paragraph through
    `normalize_token`, 21 µs through this with case-folded tokens. It grows with the
    corpus's vocabulary and goes with the reindex.
    """

    def __missing__(self, token: str) -> str | None:
        term = self[token] = term_of(token)
        return term


def tokens(text: str) -> list[str]:
    """The surface tokens of a text (stdlib `re` where it provably agrees with nltk's)."""
    if is_stdlib_safe(text):
        return _token_re.findall(text)
    return list(_untimed_tokens.findall(text))


def is_stdlib_safe(text: str) -> bool:
    """Whether stdlib `re` tokenizes this text exactly as nltk's tokenizer does."""
    return _stdlib_safe.fullmatch(text) is not None


def stdlib_tokens(text: str, start: int, end: int) -> list[str]:
    """The tokens of `text[start:end]` by stdlib `re` (for text that `is_stdlib_safe`)."""
    return _token_re.findall(text, start, end)


def analyze_uncached(text: str) -> list[str]:
    """`analyze` without the per-text cache: for bulk indexing, where every text is new."""
    return [term for term in map(normalize_token, tokens(text)) if term]


@lru_cache(maxsize=4096)
def _cached_terms(text: str) -> tuple[str, ...]:
    return tuple(analyze_uncached(text))


def analyze(text: str) -> list[str]:
    """Text -> index terms: tokenize, lower-case, drop stop words, Snowball-stem."""
    # Answering analyzes each hit paragraph several times (relevance, matches, sentences).
    return list(_cached_terms(text))


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the surface tokens of a text, in order."""
    if is_stdlib_safe(text):
        return [m.span() for m in _token_re.finditer(text)]
    return [m.span() for m in _untimed_tokens.finditer(text)]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph: nltk's Punkt with our abbreviations.

    The index stores each paragraph's sentences (see `bot.paragraph`), so ranking and the
    highlighted best sentence never split at question time; this serves the indexer and
    the excerpts of long paragraphs.
    """
    plain = _plain_sentences(text)
    if plain is not None:
        return plain
    return _punkt_sentences(text)


# The most text Punkt is given at once. nltk bounds each of its regular expression scans
# with a 5 s wall-clock limit (`nltk.redos`), and Punkt's scan does Python work for every
# candidate sentence end: a one-line 10 MB paragraph full of abbreviations went past it.
# 20,000 characters of such text take about 0.2 s on a busy 2-core machine, and real
# sentences are far shorter than a third of that.
PUNKT_PIECE = 20_000
# How pieces are joined (`_punkt_sentences`); part of the analyzer's fingerprint, so an index
# whose long paragraphs were split by an earlier rule is rebuilt. 2: a piece may restart at
# its last sentence.
PIECE_RULES = 2


def _punkt_sentences(text: str) -> list[tuple[int, int]]:
    """Punkt's spans, found piece by piece: the same spans while sentences are shorter
    than a third of a piece; a longer sentence is cut between words.

    Punkt decides each candidate end from the word before it and the token after it; it
    drops a candidate whose word runs into the next candidate's, and a word with no ASCII
    white space before it runs back to the previous candidate's. In a piece, the only
    candidate missing is the last one (its next token lies beyond the piece), so every end
    but the piece's last is Punkt's end for the whole text, and the next piece starts at
    a sentence after one of those ends (the piece's last sentence included: its start
    follows a certain end) whose first word Punkt reads alike from there.
    """
    spans: list[tuple[int, int]] = []
    start = 0  # as Punkt: its first sentence starts at 0, later ones at a token
    while start < len(text):
        end = _piece_end(text, start)
        found = [
            (start + a, start + b) for a, b in _sentence_splitter.span_tokenize(text[start:end])
        ]
        if end == len(text):
            spans += found
            break
        restart = next((k for k in range(len(found) - 1, 0, -1) if _fresh(text, found[k])), 0)
        if restart:  # keep the sentences whose end is certain, read the rest again
            spans += found[:restart]
            start = found[restart][0]
        else:  # sentences as long as a piece: cut between words
            if stop := len(text[start:end].rstrip()):
                spans.append((start, start + stop))
            start = _skip_space(text, end)
    return spans


def _fresh(text: str, sentence: tuple[int, int]) -> bool:
    """Whether Punkt reads the sentence's first word alike from its start and from before:
    ASCII white space just before it, or after its start and before its first ".?!"."""
    start, end = sentence
    if start > 0 and text[start - 1] in string.whitespace:
        return True
    marks = [m for m in (text.find(c, start, end) for c in ".?!") if m >= 0]
    return any(c in string.whitespace for c in text[start + 1 : min(marks, default=end)])


def _piece_end(text: str, start: int) -> int:
    """Where a piece from `start` ends: after white space, never inside a token."""
    if len(text) - start <= PUNKT_PIECE:
        return len(text)
    limit = start + PUNKT_PIECE
    space = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
    if space > start:
        return space + 1
    following = _SPACE.search(text, limit)  # one long token: run to its end
    return len(text) if following is None else following.end()


_SPACE = re.compile(r"\s")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


# A period, ASCII white space, then a letter or digit: where a plain sentence ends if the
# word before it is plain too (`_WORD_BEFORE`).
_PERIOD_GAP = re.compile(r"\.[ \t\n\r]+(?=[A-Za-z0-9])")
# Read in the reversed text from just before the period: ASCII letters that start the
# text or follow ASCII white space (what Punkt takes as the word before its candidate).
_WORD_BEFORE = re.compile(r"[A-Za-z]+(?=[ \t\n\r\x0b\x0c]|\Z)")
# The token after a gap, when it is plain: ASCII letters or digits, perhaps a comma, colon
# or semicolon, then ASCII white space or the end (Punkt's next token holds no end mark).
_PLAIN_NEXT = re.compile(r"[A-Za-z0-9]+[,;:]?(?=[ \t\n\r]|\Z)")
# Periods Punkt never considers: inside a token ("8.5", "e.g") or last in the text.
_INNER_PERIOD = re.compile(r"\.(?=[A-Za-z0-9])")
_FINAL_PERIOD = re.compile(r"\.[ \t\n\r]*\Z")


def _plain_sentences(text: str) -> list[tuple[int, int]] | None:
    """Punkt's spans for a paragraph whose every period is plain, else None (ask Punkt).

    Punkt considers each ".?!" followed by white space or certain punctuation, asks
    `text_contains_sentbreak` about its context (the word before, the mark, the next token)
    and realigns closing quotes and brackets. When the text has no "?" or "!", does not
    start with white space, and every period is either a plain end (a word of 2+ ASCII
    letters after white space, no abbreviation; then a gap and a letter or digit: the case
    `_Punkt.text_contains_sentbreak` shows always breaks), an abbreviation or an initial
    before a plain token (`_ends_after`), inside a token, or last, the spans follow from the
    periods alone: a sentence ends after its period and the next starts at the next token,
    with nothing to realign (it starts with a letter or digit). tests/test_text.py checks
    this against nltk; most paragraphs of plain prose take this path at a fraction of
    Punkt's cost.
    """
    if "?" in text or "!" in text or text[:1].isspace():
        return None
    gaps = list(_PERIOD_GAP.finditer(text))
    others = len(_INNER_PERIOD.findall(text)) + (_FINAL_PERIOD.search(text) is not None)
    if len(gaps) + others != text.count("."):
        return None
    backwards = text[::-1]
    spans, start = [], 0
    for gap in gaps:
        word = _WORD_BEFORE.match(backwards, len(text) - gap.start())
        if word is None:
            return None
        if len(word[0]) == 1 or word[0][::-1].lower() in ABBREVIATIONS:
            ends = _ends_after(word[0], text, gap.end())
            if ends is None:
                return None
            if not ends:
                continue
        spans.append((start, gap.start() + 1))
        start = gap.end()
    end = len(text.rstrip())
    if start < end:
        spans.append((start, end))
    return spans


def _ends_after(word: str, text: str, next_token: int) -> bool | None:
    """Whether untrained Punkt ends a sentence after "word." (an abbreviation or a single
    letter) followed by a gap and a plain token (`_PLAIN_NEXT`); None if the token is not.

    Punkt marks an abbreviation's period no end in its first pass, and a single letter's
    an end that its second pass takes back as an initial, unless the next token starts
    with a digit: with no trained parameters its orthographic evidence is never "starts a
    sentence", there are no frequent sentence starters or collocations, and a plain next
    token holds no end of its own that would make the context break.
    """
    if _PLAIN_NEXT.match(text, next_token) is None:
        return None
    return len(word) == 1 and word.lower() not in ABBREVIATIONS and text[next_token].isdigit()


@lru_cache(maxsize=1)  # constant for the process; reads package metadata
def analyzer_fingerprint() -> str:
    """A short digest of everything that decides a text's terms and sentences.

    The index stores terms and sentences, so one built by a different analyzer (another
    stop word list, tokenizer pattern, nltk, Python or Unicode version) must be rebuilt.
    """
    parts = (
        sys.version_info[:2],
        sorted(STOP_WORDS),
        sorted(ABBREVIATIONS),
        _TOKEN_PATTERN,
        PUNKT_PIECE,
        PIECE_RULES,
        nltk.__version__,
        version("lemminflect"),
        unicodedata.unidata_version,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
