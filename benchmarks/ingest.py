"""Ingestion quality on real pages: body kept, boilerplate dropped, title/author/date right.

    python -m benchmarks.ingest ../shared/eval/ingest-pages [--details]

Every page of the set is loaded through `bot.corpus.parse_article` in each variant (`html/`
as .html, `paste-headline-down/` and `paste-whole-page/` as .txt) and scored with the set
README's definitions:

- body: the reference blocks (`expected/<name>.html`: paragraphs, list items, headings,
  quotes, preformatted) of 8+ words; *prose* is the paragraphs and quotes among them.
  Paragraphs inside a figure, caption, aside, header, footer or nav are not prose, nor is
  a paragraph that is (90%+) link text: a link to another article. A
  block that is the page's title (see below) is the title, not body.
  A block is found when its text, whitespace and quotes normalised, is in the article's
  indexed text (its paragraphs joined by spaces). A <br> in the reference separates words.
- boilerplate share: indexed paragraphs that are not reference content (whose normalised
  text, list bullets and table-row bars aside, is not part of the reference text), over all
  indexed paragraphs.
- title right: equal (case, quotes and spacing aside) to the reference title, to the
  reference title without a " - Site" / " | Author" suffix, or to the page's own <h1>.
  A *navigation title* is a wrong title that is a line of the whole-page paste above the
  headline (what a reader sees as menus and links).
- author right: the person named by the page's byline (`_AUTHORS`; the reference's byline
  cleaned, and read off the page where the reference has none or a non-name); compared
  case-insensitively, each person once ("Jeffrey Gettleman; JEFFREY GETTLEMAN" is wrong).
  A *navigation author* is an author that is a site-interface word (`NAV_WORDS`).
- date right: the day of publication (`_DATES`: the reference's publishedTime, or the
  published date printed or declared on the page) equals the article's date's day.

Pages are split in half A (even positions in sorted order) and half B (odd), scored apart
so that a change made looking at one half can be checked on the other (the README says
which rounds looked at which half).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from bot.corpus import Article, ArticleError, parse_article

VARIANTS = (("html", "html", ".html"), ("paste-headline-down", "txt", ".txt"),
            ("paste-whole-page", "txt", ".txt"))  # fmt: skip
MIN_BODY_WORDS = 8
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt")
_PROSE_TAGS = frozenset({"p", "blockquote"})
# A paragraph whose text is this much link text is a link line, not prose.
_LINK_LINE_SHARE = 0.9
_NOT_PROSE_PARENTS = frozenset({"figure", "figcaption", "aside", "header", "footer", "nav"})
NAV_WORDS = frozenset(
    "username password sign in log in login menu search home subscribe share comments "
    "navigation skip to content follow more options email print tweet".split(" ")
) | {"sign in", "log in", "skip to content", "more options", "skip navigation"}
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"',
                         "„": '"', "″": '"', "\u00a0": " ", "\u00ad": None,
                         "\u200b": None})  # fmt: skip
_BULLETS = re.compile(r"(?:^|\s)(?:[•◦▪●□☆■▶►▼*·-]|\d{1,2}[.)])\s+")
# A table row as extracted ("| new | new | Pick up new tasks |"): the cells are the text.
_ROW = re.compile(r"^\|.*\|$")
_SUFFIX = re.compile(r"\s+[-|–—:]\s+[^-|–—]{1,60}$")

# The person the byline names, where the reference byline is missing or not a bare name.
_AUTHORS = {
    "bbc-1": "BBC News", "blogger": "Andrew Zonenberg", "breitbart": "Lucas Nolan",
    "buzzfeed-1": "Mark Di Stefano", "ebb-org": "Bradley M. Kuhn",
    "herald-sun-1": "Laurie Oakes", "medicalnewstoday": "Ana Sandoiu",
    "quanta-1": "Joshua Sokol", "salon-1": "Richard Eskow",
    "seattletimes-1": "Benjamin Romano", "telegraph": None,
    "wapo-1": "Erin Cunningham", "wapo-2": "Steven Mufson",
}  # fmt: skip
# The publication day, where the reference has no publishedTime: printed on the page (the
# byline's date line) or declared in its markup (<time datetime>, datePublished).
_DATES = {
    "ars-1": "2015-04-16", "blogger": "2016-05-08", "buzzfeed-1": "2015-04-21",
    "citylab-1": "2019-04-30", "cnet": "2017-01-18", "cnn": "2016-02-01",
    "dropbox-blog": "2020-11-11", "ebb-org": "2019-10-15", "guardian-1": "2019-01-03",
    "herald-sun-1": "2015-03-13", "lifehacker-working": "2015-03-09",
    "medicalnewstoday": "2017-07-27", "msn": "2016-11-15", "nytimes-1": "2017-01-13",
    "nytimes-2": "2016-07-29", "nytimes-3": "2019-02-21", "nytimes-4": "2018-09-25",
    "quanta-1": "2019-05-20", "salon-1": "2015-02-01", "telegraph": "2017-11-16",
    "wapo-1": "2015-03-18", "wapo-2": "2015-03-18", "yahoo-1": "2016-10-13",
}  # fmt: skip


@dataclass(frozen=True)
class Truth:
    """What a page's article is, from the set's reference files."""

    name: str
    blocks: tuple[tuple[str, bool], ...]  # (normalised text, is prose), 8+ words
    reference: str  # all reference text, normalised
    titles: frozenset[str]
    author: str | None
    date: str | None
    nav_lines: frozenset[str]  # whole-page lines above the headline


@dataclass
class Score:
    """Sums over pages of one variant (mutable while adding up)."""

    pages: int = 0
    body: list[int] = field(default_factory=lambda: [0, 0])
    prose: list[int] = field(default_factory=lambda: [0, 0])
    paragraphs: int = 0
    boilerplate: int = 0
    title: list[int] = field(default_factory=lambda: [0, 0])
    author: list[int] = field(default_factory=lambda: [0, 0])
    date: list[int] = field(default_factory=lambda: [0, 0])
    nav_titles: int = 0
    nav_authors: int = 0
    failed: int = 0


def normalise(text: str) -> str:
    """Whitespace collapsed, curly quotes and no-break spaces made plain, NFC."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())


