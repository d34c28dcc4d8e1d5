"""Signed download links: who gets one, how long it lasts, and that every download is logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lifeboats.downloads import SIGNED_LINK_MAX_AGE, download_link_for, download_token
from lifeboats.models import LifeboatDownload
from portal.errors import Gone, InvalidTransition, NotFound
from tests.factories import (
    make_api_token,
    make_foundation_admin,
    make_lifeboat,
    make_membership,
)
from tests.lifeboats.package_helpers import PACKAGE_BYTES, make_ready_lifeboat

pytestmark = pytest.mark.django_db


@pytest.fixture
def lifeboat():
    return make_ready_lifeboat(slug="harbour-photos")


@pytest.fixture
def member(lifeboat):
    return make_membership(lifeboat.organisation).user


def fetch(client, response):
    """Follow a redirect to the signed link and read the whole streamed body."""
    assert response.status_code == 302, response.content
    got = client.get(response["Location"])
    body = b"".join(got.streaming_content) if got.streaming else got.content
    return got, body


# --- download_link_for -----------------------------------------------------------------------


def test_a_member_gets_a_signed_link_to_the_package(lifeboat, member):
    """Staff of the lifeboat's organisation get a link to the signed file view."""
    link = download_link_for(lifeboat, user=member)
    assert link.startswith(f"/lifeboats/{lifeboat.pk}/download/")
    assert link != reverse("lifeboats:download", args=[lifeboat.pk])


def test_a_foundation_admin_gets_a_signed_link_too(lifeboat):
    """Foundation admins may download any lifeboat."""
    assert download_link_for(lifeboat, user=make_foundation_admin())


def test_someone_from_another_organisation_gets_not_found(lifeboat):
    """Another organisation's lifeboat is 404, never 403."""
    outsider = make_membership().user
    with pytest.raises(NotFound):
        download_link_for(lifeboat, user=outsider)


def test_a_lifeboat_that_is_not_ready_has_no_link():
    """A lifeboat still building answers 409 with a message saying when it will work."""
    building = make_lifeboat(status="building", photos=0)
    member = make_membership(building.organisation).user
    with pytest.raises(InvalidTransition, match="once it is ready"):
        download_link_for(building, user=member)


def test_an_expired_lifeboat_is_gone_and_says_when_it_expired(member, lifeboat):
    """An expired lifeboat answers 410, naming the day its package expired."""
    lifeboat.status = "expired"
    lifeboat.expires_at = timezone.now().replace(year=2030, month=3, day=3, hour=12)
    lifeboat.save()
    with pytest.raises(Gone, match="expired on 3 March 2030"):
        download_link_for(lifeboat, user=member)


def test_a_ready_lifeboat_past_its_window_is_gone_before_the_expiry_task_runs(lifeboat, member):
    """The 410 does not wait for the hourly task: the window's end is enough."""
    with time_machine.travel(lifeboat.expires_at + timedelta(minutes=1)), pytest.raises(Gone):
        download_link_for(lifeboat, user=member)


# --- The pages -------------------------------------------------------------------------------


