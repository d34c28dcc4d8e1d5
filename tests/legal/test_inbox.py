"""The inbox: notifications are stored, emailed after commit, listed unread first, marked read."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from legal.inbox import notification_send
from legal.models import Notification
from tests.factories import make_user


@pytest.fixture
def reader(db):
    return make_user(email="rea@example.org")


def send(recipient, subject="Something happened", **fields):
    values = {"kind": "test", "body": "The details.", "url": "/dashboard/", **fields}
    return notification_send(recipient=recipient, subject=subject, **values)


def test_a_notification_is_stored_and_emailed_after_commit(
    reader, django_capture_on_commit_callbacks
):
    """The row exists at once; the email goes out on commit and is recorded."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = send(reader)
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert mail.outbox[0].to == ["rea@example.org"]
    assert mail.outbox[0].subject == "Something happened"
    assert f"{settings.SITE_URL}/dashboard/" in mail.outbox[0].body


def test_a_user_without_an_address_still_gets_the_notification(
    db, django_capture_on_commit_callbacks
):
    """No email address: stored for the inbox, nothing emailed."""
    user = make_user(email="")

    with django_capture_on_commit_callbacks(execute=True):
        notification = send(user)

    assert Notification.objects.get(pk=notification.pk).emailed_at is None
    assert mail.outbox == []


def test_the_inbox_lists_unread_first(client, reader):
    """Unread notifications come before read ones, whatever their age."""
    old_unread = send(reader, subject="Old but unread")
    read = send(reader, subject="Newer and read")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client.force_login(reader)

    html = client.get(reverse("legal:inbox")).content.decode()

    assert html.index(old_unread.subject) < html.index(read.subject)
    assert "Mark all read" in html


def test_the_header_shows_the_unread_count(client, reader):
    """Every page's header says how many notifications are unread."""
    send(reader)
    send(reader)
    client.force_login(reader)

    html = client.get(reverse("dashboard")).content.decode()

    assert 'aria-label="Inbox, 2 unread"' in html


def test_opening_a_notification_marks_it_read(client, reader):
    """Reading it once sets read_at; the body and link are shown."""
    notification = send(reader, body="Your lifeboat is ready.")
    client.force_login(reader)

    response = client.get(notification.get_absolute_url())

    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Your lifeboat is ready." in response.content.decode()
    assert 'href="/dashboard/"' in response.content.decode()


def test_someone_elses_notification_is_not_found(client, reader):
    """Another user's notification answers 404 and stays unread."""
    notification = send(make_user())
    client.force_login(reader)

    response = client.get(notification.get_absolute_url())

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_marks_only_the_users_own(client, reader):
    """The POST marks every unread notification of the user, and nobody else's."""
    send(reader)
    send(reader)
    others = send(make_user())
    client.force_login(reader)

    response = client.post(reverse("legal:inbox_mark_all_read"), follow=True)

    assert not Notification.objects.unread_for(reader).exists()
    assert Notification.objects.get(pk=others.pk).read_at is None
    assert "Marked 2 notifications read." in response.content.decode()


def test_the_empty_inbox_says_what_will_appear(client, reader):
    """A new user sees a real empty state."""
    client.force_login(reader)

    response = client.get(reverse("legal:inbox"))

    assert b"No notifications yet" in response.content
