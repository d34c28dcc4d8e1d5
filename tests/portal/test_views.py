"""Pages: sign-up, dashboard, profile and tokens, organisation review."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import ApiToken, Organisation, User
from portal.services import api_token_authenticate
from tests.factories import PASSWORD, make_api_token, make_organisation

SIGN_UP = {
    "name": "Lighthouse Museum",
    "slug": "",
    "country": "Ireland",
    "website": "lighthouse.example",
    "flickr_accounts": "https://www.flickr.com/photos/35591378@N03/\n",
    "display_name": "Amy Keeper",
    "email": "amy@lighthouse.example",
    "username": "amy",
    "password": PASSWORD,
}


@pytest.fixture
def sign_up(client, admin, django_capture_on_commit_callbacks):
    """Post the public sign-up form; return the response (emails are sent)."""

    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("organisation_register"), {**SIGN_UP, **changes})

    return post


# --- Sign-up ------------------------------------------------------------------------------------


def test_sign_up_creates_pending_organisation_with_slug_from_name(sign_up):
    """An empty slug is made from the name, and the organisation waits for review."""
    response = sign_up()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_register_done")
    organisation = Organisation.objects.get(slug="lighthouse-museum")
    assert organisation.status == "pending"
    assert organisation.website == "https://lighthouse.example"


def test_sign_up_logs_the_applicant_in(sign_up, client):
    """After signing up the applicant sees their pending organisation on the dashboard."""
    sign_up()
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert "Lighthouse Museum" in page.content.decode()
    assert "Pending review" in page.content.decode()


def test_sign_up_emails_applicant_and_admins(sign_up, admin):
    """The applicant and the foundation admin each get an email."""
    sign_up()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["amy@lighthouse.example", admin.email]
    )


def test_duplicate_slug_shows_a_message_and_creates_nothing(sign_up):
    """A taken slug is reported next to the field; no user or second organisation appears."""
    make_organisation(slug="lighthouse-museum")
    response = sign_up()
    assert response.status_code == 200
    assert "already uses the short name &#x27;lighthouse-museum&#x27;" in response.content.decode()
    assert not User.objects.filter(username="amy").exists()
    assert Organisation.objects.count() == 1


def test_bad_flickr_account_is_named_in_the_message(sign_up):
    """A Flickr address without an NSID is quoted back to the applicant."""
    response = sign_up(flickr_accounts="https://www.flickr.com/photos/lighthouse/")
    assert "https://www.flickr.com/photos/lighthouse/" in response.content.decode()
    assert not Organisation.objects.exists()


def test_reserved_slug_is_refused(sign_up):
    """A slug that would hide a portal page is refused."""
    response = sign_up(slug="register")
    assert "reserved" in response.content.decode()
    assert not Organisation.objects.exists()


def test_taken_username_is_refused(sign_up, staff):
    """An existing username is refused with a message naming it."""
    response = sign_up(username="stan")
    assert "The username &#x27;stan&#x27; is taken" in response.content.decode()
    assert not Organisation.objects.filter(name="Lighthouse Museum").exists()


def test_signed_in_user_registers_without_account_fields(client, staff, admin):
    """A signed-in user's form has no account fields and makes them the manager."""
    client.force_login(staff)
    page = client.get(reverse("organisation_register"))
    assert 'name="password"' not in page.content.decode()
    client.post(reverse("organisation_register"), {"name": "Second Site", "slug": "second"})
    assert staff.is_manager_of(Organisation.objects.get(slug="second"))


# --- Dashboard ----------------------------------------------------------------------------------


def test_dashboard_shows_the_members_organisation(client, staff, organisation):
    """Staff see their organisation with its status."""
    client.force_login(staff)
    content = client.get(reverse("dashboard")).content.decode()
    assert organisation.name in content
    assert "badge badge-approved" in content


def test_dashboard_has_an_empty_state_for_users_without_organisation(client, photographer):
    """A user in no organisation is told what they can do next."""
    client.force_login(photographer)
    content = client.get(reverse("dashboard")).content.decode()
    assert "You are not part of an organisation yet" in content
    assert reverse("organisation_register") in content


def test_dashboard_lists_pending_organisations_for_admins(client, admin, pending_organisation):
    """Foundation admins see the organisations waiting for review."""
    client.force_login(admin)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Organisations to review" in content
    assert pending_organisation.get_absolute_url() in content


def test_dashboard_hides_the_review_panel_from_staff(client, staff, pending_organisation):
    """Staff do not see the admins' review panel."""
    client.force_login(staff)
    assert "Organisations to review" not in client.get(reverse("dashboard")).content.decode()


