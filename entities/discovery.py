"""Discovery: names of people, places and events an article gives that nobody entered yet.

``discover(text, known=...)`` reads one article (headline and body, as
``entities.matcher.article_document`` builds it) and returns ``Candidate`` records: the
name as written, its normalised ``key`` (the unit a review queue counts across
articles and outlets), offsets, the sentence it was found in and the evidence. Names
that ``known`` already holds are left out: the matcher finds those.

It is rules over capitalised word sequences, chosen to be cheap (thousands of short
articles a second, no model, no service) and explainable to an editor:

**People** need a sign, shown as evidence:

- a title or role before the name, capitalised or not ("President", "Prime Minister",
  "Gen.", "Sen.", "foreign minister", "spokesperson"); the title is not part of the
  name, and a demonym or party in front of it is dropped ("Russian Foreign Minister
  Sergey Lavrov" -> "Sergey Lavrov", evidence "title: Foreign Minister");
- a speech verb after it, or before it in inversion ("Lavrov said", "said Lavrov");
- an appositive role ("Lavrov, the foreign minister,"), or an age ("Smith, 45,");
- or a full name pattern: two to four name words (initials and particles such as
  bin, al-, von, de allowed), none of them a month, weekday, common capitalised word,
  organisation word or place.

A one-word name needs a title, a speech verb or a following "administration"/"campaign"
("the Trump administration"), or is the last or first word of a full name given
elsewhere in the article: "Lavrov said" after "Sergey Lavrov" is reported with the key
of "Sergey Lavrov"; when two full names share the word ("Mary Cheney", "Dick Cheney")
the short mention is left out. Possessives ("Modi's" -> Modi) and "Jr." are stripped.
Sequences with an organisation word ("Ministry", "Party", "Army", "Council", ...), and
what follows one after "for"/"and"/"of" ("Centers for Disease Control and Prevention"),
outlets and agencies ("Reuters", "Fox News"), and all-capital acronyms are not people.

**Places** are whole capitalised sequences found in the gazetteer
(``entities.gazetteer``), with the country code as evidence ("gazetteer: PK") and the
key of the place's usual name ("U.S." -> "united states"). A place inside a longer name
is not a place of its own ("New York Times", "University of Iowa"; "Jackson" in
"Ketanji Brown Jackson"), but a place in front of a title or a group is ("Texas Gov.
Greg Abbott", "Oregon Republicans"), and so are the parts of "India-Pakistan".
Demonyms are never places (see the gazetteer's docstring).

**Events** are "<Name> attack/massacre/bombing/shooting/..." (lower-case noun after a
capitalised name that is not a person with a title or a demonym), "<Name>
Agreement/Treaty/Declaration/Accord/Summit/Conference/Talks/War", "Operation <Name>"
and "Hurricane <Name>".

**Title Case headlines** ("Trump Defends Whitaker as Acting AG") say nothing by their
capitals: in such a first line only places and people the body names are taken.

The engine has no memory across articles; ``candidates_grouped`` sums one article's
mentions per key, and counting articles and outlets, and remembering rejections, belong
to the review queue built on top of it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal, Protocol

from .gazetteer import Place, demonym_country, gazetteer
from .matcher import Matcher
from .normalize import normalize_name

Kind = Literal["person", "place", "event"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name the dictionary does not know yet, as found in one article.

    ``name`` is the span as written (possessive and titles stripped), ``text[start:end]
    == name``. ``key`` is the normalised name to count by; for a short mention linked
    to a full name earlier or later in the article ("Lavrov" after "Sergey Lavrov") it
    is the full name's key; for a place it is the key of the place's usual name
    ("U.S." and "America" count as "united states"). ``country`` is an ISO 3166-1
    alpha-2 code for places (and for people whose nationality the text gives), else "".
    """

    kind: Kind
    name: str
    key: str
    start: int
    end: int
    sentence: str
    evidence: tuple[str, ...]
    country: str = ""


@dataclass(frozen=True, slots=True)
class CandidateGroup:
    """One article's candidates for one (kind, key): what a review queue stores per article.

    ``names`` are the spellings in order of first use ("Sergey Lavrov", "Lavrov"),
    ``count`` the mentions, ``sentence`` the first one's sentence, ``evidence`` every
    distinct sign in order of first use, ``start`` the first mention's offset.
    """

    kind: Kind
    key: str
    names: tuple[str, ...]
    count: int
    start: int
    sentence: str
    evidence: tuple[str, ...]
    country: str


