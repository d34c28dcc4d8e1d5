"""The agreement flow through the services: publish, sign, approve, return, and the rule
`organisation_may_request_lifeboats` that lifeboat requests depend on."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from legal.errors import AgreementError, InvalidInput, NotAllowed, VersionNotCurrent, WrongState
from legal.models import AgreementEvent, AgreementSignature, AgreementVersion
from legal.services import (
    AgreementState,
    agreement_publish,
    agreement_sign,
    agreement_status_for,
    organisation_may_request_lifeboats,
    signature_approve,
    signature_return,
)
from tests.factories import (
    make_agreement_version,
    make_foundation_admin,
    make_membership,
    make_organisation,
    make_signature,
    make_user,
)

pytestmark = pytest.mark.django_db


def sign(organisation, manager, version, **overrides):
    fields = {
        "version": version,
        "by": manager,
        "signer_name": "Mina Patel",
        "signer_title": "Head of Collections",
        "ip": "203.0.113.7",
        **overrides,
    }
    return agreement_sign(organisation, **fields)


def snapshot(signature: AgreementSignature) -> dict:
    signature.refresh_from_db()
    return {
        "status": signature.status,
        "decided_at": signature.decided_at,
        "decided_by": signature.decided_by_id,
        "decision_note": signature.decision_note,
    }


# --- The current version -------------------------------------------------------------------------


def test_a_fresh_install_has_an_agreement_in_effect(current_version):
    """The migrations publish agreement 2026-1, in effect, with a text to read."""
    assert current_version.label == "2026-1"
    assert current_version.is_published
    assert "Removal requests" in current_version.text_markdown


def test_current_is_the_latest_published_version_in_effect(current_version):
    """A newer published version in effect replaces the older one as current."""
    newer = make_agreement_version(effective_on=timezone.localdate())
    assert AgreementVersion.objects.current() == newer


def test_a_version_not_yet_in_effect_is_not_current(current_version):
    """A version whose effective date is in the future does not replace the current one."""
    make_agreement_version(effective_on=timezone.localdate() + datetime.timedelta(days=10))
    assert AgreementVersion.objects.current() == current_version


def test_an_unpublished_version_is_never_current(current_version):
    """A draft (no published_at) is not current even when its date has come."""
    make_agreement_version(published_at=None)
    assert AgreementVersion.objects.current() == current_version


# --- The full flow -------------------------------------------------------------------------------


def test_full_flow_sign_then_approve_allows_lifeboats(
    organisation, manager, admin, current_version
):
    """Not signed -> signed (awaiting approval) -> approved: only then may it request lifeboats."""
    assert agreement_status_for(organisation).state == AgreementState.NOT_SIGNED
    assert not organisation_may_request_lifeboats(organisation)

    signature = sign(organisation, manager, current_version)
    assert agreement_status_for(organisation).state == AgreementState.AWAITING_APPROVAL
    assert not organisation_may_request_lifeboats(organisation)

    signature_approve(signature, by=admin)
    status = agreement_status_for(organisation)
    assert status.state == AgreementState.APPROVED
    assert status.signature == signature
    assert status.version == current_version
    assert organisation_may_request_lifeboats(organisation)


def test_signing_records_name_title_time_and_ip(organisation, manager, current_version):
    """The signature keeps the typed name and title, the signer, the time and the IP."""
    before = timezone.now()
    signature = sign(organisation, manager, current_version, signer_name="  Mina Patel ")
    signature.refresh_from_db()
    assert signature.signer_name == "Mina Patel"
    assert signature.signer_title == "Head of Collections"
    assert signature.signed_by == manager
    assert signature.signed_ip == "203.0.113.7"
    assert signature.signed_at >= before
    assert signature.status == AgreementSignature.Status.PENDING


def test_approval_records_who_when_and_the_note(organisation, manager, admin, current_version):
    """Approving sets the decision fields on the signature."""
    signature = sign(organisation, manager, current_version)
    signature_approve(signature, by=admin, note="Welcome aboard")
    signature.refresh_from_db()
    assert signature.status == AgreementSignature.Status.APPROVED
    assert signature.decided_by == admin
    assert signature.decided_at is not None
    assert signature.decision_note == "Welcome aboard"


def test_approved_current_lists_only_approved_signatures_of_the_current_version(
    organisation, manager, admin, other_organisation, other_manager, current_version
):
    """approved_current() holds the approved signatures of the version in effect."""
    approved = sign(organisation, manager, current_version)
    signature_approve(approved, by=admin)
    sign(other_organisation, other_manager, current_version)
    assert list(AgreementSignature.objects.approved_current()) == [approved]


def test_a_returned_signature_can_be_signed_again(organisation, manager, admin, current_version):
    """After a return, the manager signs again and the new signature can be approved."""
    first = sign(organisation, manager, current_version)
    signature_return(first, by=admin, note="Please sign with your full legal name.")
    status = agreement_status_for(organisation)
    assert status.state == AgreementState.RETURNED
    assert "full legal name" in status.explanation

    second = sign(organisation, manager, current_version, signer_name="Mina Anjali Patel")
    signature_approve(second, by=admin)
    assert organisation_may_request_lifeboats(organisation)
    first.refresh_from_db()
    assert first.status == AgreementSignature.Status.RETURNED


# --- Bad input changes nothing -------------------------------------------------------------------


def test_signing_a_superseded_version_is_refused(organisation, manager, current_version):
    """Signing a version that a newer one replaced: clear error, nothing is signed."""
    newer = make_agreement_version(label="2026-2")
    with pytest.raises(VersionNotCurrent, match=r"'2026-1' has been replaced by version '2026-2'"):
        sign(organisation, manager, current_version)
    assert not AgreementSignature.objects.exists()
    assert not AgreementEvent.objects.filter(kind="signed").exists()
    assert agreement_status_for(organisation).version == newer


def test_signing_a_version_not_yet_in_effect_is_refused(organisation, manager, current_version):
    """A published version whose date has not come cannot be signed yet."""
    future = make_agreement_version(effective_on=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(VersionNotCurrent, match="takes effect on"):
        sign(organisation, manager, future)
    assert not AgreementSignature.objects.exists()


def test_approving_twice_is_refused_and_changes_nothing(
    organisation, manager, admin, current_version
):
    """A second approval: clear error naming who approved and when; the first decision stays."""
    signature = sign(organisation, manager, current_version)
    signature_approve(signature, by=admin, note="first")
    before = snapshot(signature)
    events = AgreementEvent.objects.count()
    other_admin = make_foundation_admin()
    with pytest.raises(WrongState, match=r"already approved by fiona .*nothing was changed"):
        signature_approve(signature, by=other_admin, note="second")
    assert snapshot(signature) == before
    assert AgreementEvent.objects.count() == events


def test_returning_an_approved_signature_is_refused(organisation, manager, admin, current_version):
    """A decided signature cannot be returned afterwards; nothing changes."""
    signature = sign(organisation, manager, current_version)
    signature_approve(signature, by=admin)
    before = snapshot(signature)
    with pytest.raises(WrongState, match="already approved"):
        signature_return(signature, by=admin, note="Changed my mind")
    assert snapshot(signature) == before


def test_approving_a_returned_signature_is_refused(organisation, manager, admin, current_version):
    """A returned signature stays returned; the manager has to sign again."""
    signature = sign(organisation, manager, current_version)
    signature_return(signature, by=admin, note="Wrong title")
    before = snapshot(signature)
    with pytest.raises(WrongState, match="already returned"):
        signature_approve(signature, by=admin)
    assert snapshot(signature) == before


def test_signing_without_the_manager_role_is_refused(organisation, staff, current_version):
    """Staff who are not managers cannot sign: clear error, nothing is signed."""
    with pytest.raises(NotAllowed, match="Only a manager of Harbour Archive"):
        sign(organisation, staff, current_version)
    assert not AgreementSignature.objects.exists()
    assert not AgreementEvent.objects.filter(kind="signed").exists()


def test_a_manager_of_another_organisation_cannot_sign(
    organisation, other_manager, current_version
):
    """Being a manager elsewhere does not allow signing for this organisation."""
    with pytest.raises(NotAllowed):
        sign(organisation, other_manager, current_version)
    assert not AgreementSignature.objects.exists()


def test_a_foundation_admin_cannot_sign_for_an_organisation(organisation, admin, current_version):
    """Foundation admins review signatures; they do not give them."""
    with pytest.raises(NotAllowed):
        sign(organisation, admin, current_version)


def test_an_organisation_that_is_not_approved_cannot_sign(manager, current_version):
    """A pending organisation is told to wait for approval; nothing is signed."""
    pending = make_organisation(status="pending")
    pending.memberships.create(user=manager, role="manager")
    with pytest.raises(WrongState, match="not approved yet"):
        sign(pending, manager, current_version)
    assert not AgreementSignature.objects.exists()


def test_signing_twice_while_awaiting_approval_is_refused(organisation, manager, current_version):
    """A second signature of the same version while the first awaits approval: clear error."""
    sign(organisation, manager, current_version)
    with pytest.raises(WrongState, match="awaiting the foundation's approval"):
        sign(organisation, manager, current_version)
    assert AgreementSignature.objects.count() == 1


def test_signing_again_after_approval_is_refused(organisation, manager, admin, current_version):
    """An approved organisation has nothing more to sign for the same version."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    with pytest.raises(WrongState, match="nothing more to sign"):
        sign(organisation, manager, current_version)
    assert AgreementSignature.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("signer_name", "   ", "your full name"),
        ("signer_title", "", "your title"),
        ("ip", "not-an-ip", "'not-an-ip' is not an IP address"),
    ],
)
def test_signing_with_missing_details_is_refused(
    organisation, manager, current_version, field, value, message
):
    """A blank name or title, or a malformed IP: clear error, nothing is signed."""
    with pytest.raises(InvalidInput, match=message):
        sign(organisation, manager, current_version, **{field: value})
    assert not AgreementSignature.objects.exists()


