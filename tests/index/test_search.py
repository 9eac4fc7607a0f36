"""Reading paragraph texts from a loaded index: one at a time and in one batch."""

from bot.index.search import SearchIndex
from bot.paragraph import analyse_paragraph


def test_batch_read_matches_single_reads_in_the_order_asked(bundled_index: SearchIndex):
    count = bundled_index.paragraph_count
    # Repeats and any order, and more keys than one query takes.
    docs = [(7 * i + 3) % count for i in range(600)]
    assert bundled_index.paragraphs(docs) == [bundled_index.paragraph(doc) for doc in docs]


def test_batch_read_of_nothing_is_empty(bundled_index: SearchIndex):
    assert bundled_index.paragraphs([]) == []


def test_paragraphs_come_with_the_analysis_their_postings_were_built_from(
    bundled_index: SearchIndex,
):
    for doc in range(bundled_index.paragraph_count):
        paragraph = bundled_index.paragraph(doc)
        assert paragraph.analysis == analyse_paragraph(paragraph.text)
