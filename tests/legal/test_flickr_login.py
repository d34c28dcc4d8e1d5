"""Log in with Flickr: RFC 5849 signing, and the whole OAuth 1.0a flow against the sandbox."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from django.urls import reverse

from portal import flickr_login
from portal.flickr_login import (
    Consumer,
    FlickrIdentity,
    FlickrLoginError,
    RequestToken,
    hmac_sha1_signature,
    signature_base_string,
    signed_parameters,
)
from portal.models import User
from tests.factories import make_user
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

# --- Signing, against the examples in RFC 5849 ---------------------------------------------------

# RFC 5849 section 1.2: the photos.example.net request and its documented signature.
RFC_CONSUMER = Consumer(key="dpf43f3p2l4k3l03", secret="kd94hf93k423kf44")
RFC_TOKEN = RequestToken(token="nnch734d00sl2jdk", secret="pfkkdhi9sl3r4s00")
RFC_URL = "http://photos.example.net/photos?file=vacation.jpg&size=original"


def test_base_string_matches_rfc_5849_section_3_4_1_1():
    """The signature base string of the RFC's worked example is reproduced byte for byte."""
    params = [
        ("c2", ""),
        ("a3", "2 q"),
        ("oauth_consumer_key", "9djdj82h48djs9d2"),
        ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
    ]
    url = "http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"

    base = signature_base_string("post", url, params)

    assert base == (
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D"
        "%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce"
        "%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26"
        "oauth_token%3Dkkk9d7dh3k39sjv7"
    )


def test_hmac_sha1_signature_matches_rfc_5849_section_1_2():
    """The RFC's final photo request is signed as the RFC shows."""
    params = {
        "oauth_consumer_key": RFC_CONSUMER.key,
        "oauth_token": RFC_TOKEN.token,
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "137131202",
        "oauth_nonce": "chapoH",
    }
    base = signature_base_string("GET", RFC_URL, params.items())

    assert hmac_sha1_signature(base, RFC_CONSUMER.secret, RFC_TOKEN.secret) == (
        "MdpQcU8iPSUjWoN/UDMsK2sui9I="
    )


def test_signed_parameters_match_the_oauth_core_appendix_example():
    """With oauth_version=1.0 (as Flickr wants), the OAuth Core 1.0 example signature results."""
    params = signed_parameters(
        "GET",
        RFC_URL,
        consumer=RFC_CONSUMER,
        token=RFC_TOKEN,
        nonce="kllo9940pd9333jh",
        timestamp=1191242096,
    )

    assert params["oauth_signature"] == "tR3+Ty81lMeYAr/Fid0kMTYa/WM="


# --- The flow against the sandbox ----------------------------------------------------------------


@pytest.fixture
def flickr(db, sandbox, settings):
    """A running sandbox that the portal's OAuth settings point at."""
    server = sandbox(photos=50)
    settings.FLICKR_OAUTH_URL = server.oauth_url
    return server


def start_login(client, next_url: str = "") -> str:
    """POST the log-in button; the URL of Flickr's authorize page the portal redirects to."""
    response = client.post(reverse("flickr_login"), {"next": next_url})
    assert response.status_code == 302, response.content
    return response["Location"]


