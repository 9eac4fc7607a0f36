"""Citations: where a quoted passage comes from, in the form readers expect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.index.search import StoredParagraph

TITLE_CHARS = 48


@dataclass(frozen=True)
class Citation:
    """Article title, author, date, paragraph number (1-based) and link of one passage."""

    article_id: str
    title: str
    author: str | None
    date: str | None
    url: str | None
    paragraph: int

    @classmethod
    def of(cls, paragraph: StoredParagraph) -> Citation:
        """The citation of a stored paragraph."""
        a = paragraph.article
        return cls(a.id, a.title, a.author, a.date, a.url, paragraph.position + 1)

    def format(self, number: int, title_chars: int = TITLE_CHARS) -> str:
        """`[1] Short title… — Author, 26 Jan 2022, ¶7` (no link; see `format_with_link`)."""
        details = [d for d in (self.author, human_date(self.date)) if d]
        details.append(f"¶{self.paragraph}")
        return f"[{number}] {shorten(self.title, title_chars)} — {', '.join(details)}"

    def format_with_link(self, number: int) -> str:
        """The citation followed by its link, when known."""
        text = self.format(number)
        return f"{text} <{self.url}>" if self.url else text


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def human_date(iso: str | None) -> str | None:
    """`2022-01-26` or `2022-01-26T21:28` -> `26 Jan 2022`; anything else is shown as given."""
    if not iso:
        return None
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%b')} {day.year}"
