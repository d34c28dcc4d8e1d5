"""The foundation's review queue and review page: who sees them, and the three decisions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from legal.models import Notification
from lifeboats.models import LifeboatStatus
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_membership,
    make_organisation,
    make_user,
)

S = LifeboatStatus


@pytest.fixture
def organisation(db):
    return make_organisation(name="Harbour Archive")


@pytest.fixture
def requester(organisation):
    return make_membership(organisation, make_user(display_name="Stan Staff")).user


@pytest.fixture
def submitted(organisation, requester):
    return make_lifeboat(
        organisation,
        status=S.SUBMITTED,
        created_by=requester,
        name="Harbour views",
        readme_future="Read **the captions** <script>alert(1)</script>",
    )


@pytest.fixture
def admin(db):
    return make_foundation_admin(email="fiona@foundation.example")


def people(organisation):
    """Everyone of the permission matrix except the admin: staff, manager, other organisation."""
    return {
        "staff": make_membership(organisation).user,
        "manager": make_membership(organisation, role="manager").user,
        "other organisation": make_membership(make_organisation()).user,
    }


PAGES = ["queue", "review"]


def page_url(page, lifeboat):
    if page == "queue":
        return reverse("lifeboats:review_queue")
    return reverse("lifeboats:review", args=[lifeboat.pk])


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, submitted, page):
    """Without logging in, the pages redirect to the login page."""
    response = client.get(page_url(page, submitted))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["staff", "manager", "other organisation"])
def test_only_foundation_admins_open_the_review_pages(client, organisation, submitted, page, who):
    """Staff, managers and other organisations get a 403 saying who reviews requests."""
    client.force_login(people(organisation)[who])

    response = client.get(page_url(page, submitted))

    assert response.status_code == 403
    assert b"Only foundation admins review lifeboat requests" in response.content


@pytest.mark.parametrize("action", ["review_approve", "review_return", "review_reject"])
def test_a_manager_cannot_decide_by_posting(client, organisation, submitted, action):
    """The decisions refuse anyone but foundation admins, and change nothing."""
    client.force_login(people(organisation)["manager"])

    response = client.post(
        reverse(f"lifeboats:{action}", args=[submitted.pk]), {"note": "x", "reason": "x"}
    )

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_the_queue_lists_submitted_requests_oldest_first_with_their_licences(
    client, admin, organisation, submitted
):
    """Only submitted requests, oldest first, with counts by licence and unknown ones flagged."""
    newer = make_lifeboat(organisation, status=S.SUBMITTED, name="Lighthouses", photos=0)
    make_lifeboat_photo(newer, license_id="unknown-42")
    make_lifeboat(organisation, status=S.DRAFT, name="Still a draft")
    newer.submitted_at = submitted.submitted_at.replace(year=submitted.submitted_at.year + 1)
    newer.save()
    client.force_login(admin)

    response = client.get(reverse("lifeboats:review_queue"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Harbour views") < html.index("Lighthouses")
    assert "Still a draft" not in html
    assert "CC BY 2.0: 3" in html
    assert "1 with an unknown licence" in html
    assert '<span class="stat-value">2</span> <span class="stat-label">requests awaiting' in html


def test_the_queue_has_an_empty_state(client, admin):
    """With nothing submitted, the queue says so."""
    client.force_login(admin)

    response = client.get(reverse("lifeboats:review_queue"))

    assert b"Nothing to review" in response.content


def test_the_review_page_shows_the_readme_sanitised_the_photos_and_the_log(
    client, admin, submitted
):
    """README answers are rendered as Markdown without scripts; thumbnails and history show."""
    client.force_login(admin)

    response = client.get(reverse("lifeboats:review", args=[submitted.pk]))

    html = response.content.decode()
    assert "<strong>the captions</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert html.count('loading="lazy"') == 3
    assert "Stan Staff" in html


def test_another_lifeboat_id_is_not_found(client, admin):
    """An unknown id answers 404."""
    client.force_login(admin)

    response = client.get(
        reverse("lifeboats:review", args=["7d4c8a56-9d1a-4e0b-a0f3-000000000000"])
    )

    assert response.status_code == 404


def test_approving_moves_the_request_and_tells_the_requester(
    client, admin, submitted, requester, django_capture_on_commit_callbacks
):
    """Approve: status approved, a message, an inbox notification and an email."""
    client.force_login(admin)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("lifeboats:review_approve", args=[submitted.pk]), {"note": "Fine."}, follow=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            if callback.func.__name__ != "enqueue_build":
                callback()

    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert "Approved “Harbour views”" in response.content.decode()
    assert Notification.objects.get(recipient=requester).kind == "lifeboat_approved"
    assert mail.outbox[0].to == [requester.email]


def test_returning_without_a_note_is_refused_with_a_message(client, admin, submitted):
    """An empty note: the request stays submitted and the page says what is missing."""
    client.force_login(admin)

    response = client.post(
        reverse("lifeboats:review_return", args=[submitted.pk]), {"note": ""}, follow=True
    )

    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert "Please give a note" in response.content.decode()


def test_returning_with_a_note_keeps_it_in_the_log(
    client, admin, submitted, django_capture_on_commit_callbacks
):
    """The note is recorded on the event and sent to the requester."""
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lifeboats:review_return", args=[submitted.pk]), {"note": "Add dates."})

    submitted.refresh_from_db()
    assert submitted.status == S.DRAFT
    assert submitted.events.get().note == "Add dates."
    assert "Add dates." in mail.outbox[0].body


def test_rejecting_needs_a_reason_and_records_it(
    client, admin, submitted, django_capture_on_commit_callbacks
):
    """Reject with a reason: rejected, with the reason logged and emailed."""
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("lifeboats:review_reject", args=[submitted.pk]), {"reason": "Duplicate."}
        )

    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED
    assert submitted.events.get().note == "Duplicate."
    assert "Duplicate." in mail.outbox[0].body


def test_deciding_twice_shows_the_wrong_state_message(client, admin, organisation):
    """A decision on a request already decided says so and changes nothing."""
    lifeboat = make_lifeboat(organisation, status=S.REJECTED)
    client.force_login(admin)

    response = client.post(
        reverse("lifeboats:review_approve", args=[lifeboat.pk]), {"note": ""}, follow=True
    )

    lifeboat.refresh_from_db()
    assert lifeboat.status == S.REJECTED
    assert "This lifeboat is “rejected”; it cannot be approved." in response.content.decode()


def test_decisions_are_post_only(client, admin, submitted):
    """GET on a decision URL is refused (405) and changes nothing."""
    client.force_login(admin)

    response = client.get(reverse("lifeboats:review_approve", args=[submitted.pk]))

    assert response.status_code == 405


def test_the_dashboard_panel_links_admins_to_the_queue(client, admin, submitted):
    """Admins see the requests awaiting review on their dashboard."""
    client.force_login(admin)

    response = client.get(reverse("dashboard"))

    assert reverse("lifeboats:review", args=[submitted.pk]) in response.content.decode()
    assert (
        '1</span> <span class="stat-label">lifeboat request awaiting' in response.content.decode()
    )


def test_the_dashboard_panel_lists_a_members_lifeboats(client, organisation, submitted, requester):
    """Members see their organisation's lifeboats with their status."""
    client.force_login(requester)

    response = client.get(reverse("dashboard"))

    html = response.content.decode()
    assert "Harbour views" in html
    assert "badge-submitted" in html


def test_the_dashboard_panel_explains_why_a_member_cannot_start_a_lifeboat(client, db):
    """Without an approved agreement, the empty state gives the reason instead of a button."""
    member = make_membership(make_organisation()).user
    client.force_login(member)

    response = client.get(reverse("dashboard"))

    html = response.content.decode()
    assert "No lifeboats yet" in html
    assert "A manager needs to sign agreement" in html
