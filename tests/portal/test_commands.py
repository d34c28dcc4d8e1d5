"""`python manage.py create_api_token USERNAME [--name NAME]`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.models import ApiToken
from portal.services import api_token_authenticate
from tests.factories import make_user


def run(*args: str) -> str:
    stdout = StringIO()
    call_command("create_api_token", *args, stdout=stdout)
    return stdout.getvalue()


def test_prints_only_a_working_secret(db):
    """stdout is the secret alone on one line, and it authenticates as the user."""
    user = make_user(username="scripted")
    output = run("scripted")
    secret = output.strip()
    assert output == f"{secret}\n"
    assert api_token_authenticate(secret) == user


def test_name_option_names_the_token(db):
    """--name is stored on the token."""
    make_user(username="scripted")
    run("scripted", "--name", "nightly ingest")
    assert ApiToken.objects.get().name == "nightly ingest"


def test_unknown_user_is_an_error_naming_them(db):
    """An unknown username fails with exit status 1 and names the user; no token is made."""
    with pytest.raises(CommandError, match="'nobody'") as raised:
        run("nobody")
    assert raised.value.returncode == 1
    assert not ApiToken.objects.exists()


def test_inactive_user_is_refused(db):
    """A token for an inactive user would never work, so none is made."""
    make_user(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("gone")
    assert not ApiToken.objects.exists()
