"""Consent requests: who is asked, who may answer, the window, reminders, what the package and
the review queue read, and the photographer's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from legal import consent
from legal.consent import (
    consent_by_photo,
    consent_expire_due,
    consent_for_photo,
    consent_grant,
    consent_refuse,
    consent_send_reminders,
    consent_summary,
    ensure_consent_schedules,
    licence_review,
    pending_consent_count,
)
from legal.models import ConsentItem, ConsentRequest, Notification
from lifeboats.models import LifeboatPhoto
from portal.errors import InvalidTransition, NotFound, PortalError
from tests.factories import (
    make_foundation_admin,
    make_lifeboat,
    make_lifeboat_photo,
    make_membership,
    make_organisation,
    make_user,
)

PAT = "22222222@N02"
SAM = "33333333@N03"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def organisation(db):
    return make_organisation(name="Harbour Archive")


@pytest.fixture
def pat(db):
    return make_user(username="pat", email="pat@photos.example", flickr_nsid=PAT)


@pytest.fixture
def sam(db):
    return make_user(username="sam", email="sam@photos.example", flickr_nsid=SAM)


@pytest.fixture
def lifeboat(organisation):
    return make_lifeboat(organisation, status="submitted", photos=0, name="Harbour Lights")


def add_photo(lifeboat, owner: str, licence: str = "all-rights-reserved", **fields):
    return make_lifeboat_photo(lifeboat, owner_nsid=owner, license_id=licence, **fields)


def review(lifeboat, capture):
    """Run the licence review and its after-commit notifications."""
    with capture(execute=True):
        return licence_review(lifeboat)


@pytest.fixture
def asked(lifeboat, pat, django_capture_on_commit_callbacks):
    """Pat asked about two photos of the lifeboat; Sam about one."""
    add_photo(lifeboat, PAT, photo_id="1001")
    add_photo(lifeboat, PAT, photo_id="1002", licence="cc-by-nc-2.0")
    add_photo(lifeboat, SAM, photo_id="2001")
    add_photo(lifeboat, SAM, photo_id="2002", licence="cc-by-2.0")
    review(lifeboat, django_capture_on_commit_callbacks)
    return ConsentRequest.objects.get(lifeboat=lifeboat, owner_nsid=PAT)


def item(photo_id: str) -> ConsentItem:
    return ConsentItem.objects.select_related("request").get(photo_id=photo_id)


def index_row(lifeboat, photo_id: str) -> tuple[str, str]:
    row = LifeboatPhoto.objects.get(lifeboat=lifeboat, photo_id=photo_id)
    return row.state, row.reason


# --- Requests ------------------------------------------------------------------------------------


def test_one_request_per_photographer_lists_their_photos(lifeboat, asked):
    """Each photographer gets one request for the lifeboat, listing only their photos."""
    requests = {
        r.owner_nsid: sorted(r.items.values_list("photo_id", flat=True))
        for r in ConsentRequest.objects.filter(lifeboat=lifeboat)
    }

    assert requests == {PAT: ["1001", "1002"], SAM: ["2001"]}


def test_the_window_is_consent_window_days(asked):
    """The deadline is CONSENT_WINDOW_DAYS after the review."""
    assert asked.deadline == NOW + timedelta(days=settings.CONSENT_WINDOW_DAYS)


def test_photos_waiting_for_consent_stay_pending_in_the_index(lifeboat, asked):
    """Asking does not decide: the index row stays pending until the answer."""
    assert index_row(lifeboat, "1001") == ("pending", "")
    assert pending_consent_count(lifeboat) == 3


def test_the_photographer_is_notified_in_the_inbox_and_by_email(asked, pat):
    """A stored notification linking to the request, and the same text emailed."""
    notification = Notification.objects.get(recipient=pat)

    assert notification.kind == "consent_requested"
    assert notification.url == asked.get_absolute_url()
    assert "Harbour Archive" in notification.subject
    assert [message.to for message in mail.outbox] == [["pat@photos.example"]]
    assert asked.get_absolute_url() in mail.outbox[0].body
    assert "Harbour Lights" in mail.outbox[0].body


def test_a_photographer_without_an_account_is_not_notified(lifeboat, asked):
    """Sam has no portal account: the request waits with no recipient, nothing is sent."""
    request = ConsentRequest.objects.get(lifeboat=lifeboat, owner_nsid=SAM)

    assert request.recipient is None
    assert list(ConsentRequest.objects.without_account()) == [request]
    assert Notification.objects.filter(kind="consent_requested").count() == 1


def test_reviewing_again_asks_only_about_new_photos(
    lifeboat, asked, django_capture_on_commit_callbacks
):
    """A resubmitted lifeboat adds its new photos to the same request; nothing is asked twice."""
    add_photo(lifeboat, PAT, photo_id="1003")

    review(lifeboat, django_capture_on_commit_callbacks)

    assert ConsentRequest.objects.filter(lifeboat=lifeboat, owner_nsid=PAT).count() == 1
    assert sorted(asked.items.values_list("photo_id", flat=True)) == ["1001", "1002", "1003"]
    assert Notification.objects.filter(kind="consent_requested").count() == 2


def test_for_photographer_lists_only_their_own_requests(asked, pat, sam):
    """The dashboard's query: requests about the user's NSID, nobody else's."""
    assert list(ConsentRequest.objects.for_photographer(pat)) == [asked]
    assert [r.owner_nsid for r in ConsentRequest.objects.for_photographer(sam)] == [SAM]
    assert not ConsentRequest.objects.for_photographer(make_user()).exists()