def candidates_grouped(candidates: Iterable[Candidate]) -> list[CandidateGroup]:
    """Group one article's candidates by (kind, key), in order of first mention.

    Count articles and outlets across the corpus by storing one group per article.
    """
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.kind, candidate.key), []).append(candidate)
    result = []
    for (_kind, key), members in groups.items():
        first = min(members, key=lambda c: c.start)
        result.append(
            CandidateGroup(
                kind=first.kind,
                key=key,
                names=tuple(dict.fromkeys(c.name for c in sorted(members, key=lambda c: c.start))),
                count=len(members),
                start=first.start,
                sentence=first.sentence,
                evidence=tuple(dict.fromkeys(e for c in members for e in c.evidence)),
                country=next((c.country for c in members if c.country), ""),
            )
        )
    result.sort(key=lambda group: group.start)
    return result


class KnownNames(Protocol):
    def __contains__(self, normalized: object, /) -> bool: ...


# --- word lists -----------------------------------------------------------------

MONTHS = frozenset(
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())

# Capitalised words that are not names: function words that start sentences, and
# words news capitalises in headlines, institutions and phrases. Normalised forms.
COMMON = frozenset(
    normalize_name(word)
    for word in """
    a an the this that these those there here it its it's he she they we you i his her their our
    my your in on at of for to from by with about after before during since until as if when
    while where why how what who whom which but and or nor so yet not no yes all any each every
    against among between into onto over under upon via without within through across
    behind beyond toward towards versus
    some many more most other another such both either neither one two three four five six
    seven eight nine ten first second third last next new old former late
    mr mrs ms dr sir madam lady lord
    however meanwhile still also even just only now then today yesterday tomorrow tonight
    according although because despite though unlike instead rather thus therefore
    be is are was were been being has have had do does did will would could should can may
    might must shall said says say told tell asked
    breaking update updated exclusive opinion analysis watch read live video photos editor
    editors note report reports reporting
    democrats democrat democratic republicans republican gop liberals conservatives
    conservative liberal progressive progressives independents independent
    covid covid-19 coronavirus pandemic vaccine vaccines omicron delta
    christmas easter thanksgiving ramadan eid diwali halloween
    god jesus christ allah
    north south east west northern southern eastern western central
    black white asian hispanic latino latinos latina african native
    federal national state states international global world public
    american americans
    internet web online email twitter facebook instagram tiktok youtube google apple amazon
    microsoft netflix iphone android
    act bill law acts bills rule amendment constitution
    capitol white house oval office
    day days week weeks year years month months morning afternoon evening night
    people person man woman men women children
    mother father son daughter brother sister wife husband
    street avenue road square park bridge
    i ii iii iv v jr sr
    """.split()
)

# Words that make a capitalised sequence an organisation, building or thing, never a
# person (and not a place unless the whole sequence is in the gazetteer).
ORGANISATION_WORDS = frozenset(
    """
    ministry ministries party parties army navy force forces corps guard guards council
    councils department departments agency agencies commission committee committees
    court courts congress senate house parliament assembly administration government
    cabinet office bureau board authority authorities service services police university
    college school institute institution foundation fund association union league
    federation organisation organization group bank corporation corp inc ltd llc co company
    companies airlines airways network news times post journal tribune herald telegraph
    gazette daily weekly press media magazine radio television tv channel station
    center centre hospital clinic church mosque temple museum library prison airport
    port stadium hotel club team fc movement campaign coalition alliance caucus front
    brigade brigades taliban hamas hezbollah isis qaeda reuters ap afp cnn bbc
    msnbc npr pbs nbc abc cbs politico axios nyt wsj
    program programme plan project initiative fund index exchange market markets
    treasury pentagon kremlin whitehall downing
    festival games olympics cup championship series awards award prize
    company firm industries holdings group technologies motors pharmaceuticals
    square street avenue road highway bridge tower building hall palace
    republicans democrats nations
    ocean sea river lake mountain mountains gulf bay island islands desert valley strait
    canal peninsula coast
    """.split()
)

OUTLETS = frozenset(
    normalize_name(name)
    for name in (
        "Associated Press",
        "Agence France-Presse",
        "Reuters",
        "Fox News",
        "Fox Business",
        "New York Times",
        "Washington Post",
        "Wall Street Journal",
        "The Hill",
        "HuffPost",
        "Huffington Post",
        "Breitbart",
        "Axios",
        "Politico",
        "BuzzFeed",
        "Vox",
        "Newsweek",
        "Bloomberg",
        "Al Jazeera",
        "Dawn",
        "TASS",
        "RIA Novosti",
        "Xinhua",
        "Daily Mail",
        "Daily Caller",
        "Daily Beast",
        "Daily Wire",
        "National Review",
        "Washington Examiner",
        "Washington Times",
        "Los Angeles Times",
        "USA Today",
        "Business Insider",
        "The Guardian",
        "Guardian",
        "The Atlantic",
        "Slate",
        "Salon",
        "Mother Jones",
        "The Intercept",
        "Newsmax",
        "Epoch Times",
        "Federalist",
        "Hindustan Times",
        "Times of India",
        "The Hindu",
        "CNBC",
        "ProPublica",
        "Dow Jones",
        "Black Lives Matter",
        "United Nations",
    )
)

