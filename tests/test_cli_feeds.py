"""`citebot feeds [add | remove | run]` in process, against the news site on 127.0.0.1, with
real folders, indexes and the state file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import isolate_environment

# The news site lives with the feed tests (--import-mode=importlib adds no test folder).
if str(Path(__file__).parent / "feeds") not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent / "feeds"))

from feed_site import FeedSite, closed_port, serving

from bot.cli import main
from bot.config import load_settings
from bot.feeds import FeedStore

LIGHTHOUSE_Q = "How many ships did the lighthouse keeper count?"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path, bundled_corpus):
    """Run in tmp_path: the bundled corpus as `corpus/`, fetching from 127.0.0.1 allowed."""
    isolate_environment(monkeypatch, tmp_path)
    bundled_corpus.rename(tmp_path / "corpus")
    monkeypatch.setenv("CITEBOT_FETCH_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("CITEBOT_FETCH_TIMEOUT_SECONDS", "1")


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with serving() as running:
        yield running


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_run_list_and_the_entry_is_answerable(capsys, site):
    site.publish("lighthouse")
    feed = site.url("/feed.xml")
    code, out, _ = run(capsys, "feeds", "add", feed, "--collection", "club")
    assert code == 0
    assert out.startswith(f"following {feed} in collection club: Valley News, 1 entries;")
    code, out, _ = run(capsys, "feeds")
    assert out.split("\t")[:3] == [feed, "club", "not run yet"]
    code, out, _ = run(capsys, "feeds", "run")
    assert code == 0
    assert out.splitlines() == [
        f"{feed} -> club: ok, 1 added",
        "  added lighthouse-keeper-counts-ships: Lighthouse keeper counts ships",
    ]
    code, out, _ = run(capsys, "ask", LIGHTHOUSE_Q, "--collection", "club", "-k", "1")
    assert code == 0 and "counted 412 ships" in out and "Lighthouse keeper counts ships" in out
    code, out, _ = run(capsys, "feeds", "run", feed)
    assert out == f"{feed} -> club: ok, 0 added\n"
    _, out, _ = run(capsys, "feeds", "--json")
    row = json.loads(out)
    assert (row["url"], row["last_status"], row["last_added"], row["last_error"]) == (
        feed,
        "ok",
        0,
        None,
    )


def test_a_feed_added_to_the_shared_collection_is_answerable_there(capsys, site):
    site.publish("lighthouse")
    run(capsys, "feeds", "add", site.url("/feed.xml"))
    run(capsys, "feeds", "run")
    code, out, _ = run(capsys, "ask", LIGHTHOUSE_Q, "-k", "1")
    assert code == 0 and "counted 412 ships" in out


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/malformed.xml", "citebot: The feed is malformed: no element found.\n"),
        ("/news/missing", "citebot: 127.0.0.1 answered with HTTP error 404.\n"),
        ("/slow.xml", "citebot: 127.0.0.1 took longer than 1 seconds to send it.\n"),
    ],
)
def test_a_bad_feed_is_refused_with_one_line(capsys, site, path, message):
    code, out, err = run(capsys, "feeds", "add", site.url(path))
    assert (code, out, err) == (1, "", message)
    assert run(capsys, "feeds")[1] == ""


def test_a_failed_run_is_listed_with_its_error_and_exits_1(capsys, site):
    site.publish("lighthouse")
    down = f"http://127.0.0.1:{closed_port()}/feed.xml"
    run(capsys, "feeds", "add", site.url("/feed.xml"), "--collection", "club")
    run(capsys, "feeds", "add", site.url("/feed.xml"), "--collection", "other")
    # A feed that was fine when added and is down at its run.
    FeedStore(load_settings().state_path).add("club", down, datetime.now(UTC))
    code, out, _ = run(capsys, "feeds", "run", "--collection", "club")
    assert code == 1
    assert f"{down} -> club: failed: Could not connect to 127.0.0.1." in out.splitlines()
    _, out, _ = run(capsys, "feeds", "--collection", "club")
    failed = [line.split("\t") for line in out.splitlines() if line.startswith(down)]
    assert failed[0][3:] == ["failed", "0 added", "Could not connect to 127.0.0.1."]
    _, out, _ = run(capsys, "feeds", "--collection", "other")
    assert "not run yet" in out  # the other collection's feed was not run


def test_remove_stops_following_and_names_the_collection_when_ambiguous(capsys, site):
    feed = site.url("/feed.xml")
    run(capsys, "feeds", "add", feed, "--collection", "club")
    run(capsys, "feeds", "add", feed, "--collection", "other")
    code, _, err = run(capsys, "feeds", "remove", feed)
    assert code == 1 and "name one" in err
    code, out, _ = run(capsys, "feeds", "remove", feed, "--collection", "other")
    assert (code, out) == (
        0,
        f"stopped following {feed} in collection other (the articles it added stay)\n",
    )
    assert run(capsys, "feeds", "remove", feed)[0] == 0
    assert run(capsys, "feeds")[1] == ""
    code, _, err = run(capsys, "feeds", "run", feed)
    assert code == 1 and "no collection follows the feed" in err
