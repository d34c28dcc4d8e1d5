"""The lifeboat REST API (DESIGN 5.3): the flow, who may do what, states, bad input, the docs.

Requests carry a bearer token, as scripts do. Flickr is the sandbox, started per test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils import timezone

from lifeboats.models import Lifeboat, LifeboatEvent, LifeboatPhoto
from portal.models import Membership, Organisation, User
from tests.factories import (
    make_api_token,
    make_foundation_admin,
    make_lifeboat,
    make_membership,
    make_organisation,
    make_signature,
    make_user,
)
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db

LIFEBOATS = "/api/lifeboats"
ALL_STATUSES = [
    "draft",
    "submitted",
    "approved",
    "building",
    "ready",
    "expired",
    "failed",
    "rejected",
    "withdrawn",
]


class ApiClient:
    """The test client speaking JSON with one user's bearer token (none for anonymous)."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, secret = make_api_token(user)
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, **self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", **self.headers)


# --- Who is who ----------------------------------------------------------------------------


@pytest.fixture
def organisation() -> Organisation:
    """An approved organisation whose current agreement is signed and approved."""
    organisation = make_organisation(name="Harbour Archive", slug="harbour-archive")
    make_signature(organisation, status="approved")
    return organisation


@pytest.fixture
def staff(organisation) -> User:
    user = make_user(username="stan")
    make_membership(organisation, user, role=Membership.Role.STAFF)
    return user


@pytest.fixture
def other_staff() -> User:
    """Staff of another approved organisation, with its own signed agreement."""
    other = make_organisation(name="River Library", slug="river-library")
    make_signature(other, status="approved")
    user = make_user(username="olga")
    make_membership(other, user, role=Membership.Role.STAFF)
    return user


@pytest.fixture
def admin() -> User:
    return make_foundation_admin(username="fiona")


@pytest.fixture
def photographer() -> User:
    """A Flickr member who belongs to no organisation."""
    return make_user(username="pat", flickr_nsid="12345678@N01")


@pytest.fixture
def people(staff, other_staff, admin, photographer) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "staff": staff,
        "other_staff": other_staff,
        "admin": admin,
        "photographer": photographer,
    }


@pytest.fixture
def flickr(sandbox) -> Iterator[Any]:
    """A sandbox of 60 photos with the portal pointed at it and a budget that never waits."""
    server = sandbox(photos=60, seed=3)
    with override_settings(
        FLICKR_API_URL=server.api_url,
        FLICKR_API_KEY="sandbox-key",
        FLICKR_RATE_LIMIT_PER_HOUR=3_600_000,
    ):
        yield server


def example_url(server, what: str) -> str:
    """One of the sandbox's own example URLs ("album", "photo (notes)", ...)."""
    return dict(server.world.example_urls())[what]


def album_url(server) -> str:
    return example_url(server, "album")


def small_album_url(server) -> str:
    """The sandbox album with the fewest photos (but some), to keep a full build quick."""
    world = server.world
    album = min((a for a in world.albums if a.photo_indices), key=lambda a: len(a.photo_indices))
    owner = world.user(album.owner) or world.archive
    return f"{owner.photos_url}albums/{album.id}"


def single_photo_url(server) -> str:
    return example_url(server, "photo (notes)")


def request_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Harbour lighthouses",
        "purpose": "Keep the harbour's lighthouse photos for the town's archive.",
        "readme": {
            "selection": "Every lighthouse photo in our album.",
            "future": "Captions were written by the photographers.",
            "usage": "As each photo's licence allows.",
        },
        "urls": [],
        **overrides,
    }


def row_counts() -> tuple[int, int, int]:
    return (Lifeboat.objects.count(), LifeboatPhoto.objects.count(), LifeboatEvent.objects.count())


# --- The whole flow --------------------------------------------------------------------------


