import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from articles.tests.factories import ArticleFactory

TOPICS = {
    "bridge": (
        "Harbour bridge closed after cracks found in main span",
        "Engineers closed the harbour bridge on Monday after inspectors found cracks in the "
        "main steel span. The city transport authority said ferries and extra buses would "
        "carry commuters while the bridge girders are examined and repaired.",
    ),
    "vaccine": (
        "Regulator approves new malaria vaccine for children",
        "The medicines regulator approved a malaria vaccine for children under five after "
        "trials in Kenya and Ghana showed the vaccine cut severe malaria cases by half. "
        "Health ministries plan vaccination campaigns before the rainy season.",
    ),
    "football": (
        "Striker's late goal wins the cup final in extra time",
        "A late goal from the striker in extra time won the cup final for the visiting club "
        "at the national stadium. The goalkeeper saved a penalty before the striker scored, "
        "and supporters celebrated the club's first cup trophy in forty seasons.",
    ),
}


def topical_article(topic: str, variant: int = 0, **kwargs):
    """An article about one of a few distinct topics; variants differ in wording."""
    headline, body = TOPICS[topic]
    if variant:
        headline = f"{headline} ({variant})"
        body = f"Update {variant}: {body}"
    return ArticleFactory(headline=headline, dek="", body=f"<p>{body}</p>", **kwargs)


class EditorFactory(factory.django.DjangoModelFactory):
    """A staff editor allowed to merge, split, pin, exclude and lock stories."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        self.user_permissions.add(
            Permission.objects.get(
                codename="edit_story_membership", content_type__app_label="coverage"
            )
        )
