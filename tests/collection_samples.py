"""Sample articles and helpers for the collection tests."""

from __future__ import annotations

from pathlib import Path

from support import front_matter_article

ORCHARD = [
    "The orchard harvest of apples doubled this year across the valley.",
    "Farmers credit the warm spring and a new irrigation canal fed by the river.",
    "Prices at the market fell by a third as a result.",
]
FERRY = [
    "Residents of the harbour town voted to keep the ferry running for ten more years.",
    "The council will pay for the service with a new tax on visiting yachts.",
    "Opponents said the tax would drive sailors to other ports along the coast.",
]
FILLER = [
    "The library opened a new reading room for children on the ground floor.",
    "A choir from the school sang at the opening of the bridge in spring.",
    "The museum lent three paintings to a gallery in the capital city.",
    "Snow closed the mountain pass for a week in the middle of winter.",
]


def article_bytes(title: str, paragraphs: list[str], **meta: str) -> bytes:
    """An article file in the front matter format, as bytes."""
    return front_matter_article(title, paragraphs, **meta).encode()


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every article file under a collection folder (not citebot's own), with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".citebot" not in p.relative_to(folder).parts
    }
