"""Model invariants: NSIDs, unique emails, statuses, foundation admins."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.models import FOUNDATION_ADMINS_GROUP, Organisation, User, nsid_from_text
from tests.factories import make_foundation_admin, make_organisation, make_user


@pytest.mark.parametrize(
    ("text", "nsid"),
    [
        ("12345678@N01", "12345678@N01"),
        ("  12037949754@n01 ", "12037949754@N01"),
        ("https://www.flickr.com/photos/35591378@N03/", "35591378@N03"),
        ("flickr.com/people/35591378@N03", "35591378@N03"),
    ],
)
def test_nsid_from_text_finds_the_account_id(text, nsid):
    """An NSID is found in itself or in a Flickr URL, with the N upper-cased."""
    assert nsid_from_text(text) == nsid


def test_nsid_from_text_names_the_bad_input():
    """A URL without an account id is refused with a message that quotes it."""
    with pytest.raises(ValidationError, match="britishlibrary"):
        nsid_from_text("https://www.flickr.com/photos/britishlibrary/")


def test_user_flickr_nsid_must_look_like_an_nsid(db):
    """A malformed flickr_nsid fails validation."""
    user = User(username="someone", flickr_nsid="12345678")
    with pytest.raises(ValidationError, match="flickr_nsid"):
        user.full_clean(exclude=["password"])


def test_user_email_is_unique_ignoring_case(db):
    """Two accounts cannot share an email address, whatever its case."""
    make_user(email="Ann@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(email="ann@example.org")


def test_users_without_email_do_not_clash(db):
    """Blank emails are allowed for more than one account (e.g. photographers)."""
    make_user(email="")
    make_user(email="")
    assert User.objects.filter(email="").count() == 2


def test_organisation_status_is_constrained_in_the_database(db):
    """The database refuses a status outside the choices."""
    organisation = make_organisation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(status="archived")


def test_migration_creates_the_foundation_admins_group_with_review_permission(db):
    """The data migration makes the group and gives it `portal.review_organisation`."""
    group = Group.objects.get(name=FOUNDATION_ADMINS_GROUP)
    assert group.permissions.filter(codename="review_organisation").exists()


def test_group_member_is_foundation_admin(db):
    """Membership of the group makes a foundation admin, with the review permission."""
    admin = make_foundation_admin()
    assert admin.is_foundation_admin
    assert admin.has_perm("portal.review_organisation")


def test_superuser_is_foundation_admin(db):
    """A superuser counts as a foundation admin without the group."""
    assert make_user(is_superuser=True).is_foundation_admin


def test_ordinary_user_is_not_foundation_admin(db):
    """Neither in the group nor superuser: not a foundation admin."""
    assert not make_user().is_foundation_admin


def test_organisation_visible_to_members_and_admins_only(organisation, staff, other_staff, admin):
    """`visible_to` gives members their organisation and admins every one."""
    assert list(Organisation.objects.visible_to(staff)) == [organisation]
    assert organisation not in Organisation.objects.visible_to(other_staff)
    assert organisation in Organisation.objects.visible_to(admin)
