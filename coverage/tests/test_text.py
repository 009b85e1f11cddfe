"""Terms and name keys: what the clustering compares. Pure functions, no database."""

from coverage import text


def test_titles_and_sentence_opening_common_words_are_not_names():
    assert text.name_phrases("Officials said. President Joe Biden spoke") == ["Joe Biden"]


def test_a_name_gives_its_whole_key_and_its_last_word():
    keys = text.name_keys(
        headline="President Joe Biden meets Sergey Lavrov",
        body="Officials said the Bank of England would act. Reuters reported it.",
    )
    assert keys == {"joe biden", "biden", "sergey lavrov", "lavrov", "bank of england", "england"}


def test_headline_words_count_three_times_and_dek_words_twice():
    counts = text.term_counts(headline="Flood warning", dek="Flood", body="The floods rose.")
    assert counts == {"flood": 1 + 3 + 2, "warning": 3, "rose": 1}
