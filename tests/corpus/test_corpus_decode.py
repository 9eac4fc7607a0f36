"""Bad and unusual bytes: what is accepted, what is refused and with which reason."""

from __future__ import annotations

import codecs

import pytest

from bot.corpus import ArticleError, parse_article

BODY = "Café owners in Liège said the new rules were “unworkable”.\n"


def parse_text(data: bytes, suffix: str = ".txt") -> tuple[str, ...]:
    return parse_article("a", data, suffix).paragraphs


def test_binary_file_with_nul_bytes_named_txt_is_rejected() -> None:
    with pytest.raises(ArticleError, match="binary file"):
        parse_text(b"Title\n\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")


def test_text_full_of_control_characters_is_rejected_as_binary() -> None:
    with pytest.raises(ArticleError, match="binary file"):
        parse_text(bytes(range(1, 32)) * 20)


def test_invalid_utf8_that_is_not_text_either_is_rejected() -> None:
    junk = bytes(range(0x80, 0x100)) * 8
    with pytest.raises(ArticleError, match="not valid UTF-8 text"):
        parse_text(b"Title\n\n" + junk)


def test_latin1_text_is_accepted_and_decoded() -> None:
    data = ("Title\n\n" + BODY.replace("“", '"').replace("”", '"')).encode("latin-1")
    assert parse_text(data) == ('Café owners in Liège said the new rules were "unworkable".',)


def test_cp1252_curly_quotes_are_decoded() -> None:
    data = ("Title\n\n" + BODY).encode("cp1252")
    assert parse_text(data) == (BODY.strip(),)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_accepted(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert parse_text(bom + ("Title\n\n" + BODY).encode(codec)) == (BODY.strip(),)


def test_utf16_with_a_lone_surrogate_is_rejected() -> None:
    data = codecs.BOM_UTF16_LE + "Title\n\nBody ".encode("utf-16-le") + b"\x00\xd8"
    with pytest.raises(ArticleError, match="not valid UTF-16 text"):
        parse_text(data)


def test_utf8_with_bom_and_crlf_is_accepted() -> None:
    data = codecs.BOM_UTF8 + ("Title\r\n\r\n" + BODY.replace("\n", "\r\n")).encode("utf-8")
    article = parse_article("a", data, ".txt")
    assert (article.title, article.paragraphs) == ("Title", (BODY.strip(),))


def test_utf8_with_bom_before_front_matter_is_accepted() -> None:
    data = codecs.BOM_UTF8 + b"---\ntitle: Bom\n---\n\nBody.\n"
    assert parse_article("a", data, ".md").title == "Bom"


def test_old_mac_line_endings_are_normalised() -> None:
    assert parse_text(b"Title\r\rFirst line.\rSecond line.\r") == ("First line.", "Second line.")


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n  \n", "\u00a0\u2003\n".encode()])
def test_empty_or_whitespace_only_file_is_an_empty_article(data: bytes) -> None:
    with pytest.raises(ArticleError, match="empty article"):
        parse_text(data)


def test_file_of_only_furniture_has_no_body_text() -> None:
    with pytest.raises(ArticleError, match="no body text"):
        parse_text(b"Advertisement\n\nShare\n\nRead more\n")


def test_suffix_case_does_not_matter() -> None:
    assert parse_text(b"---\ntitle: T\n---\n\nBody.\n", ".MD") == ("Body.",)