# --- Answers -------------------------------------------------------------------------------------


def test_the_owner_grants_a_photo(lifeboat, asked, pat):
    """Granted, with the message and who decided; the photo stays pending for the build."""
    granted = consent_grant(item("1001"), by=pat, message="  Happy to help.  ")

    assert granted.status == "granted"
    assert item("1001").message == "Happy to help."
    assert item("1001").decided_by == pat
    assert index_row(lifeboat, "1001") == ("pending", "")


def test_the_owner_refuses_a_photo_and_it_is_excluded(lifeboat, asked, pat):
    """Refused: the index row is excluded with `consent_refused`."""
    consent_refuse(item("1002"), by=pat)

    assert item("1002").status == "refused"
    assert index_row(lifeboat, "1002") == ("excluded", "consent_refused")


def test_the_request_closes_when_every_photo_is_answered(asked, pat):
    """The last answer closes the request."""
    consent_grant(item("1001"), by=pat)
    assert ConsentRequest.objects.get(pk=asked.pk).closed_at is None

    consent_refuse(item("1002"), by=pat)

    assert ConsentRequest.objects.get(pk=asked.pk).closed_at == NOW


def test_a_photographer_cannot_answer_for_anothers_photo(asked, sam):
    """Sam answering for Pat's photo gets NotFound and changes nothing."""
    with pytest.raises(NotFound, match="1001"):
        consent_grant(item("1001"), by=sam)

    assert item("1001").status == "pending"


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_nobody_but_the_photographer_can_answer(asked, organisation, who):
    """Neither the organisation's staff nor a foundation admin can answer for the owner."""
    user = make_membership(organisation).user if who == "staff" else make_foundation_admin()

    with pytest.raises(NotFound):
        consent_refuse(item("1001"), by=user)


def test_a_photo_cannot_be_answered_twice(asked, pat):
    """A second answer is a wrong-state error (409); the first one stands."""
    consent_grant(item("1001"), by=pat)

    with pytest.raises(InvalidTransition, match="already granted"):
        consent_refuse(item("1001"), by=pat)
    assert item("1001").status == "granted"


def test_an_answer_after_the_deadline_is_refused(asked, pat, frozen_clock):
    """Once the window has closed, answering is a wrong-state error."""
    frozen_clock.move_to(asked.deadline + timedelta(minutes=1))

    with pytest.raises(InvalidTransition, match="time to answer ended"):
        consent_grant(item("1001"), by=pat)


def test_an_answer_for_a_withdrawn_lifeboat_is_not_needed(lifeboat, asked, pat):
    """Withdrawn lifeboats need no answer: wrong-state error."""
    type(lifeboat).objects.filter(pk=lifeboat.pk).update(status="withdrawn")

    with pytest.raises(InvalidTransition, match="no longer needed"):
        consent_grant(item("1001"), by=pat)


def test_a_too_long_message_is_refused(asked, pat):
    """A message over the limit is a clear error, and nothing is recorded."""
    with pytest.raises(PortalError, match=str(consent.MESSAGE_MAX_LENGTH)):
        consent_grant(item("1001"), by=pat, message="x" * (consent.MESSAGE_MAX_LENGTH + 1))

    assert item("1001").status == "pending"


# --- The window ----------------------------------------------------------------------------------


def test_an_expired_window_excludes_unanswered_photos(lifeboat, asked, pat, frozen_clock):
    """At the deadline, unanswered photos expire and leave the index with `consent_expired`."""
    consent_grant(item("1001"), by=pat)
    frozen_clock.move_to(asked.deadline)

    expired = consent_expire_due()

    assert expired == 2  # Pat's 1002 and Sam's 2001
    assert item("1002").status == "expired"
    assert item("1002").decided_by is None
    assert index_row(lifeboat, "1002") == ("excluded", "consent_expired")
    assert index_row(lifeboat, "1001") == ("pending", "")
    assert ConsentRequest.objects.filter(closed_at__isnull=True).count() == 0


