"""Notifications: stored for the in-portal inbox, and emailed after commit.

Every app sends its notifications through `notification_send`, so each one is kept, whether
or not the recipient has an email address.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from legal.models import Notification
from portal.models import User


def notification_send(
    *, recipient: User, kind: str, subject: str, body: str, url: str = "", email: bool = True
) -> Notification:
    """Store a notification for `recipient`; email it after commit when they have an address.

    `url` is a path in the portal (or a full URL) where the recipient can act on it.
    """
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValueError(f"A notification needs a subject; got {subject!r}.")
    if not kind:
        raise ValueError(f"A notification needs a kind; got {kind!r}.")
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, subject=subject[:200], body=body, url=url
        )
        if email and recipient.email:
            transaction.on_commit(partial(notification_email, notification.pk))
    return notification


def notification_email(notification_id: int) -> None:
    """Email a stored notification to its recipient and record when it went out."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at is not None or not notification.recipient.email:
        return
    EmailMessage(
        notification.subject,
        _email_text(notification),
        to=[notification.recipient.email],
    ).send()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def _email_text(notification: Notification) -> str:
    text = notification.body.rstrip()
    if notification.url:
        link = notification.url
        if link.startswith("/"):
            link = f"{settings.SITE_URL}{link}"
        text = f"{text}\n\n{link}"
    inbox = f"{settings.SITE_URL}{reverse('legal:inbox')}"
    return f"{text}\n\nAll your notifications are in your inbox: {inbox}\n"


def notification_mark_read(notification: Notification, *, by: User) -> Notification:
    """Mark one of `by`'s notifications read (once; the first reading time is kept)."""
    if notification.recipient_id != by.pk:
        raise PermissionError("Only the recipient can mark a notification read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of `by` read; return how many."""
    return Notification.objects.unread_for(by).update(read_at=timezone.now())
