"""The vocabulary readers can search, for correcting misspelt queries ("Lavorv").

Full-text search only matches words that are spelt right. A query word that matches
nothing is compared by trigram similarity with the words our articles actually use,
and the closest one (few edits, many documents) is searched instead, with a notice.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models


class SearchTerm(models.Model):
    word = models.CharField(max_length=100, primary_key=True)
    documents = models.PositiveIntegerField(default=0, help_text="Articles using the word")

    class Meta:
        indexes = [GinIndex(OpClass("word", "gin_trgm_ops"), name="searchterm_word_trgm")]

    def __str__(self):
        return self.word
