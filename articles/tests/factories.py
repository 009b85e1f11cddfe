import datetime as dt

import factory
from django.utils.text import slugify

from articles.models import Article, Byline
from articles.sanitize import html_to_text


class OutletFactory(factory.django.DjangoModelFactory):
    """An article's outlet. The model is named by string, as ``Article.outlet`` names it:
    sources, which owns outlets, sits above articles (``newsroom/layers.py``);
    ``sources.tests.factories`` re-exports this one."""

    class Meta:
        model = "sources.Outlet"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    country = "GB"
    language = "en"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Harbour bridge repairs, day {n}")
    slug = factory.LazyAttribute(lambda a: slugify(a.headline))
    dek = "Engineers say the work will take another month."
    body = "<p>The bridge stays open to pedestrians.</p>\n<p>Buses take the ring road.</p>"
    body_text = factory.LazyAttribute(lambda a: html_to_text(a.body))
    outlet = factory.SubFactory(OutletFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.Sequence(
        lambda n: dt.datetime(2025, 5, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    )

    @factory.post_generation
    def bylines(self, create, names, **kwargs):
        for position, name in enumerate(names or ["Staff reporter"]):
            Byline.objects.create(article=self, position=position, name=name)
