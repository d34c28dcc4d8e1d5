"""The Django admin: every portal model is there, decisions go through the services."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import (
    ApiToken,
    Membership,
    Organisation,
    OrganisationEvent,
    OrganisationFlickrAccount,
    User,
)
from portal.services import api_token_authenticate, organisation_register
from tests.factories import make_api_token, make_user

MODELS = [User, Organisation, OrganisationFlickrAccount, Membership, OrganisationEvent, ApiToken]


@pytest.fixture
def superuser(db) -> User:
    return make_user(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def populated(organisation, staff, admin):
    """One of everything, so that list pages render real rows."""
    make_api_token(staff)
    return organisation_register(name="Dock Gallery", slug="dock-gallery", registered_by=staff)


def changelist(model) -> str:
    return reverse(f"admin:portal_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_with_search_and_filters_renders(client, superuser, populated, model):
    """Each model's admin list renders, including with a search term."""
    client.force_login(superuser)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(changelist(model), {"q": "dock"}).status_code == 200


@pytest.mark.parametrize("model", [Organisation, Membership, ApiToken], ids=lambda m: m.__name__)
def test_foundation_admin_reaches_the_admin_lists(client, admin, populated, model):
    """The group's permissions open the admin lists foundation admins work with."""
    client.force_login(admin)
    assert client.get(changelist(model)).status_code == 200


def test_approve_action_goes_through_the_service(
    client, superuser, populated, django_capture_on_commit_callbacks
):
    """The admin action approves, logs the event and emails, like the review page."""
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist(Organisation),
            {"action": "approve", "_selected_action": [populated.pk]},
        )
    populated.refresh_from_db()
    assert populated.status == "approved"
    assert populated.events.filter(action="approved", actor=superuser).exists()
    assert mail.outbox


def test_approve_action_reports_invalid_transitions(client, superuser, organisation):
    """Approving an already approved organisation shows the error and changes nothing."""
    client.force_login(superuser)
    response = client.post(
        changelist(Organisation),
        {"action": "approve", "_selected_action": [organisation.pk]},
        follow=True,
    )
    assert "Cannot approve" in response.content.decode()
    assert not organisation.events.exists()


def test_revoke_action_revokes_tokens(client, superuser, staff):
    """The token admin's action revokes the selected tokens."""
    token, secret = make_api_token(staff)
    client.force_login(superuser)
    client.post(changelist(ApiToken), {"action": "revoke", "_selected_action": [token.pk]})
    assert api_token_authenticate(secret) is None


def test_tokens_cannot_be_added_in_the_admin(client, superuser):
    """Tokens are made by their owner or the command, never typed into the admin."""
    client.force_login(superuser)
    assert client.get(reverse("admin:portal_apitoken_add")).status_code == 403


def test_token_admin_shows_prefix_and_hash_read_only(client, superuser, staff):
    """The token page shows the prefix as text, not as an editable field."""
    token, _secret = make_api_token(staff)
    client.force_login(superuser)
    content = client.get(reverse("admin:portal_apitoken_change", args=[token.pk])).content
    assert token.key_prefix in content.decode()
    assert b'name="key_hash"' not in content


def test_events_are_read_only(client, superuser, populated):
    """Audit rows cannot be edited or deleted in the admin."""
    event = OrganisationEvent.objects.first()
    client.force_login(superuser)
    url = reverse("admin:portal_organisationevent_change", args=[event.pk])
    assert b'name="note"' not in client.get(url).content
    delete = reverse("admin:portal_organisationevent_delete", args=[event.pk])
    assert client.get(delete).status_code == 403
