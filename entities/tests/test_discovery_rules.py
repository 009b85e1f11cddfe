"""What discovery proposes from one text, rule by rule. No database: pure functions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from entities.discovery import Candidate, candidates_grouped, discover
from entities.matcher import Matcher
from entities.normalize import normalize_name

ISSUE_PARAGRAPH = (
    "UN Secretary-General Antonio Guterres spoke to Pakistan's army chief, Gen. Asim Munir, "
    "who was in Rawalpindi on Monday. Sergey Lavrov said Moscow would help. "
    "Guterres told reporters the Pahalgam attack must not start a war."
)


def found(text, kind=None, **options):
    return {(c.kind, c.key) for c in discover(text, **options) if kind in (None, c.kind)}


def test_new_people_and_places_are_proposed_with_their_evidence():
    candidates = {}
    for candidate in discover(ISSUE_PARAGRAPH):
        candidates.setdefault(candidate.key, candidate)  # the first mention

    assert candidates["antonio guterres"].kind == "person"
    assert "title: Secretary-General" in candidates["antonio guterres"].evidence
    assert candidates["asim munir"].kind == "person"
    assert candidates["rawalpindi"].kind == "place"
    assert candidates["rawalpindi"].evidence == ("gazetteer: PK",)
    assert candidates["rawalpindi"].country == "PK"
    assert candidates["pahalgam attack"].kind == "event"


def test_names_the_dictionary_knows_are_not_candidates():
    known = {normalize_name(name) for name in ("Sergey Lavrov", "Pakistan", "Moscow")}

    keys = {key for _, key in found(ISSUE_PARAGRAPH, known=known)}

    assert "sergey lavrov" not in keys
    assert "pakistan" not in keys and "moscow" not in keys
    assert "antonio guterres" in keys


def test_a_matcher_serves_as_the_dictionary():
    matcher = Matcher([("antonio guterres", "Antonio Guterres", ("person", 1))])

    keys = {key for _, key in found(ISSUE_PARAGRAPH, known=matcher)}

    assert "antonio guterres" not in keys
    assert "asim munir" in keys


def test_a_later_short_mention_counts_for_the_full_name():
    candidates = [c for c in discover(ISSUE_PARAGRAPH) if c.name == "Guterres"]

    assert [c.key for c in candidates] == ["antonio guterres"]
    assert "speech verb: told" in candidates[0].evidence


def test_offsets_name_the_span_and_the_sentence_holds_it():
    for candidate in discover(ISSUE_PARAGRAPH):
        assert isinstance(candidate, Candidate)
        assert ISSUE_PARAGRAPH[candidate.start : candidate.end] == candidate.name
        assert candidate.name in candidate.sentence


def test_titles_are_not_part_of_a_name_and_possessives_are_stripped():
    text = "Russian Foreign Minister Sergey Lavrov's visit ended. Prime Minister Modi's aides left."

    people = {c.name: c for c in discover(text) if c.kind == "person"}

    assert set(people) == {"Sergey Lavrov", "Modi"}
    assert people["Sergey Lavrov"].country == "RU"  # from the demonym


def test_demonyms_are_not_places():
    text = "Pakistani officials and Indian diplomats met in Geneva."

    assert found(text, "place") == {("place", "geneva")}


def test_usual_country_names_count_as_one_place():
    text = "The U.S. and America and the United States are one country, said the US envoy."

    assert found(text, "place") == {("place", "united states")}


def test_sentence_starts_months_weekdays_outlets_and_organisations_are_not_people():
    text = (
        "However, officials said on Monday that nothing changed. March was quiet. "
        "The Ministry of Foreign Affairs said so. Reuters reported it. "
        "The Pakistan People's Party and the National Security Council said they agreed."
    )

    assert found(text, "person") == set()


def test_particles_and_initials_stay_inside_a_name():
    text = "Osama bin Laden, Bashar al-Assad, Ursula von der Leyen and S. Jaishankar said."

    assert found(text, "person") == {
        ("person", "osama bin laden"),
        ("person", "bashar al assad"),
        ("person", "ursula von der leyen"),
        ("person", "s jaishankar"),
    }


def test_an_appositive_role_or_a_speech_verb_makes_a_one_word_name_a_person():
    text = "Naqvi, the interior minister, spoke first. Then Dar said the talks were over."

    assert found(text, "person") == {("person", "naqvi"), ("person", "dar")}


def test_agreements_summits_and_operations_are_events():
    text = (
        "The Simla Agreement, the Tashkent Declaration and the Shanghai Cooperation "
        "Summit were cited after Operation Sindoor and the Pulwama bombing."
    )

    assert found(text, "event") == {
        ("event", "simla agreement"),
        ("event", "tashkent declaration"),
        ("event", "shanghai cooperation summit"),
        ("event", "operation sindoor"),
        ("event", "pulwama bombing"),
    }


def test_a_title_case_headline_gives_only_places_and_the_body_s_people():
    text = "Lavrov Demands Answers After Rawalpindi Talks\n\nSergey Lavrov said he was ready."

    assert found(text) == {("person", "sergey lavrov"), ("place", "rawalpindi")}


def test_a_short_name_two_full_names_share_is_left_out():
    text = "Mary Cheney wrote to Dick Cheney on Friday. Cheney said nothing."

    candidates = [c for c in discover(text) if c.kind == "person"]

    assert [c.name for c in candidates] == ["Mary Cheney", "Dick Cheney"]


def test_one_article_s_mentions_are_grouped_by_key_with_spellings_and_count():
    groups = {group.key: group for group in candidates_grouped(discover(ISSUE_PARAGRAPH))}

    guterres = groups["antonio guterres"]
    assert guterres.names == ("Antonio Guterres", "Guterres")
    assert guterres.count == 2
    assert guterres.sentence.startswith("UN Secretary-General Antonio Guterres spoke")
    assert "title: Secretary-General" in guterres.evidence
    assert groups["rawalpindi"].country == "PK"


def test_a_place_qualifying_a_group_is_a_place():
    text = "The move angered Runaway Oregon Republicans and the California Democrat."

    assert found(text, "place") == {("place", "oregon"), ("place", "california")}


def test_a_surname_is_the_person_and_not_a_town_of_that_name():
    text = "David Sanford, who represents plaintiffs, spoke. Sanford said it was over."

    assert found(text) == {("person", "david sanford")}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Sergey",
                "Lavrov",
                "said",
                "Gen.",
                "U.S.",
                "al-Assad",
                "bin",
                "of",
                "the",
                "’s",
                "Ministry",
                ",",
                ".",
                "\n\n",
                "-",
                "Pakistan",
                "attack",
                "Accord",
                "Mr.",
                "J.",
            ]
        )
        | st.text(max_size=6),
        max_size=30,
    )
)
def test_any_text_gives_well_formed_candidates(parts):
    text = " ".join(parts)
    for candidate in discover(text):
        assert text[candidate.start : candidate.end] == candidate.name
        assert candidate.key and candidate.kind in ("person", "place", "event")
