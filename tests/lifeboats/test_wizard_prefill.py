"""Opening the lifeboat wizard pre-filled (`lifeboats.prefill`): a name and URLs stashed in
the session, shown by `lifeboats:new?prefill=<token>` as the form's initial values."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from lifeboats.models import Lifeboat
from lifeboats.prefill import KEEP, prefill_for, prefill_url, stash_prefill
from tests.factories import make_membership
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

pytestmark = pytest.mark.django_db

WORLD_PHOTOS = 60
WORLD = sandbox_helpers.sandbox_world(WORLD_PHOTOS, 1)
ALBUM_URL = f"{WORLD.archive.photos_url}albums/{WORLD.albums[0].id}"
PHOTO = WORLD.photo_at(WORLD.albums[1].photo_indices[0])
PHOTO_URL = f"{WORLD.archive.photos_url}{PHOTO.id}/"
LIFEBOATS_APP = Path(__file__).resolve().parents[2] / "lifeboats"


def stash(client, **fields) -> str:
    """A prefill in the client's session; returns its token."""
    session = client.session
    values = {
        "name": "Lighthouses",
        "urls": [ALBUM_URL, PHOTO_URL],
        "origin": "the photo desk",
        **fields,
    }
    token = stash_prefill(session, **values)
    session.save()
    return token


def form_values(response) -> tuple[str, str]:
    """The name and the URLs box of the wizard's form, as shown."""
    content = response.content.decode()
    name = re.search(r'<input type="text" name="name"(?: value="([^"]*)")?', content)
    urls = re.search(r'<textarea name="urls"[^>]*>\n?(.*?)</textarea>', content, re.S)
    assert name, "the wizard's form has no name field"
    assert urls, "the wizard's form has no URLs box"
    return unescape(name.group(1) or ""), unescape(urls.group(1))


def test_a_prefill_token_fills_in_the_name_and_the_urls(staff_client, organisation):
    """The wizard's form starts with the stashed name and URLs, one per line."""
    token = stash(staff_client)
    response = staff_client.get(prefill_url(organisation.slug, token))
    assert response.status_code == 200
    assert form_values(response) == ("Lighthouses", f"{ALBUM_URL}\n{PHOTO_URL}")


def test_the_prefill_is_announced_with_its_origin_notes_and_way_back(staff_client, organisation):
    """Above the form: where it came from, how many URLs, any notes, and a link back."""
    token = stash(
        staff_client,
        origin="the Commons Explorer",
        origin_url="/commons/selection/",
        notes=["Left out: 1 photo you picked."],
    )
    content = staff_client.get(prefill_url(organisation.slug, token)).content.decode()
    notice = content[content.index('id="prefill-notice"') : content.index("new-lifeboat-form")]
    assert "Pre-filled from the Commons Explorer: 2 URLs." in notice
    assert "<p>Left out: 1 photo you picked.</p>" in notice
    assert '<a href="/commons/selection/">Back to the Commons Explorer</a>' in notice


def test_reloading_keeps_the_prefill_and_creates_nothing(staff_client, organisation):
    """The pre-filled page can be reloaded; nothing exists until the form is submitted."""
    token = stash(staff_client)
    for _ in range(2):
        response = staff_client.get(prefill_url(organisation.slug, token))
        assert form_values(response)[0] == "Lighthouses"
    assert not Lifeboat.objects.exists()


def test_urls_of_any_length_fit(staff_client, organisation):
    """Thousands of URLs travel in the session, not in the address."""
    urls = [f"{WORLD.archive.photos_url}{50_000_000_000 + n}/" for n in range(5_000)]
    token = stash(staff_client, urls=urls)
    address = prefill_url(organisation.slug, token)
    assert len(address) < 100
    assert form_values(staff_client.get(address))[1].splitlines() == urls


def test_an_unknown_token_shows_the_empty_form(staff_client, organisation):
    """A token this session does not hold gives the ordinary, empty first step."""
    stash(staff_client)
    response = staff_client.get(prefill_url(organisation.slug, "no-such-token"))
    assert response.status_code == 200
    assert form_values(response) == ("", "")
    assert 'id="prefill-notice"' not in response.content.decode()


def test_a_token_expires_with_the_session(client, staff, organisation):
    """After logging out and in again, the old token opens the empty form."""
    client.force_login(staff)
    token = stash(client)
    client.logout()
    client.force_login(staff)
    assert form_values(client.get(prefill_url(organisation.slug, token))) == ("", "")


def test_a_token_works_only_in_its_own_session(client, staff, organisation):
    """Someone else holding the address does not get the prefill."""
    owner = make_membership(organisation).user
    client.force_login(owner)
    token = stash(client)
    client.logout()
    client.force_login(staff)
    assert form_values(client.get(prefill_url(organisation.slug, token))) == ("", "")


def test_only_the_newest_prefills_are_kept(staff_client):
    """A session keeps the newest KEEP prefills; older tokens are forgotten."""
    tokens = [stash(staff_client, name=f"Lifeboat {n}") for n in range(KEEP + 1)]
    session = staff_client.session
    assert prefill_for(session, tokens[0]) is None
    assert [prefill_for(session, token).name for token in tokens[1:]] == [
        f"Lifeboat {n}" for n in range(1, KEEP + 1)
    ]


def test_a_refused_submission_keeps_the_note(staff_client, organisation):
    """If the submitted form has an error, the page still says where the URLs came from."""
    token = stash(staff_client)
    response = staff_client.post(
        prefill_url(organisation.slug, token), {"name": "", "urls": ALBUM_URL}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Give the lifeboat a name" in content
    assert "Pre-filled from the photo desk: 2 URLs." in content


@pytest.fixture
def flickr(sandbox, settings):
    server = sandbox(photos=WORLD_PHOTOS)
    settings.FLICKR_API_URL = server.api_url
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 3_600_000
    return server


def test_submitting_the_prefilled_form_creates_the_lifeboat(staff_client, organisation, flickr):
    """Submitted as shown, the form creates the draft with those URLs, and the prefill is
    then forgotten."""
    token = stash(staff_client)
    address = prefill_url(organisation.slug, token)
    name, urls = form_values(staff_client.get(address))
    response = staff_client.post(address, {"name": name, "urls": urls})
    lifeboat = Lifeboat.objects.get()
    assert response["Location"] == reverse("lifeboats:preview", args=[lifeboat.pk])
    assert (lifeboat.name, lifeboat.urls) == ("Lighthouses", [ALBUM_URL, PHOTO_URL])
    assert lifeboat.photos.filter(photo_id=PHOTO.id).exists()
    assert prefill_for(staff_client.session, token) is None


def test_lifeboats_never_import_the_commons_app():
    """The wizard's prefill is general: the lifeboats app does not depend on `commons`."""
    pattern = re.compile(r"^\s*(from|import)\s+commons\b", re.M)
    offenders = [
        path.name for path in LIFEBOATS_APP.rglob("*.py") if pattern.search(path.read_text())
    ]
    assert offenders == []