def test_nothing_expires_before_the_deadline(asked, frozen_clock):
    """A minute before the deadline, every photo still waits."""
    frozen_clock.move_to(asked.deadline - timedelta(minutes=1))

    assert consent_expire_due() == 0
    assert item("1001").status == "pending"


def test_a_reminder_is_sent_once_before_the_deadline(asked, pat, frozen_clock):
    """Within REMINDER_DAYS_BEFORE of the deadline, one reminder; the next run sends none."""
    frozen_clock.move_to(asked.deadline - timedelta(days=consent.REMINDER_DAYS_BEFORE - 1))

    assert consent_send_reminders() == 1
    assert consent_send_reminders() == 0
    reminders = Notification.objects.filter(recipient=pat, kind="consent_reminder")
    assert reminders.count() == 1
    assert "2 of your photos" in reminders.get().subject


def test_no_reminder_early_in_the_window(asked):
    """Right after the request, no reminder is due."""
    assert consent_send_reminders() == 0


def test_no_reminder_once_everything_is_answered(asked, pat, frozen_clock):
    """A closed request is not reminded."""
    consent_grant(item("1001"), by=pat)
    consent_grant(item("1002"), by=pat)
    frozen_clock.move_to(asked.deadline - timedelta(days=1))

    assert consent_send_reminders() == 0
    assert not Notification.objects.filter(recipient=pat, kind="consent_reminder").exists()


def test_the_schedules_are_created_once(db):
    """ensure_consent_schedules is idempotent: one schedule per task, however often it runs."""
    from django_q.models import Schedule

    ensure_consent_schedules()
    ensure_consent_schedules()

    funcs = Schedule.objects.filter(func__startswith="legal.consent.").values_list("func")
    assert sorted(f for (f,) in funcs) == [
        "legal.consent.consent_expire_due",
        "legal.consent.consent_send_reminders",
    ]


# --- What the lifeboats app reads -----------------------------------------------------------------


def test_consent_for_a_photo_that_needed_none(lifeboat, asked):
    """Openly licensed photos: not required."""
    assert consent_for_photo(lifeboat.pk, "2002") == {
        "required": False,
        "status": "not_required",
        "decidedAt": None,
    }


def test_consent_for_a_pending_photo(lifeboat, asked):
    """Asked, not answered yet."""
    assert consent_for_photo(lifeboat.pk, "1001") == {
        "required": True,
        "status": "pending",
        "decidedAt": None,
    }


def test_consent_for_a_granted_photo_carries_the_date(lifeboat, asked, pat):
    """Granted: the decision time in ISO 8601, as the package writes it."""
    consent_grant(item("1001"), by=pat)

    assert consent_for_photo(lifeboat.pk, "1001") == {
        "required": True,
        "status": "granted",
        "decidedAt": NOW.isoformat(),
    }
    assert consent_by_photo(lifeboat.pk)["1001"] == consent_for_photo(lifeboat.pk, "1001")


def test_the_summary_counts_every_outcome(lifeboat, asked, pat, frozen_clock):
    """Counts by status, photos needing none, photographers to contact on Flickr."""
    consent_grant(item("1001"), by=pat)
    consent_refuse(item("1002"), by=pat)
    frozen_clock.move_to(asked.deadline)
    consent_expire_due()

    summary = consent_summary(lifeboat)

    assert {key: summary[key] for key in ("required", "granted", "refused", "expired")} == {
        "required": 3,
        "granted": 1,
        "refused": 1,
        "expired": 1,
    }
    assert summary["pending"] == 0
    assert summary["notRequired"] == 1
    assert summary["photographers"] == 2
    assert summary["photographersWithoutAccount"] == [SAM]
    assert summary["deadline"] is None


def test_the_build_may_start_only_when_no_consent_is_pending(lifeboat, asked, pat, sam):
    """build_may_start turns true with the last answer."""
    consent_grant(item("1001"), by=pat)
    consent_grant(item("1002"), by=pat)
    assert not consent.build_may_start(lifeboat)

    consent_refuse(item("2001"), by=sam)

    assert consent.build_may_start(lifeboat)
    assert pending_consent_count(lifeboat) == 0


def test_a_lifeboat_not_yet_approved_is_not_built_when_consent_settles(lifeboat, asked):
    """Only approved lifeboats are queued once their consent has settled."""
    ConsentItem.objects.filter(request__lifeboat=lifeboat).update(status="granted", decided_at=NOW)

    assert consent.start_builds_waiting_for_consent([lifeboat.pk]) == []


# --- The photographer's page ----------------------------------------------------------------------


