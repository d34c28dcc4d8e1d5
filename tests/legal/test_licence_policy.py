"""The licence policy: its defaults, and the licence review run on submit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from legal.consent import licence_decision, licence_review
from legal.models import ConsentItem, ConsentRequest, LicenceDecision, LicencePolicy
from lifeboats.models import LifeboatPhoto
from portal.models import OrganisationFlickrAccount
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_organisation,
    make_user,
)

ORG_NSID = "11111111@N01"
PAT = "22222222@N02"
SAM = "33333333@N03"

OPEN_LICENCES = ["cc0-1.0", "pdm", "nkcr", "usgov", "cc-by-2.0", "cc-by-sa-2.0", "cc-by-4.0"]
RESTRICTED_LICENCES = [
    "all-rights-reserved",
    "cc-by-nc-2.0",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-nd-2.0",
    "cc-by-nd-2.0",
    "cc-by-nd-4.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0",
    "cc-by-nc-nd-4.0",
]


@pytest.fixture
def organisation(db):
    organisation = make_organisation(name="Harbour Archive")
    OrganisationFlickrAccount.objects.create(organisation=organisation, nsid=ORG_NSID)
    return organisation


@pytest.fixture
def lifeboat(organisation):
    return make_lifeboat(organisation, status="submitted", photos=0)


def add_photo(lifeboat, *, owner: str, licence: str, photo_id: str | None = None):
    fields = {"photo_id": photo_id} if photo_id else {}
    return make_lifeboat_photo(lifeboat, owner_nsid=owner, license_id=licence, **fields)


def state_of(row: LifeboatPhoto) -> tuple[str, str]:
    row.refresh_from_db()
    return row.state, row.reason


# --- Defaults ------------------------------------------------------------------------------------


@pytest.mark.parametrize("licence_id", [*OPEN_LICENCES, "cc-by-sa-4.0"])
def test_open_licences_are_included_by_default(db, licence_id):
    """CC0, PDM, no known copyright restrictions, US Government and CC BY / BY-SA: include."""
    assert LicencePolicy.objects.get(licence_id=licence_id).decision == LicenceDecision.INCLUDE


@pytest.mark.parametrize("licence_id", RESTRICTED_LICENCES)
def test_restricted_licences_need_consent_by_default(db, licence_id):
    """All rights reserved, NC and ND licences: ask the photographer."""
    assert LicencePolicy.objects.get(licence_id=licence_id).decision == LicenceDecision.CONSENT


def test_every_flickr_licence_has_a_default_and_none_is_blocked(db):
    """The seeded table covers Flickr's 17 licences; nothing is blocked until an admin says so."""
    decisions = LicencePolicy.objects.decisions()
    assert len(decisions) == 17
    assert LicenceDecision.BLOCK not in decisions.values()


def test_an_unknown_licence_needs_consent_and_is_flagged(db):
    """A licence the table does not name (unknown-<n>) needs consent and is flagged."""
    decision = licence_decision("unknown-17")

    assert decision.decision == LicenceDecision.CONSENT
    assert decision.flagged


def test_a_licence_in_the_table_is_not_flagged(db):
    """Once an admin adds a row for a new licence, its decision applies, unflagged."""
    LicencePolicy.objects.create(licence_id="unknown-17", decision=LicenceDecision.INCLUDE)

    decision = licence_decision("unknown-17")

    assert (decision.decision, decision.flagged) == (LicenceDecision.INCLUDE, False)


# --- The review on submit -------------------------------------------------------------------------


def test_openly_licensed_photos_stay_pending_for_the_build(lifeboat):
    """An included photo is left for the builder: pending, no consent request."""
    row = add_photo(lifeboat, owner=PAT, licence="cc-by-2.0")

    review = licence_review(lifeboat)

    assert review.included == (row.photo_id,)
    assert state_of(row) == ("pending", "")
    assert not ConsentRequest.objects.exists()


def test_photos_of_the_organisations_own_accounts_never_need_consent(lifeboat):
    """All rights reserved, but owned by the organisation's Flickr account: included."""
    row = add_photo(lifeboat, owner=ORG_NSID, licence="all-rights-reserved")

    review = licence_review(lifeboat)

    assert review.own_photos == (row.photo_id,)
    assert review.needs_consent == ()
    assert not ConsentItem.objects.exists()


def test_photos_of_the_organisations_own_accounts_are_included_even_if_blocked(lifeboat):
    """The organisation holds the rights to its own photos, whatever the policy blocks."""
    LicencePolicy.objects.filter(licence_id="all-rights-reserved").update(
        decision=LicenceDecision.BLOCK
    )
    row = add_photo(lifeboat, owner=ORG_NSID, licence="all-rights-reserved")

    licence_review(lifeboat)

    assert state_of(row) == ("pending", "")


