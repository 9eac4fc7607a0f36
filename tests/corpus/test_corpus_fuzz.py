"""Properties: parse_article on any bytes gives an Article or an ArticleError, nothing else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corpus import Article, ArticleError, parse_article

TEXT_SUFFIXES = st.sampled_from([".txt", ".md", ".markdown", ".TXT"])
LINES = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(["---", "", "By Jane Smith", "26 Jan 2022", "title: x", "Share", "# H"]),
        st.just("lone \ud800 surrogate"),
    ),
    max_size=30,
)


def check(data: bytes, suffix: str) -> None:
    try:
        article = parse_article("fuzz/case", data, suffix)
    except ArticleError as exc:
        assert str(exc)
        return
    assert isinstance(article, Article)
    assert article.title
    assert article.paragraphs
    assert all(isinstance(p, str) and p.strip() for p in article.paragraphs)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000), suffix=TEXT_SUFFIXES)
def test_any_bytes_give_an_article_or_an_article_error(data: bytes, suffix: str) -> None:
    check(data, suffix)


@settings(max_examples=300, deadline=None)
@given(lines=LINES, suffix=TEXT_SUFFIXES, encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_any_text_gives_an_article_or_an_article_error(
    lines: list[str], suffix: str, encoding: str
) -> None:
    data = "\n".join(lines).encode(encoding, errors="surrogatepass")
    check(data, suffix)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=500), suffix=st.sampled_from([".html", ".htm"]))
def test_any_bytes_as_html_give_an_article_or_an_article_error(data: bytes, suffix: str) -> None:
    check(data, suffix)


def test_huge_single_line_and_nasty_inputs_are_handled() -> None:
    cases = [
        "Title\n\n" + "word " * 20_000,
        "x" * 100_000,
        "---\n" + "[" * 5000 + "\n---\n\nBody.\n",
        "---\ntitle: " + "9" * 5000 + "\n---\n\nBody.\n",
        "Title\n\n" + "\n".join(["By Jane Smith", "26 Jan 2022"] * 5000),
    ]
    for text in cases:
        check(text.encode("utf-8"), ".txt")
    check(b"\xed\xa0\x80 lone surrogate in CESU-8", ".txt")
    check(b"\xff\xfe" + b"\x00\xd8" * 10, ".txt")