# Titles before a name (capitalised, inside the sequence). Normalised, longest first.
TITLES = sorted(
    (
        normalize_name(t)
        for t in """
    President|Vice President|Prime Minister|Deputy Prime Minister|Minister|Foreign Minister|
    Defence Minister|Defense Minister|Interior Minister|Finance Minister|Home Minister|
    External Affairs Minister|Chief Minister|Chief Minister|Secretary|Secretary-General|
    Secretary General|Secretary of State|Secretary of Defense|Secretary of Homeland Security|
    Attorney General|Treasury Secretary|Defense Secretary|Press Secretary|Health Secretary|
    Home Secretary|Foreign Secretary|Chancellor|King|Queen|Prince|Princess|Crown Prince|
    Sheikh|Emir|Sultan|Pope|Cardinal|Archbishop|Bishop|Rabbi|Imam|Ayatollah|Supreme Leader|
    General|Gen|Lt Gen|Lieutenant General|Maj Gen|Major General|Brig Gen|Colonel|Col|
    Lt Col|Lieutenant|Lt|Captain|Capt|Major|Maj|Sergeant|Sgt|Admiral|Adm|Marshal|
    Field Marshal|Air Chief Marshal|Commander|Chief|Army Chief|Chief Justice|Justice|Judge|
    Senator|Sen|Representative|Rep|Congressman|Congresswoman|Governor|Gov|Lt Gov|
    Lieutenant Governor|Mayor|Speaker|House Speaker|Leader|Majority Leader|Minority Leader|
    Senate Majority Leader|Senate Minority Leader|House Majority Leader|
    House Minority Leader|Whip|Ambassador|Envoy|Special Envoy|Director|Commissioner|
    Spokesperson|Spokesman|Spokeswoman|Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Rev|Reverend|
    Sir|Dame|Lord|Lady|Baroness|Baron|Premier|Chairman|Chairwoman|Chair|CEO|Coach|
    Officer|Detective|Sheriff|Deputy|Agent|Trooper|Private|Pvt|Sgt Maj|Dr|
    Vice Admiral|Rear Admiral|Ambassador|Delegate|Assemblyman|Assemblywoman|Councilman|
    Councilwoman|Councillor|Alderman|Comptroller|Surgeon General|Solicitor General|
    Inspector General|Judge|Magistrate|Prosecutor|District Attorney|DA|First Lady|
    Second Gentleman|Former President|Sen.|Rep.|Gov.|Gen.|Special Counsel|Counsel|
    Special Prosecutor|Attorney
    """.replace("\n", "").split("|")
        if t.strip()
    ),
    key=lambda t: -len(t.split()),
)
_TITLE_SET = frozenset(TITLES)
_TITLE_FIRST_WORDS = frozenset(t.split()[0] for t in TITLES)

# Lower-case roles before a name ("foreign minister Sergey Lavrov") or in an
# appositive after it ("Lavrov, the foreign minister,").
ROLE_WORDS = frozenset(
    """
    president minister secretary spokesperson spokesman spokeswoman chief leader general
    senator sen representative rep congressman congresswoman governor mayor ambassador
    envoy director commissioner chairman chairwoman chair ceo founder executive official
    officer adviser advisor aide attorney lawyer judge justice prosecutor candidate
    lawmaker legislator politician activist author writer journalist reporter editor
    columnist host anchor analyst economist scientist researcher professor doctor
    epidemiologist physician nurse teacher student coach player actor actress singer
    rapper musician comedian star owner billionaire businessman businesswoman entrepreneur
    investor banker diplomat commander colonel captain lieutenant sergeant soldier
    officer sheriff detective agent suspect victim witness mother father son daughter
    wife husband brother sister widow nominee appointee speaker whip premier monarch king
    queen prince princess cleric imam pope bishop priest pastor rabbi deputy head
    manager president-elect governor-elect vice-president secretary-general founder
    co-founder cofounder chancellor presenter producer director-general
    """.split()
)

SPEECH_VERBS = frozenset(
    """
    said says told tells added adds stated states warned warns wrote writes tweeted
    tweets argued argues claimed claims announced announces noted notes explained
    explains insisted insists asked asks urged urges testified testifies replied replies
    responded responds declared declares acknowledged acknowledges admitted admits
    denied denies confirmed confirms suggested suggests predicted predicts recalled
    recalls posted posts continued continues concluded concludes emphasized emphasised
    stressed stresses called calls criticized criticised praised praises vowed vows
    pledged pledges reported reports announced signed signs met meets spoke speaks
    """.split()
)

