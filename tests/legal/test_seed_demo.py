"""`manage.py seed_demo`: the demo organisations and accounts, idempotent, DEBUG only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from legal.management.commands.seed_demo import ACCOUNTS, photographer_nsid
from legal.models import AgreementEvent, AgreementSignature
from legal.services import AgreementState, agreement_status_for
from portal.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def database_state() -> dict:
    """Everything seed_demo touches, in a comparable form."""
    return {
        "users": sorted(
            User.objects.values_list(
                "username", "password", "is_staff", "is_superuser", "flickr_nsid"
            )
        ),
        "organisations": sorted(Organisation.objects.values_list("slug", "status")),
        "memberships": sorted(
            Membership.objects.values_list("organisation__slug", "user__username", "role")
        ),
        "signatures": sorted(
            AgreementSignature.objects.values_list("organisation__slug", "status", "signed_at")
        ),
        "events": AgreementEvent.objects.count(),
    }


def test_creates_the_demo_organisations_with_their_members(current_version):
    """demo-archive has manager and staff, other-archive has other; both are approved."""
    seed()
    assert set(Organisation.objects.values_list("slug", "status")) == {
        ("demo-archive", "approved"),
        ("other-archive", "approved"),
    }
    assert set(Membership.objects.values_list("organisation__slug", "user__username", "role")) == {
        ("demo-archive", "manager", "manager"),
        ("demo-archive", "staff", "staff"),
        ("other-archive", "other", "manager"),
    }


def test_demo_archive_agreement_is_signed_and_approved(current_version):
    """demo-archive can request lifeboats straight away."""
    seed()
    status = agreement_status_for(Organisation.objects.get(slug="demo-archive"))
    assert status.state == AgreementState.APPROVED
    assert status.version == current_version
    assert status.signature.signed_by.username == "manager"
    assert status.signature.decided_by.username == "admin"


def test_other_archive_agreement_is_signed_and_awaits_review(current_version):
    """other-archive has signed; its signature waits for the admin to review."""
    seed()
    status = agreement_status_for(Organisation.objects.get(slug="other-archive"))
    assert status.state == AgreementState.AWAITING_APPROVAL
    assert status.signature.signed_by.username == "other"


def test_admin_is_a_foundation_admin_and_superuser(current_version):
    """admin reviews in the portal and can use the Django admin."""
    seed()
    admin = User.objects.get(username="admin")
    assert admin.is_foundation_admin
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.groups.filter(name="Foundation admins").exists()


def test_photographer_has_a_sandbox_flickr_account(current_version):
    """photographer is linked to an NSID of a member of the Flickr sandbox."""
    seed()
    photographer = User.objects.get(username="photographer")
    assert photographer.flickr_nsid == photographer_nsid()
    assert photographer.flickr_nsid.split("@")[1].startswith("N")
    assert not photographer.memberships.exists()


def test_prints_every_username_with_a_password_that_works(current_version):
    """Each demo account is printed with its password, and the password logs in."""
    output = seed()
    for account in ACCOUNTS:
        line = next(line for line in output.splitlines() if line.split()[:1] == [account.username])
        assert account.password in line
        assert User.objects.get(username=account.username).check_password(account.password)


def test_running_twice_changes_nothing_and_prints_the_same(current_version):
    """A second run leaves every row as it was and prints the same table."""
    first_output = seed()
    first_state = database_state()
    second_output = seed()
    assert database_state() == first_state
    assert second_output == first_output


def test_restores_a_changed_demo_password(current_version):
    """If a demo password was changed, running again makes the printed one true again."""
    seed()
    manager = User.objects.get(username="manager")
    manager.set_password("something else entirely")
    manager.save()
    seed()
    manager.refresh_from_db()
    assert manager.check_password("manager-lifeboat-2026")


def test_refuses_to_run_with_debug_off(current_version):
    """With DEBUG off it raises CommandError saying why, and creates nothing."""
    users = User.objects.count()
    with (
        override_settings(DEBUG=False),
        pytest.raises(CommandError, match="only runs with DEBUG on"),
    ):
        call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == users
    assert not Organisation.objects.exists()
