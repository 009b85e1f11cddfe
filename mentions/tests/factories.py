import factory

from entities.tests.factories import PersonFactory
from mentions.models import Mention


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    person = factory.SubFactory(PersonFactory)
    count = 1
    first_position = 0
