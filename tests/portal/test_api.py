"""The API's door: bearer tokens, the browser session, and JSON errors."""

from __future__ import annotations

import pytest
from django.test import Client
from ninja.errors import HttpError

from portal.api import BrowserSessionAuth
from portal.services import api_token_revoke
from tests.factories import make_api_token, make_user

ME = "/api/me"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_valid_token_gets_the_user(client, staff, organisation):
    """`/api/me` with a valid token answers with the user's organisations and roles."""
    _token, secret = make_api_token(staff)
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "stan"
    assert body["organisations"] == [
        {
            "slug": "harbour-archive",
            "name": "Harbour Archive",
            "status": "approved",
            "role": "staff",
        }
    ]


def test_revoked_token_is_401(client, staff):
    """A revoked token gets a JSON 401."""
    token, secret = make_api_token(staff)
    api_token_revoke(token, by=staff)
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_missing_token_is_401_not_a_login_redirect(client, db):
    """No credentials at all: JSON 401 with WWW-Authenticate, never a redirect to log in."""
    response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer not-a-real-token-at-all", "Bearer ", "Basic dXNlcjpw"])
def test_garbage_authorization_is_401(client, db, header):
    """Malformed or unknown credentials get a JSON 401."""
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_inactive_users_token_is_401(client, db):
    """A deactivated user's token stops working."""
    _token, secret = make_api_token(make_user(is_active=False))
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_session_auth_works(client, staff):
    """A logged-in browser session reaches the API without a token."""
    client.force_login(staff)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "stan"


def test_session_post_needs_csrf(staff, rf):
    """An unsafe request on the session without the CSRF token is refused with 403."""
    request = rf.post(ME)
    request.user = staff
    request._dont_enforce_csrf_checks = False
    with pytest.raises(HttpError) as raised:
        BrowserSessionAuth()(request)
    assert raised.value.status_code == 403


def test_session_auth_ignores_requests_that_carry_a_token(staff, rf):
    """With an Authorization header the session is not consulted: the token alone decides."""
    request = rf.post(ME, HTTP_AUTHORIZATION="Bearer whatever")
    request.user = staff
    assert BrowserSessionAuth()(request) is None


def test_token_request_is_not_subject_to_csrf(staff):
    """A bearer-token request needs no CSRF token (it is not a browser session)."""
    _token, secret = make_api_token(staff)
    client = Client(enforce_csrf_checks=True)
    assert client.get(ME, **bearer(secret)).status_code == 200


def test_unknown_api_path_is_json_404(client, staff):
    """Unknown endpoints answer JSON, not the HTML 404 page."""
    _token, secret = make_api_token(staff)
    response = client.get("/api/no-such-thing", **bearer(secret))
    assert response.status_code == 404


def test_openapi_schema_is_public_and_named(client, db):
    """The OpenAPI document is served at /api/openapi.json with the portal's title."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Data Lifeboat Portal API"
    assert schema["info"]["version"] == "1"
    assert "/api/me" in schema["paths"]


def test_api_docs_page_is_served(client, db):
    """The interactive docs live at /api/docs."""
    assert client.get("/api/docs").status_code == 200
