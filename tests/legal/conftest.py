"""People and organisations for the legal tests: one approved organisation with a manager
and a staff member, another approved organisation with its manager, a foundation admin and
an outsider who belongs to no organisation."""

from __future__ import annotations

import pytest

from legal.models import AgreementVersion
from tests.factories import (
    make_foundation_admin,
    make_membership,
    make_organisation,
    make_user,
)


@pytest.fixture
def current_version(db) -> AgreementVersion:
    """The version in effect: the one the migrations publish on a fresh install."""
    version = AgreementVersion.objects.current()
    assert version is not None
    return version


@pytest.fixture
def organisation(db):
    return make_organisation(slug="harbour-archive", name="Harbour Archive", status="approved")


@pytest.fixture
def manager(organisation):
    user = make_user(username="mina", email="mina@harbour.example")
    make_membership(user=user, organisation=organisation, role="manager")
    return user


@pytest.fixture
def staff(organisation):
    user = make_user(username="stan", email="stan@harbour.example")
    make_membership(user=user, organisation=organisation, role="staff")
    return user


@pytest.fixture
def other_organisation(db):
    return make_organisation(slug="river-library", name="River Library", status="approved")


@pytest.fixture
def other_manager(other_organisation):
    user = make_user(username="olga", email="olga@river.example")
    make_membership(user=user, organisation=other_organisation, role="manager")
    return user


@pytest.fixture
def admin(db):
    return make_foundation_admin(username="fiona", email="fiona@foundation.example")


@pytest.fixture
def outsider(db):
    return make_user(username="otto", email="otto@nowhere.example")
