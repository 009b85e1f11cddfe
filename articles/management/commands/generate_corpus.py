"""manage.py generate_corpus --articles N — realistic synthetic articles, fast, for benchmarks.

Outlets, sections, people, bylines, tags and two years of publication dates, written
with PostgreSQL COPY (about 20k articles/s here) rather than through the services: this
is load for benchmarks, not editorial work, so it writes no revisions or audit entries.
Deterministic for a given --seed. Articles are marked with source_key "corpus:<n>" so
that a second run adds after the last one instead of colliding.
"""

import datetime as dt
import random
import time

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.text import slugify

from articles.models import Article, Section

WORDS = (
    "minister council harbour election budget storm court strike treaty border talks "
    "vote ferry hospital police school market energy water rail bridge airport trade "
    "climate drought flood protest summit ceasefire inquiry report tax housing farmers "
    "union central bank inflation wages exports refugees embassy mayor parliament senate"
).split()
VERBS = "approves rejects delays announces warns backs opens closes probes signs".split()
FIRST = "Ana Ben Chen Dara Eli Farah Gita Hugo Ines Jon Kofi Lena Mira Noor Omar Priya".split()
LAST = "Lima Okafor Tanaka Novak Haddad Silva Kowalski Mensah Dubois Rossi Sato Khan".split()
SECTIONS = "World Regional Politics Business Science Health Sport Culture Opinion Climate".split()
COUNTRIES = "GB US IN PK RU JP DE FR BR NG ZA AU CA".split()


class Command(BaseCommand):
    help = "Generate N realistic synthetic published articles (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--outlets", type=int, default=60)
        parser.add_argument("--people", type=int, default=800)
        parser.add_argument("--tags", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=20000)

    def handle(self, *args, articles, outlets, people, tags, seed, batch, **options):
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        started = time.monotonic()
        outlet_ids = self.ensure_outlets(outlets, rng)
        section_ids = [
            Section.objects.get_or_create(slug=slugify(n), defaults={"name": n})[0].pk
            for n in SECTIONS
        ]
        person_ids = self.ensure_people(people, rng)
        tag_ids = self.ensure_tags(tags)
        offset = Article.objects.filter(source_key__startswith="corpus:").count()
        done = 0
        while done < articles:
            size = min(batch, articles - done)
            with transaction.atomic():
                self.write_batch(
                    rng, offset + done, size, outlet_ids, section_ids, person_ids, tag_ids
                )
            done += size
            rate = done / (time.monotonic() - started)
            self.stderr.write(f"\r{done}/{articles} articles ({rate:,.0f}/s)", ending="")
        self.stderr.write("")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article; ANALYZE articles_byline;")
        self.stdout.write(f"Generated {articles} articles in {time.monotonic() - started:.1f} s")

    def ensure_outlets(self, count, rng):
        Outlet = apps.get_model("sources", "Outlet")
        for n in range(count):
            name = f"{rng.choice(['The', 'Daily', 'Evening', 'Morning'])} {rng.choice(LAST)} {n}"
            Outlet.objects.get_or_create(
                slug=f"corpus-outlet-{n}",
                defaults={"name": name, "country": rng.choice(COUNTRIES), "language": "en"},
            )
        return list(
            Outlet.objects.filter(slug__startswith="corpus-outlet-").values_list("pk", flat=True)
        )

    def ensure_people(self, count, rng):
        Person = apps.get_model("entities", "Person")
        existing = Person.objects.filter(slug__startswith="corpus-person-").count()
        Person.objects.bulk_create(
            Person(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", slug=f"corpus-person-{n}")
            for n in range(existing, count)
        )
        return list(
            Person.objects.filter(slug__startswith="corpus-person-").values_list("pk", flat=True)
        )

    def ensure_tags(self, count):
        Tag = apps.get_model("taggit", "Tag")
        Tag.objects.bulk_create(
            [Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(count)],
            ignore_conflicts=True,
        )
        return list(Tag.objects.filter(slug__startswith="topic-").values_list("pk", flat=True))

    def write_batch(self, rng, start, size, outlet_ids, section_ids, person_ids, tag_ids):
        now = dt.datetime.now(dt.UTC)
        article_type = ContentType.objects.get_for_model(Article)
        rows = []
        for n in range(start, start + size):
            subject = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}"
            headline = f"{subject} {rng.choice(VERBS)} {rng.choice(WORDS)} {rng.choice(WORDS)} plan"
            paragraphs = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 45))).capitalize() + "."
                for _ in range(rng.randint(3, 6))
            ]
            published = now - dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            rows.append(
                (
                    headline,
                    False,
                    slugify(headline)[:200],
                    f"{rng.choice(WORDS).capitalize()} {' '.join(rng.choices(WORDS, k=10))}.",
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
                    f"corpus:{n}",
                    published,
                    published,
                )
            )
        columns = (
            "headline, is_headline_provisional, slug, dek, body, body_text, key_points, "
            "outlet_id, section_id, canonical_url, attribution, status, published_at, "
            "publish_at, first_published_at, version, needs_review, review_notes, "
            "source_key, created_at, updated_at"
        )
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY articles_article ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "SELECT id FROM articles_article WHERE source_key = ANY(%s) ORDER BY id",
                [[r[18] for r in rows]],
            )
            ids = [r[0] for r in cursor.fetchall()]
            with cursor.copy(
                "COPY articles_byline (article_id, position, person_id, name, role) FROM STDIN"
            ) as copy:
                for article_id in ids:
                    for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
                        person = rng.choice(person_ids)
                        copy.write_row(
                            (article_id, position, person, f"Reporter {person}", "author")
                        )
            with cursor.copy(
                "COPY taggit_taggeditem (object_id, content_type_id, tag_id) FROM STDIN"
            ) as copy:
                for article_id in ids:
                    for tag in rng.sample(tag_ids, rng.randint(1, 4)):
                        copy.write_row((article_id, article_type.pk, tag))
