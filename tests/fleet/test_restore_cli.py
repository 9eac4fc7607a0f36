"""`citebot restore` in fleet mode: what `/remove` took out of a server's collection comes
back from PostgreSQL as a new generation (the /remove reply tells the operator this)."""

from __future__ import annotations

from support import isolate_environment

from bot.cli import main
from bot.collections import Collection, Overrides, file_source
from bot.fleet.connect import connect
from bot.fleet.editing import Fleet, add_to_fleet, remove_from_fleet
from bot.fleet.store import articles_at, latest_generation

TEXT = b"Comets\n\nComets grow a bright tail of gas and dust when they come near the sun.\n"


def test_restore_lists_the_removed_articles_and_brings_one_back(
    pg_url, tmp_path, monkeypatch, capsys
):
    isolate_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("CITEBOT_DATABASE_URL", pg_url)
    fleet = Fleet(pg_url, 0.0, 60.0)
    mirror = Collection("server-1", tmp_path / "mirror", tmp_path / "mirror.db")
    add_to_fleet(fleet, mirror, file_source("comets.txt", TEXT), Overrides())
    remove_from_fleet(fleet, "server-1", "comets")
    assert main(["restore", "--collection", "server-1"]) == 0
    assert capsys.readouterr().out == "comets\tremoved in generation 2\n"
    assert main(["restore", "comets", "--collection", "server-1"]) == 0
    out = capsys.readouterr().out
    assert (
        out
        == "restored comets to collection server-1: generation 3, served by every live process\n"
    )
    with connect(pg_url) as conn:
        assert latest_generation(conn, "server-1") == 3
        assert [a.content for a in articles_at(conn, "server-1", 3)] == [TEXT]
    assert main(["restore", "--collection", "server-1"]) == 0
    assert capsys.readouterr().out == ""  # back, so no longer in the trash
    assert main(["restore", "comets", "--collection", "server-1"]) == 1
    assert "already" in capsys.readouterr().err
