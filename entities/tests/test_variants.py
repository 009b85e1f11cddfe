"""Variant spellings are suggested with a score; different people are not."""

from __future__ import annotations

import pytest

from entities.variants import (
    THRESHOLD,
    VariantIndex,
    sound_key,
    suggest_variants,
    variant_score,
)

KNOWN = [
    "Sergey Lavrov",
    "Subrahmanyam Jaishankar",
    "Jaishankar",
    "Shehbaz Sharif",
    "Narendra Modi",
    "Antonio Guterres",
    "Joe Biden",
    "John Kerry",
    "Volodymyr Zelensky",
    "Muammar Gaddafi",
    "Mohammed bin Salman",
]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Sergej Lawrow", "Sergey Lavrov"),
        ("Sergei Lavrov", "Sergey Lavrov"),
        ("Сергей Лавров", "Sergey Lavrov"),
        ("Lawrow", "Sergey Lavrov"),
        ("Jaishanker", "Jaishankar"),
        ("S. Jaishanker", "Subrahmanyam Jaishankar"),
        ("Shahbaz Sharif", "Shehbaz Sharif"),
        ("Volodimir Zelenskiy", "Volodymyr Zelensky"),
        ("Wolodymyr Selenskyj", "Volodymyr Zelensky"),
        ("Moammar Qaddafi", "Muammar Gaddafi"),
        ("Mohammad bin Salman", "Mohammed bin Salman"),
        ("Antonio Guteres", "Antonio Guterres"),
    ],
)
def test_a_variant_spelling_is_suggested_first_with_a_score(written, meant):
    """The known name an editor would link comes first, above the threshold."""
    suggestions = suggest_variants(written, KNOWN)
    assert suggestions, f"{written!r}: nothing suggested"
    assert suggestions[0][0] == meant
    assert THRESHOLD <= suggestions[0][1] <= 100


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("Jill Biden", "Joe Biden"),
        ("John Kelly", "John Kerry"),
        ("Shankar", "Jaishankar"),
        ("Sergey Shoigu", "Sergey Lavrov"),
        ("Nawaz Sharif", "Shehbaz Sharif"),
        ("Narendra Singh", "Narendra Modi"),
        ("Antonio Costa", "Antonio Guterres"),
        ("Lavinia Rova", "Sergey Lavrov"),
        ("Hunter Biden", "Joe Biden"),
        ("Mohammed bin Zayed", "Mohammed bin Salman"),
        ("Jaipur", "Jaishankar"),
        ("Modiano", "Narendra Modi"),
    ],
)
def test_a_different_name_is_not_suggested(written, other):
    """Sharing a first name, a surname or a few letters is not enough."""
    assert variant_score(written, other) < THRESHOLD
    assert other not in [known for known, _ in suggest_variants(written, KNOWN)]


def test_the_same_name_is_not_a_variant_of_itself():
    """A spelling the dictionary already has is found by the matcher, not suggested."""
    assert suggest_variants("sergey  LAVROV", KNOWN) == []
    assert suggest_variants("António Guterres", KNOWN) == []


def test_the_sound_key_folds_transliteration_swaps():
    assert sound_key("Lawrow") == sound_key("Lavrov") == "lvrv"
    assert sound_key("Jaishanker") == sound_key("Jaishankar")


def test_an_index_built_once_answers_many_look_ups_alike():
    """The review queue builds one index per dictionary version and asks it per name."""
    index = VariantIndex(KNOWN)

    assert index.suggest("Sergej Lawrow") == suggest_variants("Sergej Lawrow", KNOWN)
    assert suggest_variants("Jaishanker", index)[0] == ("Jaishankar", 95.0)
    assert index.suggest("Jill Biden") == []
