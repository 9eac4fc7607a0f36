"""The NOTIFY hint a commit sends: the collection and its new generation, nothing else.

A hint only says "look again": a follower reads the generations table (the truth) before
moving, so a lost, repeated, late or forged hint can delay a change but never cause one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

CHANNEL = "citebot_generations"


@dataclass(frozen=True)
class Hint:
    """A collection said to have reached a generation."""

    collection: str
    generation: int


def encode_hint(collection: str, generation: int) -> str:
    """The NOTIFY payload for a committed generation."""
    return json.dumps({"collection": collection, "generation": generation})


def decode_hint(payload: str) -> Hint | None:
    """The hint in a payload, or None when it is not one (ignored, never fatal)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    collection, generation = data.get("collection"), data.get("generation")
    if not isinstance(collection, str) or type(generation) is not int:
        return None
    return Hint(collection, generation)
