"""Services: registration, review decisions, memberships and API tokens."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal import services
from portal.errors import Forbidden, InvalidTransition
from portal.models import ApiToken, Membership, Organisation, OrganisationEvent, User
from tests.factories import PASSWORD, make_api_token, make_user

APPLICATION = {
    "name": "Lighthouse Museum",
    "slug": "lighthouse-museum",
    "country": "Ireland",
    "website": "https://lighthouse.example/",
    "flickr_accounts": ["https://www.flickr.com/photos/35591378@N03/", "12037949754@n01"],
    "username": "amy",
    "email": "amy@lighthouse.example",
    "password": PASSWORD,
    "display_name": "Amy Keeper",
}


@pytest.fixture
def registered(db, admin, django_capture_on_commit_callbacks) -> Organisation:
    with django_capture_on_commit_callbacks(execute=True):
        return services.organisation_register_with_applicant(**APPLICATION)


def decide(capture, service, organisation, **kwargs):
    mail.outbox.clear()
    with capture(execute=True):
        return service(organisation, **kwargs)


# --- Registration -------------------------------------------------------------------------------


def test_registration_creates_a_pending_organisation(registered):
    """The new organisation waits for review."""
    assert registered.status == Organisation.Status.PENDING


def test_registration_makes_the_applicant_its_manager(registered):
    """The applicant's new account is the organisation's manager."""
    applicant = User.objects.get(username="amy")
    assert applicant.check_password(PASSWORD)
    assert applicant.role_in(registered) == Membership.Role.MANAGER


def test_registration_stores_flickr_accounts_as_nsids(registered):
    """Flickr URLs and lower-case NSIDs are stored as NSIDs."""
    assert sorted(registered.flickr_nsids) == ["12037949754@N01", "35591378@N03"]


def test_registration_is_logged(registered):
    """A `registered` event names the applicant."""
    event = registered.events.get()
    assert (event.action, event.actor.username) == ("registered", "amy")


def test_registration_emails_the_applicant_and_every_foundation_admin(registered, admin):
    """One email to the applicant (received), one to each foundation admin (to review)."""
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"amy@lighthouse.example", admin.email}
    assert "received" in by_recipient["amy@lighthouse.example"].subject
    assert "review" in by_recipient[admin.email].subject


def test_registration_emails_have_an_html_alternative(registered):
    """Every email carries an HTML part as well as plain text."""
    assert all(message.alternatives[0][1] == "text/html" for message in mail.outbox)


def test_duplicate_slug_is_refused_and_nothing_is_created(registered):
    """A second registration with a taken slug names the problem and creates no user or org."""
    application = {**APPLICATION, "username": "bob", "email": "bob@example.org"}
    with pytest.raises(ValidationError) as raised:
        services.organisation_register_with_applicant(**application)
    assert "slug" in raised.value.message_dict
    assert not User.objects.filter(username="bob").exists()
    assert Organisation.objects.count() == 1


def test_bad_flickr_account_is_refused_and_nothing_is_created(db):
    """A Flickr address without an account id is named in the error; nothing is saved."""
    application = {**APPLICATION, "flickr_accounts": ["https://www.flickr.com/photos/lighthouse/"]}
    with pytest.raises(ValidationError, match="lighthouse"):
        services.organisation_register_with_applicant(**application)
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_weak_password_is_refused(db):
    """The password validators apply to the sign-up."""
    with pytest.raises(ValidationError):
        services.organisation_register_with_applicant(**{**APPLICATION, "password": "1234"})
    assert not User.objects.exists()


def test_signed_in_user_registers_another_organisation(db, manager):
    """An existing account can register an organisation and becomes its manager."""
    organisation = services.organisation_register(
        name="Second Site", slug="second-site", registered_by=manager
    )
    assert manager.is_manager_of(organisation)


# --- Review decisions ---------------------------------------------------------------------------


def test_approve_moves_pending_to_approved(registered, admin):
    """Approval sets the status, the decider and the time."""
    services.organisation_approve(registered, by=admin, note="Welcome")
    registered.refresh_from_db()
    assert registered.status == Organisation.Status.APPROVED
    assert registered.decided_by == admin
    assert registered.decided_at is not None


def test_approve_emails_the_applicant_and_managers(
    registered, admin, django_capture_on_commit_callbacks
):
    """The applicant and every manager hear of the approval."""
    colleague = make_user(email="cai@lighthouse.example")
    services.membership_add(registered, user=colleague, role="manager")
    decide(django_capture_on_commit_callbacks, services.organisation_approve, registered, by=admin)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amy@lighthouse.example",
        "cai@lighthouse.example",
    ]
    assert all("approved" in message.subject for message in mail.outbox)


def test_approving_twice_is_refused_and_changes_nothing(
    registered, admin, django_capture_on_commit_callbacks
):
    """A second approval raises InvalidTransition; no event, no email, same decision time."""
    services.organisation_approve(registered, by=admin)
    decided_at = Organisation.objects.get(pk=registered.pk).decided_at
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(InvalidTransition, match="it is approved"),
    ):
        services.organisation_approve(registered, by=admin)
    assert Organisation.objects.get(pk=registered.pk).decided_at == decided_at
    assert registered.events.filter(action="approved").count() == 1
    assert mail.outbox == []


def test_declining_an_approved_organisation_is_refused(registered, admin):
    """Only pending organisations can be declined."""
    services.organisation_approve(registered, by=admin)
    with pytest.raises(InvalidTransition, match="Cannot decline"):
        services.organisation_decline(registered, by=admin, note="Changed our mind")
    assert Organisation.objects.get(pk=registered.pk).status == "approved"


def test_decline_requires_a_note(registered, admin):
    """Declining without saying why is refused."""
    with pytest.raises(ValidationError, match="Say why"):
        services.organisation_decline(registered, by=admin, note="  ")
    assert Organisation.objects.get(pk=registered.pk).status == "pending"


def test_decline_emails_the_note(registered, admin, django_capture_on_commit_callbacks):
    """The applicant's email carries the foundation's note."""
    decide(
        django_capture_on_commit_callbacks,
        services.organisation_decline,
        registered,
        by=admin,
        note="We only work with public institutions.",
    )
    (message,) = mail.outbox
    assert "declined" in message.subject
    assert "We only work with public institutions." in message.body


def test_suspend_then_reinstate(registered, admin):
    """An approved organisation can be suspended and approved again, each step logged."""
    services.organisation_approve(registered, by=admin)
    services.organisation_suspend(registered, by=admin, note="Unpaid")
    services.organisation_approve(registered, by=admin, note="Paid")
    actions = list(registered.events.values_list("action", flat=True))
    assert actions == ["registered", "approved", "suspended", "approved"]


def test_only_reviewers_can_decide(registered, staff):
    """Someone without the review permission gets Forbidden, and nothing changes."""
    with pytest.raises(Forbidden):
        services.organisation_approve(registered, by=staff)
    assert OrganisationEvent.objects.filter(action="approved").count() == 0


def test_membership_add_refuses_a_duplicate(organisation, staff):
    """Adding someone twice to the same organisation is a clear error."""
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(organisation, user=staff, role="manager")


def test_membership_add_refuses_an_unknown_role(organisation):
    """Roles are staff or manager only."""
    with pytest.raises(ValidationError, match="'owner'"):
        services.membership_add(organisation, user=make_user(), role="owner")


# --- API tokens ---------------------------------------------------------------------------------


def test_token_secret_is_not_stored(db):
    """Only the prefix and the SHA-256 are kept; the secret is long and url-safe."""
    token, secret = make_api_token()
    assert len(secret) >= 40
    assert secret not in {token.key_hash, token.key_prefix}
    assert token.key_hash == services.hash_api_token(secret)
    assert token.key_prefix == secret[:8]


def test_token_authenticates_its_user_and_records_use(db):
    """A valid secret gives the user back and sets last_used_at."""
    token, secret = make_api_token()
    assert services.api_token_authenticate(secret) == token.user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_does_not_authenticate(db):
    """After revocation the secret is refused."""
    token, secret = make_api_token()
    services.api_token_revoke(token, by=token.user)
    assert services.api_token_authenticate(secret) is None


def test_token_of_inactive_user_does_not_authenticate(db):
    """Deactivating a user disables their tokens."""
    _token, secret = make_api_token(make_user(is_active=False))
    assert services.api_token_authenticate(secret) is None


def test_wrong_secret_with_right_prefix_does_not_authenticate(db):
    """The whole secret must match, not just the displayed prefix."""
    _token, secret = make_api_token()
    assert services.api_token_authenticate(secret[:8] + "x" * 35) is None


def test_revoking_twice_is_refused(db):
    """A second revocation raises InvalidTransition and keeps the first time."""
    token, _secret = make_api_token()
    services.api_token_revoke(token, by=token.user)
    revoked_at = token.revoked_at
    with pytest.raises(InvalidTransition, match="already revoked"):
        services.api_token_revoke(token, by=token.user)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at


def test_nobody_else_revokes_a_token(db):
    """Another ordinary user cannot revoke someone's token."""
    token, _secret = make_api_token()
    with pytest.raises(Forbidden):
        services.api_token_revoke(token, by=make_user())
    assert ApiToken.objects.active().filter(pk=token.pk).exists()


def test_token_needs_a_name(db):
    """An empty name is refused with a message."""
    with pytest.raises(ValidationError, match="Name the token"):
        services.api_token_create(make_user(), name=" ")


def test_active_excludes_revoked_tokens(db):
    """`ApiToken.objects.active()` lists only tokens that still work."""
    kept, _ = make_api_token()
    revoked, _ = make_api_token()
    services.api_token_revoke(revoked, by=revoked.user)
    assert list(ApiToken.objects.active()) == [kept]