def test_returning_without_a_note_is_refused(organisation, manager, admin, current_version):
    """A return needs a note saying what to change; without one nothing changes."""
    signature = sign(organisation, manager, current_version)
    before = snapshot(signature)
    with pytest.raises(InvalidInput, match="a note"):
        signature_return(signature, by=admin, note="  ")
    assert snapshot(signature) == before
    assert before["status"] == AgreementSignature.Status.PENDING


def test_only_foundation_admins_can_approve(organisation, manager, staff, current_version):
    """Members of the organisation, even its manager, cannot approve its signature."""
    signature = sign(organisation, manager, current_version)
    for user in (manager, staff):
        with pytest.raises(NotAllowed, match="Only foundation admins"):
            signature_approve(signature, by=user)
    assert snapshot(signature)["status"] == AgreementSignature.Status.PENDING


def test_only_foundation_admins_can_return(organisation, manager, current_version):
    """A manager cannot return a signature either."""
    signature = sign(organisation, manager, current_version)
    with pytest.raises(NotAllowed):
        signature_return(signature, by=manager, note="No")
    assert snapshot(signature)["status"] == AgreementSignature.Status.PENDING


def test_errors_are_value_errors_with_user_facing_messages():
    """AgreementError is a ValueError, so generic handlers can show its message."""
    assert issubclass(AgreementError, ValueError)
    for error in (NotAllowed, WrongState, VersionNotCurrent, InvalidInput):
        assert issubclass(error, AgreementError)