def test_a_blocked_licence_excludes_the_photo_from_the_index(lifeboat):
    """A photo whose licence the policy blocks is excluded with `licence_blocked`."""
    LicencePolicy.objects.filter(licence_id="cc-by-nd-2.0").update(decision=LicenceDecision.BLOCK)
    blocked = add_photo(lifeboat, owner=PAT, licence="cc-by-nd-2.0")
    kept = add_photo(lifeboat, owner=PAT, licence="cc-by-2.0")

    review = licence_review(lifeboat)

    assert review.blocked == (blocked.photo_id,)
    assert state_of(blocked) == ("excluded", "licence_blocked")
    assert blocked.decided_at is not None
    assert state_of(kept) == ("pending", "")


def test_the_review_uses_the_policy_as_edited(lifeboat):
    """An admin's change to the table applies to the next review."""
    LicencePolicy.objects.filter(licence_id="cc-by-2.0").update(decision=LicenceDecision.CONSENT)
    row = add_photo(lifeboat, owner=PAT, licence="cc-by-2.0")

    review = licence_review(lifeboat)

    assert review.needs_consent == (row.photo_id,)


def test_photos_already_excluded_are_not_reviewed(lifeboat):
    """Only pending photos are sorted: an opted-out photo is not asked about."""
    add_photo(lifeboat, owner=PAT, licence="all-rights-reserved")
    LifeboatPhoto.objects.filter(lifeboat=lifeboat).update(state="excluded", reason="opted_out")

    review = licence_review(lifeboat)

    assert review.needs_consent == ()
    assert not ConsentRequest.objects.exists()


def test_unknown_licences_are_flagged_in_the_review(lifeboat):
    """Photos under a licence the table does not name are counted by licence for the admin."""
    add_photo(lifeboat, owner=PAT, licence="unknown-17")
    add_photo(lifeboat, owner=SAM, licence="unknown-17")

    review = licence_review(lifeboat)

    assert review.flagged_licences == {"unknown-17": 2}
    assert len(review.needs_consent) == 2


def test_photographers_without_an_account_are_listed(lifeboat):
    """The review names the photographers the foundation must contact on Flickr."""
    make_user(username="pat", flickr_nsid=PAT)
    add_photo(lifeboat, owner=PAT, licence="all-rights-reserved")
    add_photo(lifeboat, owner=SAM, licence="all-rights-reserved")

    review = licence_review(lifeboat)

    assert review.photographers_without_account == (SAM,)
    assert review.to_dict()["photographersWithoutAccount"] == [SAM]


# --- The Django admin ---------------------------------------------------------------------------


@pytest.fixture
def foundation_admin_client(db) -> Client:
    client = Client()
    client.force_login(
        make_foundation_admin(username="fiona"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return client


def test_a_foundation_admin_edits_the_policy_and_is_recorded(foundation_admin_client):
    """Changing a decision in the admin saves it with who changed it."""
    policy = LicencePolicy.objects.get(licence_id="cc-by-nd-2.0")
    url = reverse("admin:legal_licencepolicy_change", args=[policy.pk])

    response = foundation_admin_client.post(
        url, {"licence_id": "cc-by-nd-2.0", "decision": "block", "note": "No derivatives."}
    )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.decision == LicenceDecision.BLOCK
    assert policy.updated_by.username == "fiona"


@pytest.mark.parametrize("model", ["licencepolicy", "consentrequest", "consentitem"])
def test_foundation_admins_see_the_consent_tables(foundation_admin_client, lifeboat, model):
    """The policy and the consent requests and items are listed for foundation admins."""
    make_user(flickr_nsid=PAT)
    add_photo(lifeboat, owner=PAT, licence="all-rights-reserved")
    add_photo(lifeboat, owner=SAM, licence="all-rights-reserved")
    licence_review(lifeboat)

    response = foundation_admin_client.get(reverse(f"admin:legal_{model}_changelist"))

    assert response.status_code == 200


def test_the_admin_lists_photographers_without_an_account(foundation_admin_client, lifeboat):
    """Filtering on "no account" leaves the photographers to contact on Flickr."""
    make_user(flickr_nsid=PAT)
    add_photo(lifeboat, owner=PAT, licence="all-rights-reserved")
    add_photo(lifeboat, owner=SAM, licence="all-rights-reserved")
    licence_review(lifeboat)

    response = foundation_admin_client.get(
        reverse("admin:legal_consentrequest_changelist"), {"account": "no"}
    )

    page = response.content.decode()
    assert SAM in page
    assert PAT not in page


def test_consent_requests_cannot_be_edited_in_the_admin(foundation_admin_client, lifeboat):
    """Consent decisions are the photographer's: the admin shows them read-only."""
    add_photo(lifeboat, owner=SAM, licence="all-rights-reserved")
    licence_review(lifeboat)
    request = ConsentRequest.objects.get()

    response = foundation_admin_client.post(
        reverse("admin:legal_consentrequest_change", args=[request.pk]), {"owner_nsid": PAT}
    )

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.owner_nsid == SAM
