"""Making article text inert for Discord: no markdown, masked link or mention survives.

Escaping works character by character on the whole text at once, so the bold markers citebot
adds afterwards (the best sentence) can never split a construct that was escaped in pieces:
with `discord.utils.escape_markdown`, `[a](x) and [b](x)` kept the second link live (its
regex takes both links as one match and escapes only the first bracket) and `*` inside a
matched link stayed bold. A backslash before any ASCII punctuation is invisible on Discord,
so over-escaping costs only length.
"""

from __future__ import annotations

import re

# Escaped wherever they appear outside bare URLs: emphasis, underline, strike, spoiler, code;
# and everywhere `[`, without which no masked link `[text](url)` can start (`]` alone is inert).
ALWAYS = frozenset("\\*_~|`[")
# Markers that only mean something at the start of a line: quote, heading and subtext,
# lists. The match's last character is the one escaped.
LINE_START = re.compile(r"(?m)^[ \t]*(?:[>#\-+]|\d+\.)")
# simple-markdown's `url` rule, which Discord's parser follows: a bare link is taken whole,
# so markdown inside it is not parsed and escaping it would corrupt the link. Only where a
# word starts: whether a link glued to a word is taken is not certain, so that one is escaped.
BARE_URL = re.compile(r"(?<!\w)https?://[^\s<]+[^<.,:;\"')\]\s]")
URL_RUN = re.compile(r"[^\s<]*")
EVERYONE = re.compile(r"@(?:everyone|here)")
ZWSP = "\u200b"


def escaped_pieces(text: str, cuts: tuple[int, ...] = ()) -> list[str]:
    """What each character of `text` becomes; joining them gives the inert text, and a
    position in `text` maps to the length of the pieces before it.

    A bare URL with one of the `cuts` (where bold markers go) inside or right after it would
    swallow the marker, so it is made plain text: its `:` escaped, its markdown too."""
    pieces = list(text)
    in_url = _whole_urls(text, cuts, pieces)
    for i, char in enumerate(text):
        if char in ALWAYS and (not in_url[i] or char == "["):
            pieces[i] = "\\" + char
        elif char == "<":
            # Mentions, channels, roles, slash commands, emoji and timestamps all start `<`;
            # escape_mentions only knows ids of 17-20 digits, so break every one.
            pieces[i] = "<" + ZWSP
    for match in LINE_START.finditer(text):
        last = match.end() - 1
        pieces[last] = "\\" + text[last]
    for match in EVERYONE.finditer(text):
        pieces[match.start()] = "@" + ZWSP
    return pieces


def _whole_urls(text: str, cuts: tuple[int, ...], pieces: list[str]) -> bytearray:
    """Marks the bare URLs Discord will link; breaks (in `pieces`) those a cut touches, and
    looks again right after the break, since a shorter URL may start inside a broken one."""
    in_url = bytearray(len(text))
    position = 0
    while (match := BARE_URL.search(text, position)) is not None:
        start, end = match.span()
        # In bold, a `**` inside a URL would still end the bold (Discord's bold rule does
        # not see links), so such a URL there is made plain text as well.
        in_bold = bool(cuts) and start < max(cuts) and end > min(cuts) and "**" in match[0]
        # A marker put anywhere in the URL's run of non-space characters (even after its
        # trailing `.`) would become part of the link once inserted.
        run_end = URL_RUN.match(text, end).end()  # type: ignore[union-attr]
        if in_bold or any(start < cut <= run_end for cut in cuts):
            colon = text.index(":", start)
            pieces[colon] = "\\:"
            position = colon + 1
        else:
            in_url[start:end] = b"\1" * (end - start)
            position = end
    return in_url


def inert(text: str) -> str:
    """`text` with every markdown, link and mention construct escaped."""
    return "".join(escaped_pieces(text))


def inert_with_bold(text: str, start: int, end: int) -> str:
    """`text` made inert as a whole, then `text[start:end]` put in bold."""
    pieces = escaped_pieces(text, (start, end))
    before, focus, after = pieces[:start], pieces[start:end], pieces[end:]
    return "".join(before) + "**" + "".join(focus) + "**" + "".join(after)