EVENT_SUFFIXES = frozenset(
    "agreement agreements treaty declaration accord accords summit conference talks "
    "pact protocol convention ceasefire war uprising revolution".split()
)
EVENT_NOUNS = frozenset(
    "attack attacks massacre bombing bombings shooting shootings blast "
    "riot riots earthquake hurricane cyclone tsunami flood floods "
    "standoff crisis raid siege uprising assault".split()
)
EVENT_PREFIXES = frozenset({"operation", "hurricane", "typhoon", "cyclone", "storm"})
# Lower-case nouns after a surname that make it a person: "the Trump administration".
MODIFIED_NOUNS = frozenset(
    "administration presidency campaign era aides aide allies loyalists".split()
)
_CONNECTORS = frozenset({"for", "and", "of", "on", "&"})
_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")

PARTICLES = frozenset(
    "bin bint ibn binti von van der den de da di del della du la le dos das al el ul abu".split()
)
_HYPHEN_PARTICLE = re.compile(r"^(?:al|el|ad|as|ash|an|ar|at|az|ul|bin|ibn)-[A-Z]")
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen sen rep gov lt col capt sgt adm maj prof rev pres no vs "
    "inc corp co ltd mt ft pvt cpl supt insp det messrs".split()
)

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
NOUN_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ism", "ship", "hood", "ics", "ology")
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")
_CONTRACTIONS = frozenset({"ve", "ll", "re", "d", "t", "m", "s"})


def _is_common(word: str) -> bool:
    if word in COMMON or word in MONTHS or word in WEEKDAYS:
        return True
    parts = word.split()
    return len(parts) == 2 and parts[1] in _CONTRACTIONS and parts[0] in COMMON


def _is_organisation(word: str) -> bool:
    return word in ORGANISATION_WORDS or (word.endswith("s") and word[:-1] in ORGANISATION_WORDS)


# --- tokenising -----------------------------------------------------------------

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N.
    r"|[^\W\d_](?:[\w’'\-]*\w)?\.?"  # words, with a trailing dot kept for a moment
    r"|\d[\w.,:%]*"  # numbers
    r"|\n\s*\n"  # paragraph break: ends a sentence
    r"|[^\w\s]",  # punctuation
)
_SENTENCE_END = frozenset({".", "!", "?", "\n"})
_OPENERS = frozenset("\"“‘'([—–-:")
_POSSESSIVE = re.compile(r"[’']s?$")


class _Token:
    """A word, number or punctuation mark; ``is_word``/``is_name`` computed once."""

    __slots__ = ("text", "start", "end", "is_word", "is_name", "is_sentence_start")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end = text, start, end
        first = text[0]
        self.is_word = first.isalpha()
        # A capitalised word, or an Arabic particle joined to one ("al-Assad").
        self.is_name = self.is_word and (
            first.isupper() or (first.islower() and _HYPHEN_PARTICLE.match(text) is not None)
        )
        self.is_sentence_start = False

    def __repr__(self) -> str:
        return f"_Token({self.text!r}, {self.start})"


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append = tokens.append
    for match in _TOKEN.finditer(text):
        value = match.group()
        start, end = match.span()
        first = value[0]
        if first == "\n":
            append(_Token("\n", start, end))
            continue
        if first.isalpha():
            if value[-1] == "." and not _DOTTED.fullmatch(value):
                bare = value[:-1]
                is_initial = len(bare) == 1 and bare.isupper()
                if not is_initial and bare.lower() not in ABBREVIATIONS:
                    append(_Token(bare, start, end - 1))
                    append(_Token(".", end - 1, end))
                    continue
            if first.isupper() and "-" in value:
                tail = value.rfind("-")
                if 0 < tail < len(value) - 1 and value[tail + 1 :].islower():
                    # "Jersey-style", "Republican-controlled": a name, then a lower-case tail.
                    append(_Token(value[:tail], start, start + tail))
                    append(_Token("-", start + tail, start + tail + 1))
                    append(_Token(value[tail + 1 :], start + tail + 1, end))
                    continue
        append(_Token(value, start, end))
    at_start = True
    for token in tokens:
        if token.is_word or token.text[0].isdigit():
            token.is_sentence_start = at_start
            at_start = False
        elif token.text in _SENTENCE_END:
            at_start = True
        elif token.text not in _OPENERS:
            at_start = False
    return tokens


