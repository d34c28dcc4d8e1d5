"""Writes and rules for legal agreements.

Every write is one transaction that also appends an `AgreementEvent`; emails go out only
after the transaction commits. Other apps ask `organisation_may_request_lifeboats` and
`agreement_status_for`, never the models.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from legal import notifications
from legal.errors import InvalidInput, NotAllowed, VersionNotCurrent, WrongState
from legal.models import (
    AgreementEvent,
    AgreementSignature,
    AgreementVersion,
    EventKind,
    SignatureStatus,
)
from portal.models import Organisation, User

LABEL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")

# --- Publishing --------------------------------------------------------------------------------


def agreement_publish(
    *, label: str, text_markdown: str, effective_on: datetime.date, by: User
) -> AgreementVersion:
    """Publish a new agreement version; once in effect, every organisation must sign it."""
    if not _is_foundation_admin(by):
        raise NotAllowed("Only foundation admins can publish a new agreement version.")
    label = _required_text(label, "a version label (for example “2026-2”)")
    if not LABEL_PATTERN.match(label):
        raise InvalidInput(
            f"A version label is up to 40 letters, digits, dots, hyphens or underscores, "
            f"like “2026-2”; got {label!r}."
        )
    text_markdown = _required_text(text_markdown, "the agreement text")
    if not isinstance(effective_on, datetime.date):
        raise InvalidInput(f"The effective date must be a date, got {effective_on!r}.")
    with transaction.atomic():
        # Serialise publishers so that the label and date checks below cannot race.
        list(AgreementVersion.objects.select_for_update().only("pk"))
        if AgreementVersion.objects.filter(label=label).exists():
            raise InvalidInput(f"A version labelled {label!r} already exists; choose a new label.")
        latest = AgreementVersion.objects.published().order_by("-effective_on").first()
        if latest and effective_on < latest.effective_on:
            raise InvalidInput(
                f"The effective date {effective_on.isoformat()!r} is before that of version "
                f"{latest.label!r} ({latest.effective_on.isoformat()}); a new version must "
                "take effect on or after the latest one."
            )
        now = timezone.now()
        version = AgreementVersion.objects.create(
            label=label,
            text_markdown=text_markdown,
            effective_on=effective_on,
            published_at=now,
            published_by=by,
        )
        AgreementEvent.objects.create(kind=EventKind.PUBLISHED, version=version, actor=by, at=now)
        transaction.on_commit(partial(notifications.version_published, version.pk))
    return version


# --- Signing and deciding ----------------------------------------------------------------------


def agreement_sign(
    organisation: Organisation,
    *,
    version: AgreementVersion,
    by: User,
    signer_name: str,
    signer_title: str,
    ip: str,
) -> AgreementSignature:
    """A manager signs the current agreement version on behalf of their organisation."""
    signer_name = _required_text(signer_name, "your full name")
    signer_title = _required_text(signer_title, "your title or position")
    ip = _valid_ip(ip)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not _is_manager(by, organisation):
            raise NotAllowed(
                f"Only a manager of {organisation} can sign the agreement on its behalf; "
                "ask one of your organisation's managers to sign."
            )
        if not organisation.is_approved:
            raise WrongState(
                f"{organisation} is not approved yet; the agreement can be signed once "
                "the foundation has approved the organisation."
            )
        current = AgreementVersion.objects.current()
        if current is None or version.pk != current.pk:
            raise VersionNotCurrent(_not_current_message(version, current))
        live = (
            AgreementSignature.objects.for_organisation(organisation)
            .filter(version=current)
            .exclude(status=SignatureStatus.RETURNED)
            .first()
        )
        if live is not None:
            raise WrongState(_already_signed_message(live))
        now = timezone.now()
        signature = AgreementSignature.objects.create(
            organisation=organisation,
            version=current,
            signed_by=by,
            signer_name=signer_name,
            signer_title=signer_title,
            signed_at=now,
            signed_ip=ip,
        )
        _record(EventKind.SIGNED, signature, actor=by, at=now)
        transaction.on_commit(partial(notifications.signature_submitted, signature.pk))
    return signature


def signature_approve(
    signature: AgreementSignature, *, by: User, note: str = ""
) -> AgreementSignature:
    """A foundation admin approves a signature awaiting approval."""
    return _decide(signature, status=SignatureStatus.APPROVED, by=by, note=(note or "").strip())


def signature_return(signature: AgreementSignature, *, by: User, note: str) -> AgreementSignature:
    """A foundation admin sends a signature back, saying why; the manager must sign again."""
    note = _required_text(note, "a note telling the organisation what to change")
    return _decide(signature, status=SignatureStatus.RETURNED, by=by, note=note)


def _decide(
    signature: AgreementSignature, *, status: str, by: User, note: str
) -> AgreementSignature:
    if not _is_foundation_admin(by):
        raise NotAllowed("Only foundation admins can approve or return agreement signatures.")
    with transaction.atomic():
        locked = (
            AgreementSignature.objects.select_for_update(of=("self",))
            .select_related("organisation", "version", "decided_by")
            .get(pk=signature.pk)
        )
        if not locked.is_pending:
            raise WrongState(_already_decided_message(locked))
        now = timezone.now()
        locked.status = status
        locked.decided_at = now
        locked.decided_by = by
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        kind = EventKind.APPROVED if status == SignatureStatus.APPROVED else EventKind.RETURNED
        _record(kind, locked, actor=by, at=now, note=note)
        transaction.on_commit(partial(notifications.signature_decided, locked.pk))
    _refresh(signature, locked)
    return signature


def _record(
    kind: str, signature: AgreementSignature, *, actor: User, at: datetime.datetime, note: str = ""
) -> None:
    AgreementEvent.objects.create(
        kind=kind,
        version=signature.version,
        organisation=signature.organisation,
        signature=signature,
        actor=actor,
        note=note,
        at=at,
    )


def _refresh(target: AgreementSignature, source: AgreementSignature) -> None:
    """Let the caller's instance show the decision without another query."""
    for field in ("status", "decided_at", "decided_by", "decision_note"):
        setattr(target, field, getattr(source, field))


