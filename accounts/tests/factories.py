import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass role="editor" (etc.) for a staff member in that role's group."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, role, **kwargs):
        if role:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
            self.groups.add(Group.objects.get(name=role))
