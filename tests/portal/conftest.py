"""Who is who in the portal tests: one organisation with a manager and a staff member,
another organisation with its own staff member, a foundation admin, and a photographer
who belongs to no organisation."""

from __future__ import annotations

import pytest

from portal.models import Organisation, User
from tests.factories import make_foundation_admin, make_membership, make_organisation, make_user


@pytest.fixture
def organisation(db) -> Organisation:
    return make_organisation(name="Harbour Archive", slug="harbour-archive")


@pytest.fixture
def manager(organisation) -> User:
    user = make_user(username="mina", email="mina@harbour.example")
    make_membership(organisation, user, role="manager")
    return user


@pytest.fixture
def staff(organisation) -> User:
    user = make_user(username="stan", email="stan@harbour.example")
    make_membership(organisation, user, role="staff")
    return user


@pytest.fixture
def other_organisation(db) -> Organisation:
    return make_organisation(name="River Library", slug="river-library")


@pytest.fixture
def other_staff(other_organisation) -> User:
    user = make_user(username="olga", email="olga@river.example")
    make_membership(other_organisation, user, role="staff")
    return user


@pytest.fixture
def admin(db) -> User:
    return make_foundation_admin(username="fiona", email="fiona@foundation.example")


@pytest.fixture
def photographer(db) -> User:
    return make_user(username="pat", email="pat@photos.example", flickr_nsid="12345678@N01")


@pytest.fixture
def pending_organisation(db) -> Organisation:
    applicant = make_user(username="amy", email="amy@lighthouse.example")
    organisation = make_organisation(
        name="Lighthouse Museum",
        slug="lighthouse-museum",
        status=Organisation.Status.PENDING,
        registered_by=applicant,
    )
    make_membership(organisation, applicant, role="manager")
    return organisation
