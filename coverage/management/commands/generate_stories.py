"""manage.py generate_stories [--dry-run] — group generated corpus articles into stories.

For benchmarks only: `generate_corpus` writes articles but no stories, and the story
page and the home page's top stories need them. Running the clustering service over a
million articles would take hours and measure clustering, not pages; instead the
generated articles (source key "corpus:…", in ``sources.ArticleSource``) that are in no
story yet are taken in publication order and cut into runs, each run one Story with
automatic StoryArticle memberships, in three INSERT … SELECT statements. The text of a
generated article carries no story, so membership by time is as good as any.
``generate_corpus`` writes its articles with COPY, announcing none, so the grouped
articles' facts (``coverage.services.article_facts``) are stored here too, as an
import or an editor's save would have: the story page then reads them as it does in
production (about 0.2 ms an article, in batches).

Story sizes follow a power law, as on a news aggregator: most stories have a handful
of articles, a few have hundreds (P(size = k) ∝ k^-exponent for 1 ≤ k ≤ --max-size).
Deterministic for a given --seed. Safe to re-run: articles already in a story are
left alone, so a second run only groups articles generated since.
"""

import itertools
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from coverage.models import ArticleFacts, Story, StoryArticle
from coverage.services.article_facts import articles_facts_store

CORPUS_KEYS = "corpus:%"  # generate_corpus's articles

COUNT_SQL = """
SELECT count(*) FROM articles_article AS a
JOIN sources_articlesource AS k ON k.article_id = a.id
WHERE k.key LIKE %s
  AND NOT EXISTS (SELECT 1 FROM {membership} AS m WHERE m.article_id = a.id)
"""

UNGROUPED_SQL = """
CREATE TEMPORARY TABLE corpus_groups ON COMMIT DROP AS
SELECT id AS article_id, published_at, headline, slug,
       width_bucket(position, %s::bigint[]) AS run
FROM (
    SELECT a.id, a.published_at, a.headline, a.slug,
           row_number() OVER (ORDER BY a.published_at, a.id) AS position
    FROM articles_article AS a
    JOIN sources_articlesource AS k ON k.article_id = a.id
    WHERE k.key LIKE %s
      AND NOT EXISTS (SELECT 1 FROM {membership} AS m WHERE m.article_id = a.id)
) AS ordered
"""

STORIES_SQL = """
CREATE TEMPORARY TABLE corpus_stories ON COMMIT DROP AS
SELECT run, nextval(pg_get_serial_sequence('{story}', 'id')) AS story_id
FROM corpus_groups GROUP BY run;

INSERT INTO {story} (id, title, is_title_edited, slug, summary, first_reported_at,
                     last_updated_at, active_at, is_locked, centroid, entity_counts,
                     member_count, created_at)
SELECT s.story_id, first.headline, false, first.slug, '', runs.first_at, runs.last_at,
       runs.last_at, false, '{{}}', '{{}}', runs.members, now()
FROM corpus_stories AS s
JOIN (SELECT run, min(published_at) AS first_at, max(published_at) AS last_at,
             count(*) AS members
      FROM corpus_groups GROUP BY run) AS runs USING (run)
JOIN (SELECT DISTINCT ON (run) run, headline, slug
      FROM corpus_groups ORDER BY run, published_at, article_id) AS first USING (run);

INSERT INTO {membership} (story_id, article_id, score, joined_by, explanation, joined_at)
SELECT s.story_id, g.article_id, 0.5, 'automatic', '{{}}', now()
FROM corpus_groups AS g JOIN corpus_stories AS s USING (run);

-- Dropped at commit anyway; dropped now so that a second run in one transaction works.
DROP TABLE corpus_groups, corpus_stories;
"""


def story_sizes(rng: random.Random, total: int, exponent: float, max_size: int) -> list[int]:
    """Sizes summing to ``total``, drawn with P(k) ∝ k^-exponent (the last one cut short)."""
    weights = list(itertools.accumulate(k**-exponent for k in range(1, max_size + 1)))
    sizes: list[int] = []
    remaining = total
    while remaining > 0:
        size = min(rng.choices(range(1, max_size + 1), cum_weights=weights)[0], remaining)
        sizes.append(size)
        remaining -= size
    return sizes


class Command(BaseCommand):
    help = "Group generated corpus articles that are in no story into stories (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--exponent", type=float, default=1.6)
        parser.add_argument("--max-size", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dry-run", action="store_true", help="report, then roll back")

    def handle(self, *args, exponent, max_size, seed, dry_run, **options):
        started = time.monotonic()
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        membership, story = StoryArticle._meta.db_table, Story._meta.db_table
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(COUNT_SQL.format(membership=membership), [CORPUS_KEYS])
                ungrouped = cursor.fetchone()[0]
                sizes = story_sizes(rng, ungrouped, exponent, max_size)
                # Run n starts at position starts[n - 1] (1-based, in publication order).
                starts = [1 + before for before in itertools.accumulate([0, *sizes[:-1]])]
                if sizes:
                    cursor.execute(
                        UNGROUPED_SQL.format(membership=membership), [starts, CORPUS_KEYS]
                    )
                    cursor.execute(STORIES_SQL.format(story=story, membership=membership))
                    cursor.execute(f"ANALYZE {story}; ANALYZE {membership};")
            summary = (
                f"{ungrouped} articles into {len(sizes)} stories "
                f"(largest {max(sizes, default=0)}, "
                f"{sum(1 for s in sizes if s >= 100)} of 100 or more) "
                f"in {time.monotonic() - started:.1f} s"
            )
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write(f"Dry run (rolled back): would group {summary}")
                return
        self.stdout.write(f"Grouped {summary}")
        started = time.monotonic()
        without_facts = (
            StoryArticle.objects.exclude(article_id__in=ArticleFacts.objects.values("article_id"))
            .values_list("article_id", flat=True)
            .order_by("article_id")
        )
        stored = articles_facts_store(article_ids=without_facts)
        self.stdout.write(
            f"Stored the facts of {stored} articles in {time.monotonic() - started:.1f} s"
        )
