"""Accepting a new name that 100, 500 and 2,000 articles give: time and queries.

    .venv/bin/python -m newsroom.localdb run -- .venv/bin/python bench/candidate_accept.py
    ... bench/candidate_accept.py --sizes 100,500,2000

In a scratch database (`newsroom_accept`, made afresh each run): a pool of articles
of real length (the texts of /work/shared/data/coverage/basil-dev.jsonl, about 4,100
characters each, with a paragraph naming three new people), and one open candidate per size with an
occurrence in the first N articles (as `candidates_collect` stores them). Times
`candidate_accept` as the editor's request runs it (wall and queries), then the
article linking on its own (`discovery.tasks.link_candidate_articles`, what the task
worker runs after the commit), and checks every article got its mention.
"""

from __future__ import annotations

import argparse
import json
import time

from _scratch import ROOT, bench_editor, setup_django, use_scratch_database

NAMES = ["Talia Norcross", "Benedek Harsanyi", "Orla Quennell"]
BASIL = ROOT.parent.parent / "shared" / "data" / "coverage" / "basil-dev.jsonl"


def texts() -> list[str]:
    path = BASIL if BASIL.exists() else ROOT / "data" / "coverage" / "basil-dev.jsonl"
    return [json.loads(line)["text"] for line in path.open()]


class Counter:
    """Counts queries without keeping them (CaptureQueriesContext stops at 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500,2000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    use_scratch_database("newsroom_accept", fresh=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils.text import slugify

    from articles.models import Article
    from discovery import tasks
    from discovery.models import CandidateOccurrence, EntityCandidate
    from discovery.services import candidate_accept
    from mentions.models import Mention
    from sources.models import Outlet

    call_command("migrate", verbosity=0)
    editor = bench_editor()
    outlets = [
        Outlet.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Bench {i}"})[0]
        for i in range(20)
    ]
    pool = texts()
    naming = " ".join(f"{name} said the talks would go on." for name in NAMES)
    articles = []
    for i in range(max(sizes)):
        text = pool[i % len(pool)]
        half = len(text) // 2
        body = f"{text[:half]}\n\n{naming}\n\n{text[half:]}"
        headline = f"Talks resume, report {i}"
        articles.append(
            Article(
                headline=headline,
                slug=slugify(headline),
                dek="The talks go on.",
                body="".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip()),
                body_text=body,
                outlet=outlets[i % len(outlets)],
                status=Article.Status.PUBLISHED,
            )
        )
    articles = Article.objects.bulk_create(articles)
    chars = sum(len(a.body_text) for a in articles) / len(articles)
    print(f"{len(articles)} articles, {chars:,.0f} characters of text on average")

    print(f"{'articles':>9} {'request s':>10} {'queries':>8} {'linking s':>10} {'queries':>8}")
    for size, name in zip(sizes, NAMES, strict=False):
        candidate = EntityCandidate.objects.create(kind="person", key=name.lower(), name=name)
        CandidateOccurrence.objects.bulk_create(
            CandidateOccurrence(candidate=candidate, article=a, names=[name], sentence=naming)
            for a in articles[:size]
        )
        request_queries, task_queries = Counter(), Counter()
        with connection.execute_wrapper(request_queries):
            started = time.perf_counter()
            entity = candidate_accept(candidate=candidate, by=editor)
            request = time.perf_counter() - started
        # The database backend is configured: the linking was queued on commit (none
        # before this change, which linked in the request); run it as the worker would.
        task = getattr(tasks, "link_candidate_articles", None)
        with connection.execute_wrapper(task_queries):
            started = time.perf_counter()
            if task is not None:
                task.call(candidate_id=candidate.pk)
            linking = time.perf_counter() - started
        linked = Mention.objects.filter(person=entity).count()
        if linked != size:
            raise SystemExit(f"{linked} articles linked, not {size}")
        print(
            f"{size:>9} {request:>10.3f} {request_queries.count:>8}"
            f" {linking:>10.3f} {task_queries.count:>8}"
        )


if __name__ == "__main__":
    main()
