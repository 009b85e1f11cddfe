"""manage.py generate_corpus --articles N — realistic synthetic articles, fast, for benchmarks.

Outlets, sections, people, places, bylines, tags, mentions and two years of publication
dates, written with PostgreSQL COPY rather than through the services: this is load for
benchmarks, not editorial work, so it writes no revisions or audit entries.
Deterministic for a given --seed. Articles are marked with the source key "corpus:<n>"
(``sources.ArticleSource``, as an import would record it) so that a second run adds
after the last one instead of colliding, and ``is_imported``, as they stand for imports.

Word frequencies follow Zipf's law, as in real news text, because search speed depends
on them: a word's rank r among --vocabulary words gives it a share of 1/r^s of the
running text (s = --zipf, 1.0 by default). About 40 % of the words are function words
("the", "said"), which full-text search drops, as in real prose. The first ranks are
common news words ("minister", "council", "budget", then "harbour", "ferry", "treaty"
further down); the long tail is made-up words (deterministic syllables), since no
word list ships with the project. With the defaults the most common word is in nearly
every article, "ferry" in about 4 %, and the rarest made-up words in about 0.05 %.

People and places are named in the text (first and last name, or the place name),
chosen by their own Zipf ranks so that a few are in the news every day; each named
entity gets a suggested Mention, and each person and place its name as an Alias, as
the entity matcher would leave them. The most named person is Sergey Lavrov, as in
the seed articles, so the misspelt query "Lavorv" has something to be corrected to.
Earlier versions drew every word from 40 topic words, so each word was in almost every
article: nothing like what readers search for.
"""

import datetime as dt
import itertools
import random
import time

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, Section
from entities.models import Alias, Event, Person, Place
from entities.normalize import normalize_name
from sources.models import ArticleSource, Outlet

ENTITY_MODELS: dict[str, type[Person | Place | Event]] = {
    "person": Person,
    "place": Place,
    "event": Event,
}

# Common news words, roughly most used first: their position is their Zipf rank.
NEWS_WORDS = (
    "minister government police year people city country president report council "
    "week state party court public health plan official water school work bank market "
    "budget home election money family prices energy week deal power security law "
    "strike workers hospital talks border union vote group months trade leader rail "
    "housing tax flood climate storm plans inquiry company services parliament "
    "protest airport bridge farmers wages exports summit senate mayor embassy treaty "
    "harbour inflation ceasefire drought refugees central children women military "
    "army troops attack crisis emergency fire rescue victims damage insurance courts "
    "judge trial charges prison sentence appeal ruling investors shares profits jobs "
    "unemployment factory industry oil gas coal nuclear wind solar electricity grid "
    "transport buses trains roads traffic crash accident ferry port shipping cargo "
    "fishing ocean coast island river valley mountain forest wildlife species heat "
    "rainfall harvest crops food supply shortage demand debt loan interest currency "
    "reform pension benefits teachers students university research science vaccine "
    "disease outbreak doctors nurses patients clinic surgery museum festival film "
    "music theatre artist football cricket match tournament coach player stadium "
    "olympic record champion diplomat sanctions negotiations agreement alliance "
    "referendum campaign candidate coalition opposition cabinet spokesman ministry "
    "agency regulator watchdog audit fraud corruption bribery scandal resignation "
    "protesters riot curfew blockade evacuation earthquake tsunami landslide cyclone "
    "wildfire heatwave glacier pipeline refinery telecom broadband satellite rocket "
    "cyberattack hackers privacy internet startup merger takeover bankruptcy tariff "
    "quota subsidy levy dividend mortgage landlord tenants eviction homelessness"
).split()
FUNCTION_WORDS = (
    "the of and to in a is that for on with as was at by from said it be has have "
    "are an will its were but not this after who which been had would their more "
    "than also they he she we there about into over up out when new two one first"
).split()
VERBS = (
    "approves rejects delays announces warns backs opens closes probes signs "
    "defends questions halts expands cuts raises"
).split()
FIRST = (
    "Ana Ben Chen Dara Eli Farah Gita Hugo Ines Jon Kofi Lena Mira Noor Omar Priya "
    "Sergey Amara Bilal Carmen Dmitri Esra Femi Hana Ivan Jia Kiran Luis Maya Nadia "
    "Oscar Paulo Quynh Rosa Sami Tariq Ursula Vera Wei Yusuf Zara Aiko Bruno Chidi"
).split()
LAST = (
    "Lima Okafor Tanaka Novak Haddad Silva Kowalski Mensah Dubois Rossi Sato Khan "
    "Lavrov Jaishankar Sharif Ivanova Moreau Nakamura Oyelaran Petrov Quraishi "
    "Ramirez Schmidt Takahashi Umarov Varga Wojcik Xu Yilmaz Zeller Abebe Bianchi "
    "Castillo Demir Eriksen Fischer Gomez Hossain Ibrahim Jovanovic Kim Larsen"
).split()
PLACE_PARTS = ("North South East West Port Lake New Old Upper Lower Saint Fort Glen Mount").split()
SECTIONS = "World Regional Politics Business Science Health Sport Culture Opinion Climate".split()
COUNTRIES = "GB US IN PK RU JP DE FR BR NG ZA AU CA".split()
SYLLABLES = (
    "ba be bi bo bu da de di do du fa fe fi fo ga ge gi go ka ke ki ko ku la le li lo "
    "lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te "
    "ti to tu va ve vi vo za ze zi zo an en in on ar er ir or al el il ol"
).split()