def authorise_as(authorize_url: str, nsid: str) -> str:
    """Pick the sandbox member on the authorize page; the portal callback URL Flickr returns."""
    response = httpx.get(f"{authorize_url}&user={quote(nsid)}")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def follow_callback(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def test_login_sends_the_browser_to_flickr_asking_read_permission(client, flickr):
    """Starting the log-in redirects to FLICKR_OAUTH_URL authorize with a token and perms=read."""
    location = start_login(client)

    parts = urlsplit(location)
    query = parse_qs(parts.query)
    assert location.startswith(flickr.oauth_url + "authorize?")
    assert query["perms"] == ["read"]
    assert query["oauth_token"][0].startswith("sandbox-request-")
    assert flickr.oauth.has_request_token(query["oauth_token"][0])


def test_first_login_creates_a_photographer_account_and_logs_in(client, flickr):
    """The whole flow creates a user with the member's NSID and name, and logs them in."""
    member = flickr.world.owners[3]

    response = follow_callback(client, authorise_as(start_login(client), member.nsid))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    user = User.objects.get(flickr_nsid=member.nsid)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.display_name == (member.realname or member.username)
    assert not user.has_usable_password()


def test_login_finds_the_existing_account_with_that_nsid(client, flickr):
    """A member who already has an account (by NSID) is logged into it; no second account."""
    member = flickr.world.owners[2]
    existing = make_user(username="already-here", flickr_nsid=member.nsid)

    follow_callback(client, authorise_as(start_login(client), member.nsid))

    assert client.session["_auth_user_id"] == str(existing.pk)
    assert User.objects.filter(flickr_nsid=member.nsid).count() == 1


def test_login_goes_back_to_the_page_asked_for(client, flickr):
    """A safe `next` survives the round trip to Flickr."""
    next_url = reverse("profile")

    response = follow_callback(
        client, authorise_as(start_login(client, next_url), flickr.world.owners[1].nsid)
    )

    assert response["Location"] == next_url


def test_login_ignores_a_next_pointing_to_another_site(client, flickr):
    """`next` to another host is dropped: the portal is no open redirect."""
    response = follow_callback(
        client,
        authorise_as(start_login(client, "https://evil.example/"), flickr.world.owners[1].nsid),
    )

    assert response["Location"] == reverse("dashboard")


def test_session_keeps_no_secret_after_login(client, flickr):
    """Once logged in, the request token and its secret are gone from the session."""
    follow_callback(client, authorise_as(start_login(client), flickr.world.owners[1].nsid))

    assert "flickr_login" not in client.session


def test_callback_with_another_token_is_refused(client, flickr):
    """A callback whose oauth_token is not the one this browser started with logs nobody in."""
    start_login(client)  # this browser's own log-in
    callback = "http://testserver" + reverse("flickr_login_callback")
    someone_else = httpx.get(
        flickr.oauth_url + "request_token", params={"oauth_callback": callback}
    ).text
    token = parse_qs(someone_else)["oauth_token"][0]
    foreign_callback = flickr.oauth.authorize(token, flickr.world.owners[1].nsid)
    assert foreign_callback is not None

    response = follow_callback(client, foreign_callback)

    assert response.status_code == 400
    assert b"does not belong to the log-in you started" in response.content
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(flickr_nsid=flickr.world.owners[1].nsid).exists()


def test_callback_without_a_started_login_is_refused(client, flickr):
    """Opening the callback in a browser that never started a log-in explains what to do."""
    response = client.get(reverse("flickr_login_callback"), {"oauth_token": "x"})

    assert response.status_code == 400
    assert b"Start again" in response.content


def test_callback_without_verifier_says_flickr_did_not_confirm(client, flickr):
    """A member who declined on Flickr comes back without a verifier: nobody is logged in."""
    token = parse_qs(urlsplit(start_login(client)).query)["oauth_token"][0]

    response = client.get(reverse("flickr_login_callback"), {"oauth_token": token})

    assert response.status_code == 400
    assert b"Flickr did not confirm the log-in" in response.content
    assert "_auth_user_id" not in client.session


def test_flickr_refusing_the_request_token_gives_a_clear_page(client, sandbox, settings):
    """A consumer key Flickr does not know ends on an error page naming Flickr's problem."""
    server = sandbox(photos=50, api_key="the-real-key")
    settings.FLICKR_OAUTH_URL = server.oauth_url

    response = client.post(reverse("flickr_login"))

    assert response.status_code == 502
    assert b"Flickr refused to start the log-in" in response.content
    assert b"consumer_key_unknown" in response.content


def test_unreachable_flickr_gives_a_clear_page(client, settings, unused_port):
    """When Flickr cannot be reached, the page says so and suggests trying again later."""
    settings.FLICKR_OAUTH_URL = f"http://127.0.0.1:{unused_port}/services/oauth/"

    response = client.post(reverse("flickr_login"))

    assert response.status_code == 502
    assert b"could not reach Flickr" in response.content


def test_login_without_configured_secret_says_it_is_not_set_up(client, settings):
    """With no FLICKR_API_SECRET the button explains that Flickr login is not configured."""
    settings.FLICKR_API_SECRET = ""

    response = client.post(reverse("flickr_login"))

    assert response.status_code == 502
    assert b"FLICKR_API_SECRET" in response.content


def test_inactive_account_is_not_logged_in(client, flickr):
    """A switched-off account stays logged out, with a page that says why."""
    member = flickr.world.owners[4]
    make_user(username="switched-off", flickr_nsid=member.nsid, is_active=False)

    response = follow_callback(client, authorise_as(start_login(client), member.nsid))

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_page_has_the_flickr_button(client, db):
    """The password log-in page offers "Log in with Flickr" as a form posting to the flow."""
    response = client.get(reverse("login"))

    assert b"Log in with Flickr" in response.content
    assert reverse("flickr_login").encode() in response.content


def test_flickr_login_page_explains_what_is_kept(client, db):
    """GET on the start URL explains the read permission and what the portal keeps."""
    response = client.get(reverse("flickr_login"))

    assert response.status_code == 200
    assert b"read" in response.content
    assert b"no access token" in response.content


# --- Accounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flickr_username", "expected"),
    [("Ann Smith", "Ann-Smith"), ("  ", "flickr"), ("ça/va", "a-va")],
)
def test_username_is_derived_safely(db, flickr_username, expected):
    """Characters Django usernames cannot hold are replaced; an empty name becomes "flickr"."""
    identity = FlickrIdentity(nsid="11111111@N01", username=flickr_username, fullname="")

    user = flickr_login.photographer_account_get_or_create(identity=identity)

    assert user.username == expected


def test_username_taken_by_someone_else_gets_a_suffix(db):
    """A Flickr username that an institution user already has is made unique."""
    make_user(username="harbour")
    identity = FlickrIdentity(nsid="22222222@N01", username="Harbour", fullname="H. Arbour")

    user = flickr_login.photographer_account_get_or_create(identity=identity)

    assert user.username == "Harbour-flickr"
    assert user.display_name == "H. Arbour"


def test_access_token_answer_with_a_bad_nsid_is_refused(flickr):
    """An access-token answer whose user_nsid is not an NSID raises a clear error."""
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, text="user_nsid=nobody&username=x&fullname=")
    )
    with httpx.Client(transport=transport) as http, pytest.raises(FlickrLoginError, match="nobody"):
        flickr_login.fetch_identity(
            token=RequestToken("t", "s"),
            verifier="v",
            consumer=Consumer("k", "s"),
            http=http,
        )


@pytest.fixture
def unused_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
