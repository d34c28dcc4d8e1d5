"""The lifeboat's page: status, history, photo counts, live progress, download and expiry;
and the organisation's list of lifeboats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lifeboats.models import ExclusionReason, LifeboatEvent, LifeboatStatus, PhotoState
from portal.models import Membership
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_membership,
    make_organisation,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def detail(client, lifeboat) -> str:
    response = client.get(lifeboat.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def progress(client, lifeboat, **headers):
    return client.get(reverse("lifeboats:progress", args=[lifeboat.pk]), headers=headers)


# --- Status and history --------------------------------------------------------------------


def test_timeline_lists_each_move_with_who_and_the_note(staff_client, organisation, staff):
    """Every event appears: its status, the person (or the portal) and the note."""
    lifeboat = make_lifeboat(organisation, status="draft", created_by=staff)
    admin = make_foundation_admin(display_name="Ada Admin")
    LifeboatEvent.objects.create(lifeboat=lifeboat, from_status="", status="draft", actor=staff)
    LifeboatEvent.objects.create(
        lifeboat=lifeboat,
        from_status="submitted",
        status="draft",
        actor=admin,
        note="Please explain the selection.",
    )
    content = detail(staff_client, lifeboat)
    assert staff.get_full_name() in content
    assert "Ada Admin" in content
    assert "Please explain the selection." in content


def test_photo_counts_by_state_and_exclusion_reason(staff_client, organisation):
    """Included, pending and excluded photos are counted, the excluded ones by reason."""
    lifeboat = make_lifeboat(organisation, status="building", photos=0)
    for _ in range(3):
        make_lifeboat_photo(lifeboat, state=PhotoState.INCLUDED)
    make_lifeboat_photo(lifeboat)
    make_lifeboat_photo(lifeboat, state=PhotoState.EXCLUDED, reason=ExclusionReason.NOT_FOUND)
    content = detail(staff_client, lifeboat)
    assert 'id="count-included">3<' in content
    assert 'id="count-pending">1<' in content
    assert 'id="count-excluded">1<' in content
    assert ExclusionReason.NOT_FOUND.label in content


# --- Live progress -------------------------------------------------------------------------


def test_page_of_a_building_lifeboat_polls_its_progress(staff_client, organisation):
    """While building, the progress bar asks for itself again every 2 seconds."""
    lifeboat = make_lifeboat(
        organisation, status="building", photos=4, photos_total=4, photos_done=1
    )
    content = detail(staff_client, lifeboat)
    assert f'hx-get="{reverse("lifeboats:progress", args=[lifeboat.pk])}"' in content
    assert 'hx-trigger="every 2s"' in content
    assert 'aria-valuenow="25"' in content


def test_progress_fragment_shows_done_total_and_api_calls(staff_client, organisation):
    """The fragment holds the bar, photos done of total, and the API calls used."""
    lifeboat = make_lifeboat(
        organisation, status="building", photos=4, photos_total=4, photos_done=3, api_calls=17
    )
    content = progress(staff_client, lifeboat).content.decode()
    assert "<strong>3</strong> of 4 photos done (75%)" in content
    assert "17 Flickr API calls used" in content
    assert 'hx-trigger="every 2s"' in content
    assert "<html" not in content


def test_progress_stops_polling_once_the_build_has_ended(staff_client, organisation):
    """After the build, the fragment has no trigger and htmx is told to reload the page."""
    lifeboat = make_lifeboat(organisation, status="ready", photos=4, photos_total=4, photos_done=4)
    response = progress(staff_client, lifeboat, HX_Request="true")
    assert "hx-trigger" not in response.content.decode()
    assert response["HX-Refresh"] == "true"


def test_page_of_a_ready_lifeboat_does_not_poll(staff_client, organisation):
    """A finished lifeboat's page has no polling progress bar."""
    lifeboat = make_lifeboat(organisation, status="ready", expires_at=timezone.now())
    assert "hx-trigger" not in detail(staff_client, lifeboat)


# --- Download and expiry -------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_ready_lifeboat_shows_the_download_button_and_countdown(staff_client, organisation):
    """Once ready: the download link and how many days are left, until which date."""
    lifeboat = make_lifeboat(
        organisation,
        status="ready",
        ready_at=NOW - timedelta(days=1),
        expires_at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
    )
    content = detail(staff_client, lifeboat)
    assert f'href="{reverse("lifeboats:download", args=[lifeboat.pk])}"' in content
    assert "Available for 13 more days, until 10 December 2026." in content


