"""Template context every page needs from `legal`: the unread notification count."""

from __future__ import annotations

from django.http import HttpRequest

from legal.models import Notification


def inbox(request: HttpRequest) -> dict[str, object]:
    """`unread_notifications`: a lazy count, queried only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return Notification.objects.unread_for(user).count()

    return {"unread_notifications": count}
