from django.db import models


class Posting(models.Model):
    """One row of a search index: this object contains this term, this much (see banso.text.search).

    A collection makes it concrete with a foreign key named `obj` to what it indexes, the primary key
    (obj, term), and the index (term, obj, weight) so a query reads postings from the index alone."""

    term = models.BigIntegerField()
    weight = models.SmallIntegerField()  # 1–100; no CHECK constraint to evaluate for each of millions of rows

    class Meta:
        abstract = True