# --- New versions --------------------------------------------------------------------------------


def test_a_new_version_makes_approved_organisations_outdated(
    organisation, manager, admin, current_version
):
    """After a new version takes effect, an approved organisation must sign again."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    new = agreement_publish(
        label="2026-2", text_markdown="# New terms", effective_on=timezone.localdate(), by=admin
    )
    status = agreement_status_for(organisation)
    assert status.state == AgreementState.OUTDATED
    assert status.version == new
    assert status.signature.version == current_version
    assert "2026-2" in status.explanation
    assert not organisation_may_request_lifeboats(organisation)


def test_re_signing_the_new_version_restores_the_right_to_request(
    organisation, manager, admin, current_version
):
    """Signing the new version and having it approved makes the organisation eligible again."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    new = agreement_publish(
        label="2026-2", text_markdown="# New terms", effective_on=timezone.localdate(), by=admin
    )
    signature = sign(organisation, manager, new)
    assert not organisation_may_request_lifeboats(organisation)
    signature_approve(signature, by=admin)
    assert organisation_may_request_lifeboats(organisation)


def test_a_future_version_does_not_outdate_anyone_before_its_date(
    organisation, manager, admin, current_version
):
    """Until the new version's effective date, the approved organisation stays approved."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    agreement_publish(
        label="2027-1",
        text_markdown="# Next year",
        effective_on=timezone.localdate() + datetime.timedelta(days=30),
        by=admin,
    )
    assert organisation_may_request_lifeboats(organisation)


def test_a_suspended_organisation_may_not_request_lifeboats(
    organisation, manager, admin, current_version
):
    """An approved signature is not enough when the organisation itself is not approved."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    organisation.status = "suspended"
    organisation.save(update_fields=["status"])
    assert not organisation_may_request_lifeboats(organisation)