# --- The rule other apps call ------------------------------------------------------------------


class AgreementState:
    NOT_SIGNED = "not_signed"
    AWAITING_APPROVAL = "awaiting_approval"
    RETURNED = "returned"
    APPROVED = "approved"
    OUTDATED = "outdated"

    LABELS = {
        NOT_SIGNED: "Not signed",
        AWAITING_APPROVAL: "Awaiting approval",
        RETURNED: "Returned",
        APPROVED: "Approved",
        OUTDATED: "New version to sign",
    }


@dataclass(frozen=True)
class AgreementStatus:
    """Where an organisation stands with the agreement, and what it should do next."""

    state: str
    version: AgreementVersion | None
    signature: AgreementSignature | None
    explanation: str

    @property
    def label(self) -> str:
        return AgreementState.LABELS[self.state]

    @property
    def is_approved(self) -> bool:
        return self.state == AgreementState.APPROVED

    @property
    def needs_signature(self) -> bool:
        """True when a manager has to sign (again) before anything can move on."""
        return self.state in {
            AgreementState.NOT_SIGNED,
            AgreementState.RETURNED,
            AgreementState.OUTDATED,
        }


def agreement_status_for(organisation: Organisation) -> AgreementStatus:
    """The organisation's standing with the agreement version in effect today."""
    current = AgreementVersion.objects.current()
    if current is None:
        return AgreementStatus(
            AgreementState.NOT_SIGNED,
            None,
            None,
            "The foundation has not published an agreement yet; there is nothing to sign.",
        )
    signatures = AgreementSignature.objects.for_organisation(organisation).select_related(
        "version", "decided_by", "signed_by"
    )
    latest = signatures.filter(version=current).newest_first().first()
    if latest is not None and latest.status == SignatureStatus.APPROVED:
        return AgreementStatus(
            AgreementState.APPROVED,
            current,
            latest,
            f"Agreement {current.label} is signed and approved: you can request lifeboats.",
        )
    if latest is not None and latest.status == SignatureStatus.PENDING:
        return AgreementStatus(
            AgreementState.AWAITING_APPROVAL,
            current,
            latest,
            f"{latest.signer_name} signed agreement {current.label} on "
            f"{latest.signed_at:%d %B %Y}; the foundation will review it shortly.",
        )
    if latest is not None:
        return AgreementStatus(
            AgreementState.RETURNED,
            current,
            latest,
            f"The foundation returned the signature of agreement {current.label}: "
            f"“{latest.decision_note}”. A manager needs to sign it again.",
        )
    older = signatures.approved().exclude(version=current).newest_first().first()
    if older is not None:
        return AgreementStatus(
            AgreementState.OUTDATED,
            current,
            older,
            f"Agreement {current.label} replaced version {older.version.label}, which you "
            "signed. A manager needs to sign the new version before you can request "
            "more lifeboats.",
        )
    return AgreementStatus(
        AgreementState.NOT_SIGNED,
        current,
        None,
        f"A manager needs to sign agreement {current.label} before you can request lifeboats.",
    )


def organisation_may_request_lifeboats(organisation: Organisation) -> bool:
    """True when the organisation is approved and its current agreement is signed and approved."""
    return organisation.is_approved and agreement_status_for(organisation).is_approved


# --- Messages and checks -----------------------------------------------------------------------


def _is_foundation_admin(user) -> bool:
    return bool(getattr(user, "is_foundation_admin", False))


def _is_manager(user, organisation: Organisation) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.is_manager_of(organisation)
    )


def _required_text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"Please give {what}; got {value!r}.")
    return value.strip()


def _valid_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError as error:
        raise InvalidInput(
            f"The signer's IP address could not be recorded: {value!r} is not an IP address."
        ) from error


def _not_current_message(version: AgreementVersion, current: AgreementVersion | None) -> str:
    if current is None:
        return (
            f"Agreement {version.label!r} is not in effect and no agreement is; "
            "there is nothing to sign yet."
        )
    if version.is_published and version.effective_on > current.effective_on:
        return (
            f"Agreement {version.label!r} takes effect on {version.effective_on:%d %B %Y}; "
            f"until then, sign the version in effect, {current.label!r}."
        )
    return (
        f"Agreement {version.label!r} has been replaced by version {current.label!r}; "
        f"please read and sign {current.label!r} instead. Nothing was signed."
    )


def _already_signed_message(signature: AgreementSignature) -> str:
    if signature.is_approved:
        return (
            f"{signature.organisation} has already signed agreement {signature.version.label!r} "
            "and the foundation approved it; there is nothing more to sign."
        )
    return (
        f"{signature.signer_name} already signed agreement {signature.version.label!r} for "
        f"{signature.organisation} on {signature.signed_at:%d %B %Y}; it is awaiting the "
        "foundation's approval."
    )


def _already_decided_message(signature: AgreementSignature) -> str:
    when = f"{signature.decided_at:%d %B %Y %H:%M}" if signature.decided_at else "earlier"
    who = signature.decided_by or "a foundation admin"
    verb = "approved" if signature.is_approved else "returned"
    return (
        f"This signature of agreement {signature.version.label!r} by {signature.organisation} "
        f"was already {verb} by {who} on {when}; nothing was changed."
    )