def made_up_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct pronounceable non-words of 2 to 4 syllables."""
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choices(SYLLABLES, k=rng.choice((2, 3, 3, 4))))
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def sentence(words: list[str]) -> str:
    """Words as a sentence; names keep their capitals (str.capitalize would lower them)."""
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def zipf_weights(count: int, exponent: float, first_rank: int = 1) -> list[float]:
    """Cumulative weights of ranks first_rank.. under Zipf's law, for random.choices."""
    ranks = range(first_rank, first_rank + count)
    return list(itertools.accumulate(1 / rank**exponent for rank in ranks))


class Command(BaseCommand):
    help = "Generate N realistic synthetic published articles (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--outlets", type=int, default=60)
        parser.add_argument("--people", type=int, default=800)
        parser.add_argument("--places", type=int, default=300)
        parser.add_argument("--tags", type=int, default=300)
        parser.add_argument("--vocabulary", type=int, default=20000, help="distinct words")
        parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent s")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=20000)

    def handle(self, *args, articles, outlets, people, places, tags, **options):
        seed, batch = options["seed"], options["batch"]
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        started = time.monotonic()
        known = FUNCTION_WORDS + NEWS_WORDS
        self.words = known + made_up_words(
            random.Random(seed),  # noqa: S311 - the same vocabulary on every run
            max(0, options["vocabulary"] - len(known)),
            set(known),
        )
        self.word_weights = zipf_weights(len(self.words), options["zipf"])
        # Headlines and deks skip the function words, as headline writers do.
        self.content_weights = zipf_weights(
            len(self.words) - len(FUNCTION_WORDS), options["zipf"], len(FUNCTION_WORDS) + 1
        )
        outlet_ids = self.ensure_outlets(outlets, rng)
        section_ids = [
            Section.objects.get_or_create(slug=slugify(n), defaults={"name": n})[0].pk
            for n in SECTIONS
        ]
        self.people = self.ensure_entities("person", people, self.person_names(people))
        self.places = self.ensure_entities("place", places, self.place_names(places))
        self.people_weights = zipf_weights(len(self.people), 1.0)
        self.place_weights = zipf_weights(len(self.places), 1.0)
        tag_ids = self.ensure_tags(tags)
        offset = ArticleSource.objects.filter(key__startswith="corpus:").count()
        done = 0
        while done < articles:
            size = min(batch, articles - done)
            with transaction.atomic():
                self.write_batch(rng, offset + done, size, outlet_ids, section_ids, tag_ids)
            done += size
            rate = done / (time.monotonic() - started)
            self.stderr.write(f"\r{done}/{articles} articles ({rate:,.0f}/s)", ending="")
        self.stderr.write("")
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE articles_article; ANALYZE articles_byline; ANALYZE entities_mention;"
            )
        self.stdout.write(f"Generated {articles} articles in {time.monotonic() - started:.1f} s")

    # Names ----------------------------------------------------------------------------

    @staticmethod
    def person_names(count: int) -> list[str]:
        """Distinct first-and-last names, the same ones on every run (rank = position)."""
        names = [f"{first} {last}" for last in LAST for first in FIRST]
        names.remove("Sergey Lavrov")
        random.Random(7).shuffle(names)  # noqa: S311 - synthetic data
        names.insert(0, "Sergey Lavrov")  # the most named, as in the seed articles
        return [
            names[n % len(names)] + (f" {n // len(names) + 1}" if n >= len(names) else "")
            for n in range(count)
        ]

    @staticmethod
    def place_names(count: int) -> list[str]:
        rng = random.Random(11)  # noqa: S311 - synthetic data
        taken: set[str] = set()
        names = []
        for word in made_up_words(rng, count, taken):
            prefix = rng.choice(PLACE_PARTS) + " " if rng.random() < 0.3 else ""
            names.append(prefix + word.capitalize())
        return names

    def ensure_outlets(self, count, rng):
        for n in range(count):
            name = f"{rng.choice(['The', 'Daily', 'Evening', 'Morning'])} {rng.choice(LAST)} {n}"
            Outlet.objects.get_or_create(
                slug=f"corpus-outlet-{n}",
                defaults={"name": name, "country": rng.choice(COUNTRIES), "language": "en"},
            )
        return list(
            Outlet.objects.filter(slug__startswith="corpus-outlet-").values_list("pk", flat=True)
        )

    def ensure_entities(self, kind: str, count: int, names: list[str]) -> list[tuple[int, str]]:
        """(id, name) of corpus people or places, most prominent first; each name an alias.

        Slugs are "corpus-<kind>-<rank>", so re-runs find the same rows.
        """
        model = ENTITY_MODELS[kind]
        prefix = f"corpus-{kind}-"
        existing = set(model.objects.filter(slug__startswith=prefix).values_list("slug", flat=True))
        model.objects.bulk_create(
            model(name=names[n], slug=f"{prefix}{n}")
            for n in range(count)
            if f"{prefix}{n}" not in existing
        )
        rows = sorted(
            model.objects.filter(slug__startswith=prefix).values_list("pk", "name", "slug"),
            key=lambda row: int(row[2].removeprefix(prefix)),
        )
        Alias.objects.bulk_create(
            [
                Alias(**{kind + "_id": pk}, name=name, normalized=normalize_name(name))
                for pk, name, _slug in rows
            ],
            ignore_conflicts=True,
        )
        return [(pk, name) for pk, name, _slug in rows]

    def ensure_tags(self, count):
        Tag.objects.bulk_create(
            [Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(count)],
            ignore_conflicts=True,
        )
        return list(Tag.objects.filter(slug__startswith="topic-").values_list("pk", flat=True))

    # Text -----------------------------------------------------------------------------

    def content_words(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(
            self.words[len(FUNCTION_WORDS) :], cum_weights=self.content_weights, k=count
        )

    def sentence_words(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.word_weights, k=count)

    def article_text(self, rng: random.Random):
        """Headline, dek, paragraphs, and the people and places they name (with counts)."""
        people = dict.fromkeys(
            rng.choices(self.people, cum_weights=self.people_weights, k=rng.randint(0, 3)), 0
        )
        places = dict.fromkeys(
            rng.choices(self.places, cum_weights=self.place_weights, k=rng.randint(0, 2)), 0
        )
        named = list(people) + list(places)
        subject = (
            rng.choice(named)[1].split()[-1]
            if named and rng.random() < 0.5
            else self.content_words(rng, 1)[0].capitalize()
        )
        headline = f"{subject} {rng.choice(VERBS)} {' '.join(self.content_words(rng, 3))}"
        dek = sentence(self.content_words(rng, rng.randint(8, 14)))
        paragraphs = []
        for _ in range(rng.randint(3, 6)):
            words = self.sentence_words(rng, rng.randint(25, 45))
            if named and rng.random() < 0.7:
                entity = rng.choice(named)
                words.insert(rng.randrange(len(words) + 1), entity[1])
                (people if entity in people else places)[entity] += 1
            paragraphs.append(sentence(words))
        return headline, dek, paragraphs, people, places

    def write_batch(self, rng, start, size, outlet_ids, section_ids, tag_ids):
        now = dt.datetime.now(dt.UTC)
        article_type = ContentType.objects.get_for_model(Article)
        rows, named = [], []
        with connection.cursor() as cursor:
            # The ids are drawn first, so that COPY can write them and the identity rows.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('articles_article', 'id')) "
                "FROM generate_series(1, %s)",
                [size],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        for article_id in ids:
            headline, dek, paragraphs, people, places = self.article_text(rng)
            published = now - dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            named.append((people, places))
            rows.append(
                (
                    article_id,
                    headline,
                    False,
                    slugify(headline)[:200],
                    dek,
                    "".join(f"<p>{p}</p>" for p in paragraphs),
                    "\n\n".join(paragraphs),
                    "{}",
                    rng.choice(outlet_ids),
                    rng.choice(section_ids),
                    "",
                    "",
                    "published",
                    published,
                    None,
                    published,
                    1,
                    False,
                    "",
                    True,
                    published,
                    published,
                )
            )
        columns = (
            "id, headline, is_headline_provisional, slug, dek, body, body_text, key_points, "
            "outlet_id, section_id, canonical_url, attribution, status, published_at, "
            "publish_at, first_published_at, version, needs_review, review_notes, "
            "is_imported, created_at, updated_at"
        )
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY articles_article ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cursor.copy("COPY sources_articlesource (article_id, key) FROM STDIN") as copy:
                for article_id, n in zip(ids, range(start, start + size), strict=True):
                    copy.write_row((article_id, f"corpus:{n}"))
            with cursor.copy(
                "COPY articles_byline (article_id, position, person_id, name, role) FROM STDIN"
            ) as copy:
                for article_id in ids:
                    for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
                        person, name = rng.choice(self.people)
                        copy.write_row((article_id, position, person, name, "author"))
            with cursor.copy(
                "COPY taggit_taggeditem (object_id, content_type_id, tag_id) FROM STDIN"
            ) as copy:
                for article_id in ids:
                    for tag in rng.sample(tag_ids, rng.randint(1, 4)):
                        copy.write_row((article_id, article_type.pk, tag))
            with cursor.copy(
                "COPY entities_mention (article_id, person_id, place_id, count, state, "
                "updated_at) FROM STDIN"
            ) as copy:
                for article_id, (people, places) in zip(ids, named, strict=True):
                    for (person, _name), count in people.items():
                        if count:
                            copy.write_row((article_id, person, None, count, "suggested", now))
                    for (place, _name), count in places.items():
                        if count:
                            copy.write_row((article_id, None, place, count, "suggested", now))
