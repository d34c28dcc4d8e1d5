"""Plain factory functions for tests: `make_<thing>(**overrides)` returns a saved object."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group, Permission

from portal.models import (
    FOUNDATION_ADMINS_GROUP,
    ApiToken,
    Membership,
    Organisation,
    User,
)
from portal.services import api_token_create

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_user(**overrides) -> User:
    """An active user with the password `PASSWORD`."""
    number = next(_sequence)
    fields = {
        "username": f"user{number}",
        "email": f"user{number}@example.org",
        "display_name": f"User {number}",
        **overrides,
    }
    password = fields.pop("password", PASSWORD)
    user = User(**fields)
    user.set_password(password)
    user.save()
    return user


def make_organisation(*, status: str = Organisation.Status.APPROVED, **overrides) -> Organisation:
    """An organisation, approved unless `status` says otherwise."""
    number = next(_sequence)
    fields = {
        "name": f"Example Archive {number}",
        "slug": f"example-archive-{number}",
        "country": "United Kingdom",
        "website": f"https://archive{number}.example.org/",
        "status": status,
        **overrides,
    }
    return Organisation.objects.create(**fields)


def make_membership(
    organisation: Organisation | None = None,
    user: User | None = None,
    *,
    role: str = Membership.Role.STAFF,
) -> Membership:
    """`user` (a new one by default) in `organisation` (a new approved one by default)."""
    return Membership.objects.create(
        organisation=organisation or make_organisation(),
        user=user or make_user(),
        role=role,
    )


def foundation_admins_group() -> Group:
    """The group the data migration creates (made again if a test flushed the database)."""
    group, created = Group.objects.get_or_create(name=FOUNDATION_ADMINS_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(codename="review_organisation"))
    return group


def make_foundation_admin(**overrides) -> User:
    """A member of the "Foundation admins" group with access to the Django admin."""
    user = make_user(is_staff=True, **overrides)
    user.groups.add(foundation_admins_group())
    return user


def make_api_token(user: User | None = None, *, name: str = "test token") -> tuple[ApiToken, str]:
    """A token and its secret, for `user` (a new one by default)."""
    return api_token_create(user or make_user(), name=name)


# --- Legal agreements ----------------------------------------------------------------------------


def make_agreement_version(**overrides):
    """A published agreement version, in effect from today unless `effective_on` says otherwise."""
    from django.utils import timezone

    from legal.models import AgreementVersion

    number = next(_sequence)
    now = timezone.now()
    fields = {
        "label": f"test-{number}",
        "text_markdown": f"# Agreement test-{number}\n\nThe organisation keeps its lifeboats safe.",
        "effective_on": timezone.localdate(),
        "published_at": now,
        **overrides,
    }
    return AgreementVersion.objects.create(**fields)


def make_signature(organisation: Organisation | None = None, **overrides):
    """A signature of the current agreement version by a new manager, awaiting approval;
    pass `status="approved"` for an organisation that may request lifeboats."""
    from django.utils import timezone

    from legal.models import AgreementSignature, AgreementVersion

    organisation = organisation or make_organisation()
    signed_by = overrides.pop("signed_by", None)
    if signed_by is None:
        signed_by = make_membership(organisation, role=Membership.Role.MANAGER).user
    fields = {
        "version": AgreementVersion.objects.current() or make_agreement_version(),
        "signer_name": signed_by.get_full_name(),
        "signer_title": "Head of Collections",
        "signed_ip": "192.0.2.10",
        "status": AgreementSignature.Status.PENDING,
        **overrides,
    }
    if fields["status"] != AgreementSignature.Status.PENDING:
        fields.setdefault("decided_at", timezone.now())
        fields.setdefault("decision_note", "Decided in a test.")
    return AgreementSignature.objects.create(
        organisation=organisation, signed_by=signed_by, **fields
    )
