"""Loading, before the first move, what analysing an article loads on first use.

A process started from its cache serves the index it finds without analysing anything, so
its first move after start paid for loading the lemma tables, the sentence splitter and
the meaning model (about 1 s at 100k paragraphs on the 2-core test machine, on top of a
move's 0.5 s). Analysing one small article in the background at start loads them all.
"""

from __future__ import annotations

import logging

from bot.corpus import parse_article
from bot.index.analysis import AnalysisState, analyze_article

log = logging.getLogger(__name__)

_ARTICLE = b"Warming up\n\nThe keepers were lighting the lamps. Ships passed the harbours safely.\n"


def warm_up() -> None:
    """Analyse one small article, as a reindex would (its result is thrown away)."""
    try:
        article = parse_article("warming-up", _ARTICLE, ".txt")
        analyze_article(article, "warming-up.txt", "", AnalysisState())
    except Exception as exc:  # a head start only: the first move loads what is missing
        log.debug("fleet: warming up failed: %s", exc)