def test_the_photographer_sees_the_request(client, asked, pat):
    """Lifeboat, organisation, purpose, README answers, each photo with a thumbnail, deadline."""
    client.force_login(pat)

    response = client.get(asked.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Harbour Lights" in page
    assert "Harbour Archive" in page
    assert "To keep these photos safe for future readers." in page
    assert "The captions were written by the photographers." in page
    assert "live.staticflickr.com/1/1001_secret_t.jpg" in page
    assert "1002_secret_t.jpg" in page
    assert "2001_secret_t.jpg" not in page
    assert asked.deadline.strftime("%Y-%m-%d") in page


def test_readme_answers_are_rendered_safely(client, lifeboat, asked, pat):
    """Markdown is rendered; script is stripped."""
    type(lifeboat).objects.filter(pk=lifeboat.pk).update(
        readme_usage="**Bold** <script>alert(1)</script>"
    )
    client.force_login(pat)

    page = client.get(asked.get_absolute_url()).content.decode()

    assert "<strong>Bold</strong>" in page
    assert "alert(1)" not in page


@pytest.mark.parametrize("who", ["other photographer", "staff", "admin"])
def test_the_request_page_is_404_for_anyone_else(client, asked, organisation, sam, who):
    """Another photographer, the organisation's staff and admins all get 404."""
    users = {
        "other photographer": lambda: sam,
        "staff": lambda: make_membership(organisation).user,
        "admin": make_foundation_admin,
    }
    client.force_login(users[who]())

    assert client.get(asked.get_absolute_url()).status_code == 404


def answer_url(request: ConsentRequest, photo_id: str) -> str:
    return reverse("legal:consent_answer", kwargs={"pk": request.pk, "item_pk": item(photo_id).pk})


def test_answering_from_the_page_records_the_decision(client, lifeboat, asked, pat):
    """The form posts grant or refuse with a message, then returns to the request."""
    client.force_login(pat)

    response = client.post(
        answer_url(asked, "1002"), {"decision": "refuse", "message": "Private family photo."}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"{asked.get_absolute_url()}#photo-1002")
    assert item("1002").message == "Private family photo."
    assert index_row(lifeboat, "1002") == ("excluded", "consent_refused")


def test_answering_with_htmx_returns_the_updated_card(client, asked, pat):
    """With htmx, the answer swaps in the photo's card showing the decision."""
    client.force_login(pat)

    response = client.post(answer_url(asked, "1001"), {"decision": "grant"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="photo-1001"' in response.content.decode()
    assert "Included with your consent" in response.content.decode()


def test_answering_anothers_photo_from_the_page_is_404(client, asked, sam):
    """Posting to another photographer's request is 404 and records nothing."""
    client.force_login(sam)

    response = client.post(answer_url(asked, "1001"), {"decision": "grant"})

    assert response.status_code == 404
    assert item("1001").status == "pending"


def test_the_list_shows_the_photographers_requests(client, asked, pat):
    """The photographer's list counts the photos waiting for an answer."""
    client.force_login(pat)

    page = client.get(reverse("legal:consent_requests")).content.decode()

    assert "Harbour Lights" in page
    assert "2 to answer" in page


def test_an_approved_lifeboat_is_queued_once_consent_settles(
    organisation, pat, django_capture_on_commit_callbacks
):
    """The last answer on an approved lifeboat waiting only for consent queues its build."""
    lifeboat = make_lifeboat(organisation, status="approved", photos=0)
    add_photo(lifeboat, PAT, photo_id="3001")
    add_photo(lifeboat, PAT, photo_id="3002")
    review(lifeboat, django_capture_on_commit_callbacks)
    queued: list = []

    consent_grant(item("3001"), by=pat)
    assert consent.start_builds_waiting_for_consent([lifeboat.pk], enqueue=queued.append) == []
    consent_refuse(item("3002"), by=pat)
    assert consent.start_builds_waiting_for_consent([lifeboat.pk], enqueue=queued.append) == [
        lifeboat.pk
    ]
    assert queued == [lifeboat.pk]


def test_every_answer_checks_for_a_waiting_build_after_commit(
    lifeboat, asked, pat, django_capture_on_commit_callbacks
):
    """An answer registers the build check for its lifeboat, to run after commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        consent_grant(item("1001"), by=pat)

    checks = [
        c for c in callbacks if getattr(c, "func", None) is consent.start_builds_waiting_for_consent
    ]
    assert [c.args for c in checks] == [([lifeboat.pk],)]


def test_the_list_says_when_an_answer_is_no_longer_needed(client, lifeboat, asked, pat):
    """A withdrawn lifeboat's request is not shown as waiting for an answer."""
    type(lifeboat).objects.filter(pk=lifeboat.pk).update(status="withdrawn")
    client.force_login(pat)

    page = client.get(reverse("legal:consent_requests")).content.decode()

    assert "No longer needed" in page
    assert "to answer</span>" not in page