def test_whole_flow_from_urls_to_a_downloaded_package(
    flickr, staff, admin, django_capture_on_commit_callbacks
):
    """Staff create a lifeboat from an album and submit it, an admin approves it, the build
    runs, and staff download the package through the API."""
    as_staff, as_admin = ApiClient(staff), ApiClient(admin)

    created = as_staff.post(LIFEBOATS, request_body(urls=[small_album_url(flickr)]))
    assert created.status_code == 201, created.json()
    lifeboat = created.json()
    path = f"{LIFEBOATS}/{lifeboat['id']}"
    assert lifeboat["status"] == "draft"
    assert lifeboat["organisation"] == {"slug": "harbour-archive", "name": "Harbour Archive"}
    photo_count = LifeboatPhoto.objects.filter(lifeboat_id=lifeboat["id"]).count()
    assert photo_count > 0
    assert lifeboat["preflight"]["photos"] == photo_count
    assert lifeboat["progress"] == {"photos_total": photo_count, "photos_done": 0, "api_calls": 0}
    assert lifeboat["urls"] == [small_album_url(flickr)]

    submitted = as_staff.post(f"{path}/submit")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["submitted_at"] is not None

    with django_capture_on_commit_callbacks(execute=True):  # the queue runs the build
        approved = as_admin.post(f"{path}/approve", {"note": "Looks good."})
    assert approved.status_code == 200, approved.json()

    ready = as_staff.get(path).json()
    assert ready["status"] == "ready"
    assert ready["expires_at"] is not None
    assert ready["progress"]["photos_done"] == photo_count
    assert ready["progress"]["api_calls"] > 0
    assert ready["photos"]["included"] + sum(ready["photos"]["excluded"].values()) == photo_count
    assert [(e["from_status"], e["status"], e["actor"]) for e in ready["events"]] == [
        ("", "draft", "stan"),
        ("draft", "submitted", "stan"),
        ("submitted", "approved", "fiona"),
        ("approved", "building", None),
        ("building", "ready", None),
    ]
    assert ready["events"][2]["note"] == "Looks good."

    redirect = as_staff.get(f"{path}/download")
    assert redirect.status_code == 302
    package = as_staff.get(redirect["Location"])
    digest = hashlib.sha256(b"".join(package.streaming_content)).hexdigest()
    assert digest == Lifeboat.objects.get(pk=lifeboat["id"]).package_sha256


def test_detail_has_every_documented_field(staff, organisation):
    """GET /api/lifeboats/{id} answers with every field DESIGN 5.3 lists, photo counts included."""
    lifeboat = make_lifeboat(organisation, photos=4)
    first, second, third, _pending = lifeboat.photos.order_by("position")
    first.state = second.state = "included"
    third.state, third.reason = "excluded", "not_found"
    for photo in (first, second, third):
        photo.save()

    body = ApiClient(staff).get(f"{LIFEBOATS}/{lifeboat.pk}").json()

    assert set(body) >= {
        "id",
        "name",
        "status",
        "organisation",
        "purpose",
        "readme",
        "progress",
        "photos",
        "preflight",
        "created_at",
        "submitted_at",
        "ready_at",
        "expires_at",
        "urls",
        "events",
    }
    assert body["photos"] == {
        "included": 2,
        "pending_consent": 0,
        "excluded": {"not_found": 1},
        "pending": 1,
    }
    assert body["preflight"] == {"photos": 4, "by_licence": {"cc-by-2.0": 4}}


