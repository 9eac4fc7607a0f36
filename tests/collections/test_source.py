from pathlib import Path

import pytest

from bot.collections import CollectionError, Overrides, file_source, page_source
from bot.collections.source import file_bytes
from bot.corpus import parse_article

NEWS_PAGE = Path(__file__).parent.parent / "corpus" / "fixtures" / "news-page.html"


def test_an_html_page_under_front_matter_is_read_as_html_with_the_fields_winning():
    page = NEWS_PAGE.read_bytes()
    plain = parse_article("page", page, ".html")
    fronted = parse_article("page", b"---\nauthor: Jane Roe\ntitle: Ferry\n---\n" + page, ".html")
    assert fronted.paragraphs == plain.paragraphs
    assert (fronted.author, fronted.title, fronted.date) == ("Jane Roe", "Ferry", plain.date)


def test_no_fields_means_the_bytes_are_saved_as_received():
    data = "Pasted page\n\nSome text here.".encode("cp1252")
    assert file_bytes(file_source("a.txt", data), Overrides()) == data


def test_fields_join_the_files_own_front_matter_and_keep_its_other_fields():
    data = b"---\ntitle: Old\nplace: Oslo\n---\n\nBody text of the note.\n"
    saved = file_bytes(file_source("a.md", data), Overrides(title="New"))
    article = parse_article("a", saved, ".md")
    assert (article.title, article.place, article.paragraphs) == (
        "New",
        "Oslo",
        ("Body text of the note.",),
    )


def test_a_page_from_an_address_is_typed_by_its_media_type_and_records_the_address():
    source = page_source(
        "http://x.example/a", "https://x.example/news/story.php", b"t", "text/plain"
    )
    assert (source.suffix, source.name, source.url) == (
        ".txt",
        "story",
        "https://x.example/news/story.php",
    )
    with pytest.raises(CollectionError):
        page_source("http://x.example/a", "http://x.example/a", b"t", "image/png")


@pytest.mark.parametrize("name", ["a.exe", "a", "a.txt.pdf"])
def test_unsupported_file_types_are_refused(name):
    with pytest.raises(CollectionError, match=r"only \.txt"):
        file_source(name, b"text")


def test_a_title_or_author_too_long_to_be_one_is_refused():
    with pytest.raises(CollectionError, match="longer than 300"):
        Overrides(author="x" * 301).fields()
    assert Overrides(title="  A\n title ").fields() == {"title": "A title"}


def test_the_collections_core_loads_no_discord():
    import subprocess
    import sys

    code = "import sys, bot.collections, bot.collections.pages; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