@time_machine.travel(NOW, tick=False)
def test_countdown_on_the_last_day_gives_the_time(staff_client, organisation):
    """On its last day the countdown says until what time today."""
    lifeboat = make_lifeboat(
        organisation, status="ready", expires_at=datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    )
    assert "Available until 18:00 today." in detail(staff_client, lifeboat)


@time_machine.travel(NOW, tick=False)
def test_countdown_with_one_day_left_is_singular(staff_client, organisation):
    """Tomorrow's expiry reads "1 more day"."""
    lifeboat = make_lifeboat(
        organisation, status="ready", expires_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    )
    assert "Available for 1 more day, until 28 November 2026." in detail(staff_client, lifeboat)


def test_expired_lifeboat_says_what_expired_and_when(staff_client, organisation):
    """An expired lifeboat has no download button, and says when the package went."""
    lifeboat = make_lifeboat(
        organisation, status="expired", expires_at=datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    )
    content = detail(staff_client, lifeboat)
    assert "available until 1 October 2026, 12:00 and has been deleted" in content
    assert 'id="download-button"' not in content


# --- Failure and retry ---------------------------------------------------------------------


def test_failed_lifeboat_shows_the_message_and_a_retry_button_to_managers(client, organisation):
    """Managers see the failure message and the retry button."""
    manager = make_membership(organisation, role=Membership.Role.MANAGER).user
    lifeboat = make_lifeboat(organisation, status="failed", failure_message="Invalid API key.")
    client.force_login(manager)
    content = detail(client, lifeboat)
    assert "Invalid API key." in content
    assert 'id="retry-build"' in content


def test_staff_see_no_retry_button_and_cannot_retry(staff_client, organisation):
    """Staff who are not managers are told who can retry; a forced POST is 403."""
    lifeboat = make_lifeboat(organisation, status="failed", failure_message="Invalid API key.")
    content = detail(staff_client, lifeboat)
    response = staff_client.post(reverse("lifeboats:retry", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert 'id="retry-build"' not in content
    assert response.status_code == 403
    assert lifeboat.status == LifeboatStatus.FAILED


# --- Withdrawing and approving -------------------------------------------------------------


def test_withdrawing_a_submitted_request_from_its_page(staff_client, organisation):
    """The page of a submitted request has the withdraw button, and it works."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    assert 'id="withdraw"' in detail(staff_client, lifeboat)
    staff_client.post(reverse("lifeboats:withdraw", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.WITHDRAWN


def test_withdrawing_a_ready_lifeboat_changes_nothing(staff_client, organisation):
    """Only drafts and submitted requests can be withdrawn; the state machine says why."""
    lifeboat = make_lifeboat(organisation, status="ready", expires_at=timezone.now())
    response = staff_client.post(reverse("lifeboats:withdraw", args=[lifeboat.pk]), follow=True)
    lifeboat.refresh_from_db()
    assert lifeboat.status == LifeboatStatus.READY
    assert "it cannot be withdrawn" in response.content.decode()


def test_staff_cannot_approve_their_own_request(staff_client, organisation):
    """Approving is for foundation admins: staff get 403 and the request stays submitted."""
    lifeboat = make_lifeboat(organisation, status="submitted")
    response = staff_client.post(reverse("lifeboats:review_approve", args=[lifeboat.pk]))
    lifeboat.refresh_from_db()
    assert response.status_code == 403
    assert lifeboat.status == LifeboatStatus.SUBMITTED


# --- The organisation's list ---------------------------------------------------------------


def test_list_shows_an_empty_state_and_the_new_button(staff_client, organisation):
    """With no lifeboats yet the list says so and offers to start one."""
    response = staff_client.get(reverse("lifeboats:list", kwargs={"slug": organisation.slug}))
    content = response.content.decode()
    assert "No lifeboats yet" in content
    assert reverse("lifeboats:new", kwargs={"slug": organisation.slug}) in content


def test_list_shows_each_lifeboat_with_status_photos_and_requester(staff_client, organisation):
    """Each row: name linking to its page, status, photo count and who asked."""
    lifeboat = make_lifeboat(organisation, status="submitted", photos=7)
    other = make_lifeboat(make_organisation(), name="Someone else's")
    content = staff_client.get(
        reverse("lifeboats:list", kwargs={"slug": organisation.slug})
    ).content.decode()
    assert f'<a href="{lifeboat.get_absolute_url()}">{lifeboat.name}</a>' in content
    assert "Submitted for review" in content
    assert "<td>7</td>" in content
    assert lifeboat.created_by.get_full_name() in content
    assert other.name not in content
