"""Logging in and out, password reset, and login throttling (django-axes)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_goes_to_the_dashboard(client, staff):
    """The right password logs in and lands on the dashboard."""
    response = log_in(client, "stan", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_wrong_password_shows_a_message(client, staff):
    """A wrong password re-shows the form with an error, and nobody is logged in."""
    response = log_in(client, "stan", "wrong")
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_goes_home(client, staff):
    """Logging out (POST) ends the session and returns to the home page."""
    client.force_login(staff)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, staff):
    """The reset form emails a link to the account's address."""
    client.post(reverse("password_reset"), {"email": staff.email})
    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert "/accounts/password/reset/" in message.body


def test_login_is_locked_after_repeated_failures(client, staff, settings):
    """After AXES_FAILURE_LIMIT failures the clear locked-out page answers, even to the
    right password."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "stan", "wrong")
    response = log_in(client, "stan", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("failures", [1, 2])
def test_a_few_failures_do_not_lock(client, staff, failures):
    """Fewer failures than the limit still let the right password in."""
    for _attempt in range(failures):
        log_in(client, "stan", "wrong")
    assert log_in(client, "stan", PASSWORD).status_code == 302
