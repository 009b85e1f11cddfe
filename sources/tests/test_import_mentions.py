"""An import announces its articles, and mentions (below sources) listens: importing the
seed articles suggests the people they name."""

import pytest

from articles.models import Article
from entities.demo import demo_entities_load
from mentions.models import Mention
from sources.models import Outlet
from sources.services import outlet_get_or_create, read_records, records_import

pytestmark = pytest.mark.django_db


def test_importing_articles_suggests_mentions_through_the_published_signal(
    django_capture_on_commit_callbacks, settings
):
    demo_entities_load()
    seeds = sorted(settings.SEEDS_DIR.glob("*.txt"))
    # Trusted outlets publish on import, which is what announces an article.
    names = {r.outlet_name for r in read_records(seeds, format="seed") if r.outlet_name}
    for name in names:
        outlet_get_or_create(name=name)
    Outlet.objects.update(is_trusted=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = records_import(read_records(seeds, format="seed"))

    assert report.created == 5
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir Crisis")
    names = set(
        Mention.objects.filter(article=article, person__isnull=False).values_list(
            "person__name", flat=True
        )
    )
    assert names == {"Sergey Lavrov", "Ishaq Dar", "Subrahmanyam Jaishankar"}
