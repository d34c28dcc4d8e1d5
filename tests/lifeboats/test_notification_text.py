"""Notification subjects and bodies are plain text: names are written as typed, not as HTML."""

from __future__ import annotations

import pytest
from django.core import mail

from legal.models import Notification
from lifeboats import notifications, services
from tests.factories import make_foundation_admin, make_lifeboat

pytestmark = pytest.mark.django_db


def test_a_name_with_an_apostrophe_reads_as_typed_in_the_subject_and_the_email(
    django_capture_on_commit_callbacks,
):
    """A lifeboat called "Tom's <harbour>" is not turned into HTML entities anywhere."""
    admin = make_foundation_admin()
    lifeboat = make_lifeboat(name="Tom's <harbour>", status="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        notifications.lifeboat_submitted(lifeboat.pk)

    notice = Notification.objects.get(recipient=admin)
    assert "Tom's <harbour>" in notice.subject
    assert "&#x27;" not in notice.subject + notice.body
    assert "Tom's <harbour>" in mail.outbox[0].subject


def test_a_failing_notification_does_not_hide_that_the_lifeboat_is_ready(
    monkeypatch, django_capture_on_commit_callbacks
):
    """If telling people fails (a mail server down), the lifeboat is still ready and the
    worker is not told that its build failed."""

    def mail_server_down(lifeboat_id):
        raise ConnectionRefusedError("smtp: connection refused")

    monkeypatch.setattr(notifications, "lifeboat_ready", mail_server_down)
    lifeboat = make_lifeboat(status="building")

    with django_capture_on_commit_callbacks(execute=True):
        services.lifeboat_mark_ready(
            lifeboat, package_path="lifeboats/x.zip", package_size=10, package_sha256="0" * 64
        )

    lifeboat.refresh_from_db()
    assert lifeboat.status == "ready"