def test_publishing_needs_a_foundation_admin(manager):
    """A manager cannot publish an agreement version; nothing is created."""
    count = AgreementVersion.objects.count()
    with pytest.raises(NotAllowed):
        agreement_publish(
            label="x", text_markdown="x", effective_on=timezone.localdate(), by=manager
        )
    assert AgreementVersion.objects.count() == count


def test_publishing_a_label_that_exists_is_refused(admin, current_version):
    """Labels are unique: the message names the label; nothing is created."""
    count = AgreementVersion.objects.count()
    with pytest.raises(InvalidInput, match="'2026-1' already exists"):
        agreement_publish(
            label="2026-1", text_markdown="x", effective_on=timezone.localdate(), by=admin
        )
    assert AgreementVersion.objects.count() == count


def test_publishing_a_version_dated_before_the_latest_is_refused(admin, current_version):
    """A new version cannot take effect before the latest one; nothing is created."""
    count = AgreementVersion.objects.count()
    with pytest.raises(InvalidInput, match="before that of version '2026-1'"):
        agreement_publish(
            label="2025-9",
            text_markdown="x",
            effective_on=current_version.effective_on - datetime.timedelta(days=1),
            by=admin,
        )
    assert AgreementVersion.objects.count() == count


def test_publishing_an_empty_text_is_refused(admin):
    """An agreement needs a text."""
    with pytest.raises(InvalidInput, match="the agreement text"):
        agreement_publish(
            label="2026-9", text_markdown=" ", effective_on=timezone.localdate(), by=admin
        )


# --- The audit log -------------------------------------------------------------------------------


def test_every_action_appends_an_event_with_who_and_when(
    organisation, manager, admin, current_version
):
    """Publish, sign, return, sign, approve: five events, in order, with actor and time."""
    start = timezone.now()
    new = agreement_publish(
        label="2026-2", text_markdown="# New", effective_on=timezone.localdate(), by=admin
    )
    first = sign(organisation, manager, new)
    signature_return(first, by=admin, note="Title missing")
    second = sign(organisation, manager, new)
    signature_approve(second, by=admin, note="Thanks")

    events = list(AgreementEvent.objects.filter(at__gte=start).order_by("at", "pk"))
    assert [(e.kind, e.actor, e.version, e.organisation) for e in events] == [
        ("published", admin, new, None),
        ("signed", manager, new, organisation),
        ("returned", admin, new, organisation),
        ("signed", manager, new, organisation),
        ("approved", admin, new, organisation),
    ]
    assert [e.signature for e in events[1:]] == [first, first, second, second]
    assert events[2].note == "Title missing"
    assert all(start <= e.at <= timezone.now() for e in events)


