"""Fixtures most lifeboat tests share: an organisation ready to request lifeboats, a member
of its staff, and a test client logged in as them. A module may define its own instead."""

from __future__ import annotations

import pytest

from portal.models import Membership
from tests.factories import make_membership, make_organisation, make_signature


@pytest.fixture
def organisation():
    """An approved organisation whose current agreement is signed and approved."""
    organisation = make_organisation()
    make_signature(organisation, status="approved")
    return organisation


@pytest.fixture
def staff(organisation):
    return make_membership(organisation, role=Membership.Role.STAFF).user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
