"""The people, places and events that articles are about and written by.

One person is one row however the sources spell them ("Sergey Lavrov", "Sergei
Lavrov"); bylines and mentions point here so that a person has one page.
"""

from django.db import models


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name
