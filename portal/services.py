"""Every write to accounts, organisations, memberships and API tokens goes through here."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from functools import partial

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import emails
from portal.errors import Forbidden, InvalidTransition
from portal.models import (
    ApiToken,
    Membership,
    Organisation,
    OrganisationEvent,
    OrganisationFlickrAccount,
    User,
    nsid_from_text,
)

REVIEW_PERMISSION = "portal.review_organisation"
TOKEN_ADMIN_PERMISSION = "portal.change_apitoken"
API_TOKEN_BYTES = 32  # token_urlsafe(32) gives 43 url-safe characters
API_TOKEN_PREFIX_LENGTH = 8

# --- Users ---------------------------------------------------------------------------------------


def user_create(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """Create an active account; the email is required because the portal writes to it."""
    if not email.strip():
        raise ValidationError({"email": "Give an email address: we send the review outcome there."})
    user = User(username=username.strip(), email=email.strip(), display_name=display_name.strip())
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
    return user


# --- Organisations -------------------------------------------------------------------------------


def normalise_flickr_accounts(entries: Iterable[str]) -> list[str]:
    """NSIDs from NSIDs or Flickr URLs, in order, without blanks or repeats."""
    nsids: list[str] = []
    errors: list[ValidationError] = []
    for entry in entries:
        if not entry.strip():
            continue
        try:
            nsid = nsid_from_text(entry)
        except ValidationError as error:
            errors.append(error)
            continue
        if nsid not in nsids:
            nsids.append(nsid)
    if errors:
        raise ValidationError({"flickr_accounts": errors})
    return nsids


def organisation_register(
    *,
    name: str,
    slug: str,
    country: str = "",
    website: str = "",
    flickr_accounts: Iterable[str] = (),
    registered_by: User,
) -> Organisation:
    """Register an organisation for review, with `registered_by` as its first manager."""
    nsids = normalise_flickr_accounts(flickr_accounts)
    organisation = Organisation(
        name=name.strip(),
        slug=slug.strip(),
        country=country.strip(),
        website=website.strip(),
        status=Organisation.Status.PENDING,
        registered_by=registered_by,
    )
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
            OrganisationFlickrAccount.objects.bulk_create(
                OrganisationFlickrAccount(organisation=organisation, nsid=nsid) for nsid in nsids
            )
            Membership.objects.create(
                user=registered_by, organisation=organisation, role=Membership.Role.MANAGER
            )
            OrganisationEvent.objects.create(
                organisation=organisation,
                action=OrganisationEvent.Action.REGISTERED,
                actor=registered_by,
            )
            transaction.on_commit(partial(emails.email_registration_received, organisation.pk))
            transaction.on_commit(partial(emails.email_review_requested, organisation.pk))
    except IntegrityError as error:
        # Two registrations with the same slug at once: the second loses at the database.
        if Organisation.objects.filter(slug=organisation.slug).exists():
            raise ValidationError(
                {"slug": f"Another organisation already uses the short name {slug!r}."}
            ) from error
        raise
    return organisation


def organisation_register_with_applicant(
    *,
    name: str,
    slug: str,
    country: str = "",
    website: str = "",
    flickr_accounts: Iterable[str] = (),
    username: str,
    email: str,
    password: str,
    display_name: str = "",
) -> Organisation:
    """The public sign-up: a new account and its organisation, both or neither."""
    with transaction.atomic():
        applicant = user_create(
            username=username, email=email, password=password, display_name=display_name
        )
        return organisation_register(
            name=name,
            slug=slug,
            country=country,
            website=website,
            flickr_accounts=flickr_accounts,
            registered_by=applicant,
        )


_VERBS: dict[str, str] = {
    Organisation.Status.APPROVED: "approve",
    Organisation.Status.DECLINED: "decline",
    Organisation.Status.SUSPENDED: "suspend",
}


def _require_reviewer(user: User) -> None:
    if not (user.is_active and user.has_perm(REVIEW_PERMISSION)):
        raise Forbidden(
            f"{user.username!r} may not review organisations: only foundation admins can."
        )


def _decide(organisation: Organisation, *, status: str, by: User, note: str) -> Organisation:
    """The one writer of `Organisation.status`: lock, check the transition, write, log, email."""
    _require_reviewer(by)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not locked.can_move_to(status):
            raise InvalidTransition(
                f"Cannot {_VERBS[status]} {locked.name!r}: it is "
                f"{locked.get_status_display().lower()}. Nothing was changed."
            )
        locked.status = status
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.decision_note = note.strip()
        locked.save(
            update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"]
        )
        OrganisationEvent.objects.create(
            organisation=locked,
            action=status,
            actor=by,
            note=locked.decision_note,
            at=locked.decided_at,
        )
        transaction.on_commit(partial(emails.email_decision, locked.pk))
    organisation.refresh_from_db()
    return organisation


def _require_note(note: str, verb: str) -> None:
    if not note.strip():
        raise ValidationError({"note": f"Say why you {verb} it: the applicant reads this note."})


def organisation_approve(organisation: Organisation, *, by: User, note: str = "") -> Organisation:
    """Approve a pending organisation (or reinstate a suspended one)."""
    return _decide(organisation, status=Organisation.Status.APPROVED, by=by, note=note)


def organisation_decline(organisation: Organisation, *, by: User, note: str) -> Organisation:
    """Decline a pending organisation, saying why."""
    _require_note(note, "decline")
    return _decide(organisation, status=Organisation.Status.DECLINED, by=by, note=note)


def organisation_suspend(organisation: Organisation, *, by: User, note: str) -> Organisation:
    """Suspend an approved organisation, saying why."""
    _require_note(note, "suspend")
    return _decide(organisation, status=Organisation.Status.SUSPENDED, by=by, note=note)


def membership_add(organisation: Organisation, *, user: User, role: str) -> Membership:
    """Make `user` a member of `organisation` with `role` (staff or manager)."""
    if role not in Membership.Role.values:
        raise ValidationError(
            {"role": f"Unknown role {role!r}: choose one of {', '.join(Membership.Role.values)}."}
        )
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    with transaction.atomic():
        membership.save()
    return membership


# --- API tokens ----------------------------------------------------------------------------------


def hash_api_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned here once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token, e.g. after the script that will use it."})
    secret = secrets.token_urlsafe(API_TOKEN_BYTES)
    token = ApiToken(
        user=user,
        name=name,
        key_prefix=secret[:API_TOKEN_PREFIX_LENGTH],
        key_hash=hash_api_token(secret),
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
    return token, secret


def api_token_revoke(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke a token: its owner or a token admin may; revoking twice is refused."""
    if by.pk != token.user_id and not by.has_perm(TOKEN_ADMIN_PERMISSION):
        raise Forbidden(f"{by.username!r} may not revoke another person's API token.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise InvalidTransition(
                f"The token {locked.name!r} was already revoked on "
                f"{locked.revoked_at:%Y-%m-%d %H:%M} UTC. Nothing was changed."
            )
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    token.refresh_from_db()
    return token


def api_token_authenticate(secret: str | None) -> User | None:
    """The active user a valid, unrevoked token belongs to, or None."""
    if not isinstance(secret, str) or len(secret) <= API_TOKEN_PREFIX_LENGTH:
        return None
    digest = hash_api_token(secret)
    candidates = ApiToken.objects.select_related("user").filter(
        key_prefix=secret[:API_TOKEN_PREFIX_LENGTH]
    )
    for token in candidates:
        if not hmac.compare_digest(token.key_hash, digest):
            continue
        if token.revoked_at is not None or not token.user.is_active:
            return None
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
    return None
