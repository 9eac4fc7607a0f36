"""Counts read as English: one article, two articles."""

from bot.counting import counted, noun_for


def test_one_of_a_thing_is_singular_and_any_other_count_plural():
    assert counted(1, "article") == "1 article"
    assert counted(0, "article") == "0 articles"
    assert counted(20, "paragraph") == "20 paragraphs"
    assert noun_for(2, "file") == "files"
