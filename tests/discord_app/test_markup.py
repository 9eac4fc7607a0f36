"""Article text in answers stays inert: no live masked link, mention or markdown, whatever the
text and wherever the bold best sentence falls (issue 11, item 3).

`live_markup` is a small model of how Discord reads a field value: a backslash escapes the
next character, and a bare http(s) URL starting a word is taken whole as a link (markdown inside it is not
parsed; the regex is simple-markdown's `url` rule, which Discord's parser derives from).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer, AnswerStatus, Passage
from bot.citation import Citation
from bot.discord_app.pages import articles_embed
from bot.discord_app.render import answer_embed, no_answer_embed, paragraph_embed, quote, safe
from bot.index.search import IndexedArticle

URL = re.compile(r"(?<!\w)https?://[^\s<]+[^<.,:;\"')\]\s]")
ZWSP = "\u200b"
EVIL = "https://evil.example"


def passage(text: str, best: tuple[int, int], url: str | None = None) -> Passage:
    return Passage(
        rank=1,
        score=1.0,
        relevance=1.0,
        citation=Citation("a", "A title", "Ann Author", "2022-01-26", url, 7),
        text=text,
        best_sentences=(best,),
        highlights=(),
        matched_terms=(),
    )


def live_markup(rendered: str) -> str:
    """`rendered` with what Discord would not read as markup (escaped characters, bare URLs)
    replaced by letters, so only live markup characters are left, in their places. Inside
    bold, a URL ends where the bold does: the `**` rule is matched before the URL rule."""
    out, i, bold = [], 0, False
    while i < len(rendered):
        if rendered[i] == "\\":
            out.append("e")
            i += 2
            continue
        if rendered.startswith("**", i):
            out.append("**")
            i, bold = i + 2, not bold
            continue
        closing = rendered.find("**", i) if bold else -1
        url = URL.match(rendered, i, closing if closing >= 0 else len(rendered))
        if url is not None:
            out.append("u" * len(url.group()))
            i = url.end()
            continue
        out.append(rendered[i])
        i += 1
    return "".join(out)


def assert_inert(rendered: str, bold_markers: int = 0) -> None:
    """No masked link, mention or markdown in `rendered` beyond `bold_markers` `**` pairs."""
    live = live_markup(rendered)
    assert "[" not in live, f"a masked link can form in {rendered!r}"
    assert live.count("*") == 4 * bold_markers, f"live emphasis in {rendered!r}"
    assert "**" * 2 * bold_markers == "".join(c for c in live if c == "*")
    assert not set(live) & set("_~|`"), f"live markdown in {rendered!r}"
    assert re.search(r"(?m)^[ \t]*([>#\-+]|\d+\.)", live.replace("*", "")) is None, rendered
    assert re.search(f"<(?!{ZWSP})", rendered) is None, f"a live <…> tag in {rendered!r}"
    assert re.search(r"@(everyone|here)", rendered) is None


def test_two_masked_links_in_one_paragraph_are_both_escaped():
    text = f"See [a]({EVIL}) and [b]({EVIL}) for more."
    rendered = quote(passage(text, (0, len(text))), 1000)
    assert_inert(rendered, bold_markers=1)


def test_a_masked_link_split_by_the_bold_best_sentence_is_escaped():
    text = f"[Read about the keeper. Click]({EVIL}) now."
    best = (1, text.index("keeper.") + len("keeper."))
    rendered = quote(passage(text, best), 1000)
    assert rendered.startswith("\\[**Read about the keeper.**")
    assert_inert(rendered, bold_markers=1)


def test_bold_inside_a_masked_link_is_escaped_too():
    rendered = safe(f"[a **b** c]({EVIL}) and [d]({EVIL})")
    assert_inert(rendered)


def test_bare_urls_are_left_whole_so_they_still_link():
    assert safe("see https://example.org/a_b_c now") == "see https://example.org/a_b_c now"


FRAGMENTS = [
    f"[a]({EVIL})",
    "[",
    "]",
    "(",
    ")",
    "**",
    "*",
    "__",
    "_",
    "~~",
    "||",
    "`",
    "```",
    "\\",
    "> ",
    ">>> ",
    "# ",
    "-# ",
    "- ",
    "1. ",
    "\n",
    " ",
    ". ",
    "Word",
    "keeper",
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@&1>",
    "<#1>",
    "</ask:1>",
    "<t:1>",
    "<:x:1>",
    "https://example.org/a_b*c",
    "https://x.y/[z](",
    "<https://x.y>",
]
article_text = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map("".join)


@st.composite
def passages(draw: st.DrawFn) -> Passage:
    """A hostile paragraph whose best sentence (any span holding a non-blank character) may
    start or end anywhere, inside a link or a markdown run included."""
    text = draw(article_text.filter(lambda t: t.strip()))
    solid = [i for i, c in enumerate(text) if not c.isspace()]
    inside = draw(st.sampled_from(solid))
    start = draw(st.integers(0, inside))
    end = draw(st.integers(inside + 1, len(text)))
    return passage(text, (start, end), url=draw(st.none() | st.just("https://example.org/p")))


@settings(max_examples=300, deadline=None)
@given(passage=passages(), limit=st.integers(40, 1000))
def test_no_quote_contains_live_markup_from_article_text(passage, limit):
    rendered = quote(passage, limit)
    assert len(rendered) <= limit
    assert_inert(rendered, bold_markers=1)


@settings(max_examples=150, deadline=None)
@given(passage=passages(), question=article_text)
def test_no_answer_page_contains_live_markup_from_article_text(passage, question):
    embed = answer_embed(question, [passage], 1, 1).to_dict()
    quoted, citation = embed["fields"][0]["value"].rsplit("\n", 1)
    assert_inert(quoted, bold_markers=1)
    # The only link in the citation is the one citebot makes: the title to the article's url.
    linked = f"[A title]({passage.citation.url})" if passage.citation.url else "A title"
    assert citation == f"[1] {linked} — Ann Author, 26 Jan 2022, ¶7"


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(article_text, min_size=1, max_size=3))
def test_no_context_page_contains_live_markup_from_article_text(texts):
    citation = Citation("a", "A title", None, None, None, 2)
    numbered = list(enumerate(texts, start=1))
    description = paragraph_embed(citation, numbered, 2).to_dict()["description"]
    for number, part in enumerate(description.split("\n\n¶"), start=1):
        body = part.split("  ", 1)[1]
        assert_inert(body, bold_markers=1 if number == 2 else 0)


one_line = article_text.map(lambda t: t.replace("\n", " ")).filter(lambda t: t.strip())


@settings(max_examples=100, deadline=None)
@given(titles=st.lists(one_line, min_size=1, max_size=3), ids=st.lists(one_line, min_size=3))
def test_no_list_of_articles_contains_live_markup_from_article_titles(titles, ids):
    refused = Answer("q", AnswerStatus.NO_RELEVANT_PASSAGE, (), tuple(titles))
    for line in no_answer_embed(refused).description.split("\n")[3:]:
        assert line.startswith("• ")
        assert_inert(line[2:])
    articles = tuple(
        IndexedArticle(i, t, None, None, None, None, 1, n)
        for n, (i, t) in enumerate(zip(ids, titles, strict=False))
    )
    lines = articles_embed(articles, 1).description.split("\n")
    for title_line, id_line in zip(lines[::2], lines[1::2], strict=True):
        assert_inert(title_line, bold_markers=1)
        assert_inert(id_line.rsplit(" · ", 2)[0])
