"""Lifeboats: the models of lifeboat requests, their photos and the shared Flickr budget."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models
from django.db.models import Q


class FlickrBudget(models.Model):
    """The shared Flickr API budget: one row per key, read and written under a row lock.

    `next_free_at` is the earliest moment, in seconds since the epoch on the database's
    clock, at which the next API call may happen (see `lifeboats.budget`).
    """

    name = models.CharField(max_length=100)
    next_free_at = models.FloatField(
        default=0.0, help_text="Seconds since the epoch (database clock) of the next free slot."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Flickr API budget"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="flickrbudget_unique_name"),
            models.CheckConstraint(
                condition=Q(next_free_at__gte=0), name="flickrbudget_next_free_at_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def next_free_slot(self) -> datetime:
        """The next free slot as an aware datetime (UTC)."""
        return datetime.fromtimestamp(self.next_free_at, tz=UTC)
