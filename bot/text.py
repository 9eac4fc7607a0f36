"""The analyzer: one way to turn passages and questions into index terms (nltk, no data files).

nltk's `word_tokenize`, `sent_tokenize` and `stopwords` need data packages that cannot be
downloaded on an offline machine, so only data-free parts are used: `RegexpTokenizer`,
`SnowballStemmer` and `PunktSentenceTokenizer` with our own abbreviation list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

# Numbers keep their thousands separators and decimals ("100,000", "8.5") so they stay one
# searchable token; every other run of letters/digits is a word. Apostrophes, curly quotes,
# dashes and all other punctuation separate tokens, so "Nato’s" gives "nato" and "s".
_TOKEN_PATTERN = r"\d+(?:[.,]\d+)*|[^\W_]+"

# nltk's English stop word list (179 words), kept here because the nltk data package that
# ships it cannot be downloaded at run time.
STOP_WORDS: frozenset[str] = frozenset(
    """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
    yourselves he him his himself she she's her hers herself it it's its itself they them
    their theirs themselves what which who whom this that that'll these those am is are was
    were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there
    when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don don't should should've now d ll m o re ve y
    ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven
    haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn
    shouldn't wasn wasn't weren weren't won won't wouldn wouldn't
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
_stemmer = SnowballStemmer("english")
_sentence_splitter = PunktSentenceTokenizer(PunktParameters())
_sentence_splitter._params.abbrev_types = set(ABBREVIATIONS)
_NUMBER_SEPARATORS = re.compile(r"(?<=\d),(?=\d)")


@lru_cache(maxsize=200_000)
def normalize_token(token: str) -> str | None:
    """One surface token -> its index term, or None for a stop word (cached: hot path)."""
    lowered = token.lower()
    if lowered in STOP_WORDS:
        return None
    if lowered[0].isdigit():
        return _NUMBER_SEPARATORS.sub("", lowered)
    stem: str = _stemmer.stem(lowered)
    return stem


def analyze(text: str) -> list[str]:
    """Text -> index terms: tokenize, lower-case, drop stop words, Snowball-stem."""
    terms = (normalize_token(token) for token in _tokenizer.tokenize(text))
    return [term for term in terms if term]


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the words in `text` whose index term is one of `terms`."""
    wanted = set(terms)
    return [
        (start, end)
        for start, end in _tokenizer.span_tokenize(text)
        if normalize_token(text[start:end]) in wanted
    ]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph (Punkt with our abbreviation list)."""
    return list(_sentence_splitter.span_tokenize(text))
