"""Checks of a fleet run's answers (tests/e2e/test_fleet_stream.py): the log lines
`fleet answer: process=… collection=… generation=… paragraphs=… cited=…` of one process,
against PostgreSQL's articles at each generation and the replies the fake Discord got."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from fake_discord import SentMessage

from bot.collections import SHARED
from bot.corpus import parse_article
from bot.fleet.connect import Connection, connect
from bot.fleet.store import articles_at

MIRRORED = re.compile(r"fleet: (\S+) generation (\d+) mirrored")


def assert_no_regression(log: str, answers: list[tuple[str, ...]]) -> None:
    """Per collection, the generations a process moved to only go up, and so do those its
    answers (asked one at a time) were served from."""
    moved: dict[str, list[int]] = defaultdict(list)
    for collection, generation in MIRRORED.findall(log):
        moved[collection].append(int(generation))
    served: dict[str, list[int]] = defaultdict(list)
    for _, collection, generation, _ in answers:
        assert generation != "None", answers
        served[collection].append(int(generation))
    for name, numbers in moved.items():
        assert numbers == sorted(set(numbers)), (name, numbers)
    for name, numbers in served.items():
        assert numbers == sorted(numbers), (name, numbers)


def check_cited(url: str, answers: list[tuple[str, ...]], replies: list[SentMessage]) -> int:
    """Every cited paragraph (article id, 1-based number) is one of its answer's generation,
    and every passage a reply shows is, word for word, a paragraph its answer's log line
    cites. A process answers its questions one at a time, in the order asked, and logs one
    line per collection searched, the shared collection last: the lines group by answer.
    Returns how many passages shown were checked."""
    checked = 0
    with connect(url) as conn:
        stored = Generations(conn)
        groups = answer_groups(answers)
        assert len(groups) == len(replies)
        for group, reply in zip(groups, replies, strict=True):
            cited = [stored.cited(line) for line in group]
            citable = {item for items in cited for item in items}
            for title, number, quote in shown_passages(reply):
                assert any(
                    (title, number) == (t, n) and all(part in text for part in quote)
                    for t, n, text in citable
                ), (title, number, quote, group)
                checked += 1
    return checked


class Generations:
    """Each collection's articles at each generation, parsed as the index parses them."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._read: dict[tuple[str, int], dict[str, tuple[str, tuple[str, ...]]]] = {}

    def cited(self, line: tuple[str, ...]) -> list[tuple[str, int, str]]:
        """(title, paragraph number, text) of each paragraph the log line cites."""
        _, collection, generation, cited = line
        articles = self._at(collection, int(generation))
        found = []
        for item in cited.split(",") if cited != "-" else []:
            article_id, number = item.rsplit("#", 1)
            assert article_id in articles, (collection, generation, item)
            title, paragraphs = articles[article_id]
            assert 1 <= int(number) <= len(paragraphs), (collection, generation, item)
            found.append((title, int(number), squeeze(paragraphs[int(number) - 1])))
        return found

    def _at(self, collection: str, generation: int) -> dict[str, tuple[str, tuple[str, ...]]]:
        key = (collection, generation)
        if key not in self._read:
            self._read[key] = {}
            for a in articles_at(self._conn, collection, generation):
                parsed = parse_article(a.article_id, a.content, Path(a.file_name).suffix)
                self._read[key][a.article_id] = (parsed.title, parsed.paragraphs)
        return self._read[key]


def answer_groups(answers: list[tuple[str, ...]]) -> list[list[tuple[str, ...]]]:
    groups: list[list[tuple[str, ...]]] = [[]]
    for line in answers:
        groups[-1].append(line)
        if line[1] == SHARED:
            groups.append([])
    assert groups[-1] == []
    return groups[:-1]


CITATION = re.compile(r"^\[\d+\] \[?(.+?)\]?(?:\(.*\))? — .*¶(\d+)$")


def shown_passages(reply: SentMessage) -> list[tuple[str, int, list[str]]]:
    """(title, paragraph number, the quoted text's pieces) of each passage on the reply."""
    found = []
    for item in reply.embeds[0].get("fields") or []:
        *quote, citation = item["value"].split("\n")
        match = CITATION.match(citation)
        assert match, citation
        text = squeeze(" ".join(quote).replace("**", "").replace("\\", ""))
        pieces = [p.strip() for p in text.split("…") if p.strip()]
        found.append((match[1], int(match[2]), pieces))
    return found


def squeeze(text: str) -> str:
    return " ".join(text.split())
