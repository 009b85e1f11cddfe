import datetime as dt

import factory
from django.utils.text import slugify

from articles.models import Article, Byline
from sources.tests.factories import OutletFactory


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Harbour bridge repairs, day {n}")
    slug = factory.LazyAttribute(lambda a: slugify(a.headline))
    dek = "Engineers say the work will take another month."
    body = "The bridge stays open to pedestrians.\n\nBuses take the ring road."
    outlet = factory.SubFactory(OutletFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.Sequence(
        lambda n: dt.datetime(2025, 5, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    )

    @factory.post_generation
    def bylines(self, create, names, **kwargs):
        for position, name in enumerate(names or ["Staff reporter"]):
            Byline.objects.create(article=self, position=position, name=name)