def test_reject_records_the_reason(staff, admin, organisation):
    """An admin rejects a submitted request; the reason is in its history."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    response = ApiClient(admin).post(
        f"{LIFEBOATS}/{lifeboat.pk}/reject", {"reason": "These photos are already kept."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["events"][-1]["note"] == "These photos are already kept."


def test_return_sends_a_request_back_to_draft(staff, admin, organisation):
    """An admin returns a submitted request to its staff with a note."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    response = ApiClient(admin).post(
        f"{LIFEBOATS}/{lifeboat.pk}/return", {"note": "Say why these photos, please."}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_withdraw_by_staff(staff, organisation):
    """Staff withdraw their own draft."""
    lifeboat = make_lifeboat(organisation)
    response = ApiClient(staff).post(f"{LIFEBOATS}/{lifeboat.pk}/withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


# --- Listing ---------------------------------------------------------------------------------


def test_list_is_newest_first_and_paginated(staff, organisation):
    """The list holds the organisation's lifeboats, newest first, paged with limit/offset."""
    made = []
    for days_ago in (3, 2, 1):
        lifeboat = make_lifeboat(organisation, photos=1)
        Lifeboat.objects.filter(pk=lifeboat.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        made.append(str(lifeboat.pk))

    page = ApiClient(staff).get(LIFEBOATS, limit=2, offset=0).json()

    assert page["count"] == 3
    assert [item["id"] for item in page["items"]] == [made[2], made[1]]


def test_list_leaves_out_other_organisations(staff, other_staff, organisation):
    """Staff see only their organisations' lifeboats."""
    own = make_lifeboat(organisation)
    make_lifeboat(other_staff.memberships.get().organisation)
    page = ApiClient(staff).get(LIFEBOATS).json()
    assert [item["id"] for item in page["items"]] == [str(own.pk)]


def test_admin_lists_every_lifeboat(admin, staff, other_staff, organisation):
    """Foundation admins see every organisation's lifeboats."""
    make_lifeboat(organisation)
    make_lifeboat(other_staff.memberships.get().organisation)
    assert ApiClient(admin).get(LIFEBOATS).json()["count"] == 2


def test_photographer_gets_an_empty_list(photographer, organisation):
    """Someone in no organisation gets an empty list, not an error."""
    make_lifeboat(organisation)
    assert ApiClient(photographer).get(LIFEBOATS).json() == {"items": [], "count": 0}


# --- The permission matrix -------------------------------------------------------------------

# (who, method, action, lifeboat status, expected HTTP status). `action` is appended to
# /api/lifeboats/{id}; "" is the lifeboat itself. Bodies are valid, so only the caller decides.
PERMISSIONS = [
    ("anonymous", "get", "", "draft", 401),
    ("anonymous", "post", "/submit", "draft", 401),
    ("anonymous", "post", "/approve", "submitted", 401),
    ("anonymous", "get", "/download", "ready", 401),
    ("other_staff", "get", "", "draft", 404),
    ("other_staff", "post", "/submit", "draft", 404),
    ("other_staff", "post", "/withdraw", "draft", 404),
    ("other_staff", "post", "/approve", "submitted", 404),
    ("other_staff", "get", "/download", "ready", 404),
    ("photographer", "get", "", "draft", 404),
    ("photographer", "post", "/submit", "draft", 404),
    ("photographer", "get", "/download", "ready", 404),
    ("staff", "get", "", "draft", 200),
    ("staff", "post", "/submit", "draft", 200),
    ("staff", "post", "/withdraw", "submitted", 200),
    ("staff", "post", "/approve", "submitted", 403),
    ("staff", "post", "/reject", "submitted", 403),
    ("staff", "post", "/return", "submitted", 403),
    ("staff", "get", "/download", "ready", 302),
    ("admin", "get", "", "draft", 200),
    ("admin", "post", "/approve", "submitted", 200),
    ("admin", "post", "/reject", "submitted", 200),
    ("admin", "post", "/return", "submitted", 200),
    ("admin", "post", "/submit", "draft", 403),
]
BODIES = {"/reject": {"reason": "Out of scope."}, "/return": {"note": "Add a purpose."}}


@pytest.mark.parametrize(("who", "method", "action", "status", "expected"), PERMISSIONS)
def test_permission_matrix(people, organisation, who, method, action, status, expected):
    """Each kind of caller gets exactly the answer DESIGN 5.3 gives them."""
    lifeboat = make_lifeboat(organisation, status=status, **ready_fields(status))
    client = ApiClient(people[who])
    path = f"{LIFEBOATS}/{lifeboat.pk}{action}"
    response = client.get(path) if method == "get" else client.post(path, BODIES.get(action))
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) == {"detail"}


def ready_fields(status: str, *, expires_in: timedelta = timedelta(days=7)) -> dict[str, Any]:
    if status not in {"ready", "expired"}:
        return {}
    now = timezone.now()
    return {"ready_at": now - timedelta(days=1), "expires_at": now + expires_in}


@pytest.mark.parametrize("who", ["anonymous", "staff", "other_staff", "photographer"])
def test_refused_approval_changes_nothing(people, organisation, who):
    """A caller who may not approve leaves the request and its history as they were."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    ApiClient(people[who]).post(f"{LIFEBOATS}/{lifeboat.pk}/approve")
    lifeboat.refresh_from_db()
    assert lifeboat.status == "submitted"
    assert not lifeboat.events.exists()


def test_anonymous_cannot_list_or_create(db):
    """Without credentials the list and creation answer 401 with a hint about tokens."""
    client = ApiClient(None)
    for response in (client.get(LIFEBOATS), client.post(LIFEBOATS, request_body())):
        assert response.status_code == 401
        assert "Bearer" in response.json()["detail"]


def test_photographer_cannot_create(photographer):
    """Someone in no organisation is told that only staff can ask for lifeboats (403)."""
    response = ApiClient(photographer).post(LIFEBOATS, request_body(urls=["x"]))
    assert response.status_code == 403
    assert "belong to none" in response.json()["detail"]


def test_unknown_lifeboat_is_404(staff):
    """A well-formed id that names no lifeboat answers 404."""
    response = ApiClient(staff).get(f"{LIFEBOATS}/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


def test_malformed_lifeboat_id_is_404(staff):
    """A malformed id is just another id that names no lifeboat: 404, repeating it."""
    response = ApiClient(staff).get(f"{LIFEBOATS}/not-a-uuid")
    assert response.status_code == 404
    assert "'not-a-uuid'" in response.json()["detail"]


def test_browser_session_reads_the_list(staff, organisation):
    """A logged-in browser reaches the lifeboat list without a token."""
    make_lifeboat(organisation)
    browser = Client()
    browser.force_login(staff)
    assert browser.get(LIFEBOATS).json()["count"] == 1


def test_browser_session_post_needs_csrf(staff, organisation):
    """A move on the browser session without the CSRF token is refused and changes nothing."""
    lifeboat = make_lifeboat(organisation)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    response = browser.post(f"{LIFEBOATS}/{lifeboat.pk}/withdraw")
    assert response.status_code == 403
    lifeboat.refresh_from_db()
    assert lifeboat.status == "draft"


# --- Illegal transitions ---------------------------------------------------------------------

# The moves of DESIGN 4 a person makes through the API, and the states each may start from.
ALLOWED_FROM = {
    "submit": {"draft"},
    "approve": {"submitted"},
    "reject": {"submitted"},
    "return": {"submitted"},
    "withdraw": {"draft", "submitted"},
}
ACTOR = {
    "submit": "staff",
    "withdraw": "staff",
    "approve": "admin",
    "reject": "admin",
    "return": "admin",
}
# Approving a failed build is not in the diagram (that move is "retry", with its own service),
# but `lifeboats.services.lifeboat_approve` accepts it today.
ILLEGAL = [
    pytest.param(action, status, id=f"{action}-from-{status}")
    for action, allowed in ALLOWED_FROM.items()
    for status in ALL_STATUSES
    if status not in allowed
]


@pytest.mark.parametrize(("action", "status"), ILLEGAL)
def test_illegal_transition_is_409_and_changes_nothing(people, organisation, action, status):
    """A move the state diagram does not have answers 409 and leaves the lifeboat alone."""
    lifeboat = make_lifeboat(organisation, status=status, **ready_fields(status))
    client = ApiClient(people[ACTOR[action]])

    response = client.post(f"{LIFEBOATS}/{lifeboat.pk}/{action}", BODIES.get(f"/{action}"))

    assert response.status_code == 409, response.content
    assert status in response.json()["detail"]
    lifeboat.refresh_from_db()
    assert lifeboat.status == status
    assert not lifeboat.events.exists()


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected_in_detail"),
    [
        pytest.param(request_body(urls=[]), "Paste at least one Flickr URL", id="no-urls"),
        pytest.param(
            request_body(urls=["https://example.com/photos/1"]),
            "'https://example.com/photos/1'",
            id="not-flickr",
        ),
        pytest.param(
            {key: value for key, value in request_body(urls=["x"]).items() if key != "name"},
            "name",
            id="missing-name",
        ),
        pytest.param(request_body(name="  ", urls=["x"]), "name", id="blank-name"),
        pytest.param(request_body(urls="https://flickr.com/photos/a/1"), "urls", id="not-a-list"),
    ],
)
def test_bad_request_creates_nothing(staff, body, expected_in_detail):
    """Bad input answers 400 with a message naming the problem, and no row is written."""
    before = row_counts()
    response = ApiClient(staff).post(LIFEBOATS, body)
    assert response.status_code == 400, response.content
    assert expected_in_detail in response.json()["detail"]
    assert row_counts() == before


def test_more_photos_than_the_limit_creates_nothing(flickr, staff):
    """A selection larger than LIFEBOAT_MAX_PHOTOS answers 400 naming the limit."""
    before = row_counts()
    with override_settings(LIFEBOAT_MAX_PHOTOS=2):
        response = ApiClient(staff).post(LIFEBOATS, request_body(urls=[album_url(flickr)]))
    assert response.status_code == 400
    assert "more than 2 photos" in response.json()["detail"]
    assert row_counts() == before


def test_submit_without_purpose_is_400_and_stays_draft(staff, organisation):
    """Submitting with an empty purpose is bad input (400): the draft stays a draft."""
    lifeboat = make_lifeboat(organisation, purpose="")
    response = ApiClient(staff).post(f"{LIFEBOATS}/{lifeboat.pk}/submit")
    assert response.status_code == 400
    assert "purpose" in response.json()["detail"]
    lifeboat.refresh_from_db()
    assert lifeboat.status == "draft"
    assert not lifeboat.events.exists()


def test_reject_without_reason_is_400(admin, organisation):
    """Rejecting needs a reason: without one the request stays submitted."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    response = ApiClient(admin).post(f"{LIFEBOATS}/{lifeboat.pk}/reject", {"reason": " "})
    assert response.status_code == 400
    lifeboat.refresh_from_db()
    assert lifeboat.status == "submitted"


# --- Which organisation asks -----------------------------------------------------------------


@pytest.fixture
def member_of_two(organisation) -> User:
    user = make_user(username="dual")
    make_membership(organisation, user)
    second = make_organisation(name="Lighthouse Museum", slug="lighthouse-museum")
    make_membership(second, user)
    return user


def test_member_of_several_organisations_must_name_one(member_of_two):
    """Without `organisation`, someone in two organisations gets 400 listing both slugs."""
    before = row_counts()
    response = ApiClient(member_of_two).post(LIFEBOATS, request_body(urls=["x"]))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'harbour-archive'" in detail
    assert "'lighthouse-museum'" in detail
    assert row_counts() == before


def test_named_organisation_gets_the_lifeboat(flickr, member_of_two):
    """With `organisation`, the lifeboat is made for that organisation."""
    body = request_body(urls=[single_photo_url(flickr)], organisation="harbour-archive")
    response = ApiClient(member_of_two).post(LIFEBOATS, body)
    assert response.status_code == 201, response.content
    assert response.json()["organisation"]["slug"] == "harbour-archive"


def test_naming_someone_elses_organisation_is_404(staff, other_staff):
    """An organisation the caller does not belong to does not exist for them."""
    before = row_counts()
    body = request_body(urls=["x"], organisation="river-library")
    response = ApiClient(staff).post(LIFEBOATS, body)
    assert response.status_code == 404
    assert row_counts() == before


# --- Downloads -------------------------------------------------------------------------------


@pytest.fixture
def stored_package() -> Callable[[Lifeboat], bytes]:
    """Put a small stand-in zip where the builder would have stored the lifeboat's package."""
    from lifeboats.storage import lifeboat_storage, stored_package_name

    def store(lifeboat: Lifeboat) -> bytes:
        content = b"PK\x05\x06" + bytes(18)  # an empty zip
        lifeboat_storage().save(stored_package_name(lifeboat), ContentFile(content))
        return content

    return store


def test_download_redirects_to_a_signed_link_that_serves_the_zip(
    staff, organisation, stored_package
):
    """A ready lifeboat answers 302; following the link gets the package and logs it."""
    lifeboat = make_lifeboat(organisation, status="ready", **ready_fields("ready"))
    content = stored_package(lifeboat)
    client = ApiClient(staff)

    response = client.get(f"{LIFEBOATS}/{lifeboat.pk}/download")

    assert response.status_code == 302
    package = client.get(response["Location"])
    assert package.status_code == 200
    assert b"".join(package.streaming_content) == content
    assert lifeboat.downloads.get().user == staff


def test_download_of_an_expired_lifeboat_is_410(staff, organisation):
    """Once expired, the download answers 410 with a message saying so."""
    lifeboat = make_lifeboat(organisation, status="expired", **ready_fields("expired"))
    response = ApiClient(staff).get(f"{LIFEBOATS}/{lifeboat.pk}/download")
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


def test_download_past_its_window_is_410(staff, organisation):
    """A ready lifeboat whose window has passed (expiry not yet run) is gone too."""
    fields = ready_fields("ready", expires_in=timedelta(minutes=-1))
    lifeboat = make_lifeboat(organisation, status="ready", **fields)
    assert ApiClient(staff).get(f"{LIFEBOATS}/{lifeboat.pk}/download").status_code == 410


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "building"])
def test_download_before_ready_is_409(staff, organisation, status):
    """There is nothing to download before the lifeboat is ready: 409."""
    lifeboat = make_lifeboat(organisation, status=status)
    response = ApiClient(staff).get(f"{LIFEBOATS}/{lifeboat.pk}/download")
    assert response.status_code == 409