def _key(text: str) -> str:
    return normalise(text).casefold().strip(" .")


def reference_blocks(html: str) -> list[tuple[str, bool]]:
    """The reference's innermost text blocks, normalised, with whether each is prose."""
    root = lxml.html.fromstring(html)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")  # a line break separates words ("media<br>A web")
    blocks = []
    for element in root.iter(*_BLOCK_TAGS):
        if any(child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            continue  # its inner blocks are counted instead
        text = normalise(element.text_content())
        if text:
            prose = element.tag in _PROSE_TAGS and not any(
                parent.tag in _NOT_PROSE_PARENTS for parent in element.iterancestors()
            )
            blocks.append((text, prose and not is_link_line(element, text)))
    return blocks


def is_link_line(element: lxml.html.HtmlElement, text: str) -> bool:
    """Tell whether a reference paragraph is (nearly) all link text: a link to another
    article ("Related: ..."), which the issue wants left out, not this article's prose."""
    links = sum(len(normalise(link.text_content())) for link in element.iter("a"))
    return links >= _LINK_LINE_SHARE * len(text)


def strip_bullets(text: str) -> str:
    """A paragraph's text without list bullets, numbers or table-row bars (the reference's
    list items and cells have none)."""
    if _ROW.match(text):
        text = text.replace("|", " ")
    return " ".join(_BULLETS.sub(" ", f" {text}").split())


def is_reference_content(paragraph: str, reference: str) -> bool:
    """Tell whether an indexed paragraph is text of the article (not boilerplate)."""
    text = normalise(paragraph)
    return text in reference or strip_bullets(text) in reference


def title_is_right(title: str, titles: Iterable[str]) -> bool:
    """Tell whether a title is one of the accepted titles (case and spacing aside)."""
    return _key(title) in {_key(t) for t in titles}


def title_forms(title: str) -> set[str]:
    """A reference title and the same without a trailing ' - Site' / ' | Author' part."""
    forms = {title}
    while (shorter := _SUFFIX.sub("", title)) != title:
        forms.add(shorter)
        title = shorter
    return forms


def names(author: str | None) -> list[str]:
    """The people in an author string, sorted, for comparison (a repeated name counts twice)."""
    if not author:
        return []
    author = re.sub(r"\([^)]*\)", " ", author)  # "Richard (R.J.) Eskow"
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", author)
    return sorted(" ".join(p.replace(".", " ").split()).casefold() for p in parts if p.strip())


def author_is_right(got: str | None, truth: str) -> bool:
    """Tell whether the article's author names exactly the byline's people."""
    return bool(got) and names(got) == names(truth)


def is_nav_author(author: str | None) -> bool:
    """Tell whether an author is a site-interface word ('Username', 'Sign in')."""
    return author is not None and _key(author) in NAV_WORDS


def date_is_right(got: str | None, truth: str) -> bool:
    """Tell whether the article's date falls on the publication day."""
    return bool(got) and got[:10] == truth


def load_truth(root: Path, name: str) -> Truth:
    """Read one page's reference content, metadata and headline."""
    meta = json.loads((root / "expected" / f"{name}.json").read_text())
    blocks = reference_blocks((root / "expected" / f"{name}.html").read_text())
    titles = title_forms(meta["title"]) | set(_h1s(root, name))
    # The headline is the article's title, not body text: repeating it as a paragraph is a
    # defect the issue names (buzzfeed-1, quanta-1), so it is not counted missing either.
    title_keys = {_key(title) for title in titles}
    body = tuple(
        (text, prose)
        for text, prose in blocks
        if len(text.split()) >= MIN_BODY_WORDS and _key(text) not in title_keys
    )
    author = _AUTHORS[name] if name in _AUTHORS else meta.get("byline")
    published = meta.get("publishedTime")
    date = _DATES.get(name) or (published[:10] if published else None)
    return Truth(
        name=name,
        blocks=body,
        reference=" ".join(text for text, _ in blocks),
        titles=frozenset(titles),
        author=author,
        date=date,
        nav_lines=_nav_lines(root, name),
    )


def _h1s(root: Path, name: str) -> list[str]:
    page = lxml.html.fromstring((root / "html" / f"{name}.html").read_bytes())
    return [normalise(h1.text_content()) for h1 in page.iter("h1") if h1.text_content().strip()]


def _nav_lines(root: Path, name: str) -> frozenset[str]:
    """Whole-page lines before the headline: what a reader sees above the article."""
    headline = _key(
        (root / "paste-headline-down" / f"{name}.txt").read_text().strip().split("\n")[0]
    )
    lines = [_key(line) for line in (root / "paste-whole-page" / f"{name}.txt").read_text()
             .split("\n") if line.strip()]  # fmt: skip
    cut = lines.index(headline) if headline in lines else len(lines)
    return frozenset(line for line in lines[:cut] if line != headline)


def score_article(score: Score, article: Article, truth: Truth) -> list[str]:
    """Add one article's figures to score; give its problems as short notes."""
    notes: list[str] = []
    text = normalise(" ".join(article.paragraphs))
    for block, prose in truth.blocks:
        found = block in text or block in strip_bullets(text)
        score.body[0] += found
        score.body[1] += 1
        if prose:
            score.prose[0] += found
            score.prose[1] += 1
        if not found:
            notes.append(f"missing: {block[:90]}")
    for paragraph in article.paragraphs:
        score.paragraphs += 1
        if not is_reference_content(paragraph, truth.reference):
            score.boilerplate += 1
            notes.append(f"boilerplate: {normalise(paragraph)[:90]}")
    _score_metadata(score, article, truth, notes)
    return notes


def _score_metadata(score: Score, article: Article, truth: Truth, notes: list[str]) -> None:
    title_ok = title_is_right(article.title, truth.titles)
    score.title[0] += title_ok
    score.title[1] += 1
    if not title_ok:
        nav = _key(article.title) in truth.nav_lines
        score.nav_titles += nav
        notes.append(f"title{' (navigation)' if nav else ''}: {article.title[:90]!r}")
    score.nav_authors += is_nav_author(article.author)
    if truth.author is not None:
        ok = author_is_right(article.author, truth.author)
        score.author[0] += ok
        score.author[1] += 1
        if not ok:
            notes.append(f"author: {article.author!r} (want {truth.author!r})")
    if truth.date is not None:
        ok = date_is_right(article.date, truth.date)
        score.date[0] += ok
        score.date[1] += 1
        if not ok:
            notes.append(f"date: {article.date!r} (want {truth.date})")


def run(root: Path, details: bool) -> dict[tuple[str, str], Score]:
    """Score every variant on halves A, B and all; print per-page notes if asked."""
    names_ = sorted(path.stem for path in (root / "expected").glob("*.json"))
    truths = {name: load_truth(root, name) for name in names_}
    scores: dict[tuple[str, str], Score] = {}
    for folder, ext, suffix in VARIANTS:
        for position, name in enumerate(names_):
            half = "A" if position % 2 == 0 else "B"
            data = (root / folder / f"{name}.{ext}").read_bytes()
            for key in ((folder, half), (folder, "all")):
                scores.setdefault(key, Score())
            try:
                article = parse_article(name, data, suffix)
            except ArticleError as exc:
                for key in ((folder, half), (folder, "all")):
                    scores[key].failed += 1
                print(f"{folder}/{name}: skipped: {exc}", file=sys.stderr)
                continue
            for key in ((folder, half), (folder, "all")):
                scores[key].pages += 1
                notes = score_article(scores[key], article, truths[name])
            if details:
                for note in notes:
                    print(f"{folder}/{name} [{half}] {note}")
    return scores


def _read_dates_with_dateutil() -> None:
    """Swap the loader's date reader for python-dateutil's fuzzy parser (comparison only)."""
    import datetime as dt
    import warnings

    from dateutil import parser as dateutil_parser

    import bot.corpus.dates

    def parse(text: str) -> dt.datetime | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return dateutil_parser.parse(text, fuzzy=True)
        except (ValueError, OverflowError):
            return None

    bot.corpus.dates._parse_day = parse  # type: ignore[attr-defined]


def _pct(pair: list[int]) -> str:
    return f"{100 * pair[0] / pair[1]:.1f}%" if pair[1] else "n/a"


def table(scores: dict[tuple[str, str], Score]) -> str:
    """The figures as a Markdown table, one row per variant and half."""
    rows = [
        "| variant | half | paragraphs | body recall | prose recall | boilerplate | title | "
        "author | date | nav. titles | nav. authors | failed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (variant, half), s in scores.items():
        share = f"{100 * s.boilerplate / s.paragraphs:.1f}%" if s.paragraphs else "n/a"
        rows.append(
            f"| {variant} | {half} | {s.paragraphs} | {_pct(s.body)} | {_pct(s.prose)} | "
            f"{share} | {s.title[0]}/{s.title[1]} | {s.author[0]}/{s.author[1]} | "
            f"{s.date[0]}/{s.date[1]} | {s.nav_titles} | {s.nav_authors} | {s.failed} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="the ingest-pages folder")
    parser.add_argument("--details", action="store_true", help="print each page's problems")
    parser.add_argument(
        "--date-parser",
        choices=("dateparser", "dateutil"),
        default="dateparser",
        help="what reads the dates the loader finds (dateutil: to compare the two)",
    )
    args = parser.parse_args(argv)
    if args.date_parser == "dateutil":
        _read_dates_with_dateutil()
    scores = run(args.root, args.details)
    order = {"all": 0, "A": 1, "B": 2}
    print(table(dict(sorted(scores.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