def test_a_refused_action_appends_no_event(organisation, staff, current_version):
    """Nothing is logged for an action that was refused."""
    count = AgreementEvent.objects.count()
    with pytest.raises(NotAllowed):
        sign(organisation, staff, current_version)
    assert AgreementEvent.objects.count() == count


# --- Emails --------------------------------------------------------------------------------------


def test_signing_emails_the_foundation_admins(
    organisation, manager, admin, current_version, django_capture_on_commit_callbacks
):
    """After a signature is committed, every foundation admin is asked to review it."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(organisation, manager, current_version)
    assert [message.to for message in mail.outbox] == [["fiona@foundation.example"]]
    assert "Harbour Archive signed agreement 2026-1" in mail.outbox[0].subject
    assert "/legal/signatures/" in mail.outbox[0].body


def test_approval_emails_the_signer_and_the_managers(
    organisation, manager, admin, current_version, django_capture_on_commit_callbacks
):
    """The signer and every manager of the organisation hear about the approval."""
    co_manager = make_user(email="co@harbour.example")
    make_membership(organisation, co_manager, role="manager")
    signature = sign(organisation, manager, current_version)
    with django_capture_on_commit_callbacks(execute=True):
        signature_approve(signature, by=admin)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "co@harbour.example",
        "mina@harbour.example",
    ]
    assert "approved" in mail.outbox[0].subject


def test_return_email_carries_the_note(
    organisation, manager, admin, current_version, django_capture_on_commit_callbacks
):
    """The returned-signature email says why and links to the sign page."""
    signature = sign(organisation, manager, current_version)
    with django_capture_on_commit_callbacks(execute=True):
        signature_return(signature, by=admin, note="Please use your legal name.")
    assert len(mail.outbox) == 1
    assert "Please use your legal name." in mail.outbox[0].body
    assert "/legal/organisations/harbour-archive/sign/" in mail.outbox[0].body


def test_publishing_emails_managers_of_approved_organisations_only(
    organisation, manager, staff, admin, django_capture_on_commit_callbacks
):
    """Managers of approved organisations must re-sign; staff and pending ones are not told."""
    pending = make_organisation(status="pending")
    make_membership(pending, make_user(email="pending@example.org"), role="manager")
    with django_capture_on_commit_callbacks(execute=True):
        agreement_publish(
            label="2026-2", text_markdown="# New", effective_on=timezone.localdate(), by=admin
        )
    assert [message.to for message in mail.outbox] == [["mina@harbour.example"]]
    assert "2026-2" in mail.outbox[0].subject


def test_no_email_is_sent_for_a_refused_action(
    organisation, staff, admin, current_version, django_capture_on_commit_callbacks
):
    """A refused signature sends nothing."""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        sign(organisation, staff, current_version)
    assert mail.outbox == []


@pytest.mark.parametrize("label", ["2026/2", "a" * 41, "-2026", "new version"])
def test_publishing_a_label_unfit_for_a_web_address_is_refused(admin, label):
    """Labels appear in URLs: slashes, spaces and overlong labels are refused by name."""
    count = AgreementVersion.objects.count()
    with pytest.raises(InvalidInput, match=re.escape(repr(label))):
        agreement_publish(
            label=label, text_markdown="x", effective_on=timezone.localdate(), by=admin
        )
    assert AgreementVersion.objects.count() == count


def test_an_approved_signature_from_the_factory_allows_lifeboats(organisation, current_version):
    """make_signature(status="approved") gives an organisation that may request lifeboats."""
    make_signature(organisation, status="approved")
    assert organisation_may_request_lifeboats(organisation)
