import factory

from articles.tests.factories import OutletFactory

__all__ = ["OutletFactory", "UserFactory"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    @factory.post_generation
    def permissions(self, create, codenames, **kwargs):
        """``UserFactory(permissions=["sources.add_importrun"])``."""
        from django.contrib.auth.models import Permission

        for dotted in codenames or []:
            app_label, codename = dotted.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