def test_dashboard_skips_panels_that_do_not_exist_yet(client, staff, settings):
    """A listed panel whose module is missing is skipped, not a crash."""
    settings.DASHBOARD_PANELS = ["no_such_app.panels.anything", "portal.panels.my_organisation"]
    client.force_login(staff)
    assert client.get(reverse("dashboard")).status_code == 200


# --- Profile and tokens -------------------------------------------------------------------------


def test_profile_shows_memberships_and_tokens(client, staff, organisation):
    """The profile lists the user's organisation and tokens (by prefix, never the secret)."""
    token, secret = make_api_token(staff, name="ingest script")
    client.force_login(staff)
    content = client.get(reverse("profile")).content.decode()
    assert organisation.name in content
    assert "ingest script" in content
    assert token.key_prefix in content
    assert secret not in content


def test_creating_a_token_shows_the_secret_once(client, staff):
    """The secret appears on the response to the POST, and that secret works."""
    client.force_login(staff)
    response = client.post(reverse("api_token_create"), {"name": "ingest"})
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert api_token_authenticate(secret) == staff
    assert secret not in client.get(reverse("profile")).content.decode()


def test_creating_a_token_without_a_name_is_refused(client, staff):
    """An empty name re-shows the profile with the error and creates nothing."""
    client.force_login(staff)
    response = client.post(reverse("api_token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token_from_the_profile(client, staff):
    """The owner revokes their token with a POST."""
    token, secret = make_api_token(staff)
    client.force_login(staff)
    response = client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    assert api_token_authenticate(secret) is None


def test_revoking_someone_elses_token_is_404(client, staff, other_staff):
    """Another user's token does not exist as far as this user can tell."""
    token, secret = make_api_token(other_staff)
    client.force_login(staff)
    response = client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    assert api_token_authenticate(secret) == other_staff


def test_revoke_needs_post(client, staff):
    """GET on the revoke URL changes nothing (405)."""
    token, secret = make_api_token(staff)
    client.force_login(staff)
    assert client.get(reverse("api_token_revoke", kwargs={"pk": token.pk})).status_code == 405
    assert api_token_authenticate(secret) == staff


def test_profile_edit_saves_the_name(client, staff):
    """The profile form saves the display name."""
    client.force_login(staff)
    client.post(
        reverse("profile_edit"),
        {"display_name": "Stan the Archivist", "email": staff.email},
    )
    staff.refresh_from_db()
    assert staff.display_name == "Stan the Archivist"


def test_profile_edit_refuses_another_users_email(client, staff, manager):
    """An email another account uses is refused; the old one stays."""
    client.force_login(staff)
    response = client.post(
        reverse("profile_edit"), {"display_name": "Stan", "email": manager.email.upper()}
    )
    assert "Another account already uses this email address." in response.content.decode()
    staff.refresh_from_db()
    assert staff.email == "stan@harbour.example"


# --- Organisation pages -------------------------------------------------------------------------


def test_organisation_page_lists_members_with_roles(client, staff, manager, organisation):
    """Members see who else is in the organisation and their roles."""
    client.force_login(staff)
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert "mina" in content
    assert "Manager" in content


def test_review_page_lists_pending_organisations(client, admin, pending_organisation):
    """Foundation admins see every pending organisation with decision forms."""
    client.force_login(admin)
    content = client.get(reverse("organisation_review")).content.decode()
    assert pending_organisation.name in content
    assert reverse("organisation_approve", kwargs={"slug": pending_organisation.slug}) in content


def test_review_page_has_an_empty_state(client, admin, organisation):
    """With nothing pending the page says so."""
    client.force_login(admin)
    assert "Nothing to review" in client.get(reverse("organisation_review")).content.decode()


def test_approving_from_the_review_page(
    client, admin, pending_organisation, django_capture_on_commit_callbacks
):
    """POST approve: the organisation is approved and the applicant emailed."""
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation_approve", kwargs={"slug": pending_organisation.slug})
        )
    assert response.status_code == 302
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == "approved"
    assert [message.to for message in mail.outbox] == [["amy@lighthouse.example"]]


def test_approving_twice_from_the_page_shows_a_message(client, admin, organisation):
    """Approving an approved organisation shows the error and changes nothing."""
    client.force_login(admin)
    response = client.post(
        reverse("organisation_approve", kwargs={"slug": organisation.slug}), follow=True
    )
    assert "Cannot approve &#x27;Harbour Archive&#x27;: it is approved." in (
        response.content.decode()
    )
    assert organisation.events.count() == 0


def test_declining_without_a_note_shows_a_message(client, admin, pending_organisation):
    """Decline needs a note; without one the organisation stays pending."""
    client.force_login(admin)
    response = client.post(
        reverse("organisation_decline", kwargs={"slug": pending_organisation.slug}),
        {"note": ""},
        follow=True,
    )
    assert "Say why you decline it" in response.content.decode()
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == "pending"