def _sentence_bounds(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    bounds = []
    start = None
    for token in tokens:
        if token.text in _SENTENCE_END:
            if start is not None:
                bounds.append((start, token.end if token.text != "\n" else token.start))
                start = None
        elif start is None:
            start = token.start
    if start is not None:
        bounds.append((start, len(text)))
    return bounds


def _norm(word: str) -> str:
    return normalize_name(word)


# --- classification ---------------------------------------------------------------


@dataclass(slots=True)
class _Span:
    tokens: list[_Token]
    evidence: list[str] = field(default_factory=list)
    country: str = ""

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        last = self.tokens[-1]
        return last.start + len(_strip_possessive(last.text))

    def name(self, text: str) -> str:
        return text[self.start : self.end]


def _strip_possessive(word: str) -> str:
    if len(word) > 2 and word[-2] in "’'" and word[-1] in "sS":
        return word[:-2]
    if word[-1] in "’'":
        return word[:-1]
    return word


def _sequences(tokens: list[_Token]) -> Iterable[tuple[int, int]]:
    """Index ranges of capitalised word runs (particles and "of" allowed inside)."""
    i, count = 0, len(tokens)
    while i < count:
        token = tokens[i]
        if not (token.is_name):
            i += 1
            continue
        j = i + 1
        while j < count:
            current = tokens[j]
            if _POSSESSIVE.search(tokens[j - 1].text) and not (
                current.is_word and _is_organisation(_norm(current.text))
            ):
                break  # "Modi's" ends a name; "People's Party" goes on
            if not current.is_word:
                break
            if current.is_name:
                j += 1
                continue
            # Particles ("bin", "von der") and "of" only between name words.
            k = j
            while k < count and tokens[k].is_word and tokens[k].text.lower() in PARTICLES:
                k += 1
            if k == j and current.text == "of":
                k = j + 1
            if k > j and k < count and tokens[k].is_name:
                j = k
                continue
            break
        yield i, j
        i = j


class _Article:
    def __init__(self, text: str, known: KnownNames):
        self.text = text
        self.known = known
        self.tokens = _tokenise(text)
        self.places = _places()
        self.people: list[tuple[_Span, str]] = []  # (span, key) for full names
        self.single: list[_Span] = []  # one-word person signs to resolve
        self.out: list[Candidate] = []
        self._bounds: list[tuple[int, int]] | None = None
        self._lower_words: frozenset[str] | None = None
        self.headline_end = 0
        self.organisation_end = -1
        self.headline_runs: list[tuple[int, int]] = []

    # helpers ----------------------------------------------------------------------
    def sentence(self, offset: int) -> str:
        if self._bounds is None:
            self._bounds = _sentence_bounds(self.text, self.tokens)
        for start, end in self._bounds:
            if start <= offset < end:
                return " ".join(self.text[start:end].split())
        return ""

    def emit(self, kind: Kind, span: _Span, key: str | None = None) -> None:
        name = span.name(self.text)
        key = key or _norm(name)
        if not key or key in self.known:
            return
        self.out.append(
            Candidate(
                kind=kind,
                name=name,
                key=key,
                start=span.start,
                end=span.end,
                sentence=self.sentence(span.start),
                evidence=tuple(span.evidence),
                country=span.country,
            )
        )

    # context ------------------------------------------------------------------
    def context_before(self, index: int) -> str | None:
        """A lower-case role or speech verb just before the token at ``index``."""
        words = []
        for back in range(1, 4):
            i = index - back
            if i < 0 or not self.tokens[i].is_word:
                break
            words.insert(0, self.tokens[i].text.lower())
            last = words[-1]
            if back == 1 and last in SPEECH_VERBS:
                return f"speech verb: {last}"
            if back == 1 and (last in ROLE_WORDS or last.rstrip("s") in ROLE_WORDS):
                return "role: " + " ".join(words)
            if back > 1 and words[-1] in ROLE_WORDS:
                return "role: " + " ".join(words)
        return None

    def context_after(self, end_index: int) -> str | None:
        tokens = self.tokens
        if end_index < len(tokens):
            following = tokens[end_index]
            if following.is_word and following.text.lower() in SPEECH_VERBS:
                return f"speech verb: {following.text.lower()}"
            if following.is_word and following.text in MODIFIED_NOUNS:
                return f"modifier: {following.text}"
            if following.text == "," and end_index + 1 < len(tokens):
                nxt = tokens[end_index + 1]
                if nxt.text[0].isdigit() and end_index + 2 < len(tokens):
                    if tokens[end_index + 2].text == ",":
                        return f"age: {nxt.text}"
                if nxt.is_word and nxt.text.lower() in ("who", "whose"):
                    return f"appositive: {nxt.text.lower()}"
                if nxt.is_word and nxt.text.lower() in ("the", "a", "an", "his", "her"):
                    words = []
                    for k in range(end_index + 1, min(end_index + 8, len(tokens))):
                        token = tokens[k]
                        if not token.is_word:
                            break
                        words.append(token.text.lower())
                        if token.text.lower() in ROLE_WORDS:
                            return "appositive: " + " ".join(words)
        return None

    # the pass -----------------------------------------------------------------
    def run(self) -> list[Candidate]:
        tokens = self.tokens
        self.headline_end = self.title_case_headline_end()
        for i, j in _sequences(tokens):
            if tokens[i].start < self.headline_end:
                self.headline_runs.append((i, j))
            else:
                self.classify(i, j)
        self.resolve_single_names()
        self.out.sort(key=lambda c: c.start)
        return self.out

    def classify(self, i: int, j: int) -> None:
        tokens = self.tokens
        if i >= 2 and self.organisation_end == i - 1 and tokens[i - 1].text in _CONNECTORS:
            # "Centers for Disease Control and Prevention": one organisation.
            self.organisation_end = j
            return
        words = [_norm(_strip_possessive(t.text)) for t in tokens[i:j]]
        # Leading common words ("The", "After") and, at a sentence start, any word
        # that is not a name on its own.
        while j - i > 1 and words[-1] in SUFFIXES:
            j, words = j - 1, words[:-1]
        while i < j:
            place = self.places.get(" ".join(words))
            if place is not None:  # "New Delhi", "The Hague"
                self.emit_place(i, j, place)
                return
            prefix = self.place_prefix(words)
            if prefix and all(w in COMMON for w in words[prefix:]):
                # "Oregon Republicans", "the California Democrat"
                self.emit_place(i, i + prefix, self.places[" ".join(words[:prefix])])
                return
            inner = self.place_before_group(words)
            if inner is not None:
                # "Runaway Oregon Republicans": a place qualifying a group, at the end.
                start, stop = inner
                self.emit_place(i + start, i + stop, self.places[" ".join(words[start:stop])])
                return
            if prefix:
                break
            if _is_common(words[0]):
                i, words = i + 1, words[1:]
            else:
                break
        if i >= j:
            return
        whole = " ".join(words)
        if whole in _TITLE_SET:
            return
        title_end = self.title_end(words)
        if any(_is_organisation(w) for w in words[title_end:]) and not (
            words[-1] in EVENT_SUFFIXES or words[0] in EVENT_PREFIXES
        ):
            self.organisation_end = j
            return  # places inside organisations' names are not places of their own
        if whole in self.known:
            return
        if whole in OUTLETS:
            return
        if j - i > 1 and not title_end:
            for k in range(i, j):
                if _DOTTED.fullmatch(tokens[k].text) and words[k - i] in self.places:
                    # "Key U.S. senators": an abbreviated country is never in a name.
                    if k > i:
                        self.classify(i, k)
                    self.emit_place(k, k + 1, self.places[words[k - i]])
                    if k + 1 < j:
                        self.classify(k + 1, j)
                    return
        # Events: "Operation X", "X Agreement", "X attack".
        if words[0] in EVENT_PREFIXES and len(words) > 1:
            self.emit("event", _Span(tokens[i:j], [f"pattern: {tokens[i].text} …"]))
            return
        if len(words) > 1 and words[-1] in EVENT_SUFFIXES:
            self.emit("event", _Span(tokens[i:j], [f"pattern: … {tokens[j - 1].text}"]))
            return
        if j < len(tokens) and tokens[j].is_word and tokens[j].text.lower() in EVENT_NOUNS:
            noun = tokens[j]
            # Not "Senator Rand Paul blasts", "Israeli strikes", "the Franken attack"
            # when Franken is a person named in a title.
            if not (
                _POSSESSIVE.search(tokens[j - 1].text)
                or (len(words) == 1 and tokens[i].is_sentence_start)
                or title_end
                or any(demonym_country(t.text) for t in tokens[i:j])
            ):
                span = _Span([*tokens[i:j], noun], [f"pattern: … {noun.text}"])
                self.emit("event", span)
                # The place in "Pahalgam attack" is still a place.
                place = self.places.get(whole)
                if place is not None:
                    self.emit_place(i, j, place)
                return
        # Whole sequence a place.
        place = self.places.get(whole)
        if place is not None:
            self.emit_place(i, j, place)
            return
        # Hyphenated places: "India-Pakistan".
        if j - i == 1 and "-" in tokens[i].text:
            self.hyphenated(tokens[i])
            return
        # "X of Y": try the parts after "of" ("Gulf of Mexico" -> Mexico).
        if "of" in words:
            cut = words.index("of")
            if not self.title_end(words) > cut:
                self.classify(i, i + cut)
                self.classify(i + cut + 1, j)
                return
        self.classify_name(i, j, words)

    def title_case_headline_end(self) -> int:
        """End offset of a Title Case first line ("Trump Defends Whitaker as Acting AG").

        Every word of such a line is capitalised, so capitalisation says nothing there;
        its runs are read by ``read_headline`` instead, after the body.
        """
        first_line_end = self.text.find("\n")
        if first_line_end < 0:
            return 0
        words = [w for w in self.text[:first_line_end].split() if len(w) > 3 and w[0].isalpha()]
        capitalised = sum(w[0].isupper() for w in words)
        return first_line_end if words and capitalised >= 0.7 * len(words) else 0

    def read_headline(self, by_part: dict[str, str], full: set[str]) -> None:
        """Places and the people the body names, found inside Title Case runs."""
        tokens = self.tokens
        for i, j in self.headline_runs:
            k = i
            while k < j:
                for m in range(min(4, j - k), 0, -1):
                    words = [_norm(_strip_possessive(t.text)) for t in tokens[k : k + m]]
                    key = " ".join(words)
                    place = self.places.get(key)
                    if place is not None and not (m == 1 and _is_common(key)):
                        self.emit_place(k, k + m, place)
                        break
                    person = key if key in full else by_part.get(key) if m == 1 else None
                    if person is not None:
                        self.emit("person", _Span(tokens[k : k + m], ["named in the text"]), person)
                        break
                else:
                    m = 1
                k += m

    def place_prefix(self, words: list[str]) -> int:
        """How many leading words name a place (longest first), or 0."""
        for m in range(min(4, len(words) - 1), 0, -1):
            if " ".join(words[:m]) in self.places:
                return m
        return 0

    def place_before_group(self, words: list[str]) -> tuple[int, int] | None:
        """(start, end) of a place followed only by group words ("Oregon Republicans")."""
        end = len(words)
        while end > 1 and words[end - 1] in COMMON:
            end -= 1
        if end == len(words):
            return None
        for start in range(max(1, end - 3), end):
            if " ".join(words[start:end]) in self.places:
                return start, end
        return None

    def title_end(self, words: list[str]) -> int:
        """Index just past the last title word in ``words`` (0 when none)."""
        end = 0
        for k in range(len(words)):
            if words[k].split()[0] in _TITLE_FIRST_WORDS:
                for m in range(min(4, len(words) - k), 0, -1):
                    if " ".join(words[k : k + m]) in _TITLE_SET:
                        end = k + m
                        break
        return end

    def emit_place(self, i: int, j: int, place) -> None:
        span = _Span(self.tokens[i:j], [f"gazetteer: {place.country}"], place.country)
        self.emit("place", span, _norm(place.name))

    def hyphenated(self, token: _Token) -> None:
        offset = token.start
        for part in token.text.split("-"):
            place = self.places.get(_norm(part))
            if place is not None and part[:1].isupper():
                sub = _Token(part, offset, offset + len(part))
                span = _Span([sub], [f"gazetteer: {place.country}"], place.country)
                self.emit("place", span, _norm(place.name))
            offset += len(part) + 1

    def classify_name(self, i: int, j: int, words: list[str]) -> None:
        tokens = self.tokens
        evidence: list[str] = []
        country = ""
        # A title anywhere: what comes before is a qualifier (demonym, party, place).
        title_at = None
        for k in range(len(words)):
            if words[k].split()[0] in _TITLE_FIRST_WORDS:
                for m in range(min(4, len(words) - 1 - k), 0, -1):
                    if " ".join(words[k : k + m]) in _TITLE_SET:
                        title_at = (k, k + m)
                        break
            if title_at:
                break
        if title_at is not None:
            k0, k1 = title_at
            title_text = self.text[tokens[i + k0].start : tokens[i + k1 - 1].end]
            evidence.append(f"title: {title_text.rstrip('.')}")
            for k in range(k0):
                code = demonym_country(tokens[i + k].text)
                if code:
                    country = code
            before = " ".join(words[:k0])
            if before and self.places.get(before) is not None:
                place = self.places[before]
                self.emit_place(i, i + k0, place)
                country = place.country
            i, words = i + k1, words[k1:]
        else:
            # Demonyms and party labels in front: "Pakistani", "Democratic".
            while words and (demonym_country(tokens[i].text) or words[0] in COMMON):
                country = demonym_country(tokens[i].text) or country
                i, words = i + 1, words[1:]
            if not words:
                return
            context = self.context_before(i)
            if context:
                evidence.append(context)
        if not words:
            return
        after = self.context_after(j)
        if after:
            evidence.append(after)
        whole = " ".join(words)
        if whole in self.known or whole in OUTLETS:
            return
        if any(_is_organisation(w) for w in words):
            self.organisation_end = j
            return
        name_tokens = [t for t in tokens[i:j] if t.text.lower() not in PARTICLES]
        if any(_is_common(w) for w in words if w not in PARTICLES and len(w) > 1):
            return
        if any(t.text.isupper() and len(t.text) > 1 and "." not in t.text for t in name_tokens):
            return  # acronyms: FBI, NATO
        if any(demonym_country(t.text) for t in name_tokens):
            return
        if whole in self.places:
            self.emit_place(i, j, self.places[whole])
            return
        span = _Span(tokens[i:j], evidence, country)
        real_words = [t for t in name_tokens if len(t.text.rstrip(".")) > 1]
        if len(real_words) >= 2:
            if len(words) > 5:
                return
            if not evidence and not self.looks_like_name(words):
                return
            if all(_norm(t.text) in self.places for t in name_tokens) and not evidence:
                return  # "Kabul Kandahar" lists, "Beijing Moscow" — not a name
            if not evidence:
                span.evidence.append("name pattern")
            self.people.append((span, _norm(span.name(self.text))))
        elif real_words:
            self.single.append(span)

    def looks_like_name(self, words: list[str]) -> bool:
        """No evidence: every word must look like a name, not a noun of the text.

        A word the article also uses in lower case ("control", "website"), or with a
        noun ending (-tion, -ment, -ity, ...), is not a name word.
        """
        if self._lower_words is None:
            self._lower_words = frozenset(_LOWER_WORD.findall(self.text))
        for word in words:
            if word in PARTICLES:
                continue
            if word in self._lower_words or word.endswith(NOUN_ENDINGS):
                return False
        return True

    def resolve_single_names(self) -> None:
        """Emit full names, then link one-word names to them.

        "Lavrov" goes with the one full name ending in it (else beginning with it). When
        two full names share it ("Cheney" after "Mary Cheney" and "Dick Cheney"), the
        short mention is ambiguous and left out rather than counted for the wrong one.
        """
        surnames: dict[str, set[str]] = {}
        first_names: dict[str, set[str]] = {}
        for _span, key in self.people:
            parts = key.split()
            surnames.setdefault(parts[-1], set()).add(key)
            first_names.setdefault(parts[0], set()).add(key)

        def full_name(word: str) -> str | None:
            keys = surnames.get(word) or first_names.get(word) or set()
            return next(iter(keys)) if len(keys) == 1 else None

        for span, key in self.people:
            self.emit("person", span, key)
        # "Sanford said" after "David Sanford, who ..." is the person, not the town in
        # Florida; a bare name pattern ("GoLocal Providence") is too weak to say so.
        signed = {key for span, key in self.people if span.evidence != ["name pattern"]}
        for number, candidate in enumerate(self.out):
            word = _norm(candidate.name)
            if candidate.kind == "place" and word in surnames:
                full = full_name(word)
                if full is not None and full in signed:
                    self.out[number] = replace(
                        candidate,
                        kind="person",
                        key=full,
                        evidence=(f"short for: {full}",),
                        country="",
                    )
        for span in self.single:
            word = _norm(span.name(self.text))
            if word in surnames or word in first_names:
                full = full_name(word)
                if full is None or full in self.known:
                    continue
                span.evidence.append(f"short for: {full}")
                self.emit("person", span, full)
            elif span.evidence:
                if word in self.places:
                    continue
                self.emit("person", span)
        people = {c.key for c in self.out if c.kind == "person"}
        by_part = {}
        for key in people:
            if full_name(key) is not None or key not in surnames:
                by_part.setdefault(key.split()[-1], key)
        for word in surnames.keys() | first_names.keys():
            full = full_name(word)
            if full is not None:
                by_part.setdefault(word, full)
        self.read_headline(by_part, people)


@lru_cache(maxsize=1)
def _places() -> dict[str, Place]:
    """The gazetteer less the cities and regions named by a word of our own lists.

    A town called "Police" or "Chief" is never what English copy means by the word.
    """
    words = COMMON | ORGANISATION_WORDS | ROLE_WORDS | SPEECH_VERBS | EVENT_NOUNS
    words |= MONTHS | WEEKDAYS | _TITLE_SET
    return {
        key: place
        for key, place in gazetteer().items()
        if place.level == "country" or key not in words
    }


def _as_known(known: KnownNames | Collection[str] | Matcher | None) -> KnownNames:
    if known is None:
        return frozenset()
    if isinstance(known, Matcher):
        return _MatcherNames(known.automaton)
    return known


class _MatcherNames:
    __slots__ = ("automaton",)

    def __init__(self, automaton):
        self.automaton = automaton

    def __contains__(self, normalized: object) -> bool:
        return isinstance(normalized, str) and self.automaton.exists(f" {normalized} ")


def discover(
    text: str, *, known: KnownNames | Collection[str] | Matcher | None = None
) -> list[Candidate]:
    """Candidates for new people, places and events in ``text``, in text order.

    ``known`` is the dictionary: an ``entities.matcher.Matcher`` (``matcher_current()``)
    or any container of normalised names (``normalize_name``). A name it holds is not
    a candidate, nor is a short form linked to it. Each occurrence is one candidate;
    group by ``(kind, key)`` to count.
    """
    return _Article(text, _as_known(known)).run()