def test_the_download_button_redirects_to_a_fresh_signed_link(client, lifeboat, member):
    """GET lifeboats:download answers 302 to the signed file link."""
    client.force_login(member)
    response = client.get(reverse("lifeboats:download", args=[lifeboat.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/lifeboats/{lifeboat.pk}/download/")


def test_following_the_link_streams_the_zip_as_an_attachment(client, lifeboat, member):
    """The file view sends the package's bytes, its length and a download file name."""
    client.force_login(member)
    got, body = fetch(client, client.get(reverse("lifeboats:download", args=[lifeboat.pk])))
    assert got.status_code == 200
    assert body == PACKAGE_BYTES
    assert got["Content-Length"] == str(len(PACKAGE_BYTES))
    assert got["Content-Type"] == "application/zip"
    assert 'attachment; filename="harbour-photos.zip"' in got["Content-Disposition"]


def test_a_download_is_logged_with_who_when_size_and_address(client, lifeboat, member):
    """Every download leaves a LifeboatDownload row."""
    client.force_login(member)
    fetch(client, client.get(reverse("lifeboats:download", args=[lifeboat.pk])))
    download = LifeboatDownload.objects.get()
    assert (download.lifeboat, download.user, download.size) == (
        lifeboat,
        member,
        len(PACKAGE_BYTES),
    )
    assert download.ip == "127.0.0.1"
    assert abs(download.at - timezone.now()) < timedelta(minutes=1)


def test_issuing_a_link_alone_logs_nothing_on_the_filesystem(lifeboat, member):
    """With filesystem storage the download is logged when the file is fetched, not before."""
    download_link_for(lifeboat, user=member)
    assert not LifeboatDownload.objects.exists()


def test_the_download_button_of_another_organisations_lifeboat_is_not_found(client, lifeboat):
    """A stranger's Download button is 404."""
    client.force_login(make_membership().user)
    response = client.get(reverse("lifeboats:download", args=[lifeboat.pk]))
    assert response.status_code == 404


def test_the_download_button_sends_visitors_to_log_in(client, lifeboat):
    """Anonymous visitors are asked to log in first."""
    response = client.get(reverse("lifeboats:download", args=[lifeboat.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_download_button_of_an_expired_lifeboat_answers_gone(client, lifeboat, member):
    """410 with a page that says the package expired."""
    with time_machine.travel(lifeboat.expires_at + timedelta(hours=1)):
        client.force_login(member)
        response = client.get(reverse("lifeboats:download", args=[lifeboat.pk]))
    assert response.status_code == 410
    assert b"This download has expired" in response.content


def test_the_download_button_of_a_lifeboat_still_building_answers_conflict(client):
    """409 while there is no package yet."""
    building = make_lifeboat(status="building", photos=0)
    client.force_login(make_membership(building.organisation).user)
    response = client.get(reverse("lifeboats:download", args=[building.pk]))
    assert response.status_code == 409
    assert b"Not ready to download yet" in response.content


def test_a_link_older_than_fifteen_minutes_is_refused(client, lifeboat, member):
    """An expired link answers 403 with a page saying to press Download again."""
    link = download_link_for(lifeboat, user=member)
    with time_machine.travel(timezone.now() + SIGNED_LINK_MAX_AGE + timedelta(seconds=5)):
        response = client.get(link)
    assert response.status_code == 403
    assert b"This download link has expired" in response.content
    assert not LifeboatDownload.objects.exists()


def test_a_forged_link_is_refused(client, lifeboat):
    """A link whose signature does not match answers 403."""
    response = client.get(
        reverse("lifeboats:download_file", args=[lifeboat.pk, "eyJ1c2VyIjoxfQ:forged:sig"])
    )
    assert response.status_code == 403
    assert b"not valid" in response.content


def test_a_link_for_one_lifeboat_does_not_open_another(client, lifeboat, member):
    """The signature is bound to the lifeboat it was issued for."""
    other = make_ready_lifeboat(lifeboat.organisation)
    token = download_token(lifeboat, member)
    response = client.get(reverse("lifeboats:download_file", args=[other.pk, token]))
    assert response.status_code == 403
    assert b"another lifeboat" in response.content


def test_a_link_stops_working_when_its_user_leaves_the_organisation(client, lifeboat):
    """Membership is checked again when the link is followed."""
    membership = make_membership(lifeboat.organisation)
    link = download_link_for(lifeboat, user=membership.user)
    membership.delete()
    assert client.get(link).status_code == 404


def test_a_link_to_a_lifeboat_that_expired_since_answers_gone(client, lifeboat, member):
    """A link issued before the window closed answers 410 once it has."""
    with time_machine.travel(lifeboat.expires_at - timedelta(minutes=5)):
        link = download_link_for(lifeboat, user=member)
    with time_machine.travel(lifeboat.expires_at + timedelta(minutes=5)):
        response = client.get(link)
    assert response.status_code == 410
    assert not LifeboatDownload.objects.exists()


def test_the_api_download_redirects_to_a_link_that_works_with_the_token_alone(client, lifeboat):
    """GET /api/lifeboats/{id}/download → 302; the signed link needs no session."""
    member = make_membership(lifeboat.organisation).user
    _, secret = make_api_token(member)
    response = client.get(
        f"/api/lifeboats/{lifeboat.pk}/download", headers={"authorization": f"Bearer {secret}"}
    )
    got, body = fetch(client, response)
    assert got.status_code == 200
    assert body == PACKAGE_BYTES
    assert LifeboatDownload.objects.get().user == member


def test_the_api_download_of_an_expired_lifeboat_answers_gone(client, lifeboat):
    """410 with a JSON detail once the window has closed."""
    _, secret = make_api_token(make_membership(lifeboat.organisation).user)
    with time_machine.travel(lifeboat.expires_at + timedelta(days=1)):
        response = client.get(
            f"/api/lifeboats/{lifeboat.pk}/download",
            headers={"authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


def test_an_inactive_user_cannot_use_a_link_issued_before(client, lifeboat, member):
    """A deactivated account's links stop working."""
    link = download_link_for(lifeboat, user=member)
    member.is_active = False
    member.save()
    assert client.get(link).status_code == 404
