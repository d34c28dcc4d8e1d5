"""`manage.py expire_lifeboats`: expire due lifeboats now, without waiting for the schedule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lifeboats.expiry import expire_due_lifeboats


class Command(BaseCommand):
    help = (
        "Delete the packages of ready lifeboats whose download window has ended and mark them "
        "expired (every record is kept). A django-q2 schedule does this hourly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = expire_due_lifeboats()
        self.stdout.write(f"Expired {expired} lifeboat{'s' if expired != 1 else ''}.")