# --- The public lookup and the docs ----------------------------------------------------------


def test_photo_lookup_needs_no_token(organisation):
    """`GET /api/photos/{id}/lifeboats` is public, unlike every lifeboat endpoint."""
    response = ApiClient(None).get("/api/photos/50000000001/lifeboats")
    assert response.status_code == 200
    assert response.json()["photo_id"] == "50000000001"


def test_openapi_lists_every_endpoint_with_its_responses(db):
    """The OpenAPI document has each lifeboat endpoint and the error codes it can answer."""
    paths = Client().get("/api/openapi.json").json()["paths"]
    expected = {
        ("/api/lifeboats", "post"): {"201", "400", "401", "403", "404"},
        ("/api/lifeboats", "get"): {"200", "401"},
        ("/api/lifeboats/{id}", "get"): {"200", "401", "404"},
        ("/api/lifeboats/{id}/submit", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/lifeboats/{id}/approve", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/lifeboats/{id}/reject", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/lifeboats/{id}/return", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/lifeboats/{id}/withdraw", "post"): {"200", "400", "401", "403", "404", "409"},
        ("/api/lifeboats/{id}/download", "get"): {"302", "401", "404", "409", "410"},
        ("/api/photos/{photo_id}/lifeboats", "get"): {"200", "400"},
    }
    for (path, method), codes in expected.items():
        assert path in paths, path
        assert codes <= set(paths[path][method]["responses"]), (path, method)


def test_api_docs_describe_the_lifeboat_fields(db):
    """/api/docs renders, and the schema describes the README answers for people reading it."""
    assert Client().get("/api/docs").status_code == 200
    schemas = Client().get("/api/openapi.json").json()["components"]["schemas"]
    assert "future readers" in schemas["ReadmeIn"]["properties"]["future"]["description"]


def test_flickr_refusing_the_portal_key_is_a_503_with_a_message_and_creates_nothing(sandbox, staff):
    """When Flickr refuses the portal's key, the caller gets a JSON 503 saying so, not a 500."""
    server = sandbox(photos=20, api_key="the-real-key")
    with override_settings(FLICKR_API_URL=server.api_url, FLICKR_API_KEY="a-wrong-key"):
        response = ApiClient(staff).post(
            LIFEBOATS,
            {
                "name": "Harbour",
                "purpose": "Keep them.",
                "readme": {"selection": "", "future": "", "usage": ""},
                "urls": ["https://www.flickr.com/photos/sandbox-archive/"],
            },
        )

    assert response.status_code == 503
    assert "API key was refused" in response.json()["detail"]
    assert not Lifeboat.objects.exists()
