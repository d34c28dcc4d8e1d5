"""The permission matrix: every page, for every kind of visitor.

Visitors: anonymous, staff and manager of Harbour Archive, staff of another organisation,
a photographer in no organisation, and a foundation admin. Pages of an organisation answer
404 to anyone who may not see it; foundation-only pages answer 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

ROLES = ["anonymous", "staff", "manager", "other_staff", "photographer", "admin"]
LOGIN = "login redirect"

PUBLIC = {role: 200 for role in ROLES}
SIGNED_IN = {**PUBLIC, "anonymous": LOGIN}
MEMBERS_AND_ADMINS = {
    "anonymous": LOGIN,
    "staff": 200,
    "manager": 200,
    "other_staff": 404,
    "photographer": 404,
    "admin": 200,
}
ADMINS_ONLY = {**{role: 403 for role in ROLES}, "anonymous": LOGIN, "admin": 200}
DECISION = {**ADMINS_ONLY, "admin": 302}

# (method, url name, url kwargs, expected status per role)
PAGES = [
    ("get", "home", {}, PUBLIC),
    ("get", "organisation_register", {}, PUBLIC),
    ("get", "organisation_register_done", {}, PUBLIC),
    ("get", "password_reset", {}, PUBLIC),
    ("get", "dashboard", {}, SIGNED_IN),
    ("get", "profile", {}, SIGNED_IN),
    ("get", "profile_edit", {}, SIGNED_IN),
    ("get", "password_change", {}, SIGNED_IN),
    ("get", "organisation_detail", {"slug": "harbour-archive"}, MEMBERS_AND_ADMINS),
    ("get", "organisation_review", {}, ADMINS_ONLY),
    ("post", "organisation_approve", {"slug": "lighthouse-museum"}, DECISION),
    ("post", "organisation_decline", {"slug": "lighthouse-museum"}, DECISION),
    ("post", "organisation_suspend", {"slug": "harbour-archive"}, DECISION),
]


@pytest.fixture
def visitor(request, client, organisation, pending_organisation):
    """A client logged in as the role named by the test parameter."""
    role = request.param
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return role, client


@pytest.mark.parametrize("visitor", ROLES, indirect=True)
@pytest.mark.parametrize(
    ("method", "name", "kwargs", "expected"),
    PAGES,
    ids=[f"{method}-{name}" for method, name, _kwargs, _expected in PAGES],
)
def test_page_answers_each_visitor_as_the_matrix_says(visitor, method, name, kwargs, expected):
    """Each page gives each visitor the status in the matrix (or a redirect to log in)."""
    role, client = visitor
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url, {"note": "Checked by the matrix"})
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected[role]


@pytest.mark.parametrize("visitor", ["staff", "other_staff", "photographer"], indirect=True)
def test_unknown_organisation_is_404_like_a_hidden_one(visitor):
    """An organisation that does not exist answers exactly like one the user may not see."""
    _role, client = visitor
    response = client.get(reverse("organisation_detail", kwargs={"slug": "no-such-archive"}))
    assert response.status_code == 404


def test_login_page_is_public(client, db):
    """Anonymous visitors can open the log-in page."""
    assert client.get(reverse("login")).status_code == 200


def test_login_page_redirects_signed_in_users(client, staff):
    """A signed-in user opening the log-in page goes to the dashboard."""
    client.force_login(staff)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
